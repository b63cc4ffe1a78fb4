"""Facts stay facts (issue 9, point 3): a bundle may add sales, interactions and stage
changes and tombstone them, never rewrite them. A fact the bundle holds with other values is
kept as it is here and reported (docs/sync.md: "Facts")."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from bundle_edits import rewrite, set_value

from helpers.laptops import SharedTime, live_ids, open_laptop, row_of
from portfolio_tui.service import Portfolio
from portfolio_tui.service.sync_text import sync_file_text

from conftest import PARIS, db_dump


@pytest.fixture
def time() -> SharedTime:
    return SharedTime()


@pytest.fixture
def laptops(tmp_path: Path, time: SharedTime):
    """A and B share an account with one sale, one call and its first stage."""
    a = open_laptop(tmp_path / "a.db", "aaaa", time.clock())
    b = open_laptop(tmp_path / "b.db", "bbbb", time.clock())
    account = a.routine.add_account("Boulangerie Dupont", city="Lyon")
    a.routine.record_sale(account, date(2026, 11, 20), 69_614)
    a.routine.record_sale(account, date(2026, 11, 21), 95_788)
    a.routine.log_interaction("call", account, "Point sur le devis")
    b.bundles.sync([a.bundles.export_bundle(tmp_path / "first.pfbundle").path])
    time.advance(60)
    yield a, b
    a.close()
    b.close()


def bundle_of(pf: Portfolio, name: str) -> Path:
    return pf.bundles.export_bundle(pf.path.with_name(name)).path


def test_a_bundle_that_changes_sales_amounts_leaves_them_as_they_are(laptops) -> None:
    a, b = laptops
    first, second = live_ids(a, "sale")
    amounts = {s: row_of(b, "sale", s)["amount"] for s in (first, second)}
    assert sorted(amounts.values()) == [69_614, 95_788]
    bad = bundle_of(a, "bad.pfbundle")
    rewrite(bad, set_value("sale", "amount", 99_999_999, first))
    rewrite(bad, set_value("sale", "amount", 1, second))
    rewrite(bad, set_value("interaction", "summary", "Rien", live_ids(a, "interaction")[0]))
    before = db_dump(b.path)

    report = b.bundles.sync([bad])
    [file] = report.files
    assert {s: row_of(b, "sale", s)["amount"] for s in (first, second)} == amounts
    assert (file.tallies["sale"].updated, file.tallies["sale"].unchanged) == (0, 2)
    assert file.tallies["interaction"].updated == 0
    assert not report.changed and report.backup is None
    assert db_dump(b.path) == before
    kept = {(k.table, k.row_id, k.fields) for k in file.kept_facts}
    assert kept == {
        ("sale", first, ("amount",)),
        ("sale", second, ("amount",)),
        ("interaction", live_ids(a, "interaction")[0], ("summary",)),
    }
    text = sync_file_text(file, PARIS)
    assert "facts kept as they were (3)" in text
    assert f"sale {first[:8]}: amount" in text


def test_a_tombstone_travels_and_a_change_beside_it_does_not(laptops, time) -> None:
    a, b = laptops
    sale = live_ids(a, "sale")[0]
    amount = row_of(b, "sale", sale)["amount"]
    stamp = "2026-11-23 07:31:00.000000"
    clocks = {"deleted_at": "2026-11-23T07:31:00.000000|aaaa", "amount": "2026-11-23T07:31|aaaa"}
    bad = bundle_of(a, "bad.pfbundle")
    rewrite(bad, set_value("sale", "deleted_at", stamp, sale))
    rewrite(bad, set_value("sale", "clocks", json.dumps(clocks), sale))
    rewrite(bad, set_value("sale", "amount", 1, sale))
    rewrite(bad, set_value("sale", "updated_at", stamp, sale))
    [file] = b.bundles.sync([bad]).files
    row = row_of(b, "sale", sale)
    assert (row["deleted_at"], row["amount"]) == (stamp, amount)
    assert json.loads(row["clocks"]) == {"deleted_at": "2026-11-23T07:31:00.000000|aaaa"}
    assert file.tallies["sale"].updated == 1
    assert [k.fields for k in file.kept_facts] == [("amount",)]


def test_no_bundle_revives_a_tombstoned_fact(laptops, time, tmp_path) -> None:
    a, b = laptops
    logged = b.routine.log_interaction("visit", live_ids(b, "account")[0], "Visite")
    time.advance()
    b.undo()  # the visit is tombstoned on B
    assert row_of(b, "interaction", logged.interaction_id)["deleted_at"] is not None
    alive = bundle_of(b, "b.pfbundle")
    shutil.copy(alive, tmp_path / "revive.pfbundle")
    revive = tmp_path / "revive.pfbundle"
    later = json.dumps({"deleted_at": "2030-01-01T00:00:00.000000|zzzz"})
    rewrite(revive, set_value("interaction", "deleted_at", None, logged.interaction_id))
    rewrite(revive, set_value("interaction", "clocks", later, logged.interaction_id))
    b.bundles.sync([revive])
    assert row_of(b, "interaction", logged.interaction_id)["deleted_at"] is not None
    a.bundles.sync([alive])  # the tombstone itself travels
    assert row_of(a, "interaction", logged.interaction_id)["deleted_at"] is not None


def test_new_facts_still_add_up(laptops, time) -> None:
    a, b = laptops
    account = live_ids(a, "account")[0]
    a.routine.record_sale(account, date(2026, 11, 22), 1_000)
    b.routine.record_sale(account, date(2026, 11, 22), 2_000)
    b.bundles.sync([bundle_of(a, "a.pfbundle")])
    a.bundles.sync([bundle_of(b, "b.pfbundle")])
    assert len(live_ids(a, "sale")) == len(live_ids(b, "sale")) == 4
