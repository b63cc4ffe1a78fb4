"""Property tests of sync: random edit sequences on two and three laptops, through the real
use cases on real files, bundles exchanged in random orders; in the end every replica holds
the same rows, column for column.

Nothing is left out of the comparison: every column of every synced table, bookkeeping
included (updated_at, device_id, clocks). Only the `meta` table differs, by design: it holds
each laptop's own device id."""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from helpers.laptops import SharedTime, live_ids, open_laptop, synced_dump
from portfolio_tui.errors import USER_ERRORS
from portfolio_tui.service import Portfolio

NAMES = ("Boulangerie Martin", "Garage Petit", "Atelier Roux", "Imprimerie Morel")
TEXT_FIELDS = {
    "city": ("Lyon", "Brest", "Nantes", ""),
    "sector": ("Industrie", "BTP", ""),
    "notes": ("Rappeler", "Devis envoyé", ""),
    "tags": ("vip", "export,vip", ""),
    "potential": ("12 000", "3 500", ""),
    "name": NAMES,
}
STAGES = ("suspect", "cold", "warm", "hot", "client", "lost")
KINDS = ("call", "visit", "email")

pick = st.integers(0, 10_000)  # which of the replica's live rows, modulo their count
ops = st.one_of(
    st.tuples(st.just("add_account"), st.sampled_from(NAMES)),
    st.tuples(st.just("edit"), pick, st.sampled_from(sorted(TEXT_FIELDS)), st.integers(0, 3)),
    st.tuples(st.just("add_contact"), pick, st.sampled_from(("Claire", "Hugo", "Léa"))),
    st.tuples(st.just("delete"), pick),
    st.tuples(st.just("log"), pick, st.sampled_from(KINDS)),
    st.tuples(st.just("stage"), pick, st.sampled_from(STAGES)),
    st.tuples(st.just("follow_up"), pick),
    st.tuples(st.just("complete"), pick),
    st.tuples(st.just("sale"), pick, st.integers(1, 5000)),
    st.tuples(st.just("undo")),
)
# A step: laptop i does an op; or laptop i sends a bundle (full, or of the last few
# seconds) to laptop j; or time jumps.
steps = st.one_of(
    st.tuples(st.just("do"), st.integers(0, 2), ops),
    st.tuples(st.just("do"), st.integers(0, 2), ops),
    st.tuples(st.just("do"), st.integers(0, 2), ops),
    st.tuples(st.just("send"), st.integers(0, 2), st.integers(0, 2), st.none() | st.integers(0, 6)),
    st.tuples(st.just("wait"), st.integers(1, 3 * 86400)),
)


def _picked(pf: Portfolio, table: str, index: int) -> str | None:
    ids = live_ids(pf, table)
    return ids[index % len(ids)] if ids else None


def _open_follow_up(pf: Portfolio, index: int) -> str | None:
    with pf.db.raw() as conn:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM followup WHERE deleted_at IS NULL AND done_at IS NULL ORDER BY id"
            )
        ]
    return ids[index % len(ids)] if ids else None


def do(pf: Portfolio, op: tuple) -> None:
    """One use case, as a rep would run it; refusals (a deleted account, a stage the account
    already has) are part of the game."""
    kind, *args = op
    account = _picked(pf, "account", args[0]) if args and isinstance(args[0], int) else None
    try:
        if kind == "add_account":
            pf.routine.add_account(args[0])
        elif kind == "undo":
            pf.undo()
        elif kind == "complete":
            follow_up = _open_follow_up(pf, args[0])
            if follow_up:
                pf.routine.complete_follow_up(follow_up, outcome="fait")
        elif account is None:
            return
        elif kind == "edit":
            field, choice = args[1], args[2]
            values = TEXT_FIELDS[field]
            pf.routine.edit_account(account, **{field: values[choice % len(values)]})
        elif kind == "add_contact":
            pf.routine.add_contact(account, args[1])
        elif kind == "delete":
            pf.routine.delete_account(account)
        elif kind == "log":
            pf.routine.log_interaction(args[1], account, "échange")
        elif kind == "stage":
            pf.routine.move_stage(account, args[1])
        elif kind == "follow_up":
            pf.routine.schedule_follow_up(account, "Relancer", "+2d")
        elif kind == "sale":
            pf.routine.record_sale(account, date(2026, 11, 20), args[1] * 100)
    except USER_ERRORS:
        pass


