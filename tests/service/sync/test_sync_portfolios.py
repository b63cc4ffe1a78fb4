"""Export and sync through the Portfolio service, between real portfolio files."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from helpers.laptops import SharedTime, live_ids, open_laptop, row_of, synced_dump
from portfolio_tui.errors import NotFound, UserError
from portfolio_tui.formats.bundle import BundleError, BundleHeader, write_bundle
from portfolio_tui.service import Portfolio
from portfolio_tui.store.sync_queries import TABLES

from conftest import FIXED_NOW, db_dump


@pytest.fixture
def time() -> SharedTime:
    return SharedTime()


@pytest.fixture
def laptops(tmp_path: Path, time: SharedTime) -> Iterator[tuple[Portfolio, Portfolio]]:
    """Laptop A (device "aaaa") and laptop B (device "bbbb"), both empty."""
    a = open_laptop(tmp_path / "a.db", "aaaa", time.clock())
    b = open_laptop(tmp_path / "b.db", "bbbb", time.clock())
    yield a, b
    a.close()
    b.close()


def send(source: Portfolio, target: Portfolio, name: str | None = None):
    """Export a full bundle from `source` and sync it into `target`; returns the report."""
    path = source.path.with_name(name or f"{source.device_id}-{target.device_id}.pfbundle")
    source.bundles.export_bundle(path)
    return target.bundles.sync([path])


def tallies(report, table: str) -> tuple[int, int, int]:
    [file] = report.files
    t = file.tallies[table]
    return t.inserted, t.updated, t.unchanged


def bundle_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()]


def shared_account(a: Portfolio, b: Portfolio, time: SharedTime, **fields) -> str:
    account = a.routine.add_account("Boulangerie Dupont", city="Lyon", **fields)
    time.advance(60)
    send(a, b)
    return account


# --- export ---------------------------------------------------------------------------------


def test_export_writes_a_header_and_every_row(portfolio: Portfolio, tmp_path: Path) -> None:
    summary = portfolio.bundles.export_bundle(tmp_path / "all.pfbundle")
    lines = bundle_lines(summary.path)
    header, rows, trailer = lines[0], lines[1:-1], lines[-1]
    assert header["format"] == "portfolio-tui-bundle"
    assert header["version"] == 1
    assert header["device_id"] == portfolio.device_id
    assert datetime.fromisoformat(header["exported_at"]) == FIXED_NOW
    assert header["since"] is None
    with portfolio.db.raw() as conn:
        stored = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    assert header["counts"] == stored == summary.counts
    assert summary.rows == len(rows) == trailer["rows"]
    assert summary.size == summary.path.stat().st_size
    # Parents come first: accounts, contacts, products, then the rest.
    order = [r["table"] for r in rows]
    assert order == sorted(order, key=TABLES.index)
    assert {r["table"] for r in rows} == {t for t, n in stored.items() if n}


def test_export_since_carries_only_what_was_written_since(laptops, time) -> None:
    a, _ = laptops
    old = a.routine.add_account("Ancien client")
    untouched = a.routine.add_account("Jamais modifié")
    time.advance(3 * 86400)
    a.routine.edit_account(old, city="Brest")
    new = a.routine.add_account("Nouveau prospect")
    day = (time.now - timedelta(days=1)).date()
    summary = a.bundles.export_bundle(a.path.with_name("since.pfbundle"), since=day)
    rows = bundle_lines(summary.path)[1:-1]
    accounts = {r["row"][0] for r in rows if r["table"] == "account"}
    assert accounts == {old, new}
    assert untouched not in {r["row"][0] for r in rows}
    assert summary.counts["stagechange"] == 1  # the new account's first stage
    header = bundle_lines(summary.path)[0]
    assert datetime.fromisoformat(header["since"]) == datetime(
        day.year, day.month, day.day, tzinfo=a.tz
    )
    # An instant works too: only what was written at or after it.
    later = a.bundles.export_bundle(
        a.path.with_name("later.pfbundle"), since=time.now + timedelta(1)
    )
    assert later.rows == 0


def test_export_names_the_file_after_the_device_and_the_time(laptops, tmp_path, monkeypatch):
    a, _ = laptops
    monkeypatch.chdir(tmp_path)
    summary = a.bundles.export_bundle()
    assert summary.path == tmp_path / "aaaa-20261123T073000Z.pfbundle"
    assert summary.path.exists()
    folder = tmp_path / "outbox"
    folder.mkdir()
    assert a.bundles.export_bundle(folder).path == folder / "aaaa-20261123T073000Z.pfbundle"


# --- merging --------------------------------------------------------------------------------


def test_a_new_laptop_receives_everything_parents_first(portfolio: Portfolio, tmp_path) -> None:
    bundle = portfolio.bundles.export_bundle(tmp_path / "all.pfbundle")
    time = SharedTime()
    with open_laptop(tmp_path / "new.db", "cccc", time.clock()) as fresh:
        report = fresh.bundles.sync([bundle.path])
        [file] = report.files
        assert {t: c.inserted for t, c in file.tallies.items()} == bundle.counts
        assert not file.conflicts and not file.orphans
    assert synced_dump(tmp_path / "new.db") == synced_dump(portfolio.path)


def test_edits_of_different_fields_on_two_laptops_both_survive(laptops, time) -> None:
    a, b = laptops
    account = shared_account(a, b, time)
    a.routine.edit_account(account, city="Villeurbanne")
    time.advance()
    b.routine.edit_account(account, sector="Agroalimentaire", notes="Livraison le mardi")
    ab = send(a, b)
    ba = send(b, a)
    for pf in (a, b):
        card = pf.resolve_account(account)
        assert (card.city, card.sector, card.notes) == (
            "Villeurbanne",
            "Agroalimentaire",
            "Livraison le mardi",
        )
    assert ab.files[0].conflicts == [] and ba.files[0].conflicts == []
    assert synced_dump(a.path) == synced_dump(b.path)


def test_the_same_field_keeps_the_later_edit_and_reports_the_conflict(laptops, time) -> None:
    a, b = laptops
    account = shared_account(a, b, time)
    b.routine.edit_account(account, city="Grenoble")
    time.advance(5)
    a.routine.edit_account(account, city="Annecy")  # later, though synced first
    to_a = send(b, a)
    to_b = send(a, b)
    assert a.resolve_account(account).city == b.resolve_account(account).city == "Annecy"
    [kept] = to_a.files[0].conflicts
    assert (kept.table, kept.row_id, kept.label, kept.field) == (
        "account",
        account,
        "Boulangerie Dupont",
        "city",
    )
    assert (kept.local_value, kept.incoming_value, kept.winner) == ("Annecy", "Grenoble", "local")
    assert kept.winning_device == "aaaa"
    [taken] = to_b.files[0].conflicts
    assert (taken.local_value, taken.incoming_value, taken.winner) == (
        "Grenoble",
        "Annecy",
        "incoming",
    )
    assert tallies(to_a, "account") == (0, 0, 1)
    assert tallies(to_b, "account") == (0, 1, 0)
    assert synced_dump(a.path) == synced_dump(b.path)


def test_edits_at_the_same_instant_are_settled_by_device_id(laptops, time) -> None:
    a, b = laptops
    account = shared_account(a, b, time)
    a.routine.edit_account(account, city="Annecy")
    b.routine.edit_account(account, city="Grenoble")  # same clock reading: "bbbb" > "aaaa" wins
    send(a, b)
    send(b, a)
    assert a.resolve_account(account).city == b.resolve_account(account).city == "Grenoble"
    assert synced_dump(a.path) == synced_dump(b.path)


def test_a_deletion_travels_as_a_tombstone_and_a_later_edit_does_not_revive(laptops, time):
    a, b = laptops
    account = shared_account(a, b, time)
    contact = a.routine.add_contact(account, "Claire Martin")
    send(a, b)
    time.advance()
    a.routine.delete_account(account)
    time.advance()
    b.routine.edit_account(account, notes="Rappeler en janvier")  # B has not heard of the deletion
    send(a, b)
    send(b, a)
    for pf in (a, b):
        with pytest.raises(NotFound):
            pf.resolve_account(account)
        row = row_of(pf, "account", account)
        assert row["deleted_at"] is not None
        assert row["notes"] == "Rappeler en janvier"
        assert contact in live_ids(pf, "contact")  # rows are never removed
    assert synced_dump(a.path) == synced_dump(b.path)


def test_an_undone_deletion_travels_too(laptops, time) -> None:
    a, b = laptops
    account = shared_account(a, b, time)
    a.routine.delete_account(account)
    send(a, b)
    time.advance()
    assert a.undo() is not None
    send(a, b)
    assert b.resolve_account(account).name == "Boulangerie Dupont"


def test_calls_sales_and_stage_moves_add_up_and_the_stage_takes_the_later_move(laptops, time):
    a, b = laptops
    account = shared_account(a, b, time)
    a.routine.log_interaction("call", account, "Point sur le devis")
    a.routine.record_sale(account, date(2026, 11, 20), 120_000)
    a.routine.move_stage(account, "cold")
    time.advance()
    b.routine.log_interaction("visit", account, "Visite de l'atelier")
    b.routine.record_sale(account, date(2026, 11, 21), 80_000)
    b.routine.move_stage(account, "warm")
    send(a, b)
    send(b, a)
    for pf in (a, b):
        assert len(live_ids(pf, "interaction")) == 2
        assert len(live_ids(pf, "sale")) == 2
        moves = {row_of(pf, "stagechange", i)["to_stage"] for i in live_ids(pf, "stagechange")}
        assert moves == {"suspect", "cold", "warm"}
        assert pf.resolve_account(account).stage == "warm"
    assert synced_dump(a.path) == synced_dump(b.path)


def test_a_deleted_call_stays_deleted_on_the_other_laptop(laptops, time) -> None:
    a, b = laptops
    account = shared_account(a, b, time)
    logged = a.routine.log_interaction("call", account, "Appel de courtoisie")
    send(a, b)
    time.advance()
    a.undo()  # the log is undone: the call is tombstoned
    send(a, b)
    assert row_of(b, "interaction", logged.interaction_id)["deleted_at"] is not None


def test_the_same_bundle_twice_changes_nothing(laptops, time) -> None:
    a, b = laptops
    account = shared_account(a, b, time)
    b.routine.edit_account(account, city="Grenoble")
    time.advance()
    a.routine.edit_account(account, city="Annecy", notes="x")
    a.routine.log_interaction("call", account, "Relance")
    bundle = a.bundles.export_bundle(a.path.with_name("a.pfbundle")).path
    first = b.bundles.sync([bundle])
    assert first.changed and first.backup is not None
    before = db_dump(b.path)
    again = b.bundles.sync([bundle])
    assert not again.changed
    assert again.backup is None
    for tally in again.files[0].tallies.values():
        assert tally.inserted == tally.updated == 0
    assert db_dump(b.path) == before


def test_the_order_of_two_bundles_does_not_matter(tmp_path: Path, time: SharedTime) -> None:
    a = open_laptop(tmp_path / "a.db", "aaaa", time.clock())
    b = open_laptop(tmp_path / "b.db", "bbbb", time.clock(skew=2))
    c = open_laptop(tmp_path / "c.db", "cccc", time.clock(skew=-3))
    account = a.routine.add_account("Garage Petit", city="Rennes")
    send(a, b)
    send(a, c)
    time.advance()
    a.routine.edit_account(account, city="Vannes")
    b.routine.edit_account(account, city="Lorient", notes="b")
    c.routine.edit_account(account, notes="c")
    b.routine.add_contact(account, "Julien Roux")
    bundle_a = a.bundles.export_bundle(tmp_path / "a.pfbundle").path
    bundle_b = b.bundles.export_bundle(tmp_path / "b.pfbundle").path
    c.close()
    copies = [tmp_path / f"c{i}.db" for i in range(4)]
    for copy in copies:
        shutil.copy(tmp_path / "c.db", copy)
    orders = (
        ([bundle_a], [bundle_b]),
        ([bundle_b], [bundle_a]),
        ([bundle_a, bundle_b],),
        ([bundle_b, bundle_a],),
    )
    for copy, calls in zip(copies, orders, strict=True):
        with open_laptop(copy, "cccc", time.clock()) as replica:
            for bundles in calls:
                replica.bundles.sync(bundles)
    dumps = [synced_dump(copy) for copy in copies]
    assert dumps[0] == dumps[1] == dumps[2] == dumps[3]
    a.close()
    b.close()


def test_laptops_that_exchange_both_ways_end_identical(portfolio: Portfolio, tmp_path, time):
    b = open_laptop(tmp_path / "b.db", "bbbb", time.clock())
    send(portfolio, b)
    accounts = live_ids(b, "account")[:5]
    for i, account in enumerate(accounts):
        b.routine.edit_account(account, notes=f"note {i}")
        portfolio.routine.edit_account(account, city=f"Ville {i}")
    b.routine.move_stage(accounts[0], "lost")
    portfolio.routine.log_interaction("call", accounts[1], "Appel")
    portfolio.routine.delete_account(accounts[2])
    send(portfolio, b)
    send(b, portfolio)
    assert synced_dump(portfolio.path) == synced_dump(b.path)
    b.close()


# --- safety ---------------------------------------------------------------------------------


def test_a_backup_is_taken_before_writing(laptops, time) -> None:
    a, b = laptops
    b.routine.add_account("Chez B")
    a.routine.add_account("Chez A")
    before = synced_dump(b.path)
    report = send(a, b)
    assert report.backup == b.path.with_name("b.sync-20261123T073000.bak")
    assert synced_dump(report.backup) == before
    assert report.backup.stat().st_mode & 0o777 == 0o600


def test_a_bundle_with_nothing_new_takes_no_backup_and_writes_nothing(laptops, time) -> None:
    a, b = laptops
    shared_account(a, b, time)
    report = send(a, b)
    assert report.backup is None and not report.changed
    assert len(list(b.path.parent.glob("b.sync-*.bak"))) == 1  # the first sync's only


def test_syncing_our_own_bundle_changes_nothing(laptops, time) -> None:
    a, _ = laptops
    a.routine.add_account("Moi")
    report = send(a, a)
    assert report.files[0].own and not report.changed


def test_undo_history_is_dropped_once_a_sync_wrote(laptops, time) -> None:
    a, b = laptops
    b.routine.add_account("Chez B")
    a.routine.add_account("Chez A")
    assert b.can_undo
    send(a, b)
    assert not b.can_undo


def test_progress_is_reported(portfolio: Portfolio, tmp_path: Path, time) -> None:
    bundle = portfolio.bundles.export_bundle(tmp_path / "all.pfbundle")
    seen: list[tuple[int, int]] = []
    with open_laptop(tmp_path / "new.db", "cccc", time.clock()) as fresh:
        fresh.bundles.sync([bundle.path], progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (bundle.rows, bundle.rows)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


# --- bad files: refused before anything is written ------------------------------------------


def _rewrite(path: Path, edit) -> None:
    lines = gzip.decompress(path.read_bytes()).splitlines(keepends=True)
    lines = edit(lines[:-1])
    digest = hashlib.sha256(b"".join(lines)).hexdigest()
    trailer = json.dumps({"trailer": True, "rows": len(lines) - 1, "sha256": digest})
    path.write_bytes(gzip.compress(b"".join([*lines, trailer.encode() + b"\n"])))


def _set_header(**changes):
    def edit(lines):
        header = json.loads(lines[0])
        header.update(changes)
        return [json.dumps(header).encode() + b"\n", *lines[1:]]

    return edit


def _replace_row(table: str, column: str, value):
    def edit(lines):
        header = json.loads(lines[0])
        at = header["columns"][table].index(column)
        for i, line in enumerate(lines[1:], start=1):
            item = json.loads(line)
            if item["table"] == table:
                item["row"][at] = value
                lines[i] = json.dumps(item).encode() + b"\n"
                break
        return lines

    return edit


def _drop_column(table: str, column: str):
    def edit(lines):
        header = json.loads(lines[0])
        at = header["columns"][table].index(column)
        del header["columns"][table][at]
        out = [json.dumps(header).encode() + b"\n"]
        for line in lines[1:]:
            item = json.loads(line)
            if item["table"] == table:
                del item["row"][at]
            out.append(json.dumps(item).encode() + b"\n")
        return out

    return edit


BAD_FILES = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) * 2 // 3]),
    "csv": lambda p: p.write_text("Raison sociale;Ville\nDupont;Lyon\n", encoding="utf-8"),
    "other-format": lambda p: _rewrite(p, _set_header(format="acme-crm-export")),
    "newer-version": lambda p: _rewrite(p, _set_header(version=2)),
    "altered": lambda p: p.write_bytes(
        gzip.compress(gzip.decompress(p.read_bytes()).replace(b"Lyon", b"Lyom"))
    ),
    "empty-name": lambda p: _rewrite(p, _replace_row("account", "name", None)),
    "bad-clock": lambda p: _rewrite(p, _replace_row("account", "clocks", '{"name": "hier"}')),
    "list-value": lambda p: _rewrite(p, _replace_row("account", "city", ["Lyon"])),
    "list-id": lambda p: _rewrite(p, _replace_row("contact", "id", ["c1"])),
    "number-id": lambda p: _rewrite(p, _replace_row("account", "id", 12)),
    "missing-column": lambda p: _rewrite(p, _drop_column("contact", "email")),
    "miscounted": lambda p: _rewrite(
        p, _set_header(counts={"account": 31, "contact": 29, "stagechange": 30})
    ),
    "unknown-table": lambda p: _rewrite(
        p, lambda lines: [*lines, b'{"table": "invoice", "row": []}\n']
    ),
}


@pytest.mark.parametrize("damage", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_bundle_is_refused_and_the_database_stays_byte_identical(
    tmp_path: Path, time: SharedTime, damage
) -> None:
    a = open_laptop(tmp_path / "a.db", "aaaa", time.clock())
    for i in range(30):
        account = a.routine.add_account(f"Client {i}", city="Lyon")
        a.routine.add_contact(account, f"Contact {i}", email=f"c{i}@example.fr")
    good = a.bundles.export_bundle(tmp_path / "good.pfbundle").path
    bad = tmp_path / "bad.pfbundle"
    shutil.copy(good, bad)
    damage(bad)
    a.close()
    b = open_laptop(tmp_path / "b.db", "bbbb", time.clock())
    b.routine.add_account("Déjà là")
    b.close()
    before = (tmp_path / "b.db").read_bytes()
    with open_laptop(tmp_path / "b.db", "bbbb", time.clock()) as b:
        with pytest.raises(UserError) as caught:
            b.bundles.sync([good, bad])  # the good one first: still nothing may be written
        assert str(bad) in str(caught.value)
    assert (tmp_path / "b.db").read_bytes() == before
    assert list(tmp_path.glob("*.bak")) == []


def test_errors_name_the_line_of_a_bad_row(laptops, time) -> None:
    a, b = laptops
    a.routine.add_account("Un")
    a.routine.add_account("Deux")
    path = a.bundles.export_bundle(a.path.with_name("x.pfbundle")).path
    _rewrite(path, _replace_row("account", "name", None))
    named = r"x\.pfbundle: account\.name of [0-9a-f-]{36}: must not be empty \(line 2\)"
    with pytest.raises(BundleError, match=named):
        b.bundles.sync([path])


# --- rows whose parents are elsewhere -------------------------------------------------------


def test_a_child_listed_before_its_parent_still_goes_in(laptops, time) -> None:
    a, b = laptops
    referrer_later = a.routine.add_account("Parrainé")
    referrer = a.routine.add_account("Parrain")
    a.routine.edit_account(referrer_later, referred_by=referrer)  # a row that points further down
    report = send(a, b)
    assert tallies(report, "account") == (2, 0, 0)
    assert row_of(b, "account", referrer_later)["referred_by_id"] == referrer


def test_accounts_that_refer_to_each_other_go_in_together(laptops, time) -> None:
    a, b = laptops
    one = a.routine.add_account("Un")
    two = a.routine.add_account("Deux", referred_by=one)
    a.routine.edit_account(one, referred_by=two)
    report = send(a, b)
    assert tallies(report, "account") == (2, 0, 0)
    assert not report.files[0].orphans


def test_a_row_whose_parent_is_nowhere_is_left_out_and_reported(laptops, time) -> None:
    a, b = laptops
    old = a.routine.add_account("Client ancien")
    time.advance(3 * 86400)
    contact = a.routine.add_contact(old, "Sophie Girard")
    call = a.routine.log_interaction("call", old, "Bonjour", contact="Sophie Girard")
    other = a.routine.add_account("Client récent")
    partial = a.bundles.export_bundle(a.path.with_name("recent.pfbundle"), since=time.now.date())
    report = b.bundles.sync([partial.path])
    [file] = report.files
    assert tallies(report, "account") == (1, 0, 0)
    assert live_ids(b, "account") == [other]
    assert live_ids(b, "contact") == [] and live_ids(b, "interaction") == []
    left_out = {(o.table, o.row_id, o.column, o.parent_table, o.parent_id) for o in file.orphans}
    assert ("contact", contact, "account_id", "account", old) in left_out
    assert ("interaction", call.interaction_id, "account_id", "account", old) in left_out
    assert ("interaction", call.interaction_id, "contact_id", "contact", contact) in left_out
    # A full bundle brings them in.
    full = send(a, b)
    assert not full.files[0].orphans
    assert synced_dump(a.path) == synced_dump(b.path)


def test_a_forged_bundle_with_a_dangling_reference_does_not_crash(tmp_path, time) -> None:
    with open_laptop(tmp_path / "b.db", "bbbb", time.clock()) as b:
        columns = {
            "sale": [
                "id",
                "created_at",
                "updated_at",
                "device_id",
                "deleted_at",
                "clocks",
                "account_id",
                "sold_on",
                "amount",
                "margin",
                "product_id",
                "order_ref",
                "quantity",
            ]
        }
        with b.db.raw() as conn:
            stored = [r[1] for r in conn.execute("PRAGMA table_info(sale)")]
        assert sorted(stored) == sorted(columns["sale"])
        stamp = "2026-11-20 10:00:00.000000"
        sale = "5a1e0000-0000-4000-8000-000000000001"
        nowhere = "0b0d1e55-0000-4000-8000-00000000000f"
        row = [sale, stamp, stamp, "zzzz", None, "{}", nowhere, "2026-11-20", 100, None, None]
        row += [None, None]
        header = BundleHeader("zzzz", datetime.now(UTC).isoformat(), None, 1, columns, {"sale": 1})
        path = tmp_path / "forged.pfbundle"
        write_bundle(path, header, [("sale", [row])])
        report = b.bundles.sync([path])
        [orphan] = report.files[0].orphans
        assert (orphan.table, orphan.row_id, orphan.parent_id) == ("sale", sale, nowhere)
        assert not report.changed


def test_a_database_busy_with_another_writer_is_reported_not_crashed(laptops, time) -> None:
    a, b = laptops
    a.routine.add_account("Chez A")
    bundle = a.bundles.export_bundle(a.path.with_name("a.pfbundle")).path
    other = sqlite3.connect(b.path)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        with pytest.raises(UserError, match="busy"):
            b.bundles.sync([bundle])
    finally:
        other.rollback()
        other.close()
    assert b.bundles.sync([bundle]).changed
