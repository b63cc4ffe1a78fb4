"""Saved segments through the service: save, list, delete, members, undo, and sync."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from helpers.laptops import SharedTime, open_laptop
from portfolio_tui.errors import NotFound, UserError
from portfolio_tui.service import Portfolio
from portfolio_tui.service.segments import segment_id

from conftest import FIXED_NOW

TODAY = FIXED_NOW.date()  # Monday 23 November 2026


@pytest.fixture
def small(empty_portfolio: Portfolio) -> Portfolio:
    """Four accounts. Revenue over the 12 months: Alpha 30 000 €, Gamma 8 000 €, Beta 2 000 €,
    Delta none. ABC (A while the share ranked above is below 0.80, B below 0.95): Alpha A
    (before 0), Gamma A (0.75), Beta C (0.95)."""
    r = empty_portfolio.routine
    r.add_account("Alpha", stage="client", sector="BTP", city="Lyon")
    r.add_account("Beta", stage="client", sector="BTP", city="Paris")
    r.add_account("Gamma", stage="client", sector="btp", city="lyon", tags="vip")
    r.add_account("Delta", stage="warm", sector="Négoce", city="Lyon")
    r.record_sale("Alpha", TODAY - timedelta(days=30), 3_000_000)
    r.record_sale("Gamma", TODAY - timedelta(days=200), 800_000)
    r.record_sale("Beta", TODAY - timedelta(days=10), 200_000)
    r.log_interaction("call", "Alpha", "hello", at="2026-11-20 10:00")  # 3 days ago
    r.log_interaction("call", "Gamma", "hello", at="2026-08-25 10:00")  # 90 days ago
    return empty_portfolio


def names(pf: Portfolio, segment: str) -> list[str]:
    return [m.name for m in pf.segments.members(segment)]


def test_save_list_delete(small: Portfolio) -> None:
    saved, replaced = small.segments.save("BTP  Lyon", ["sector=BTP", "and", "city=Lyon"])
    assert (saved.name, saved.filter_text, replaced) == (
        "BTP Lyon",
        "sector = BTP and city = Lyon",
        False,
    )
    assert [s.name for s in small.segments.list()] == ["BTP Lyon"]
    again, replaced = small.segments.save("btp lyon", "sector = BTP")
    assert replaced and again.segment_id == saved.segment_id
    assert [(s.name, s.filter_text) for s in small.segments.list()] == [
        ("btp lyon", "sector = BTP")
    ]
    assert small.segments.delete("BTP LYON") == "btp lyon"
    assert small.segments.list() == []
    revived, replaced = small.segments.save("BTP Lyon", "city = Lyon")
    assert not replaced and revived.segment_id == saved.segment_id
    with small.db.raw() as conn:
        assert conn.execute("SELECT count(*) FROM segment").fetchone()[0] == 1


def test_members_by_hand(small: Portfolio) -> None:
    seg = small.segments
    seg.save("BTP Lyon", "sector = BTP and city = Lyon")
    assert names(small, "BTP Lyon") == ["Alpha", "Gamma"]  # case and accents ignored
    seg.save("big", "revenue > 5000")
    assert names(small, "big") == ["Alpha", "Gamma"]
    seg.save("A", "abc = A")
    assert names(small, "A") == ["Alpha", "Gamma"]
    seg.save("C", "abc = C")
    assert names(small, "C") == ["Beta"]
    seg.save("quiet", "last_contact > 60")
    assert names(small, "quiet") == ["Gamma"]  # Beta, Delta never contacted: no value
    seg.save("not vip", "tag != vip and stage = client")
    assert names(small, "not vip") == ["Alpha", "Beta"]
    seg.save("warm lyon", "stage = tiède et city = Lyon")
    assert names(small, "warm lyon") == ["Delta"]
    seg.save("alive", "p_alive < 0.5")
    assert names(small, "alive") == []  # one order each: no fit, p_alive matches nothing


def test_errors_name_what_is_wrong(small: Portfolio) -> None:
    with pytest.raises(UserError, match="unknown field 'colour'"):
        small.segments.save("x", "colour = red")
    with pytest.raises(UserError, match="unknown abc 'D'"):
        small.segments.save("x", "abc = D")
    with pytest.raises(UserError, match="can't be empty"):
        small.segments.save("   ", "abc = A")
    small.segments.save("BTP Lyon", "sector = BTP")
    with pytest.raises(NotFound, match="no segment named 'Nope' \\(saved: BTP Lyon\\)"):
        small.segments.members("Nope")
    with pytest.raises(NotFound):
        small.segments.delete("Nope")
    assert [s.name for s in small.segments.list()] == ["BTP Lyon"]  # nothing written


def test_save_and_delete_undo(small: Portfolio) -> None:
    small.segments.save("BTP", "sector = BTP")
    small.segments.delete("BTP")
    assert small.undo() == "delete segment BTP"
    assert [s.name for s in small.segments.list()] == ["BTP"]
    assert small.undo() == "save segment BTP"
    assert small.segments.list() == []


def test_the_id_is_the_folded_name() -> None:
    assert segment_id("BTP Lyon à risque") == segment_id("btp  LYON a risque")
    assert segment_id("BTP Lyon") != segment_id("BTP Lyon à risque")


# --- sync through two real portfolio files ----------------------------------------------------


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[tuple[Portfolio, Portfolio, SharedTime]]:
    time = SharedTime()
    a = open_laptop(tmp_path / "a.db", "aaaa", time.clock())
    b = open_laptop(tmp_path / "b.db", "bbbb", time.clock())
    yield a, b, time
    a.close()
    b.close()


def send(source: Portfolio, target: Portfolio) -> None:
    path = source.path.with_name(f"{source.device_id}-{target.device_id}.pfbundle")
    source.bundles.export_bundle(path)
    target.bundles.sync([path])


def segment_rows(pf: Portfolio) -> list[tuple]:
    conn = sqlite3.connect(pf.path)
    try:
        return conn.execute("SELECT * FROM segment ORDER BY id").fetchall()
    finally:
        conn.close()


def test_segments_sync_saves_edits_and_deletions(laptops) -> None:
    a, b, time = laptops
    a.segments.save("BTP Lyon à risque", "sector = BTP and city = Lyon and segment = 'À risque'")
    time.advance(60)
    send(a, b)
    [(name, text)] = [(s.name, s.filter_text) for s in b.segments.list()]
    assert (name, text) == (
        "BTP Lyon à risque",
        'sector = BTP and city = Lyon and segment = "At Risk"',
    )
    time.advance(60)
    b.segments.save("BTP Lyon à risque", "sector = BTP and city = Lyon")
    time.advance(60)
    send(b, a)
    assert [s.filter_text for s in a.segments.list()] == ["sector = BTP and city = Lyon"]
    time.advance(60)
    a.segments.delete("btp lyon a risque")
    time.advance(60)
    send(a, b)
    assert b.segments.list() == []
    assert segment_rows(a) == segment_rows(b)


def test_the_same_name_saved_on_both_laptops_is_one_segment(laptops) -> None:
    a, b, time = laptops
    a.segments.save("Relances", "stage = hot")
    b.segments.save("relances", "stage = warm")
    time.advance(60)
    send(a, b)
    send(b, a)
    assert len(a.segments.list()) == len(b.segments.list()) == 1
    assert segment_rows(a) == segment_rows(b)


# --- --segment on the reports and exports: the accounts are filtered, not the maths ------------


def test_client_report_and_kpis_narrowed(small: Portfolio) -> None:
    small.segments.save("BTP Lyon", "sector = BTP and city = Lyon")
    rows = small.reports.client_report(segment="BTP Lyon")
    # Gamma keeps the class it has among all accounts (A), not one among the segment's two.
    assert [(r.name, r.abc, r.revenue) for r in rows] == [
        ("Alpha", "A", 3_000_000),
        ("Gamma", "A", 800_000),
    ]
    kpis = small.reports.kpi_report(TODAY, "year", segment="BTP Lyon")
    assert (kpis.revenue_now, kpis.active_now) == (3_800_000, 2)
    assert small.reports.kpi_report(TODAY, "year").revenue_now == 4_000_000


def test_the_vcards_of_a_segment(small: Portfolio, tmp_path: Path) -> None:
    r = small.routine
    r.add_contact("Alpha", "Anne Alpha", email="anne@alpha.fr")
    r.add_contact("Beta", "Bruno Beta", email="bruno@beta.fr")
    r.add_contact("Gamma", "Gaëlle Gamma")
    small.segments.save("BTP Lyon à risque", "sector = BTP and city = Lyon")
    target = tmp_path / "btp.vcf"
    assert small.exports.export_vcf(target, segment="btp lyon a risque") == 2
    text = target.read_text(encoding="utf-8")
    assert "FN:Anne Alpha" in text and "FN:Gaëlle Gamma" in text and "Bruno" not in text
    csv_target = tmp_path / "contacts.csv"
    assert small.exports.export_csv("contacts", csv_target, segment="BTP Lyon à risque") == 2
    assert (
        small.exports.export_csv("accounts", tmp_path / "a.csv", segment="BTP Lyon à risque") == 2
    )
    assert small.exports.export_csv("sales", tmp_path / "s.csv", segment="BTP Lyon à risque") == 2
    assert small.exports.export_csv("contacts", tmp_path / "all.csv") == 3


def test_p_alive_comes_from_the_churn_model(portfolio: Portfolio) -> None:
    alive = portfolio.churn.p_alive_by_account(TODAY)
    assert alive  # the demo book can be fitted
    portfolio.segments.save("slipping", "p_alive < 0.5")
    expected = sorted(a for a, p in alive.items() if p < 0.5)
    assert sorted(portfolio.segments.account_ids("slipping")) == expected