def send(source: Portfolio, target: Portfolio, folder: Path, since_seconds: int | None, time):
    since = None if since_seconds is None else time.now - timedelta(seconds=since_seconds)
    path = folder / f"{source.device_id}-{random.getrandbits(48):x}.pfbundle"
    source.bundles.export_bundle(path, since=since)
    _note(target.bundles.sync([path]))


def _note(report) -> None:
    """Tell `--hypothesis-show-statistics` which cases the examples reached."""
    for file in report.files:
        if file.conflicts:
            event("a conflict was resolved")
        if file.orphans:
            event("a row waited for its parent")
        if any(t.updated for t in file.tallies.values()):
            event("a row was updated")


def start_together(laptops: list[Portfolio], folder: Path, time: SharedTime) -> None:
    """The first laptop's accounts on every laptop, so that they have something to disagree
    on from the start."""
    first = laptops[0]
    for name in NAMES[:2]:
        account = first.routine.add_account(name)
        first.routine.add_contact(account, "Claire")
    for other in laptops[1:]:
        send(first, other, folder, None, time)


def converge(laptops: list[Portfolio], folder: Path, rng: random.Random) -> None:
    """Each laptop exports everything, then merges the others' bundles in a random order."""
    bundles = [
        pf.bundles.export_bundle(folder / f"final-{pf.device_id}.pfbundle").path for pf in laptops
    ]
    for i, pf in enumerate(laptops):
        others = [b for j, b in enumerate(bundles) if j != i]
        rng.shuffle(others)
        if rng.random() < 0.5:
            _note(pf.bundles.sync(others))
        else:
            for bundle in others:
                _note(pf.bundles.sync([bundle]))


@settings(
    max_examples=35,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    n=st.sampled_from([2, 3]),
    skews=st.lists(st.sampled_from([-2, -1, 0, 1, 2]), min_size=3, max_size=3),
    script=st.lists(steps, min_size=5, max_size=40),
    rng=st.randoms(use_true_random=False),
)
def test_laptops_that_exchange_bundles_end_with_identical_data(n, skews, script, rng) -> None:
    time = SharedTime()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Clocks a little off from one another: two laptops may stamp the same instant.
        laptops = [
            open_laptop(folder / f"{i}.db", f"dev{i}", time.clock(skews[i])) for i in range(n)
        ]
        try:
            start_together(laptops, folder, time)
            for step in script:
                time.advance(1)
                if step[0] == "do":
                    do(laptops[step[1] % n], step[2])
                elif step[0] == "send" and step[1] % n != step[2] % n:
                    send(laptops[step[1] % n], laptops[step[2] % n], folder, step[3], time)
                elif step[0] == "wait":
                    time.advance(step[1])
            converge(laptops, folder, rng)
            dumps = [synced_dump(pf.path) for pf in laptops]
            for other in dumps[1:]:
                for table in dumps[0]:
                    assert other[table] == dumps[0][table], table
            # Once converged, another round finds nothing to do.
            final = laptops[0].bundles.export_bundle(folder / "again.pfbundle").path
            for pf in laptops[1:]:
                assert not pf.bundles.sync([final]).changed
        finally:
            for pf in laptops:
                pf.close()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    script=st.lists(st.tuples(st.integers(0, 2), ops), min_size=3, max_size=25),
    shared_first=st.booleans(),
)
def test_two_bundles_merge_the_same_in_either_order_and_twice(script, shared_first) -> None:
    time = SharedTime()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        laptops = [open_laptop(folder / f"{i}.db", f"dev{i}", time.clock()) for i in range(3)]
        try:
            if shared_first:
                start_together(laptops, folder, time)
            else:
                laptops[0].routine.add_account(NAMES[0])
            for who, op in script:
                time.advance(1)
                do(laptops[who], op)
            bundle_a = laptops[0].bundles.export_bundle(folder / "a.pfbundle").path
            bundle_b = laptops[1].bundles.export_bundle(folder / "b.pfbundle").path
        finally:
            for pf in laptops:
                pf.close()
        target = folder / "2.db"
        copies = []
        for name, order in (("ab", [bundle_a, bundle_b]), ("ba", [bundle_b, bundle_a])):
            copy = folder / f"{name}.db"
            copy.write_bytes(target.read_bytes())
            with open_laptop(copy, "dev2", time.clock()) as pf:
                for bundle in order:
                    pf.bundles.sync([bundle])
                after = synced_dump(copy)
                for bundle in order:  # idempotent: the same files again change nothing
                    assert not pf.bundles.sync([bundle]).changed
                assert synced_dump(copy) == after
            copies.append(after)
        assert copies[0] == copies[1]
