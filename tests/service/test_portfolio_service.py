"""The use cases of the Portfolio service, on real database files."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from portfolio_tui.domain.dates import DatePhraseError
from portfolio_tui.domain.recurrence import RecurrenceError
from portfolio_tui.errors import Ambiguous, NotFound, UserError
from portfolio_tui.service import Portfolio

from conftest import FIXED_NOW, PARIS, db_dump, open_portfolio

TODAY = FIXED_NOW.date()  # Monday 23 November 2026


def rows(pf: Portfolio, sql: str, *params) -> list[tuple]:
    with pf.db.raw() as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture
def pf(empty_portfolio: Portfolio) -> Portfolio:
    empty_portfolio.routine.add_account(
        "Boulangerie Martin", stage="client", city="Lyon", sector="Commerce"
    )
    empty_portfolio.routine.add_account("Boucherie Martin", stage="warm", city="Paris")
    empty_portfolio.routine.add_account("Atelier Dubois", stage="cold", legal_id="12345678900011")
    empty_portfolio.routine.add_contact(
        "Boulangerie", "Claire Petit", email="claire@boulangerie.fr"
    )
    return empty_portfolio


def test_account_references_resolve_by_id_legal_id_name_and_prefix(pf: Portfolio) -> None:
    by_name = pf.resolve_account("Atelier Dubois")
    assert pf.resolve_account(by_name.account_id).name == "Atelier Dubois"
    assert pf.resolve_account("12345678900011").name == "Atelier Dubois"
    assert pf.resolve_account("atelier dubois").name == "Atelier Dubois"
    assert pf.resolve_account("Atel").name == "Atelier Dubois"
    assert pf.resolve_account(by_name.account_id[:8]).name == "Atelier Dubois"


def test_an_ambiguous_reference_lists_the_candidates(pf: Portfolio) -> None:
    with pytest.raises(Ambiguous) as caught:
        pf.resolve_account("Bou")
    assert "Boucherie Martin" in str(caught.value) and "Boulangerie Martin" in str(caught.value)
    with pytest.raises(NotFound):
        pf.resolve_account("Nobody")


def test_a_new_account_records_its_first_stage(pf: Portfolio) -> None:
    account = pf.resolve_account("Atelier Dubois")
    assert rows(pf, "SELECT from_stage, to_stage FROM stagechange WHERE account_id = ?",
                account.account_id) == [(None, "cold")]  # fmt: skip


def test_edit_sets_field_clocks_and_returns_old_values(pf: Portfolio) -> None:
    changed = pf.routine.edit_account("Atelier Dubois", city="Nantes", potential="12 000,50 €")
    assert changed == {"city": None, "potential": None}
    account = pf.resolve_account("Atelier Dubois")
    assert account.city == "Nantes" and account.potential == 1_200_050
    (clocks,) = rows(pf, "SELECT clocks FROM account WHERE id = ?", account.account_id)[0]
    stamps = json.loads(clocks)
    assert set(stamps) == {"city", "potential"}
    assert stamps["city"].endswith("|" + pf.device_id)
    assert pf.routine.edit_account("Atelier Dubois", city="Nantes") == {}


def test_bad_field_values_write_nothing(pf: Portfolio) -> None:
    before = db_dump(pf.path)
    for bad in ({"accessibility": "9"}, {"potential": "douze"}, {"source": "telepathy"},
                {"nps_score": "11"}, {"name": ""}):  # fmt: skip
        with pytest.raises(ValueError):
            pf.routine.edit_account("Atelier Dubois", **bad)
    assert db_dump(pf.path) == before


def test_log_interaction_with_contact_and_follow_up(pf: Portfolio) -> None:
    logged = pf.routine.log_interaction(
        "call", "Boulangerie", "Asked for a quote", contact="claire", outcome="Quote requested",
        at="today 8:00", follow_up="tomorrow 9:00",
    )  # fmt: skip
    ((kind, occurred, contact_id, outcome),) = rows(
        pf, "SELECT kind, occurred_at, contact_id, outcome FROM interaction WHERE id = ?",
        logged.interaction_id,
    )  # fmt: skip
    assert kind == "call" and outcome == "Quote requested" and contact_id is not None
    assert datetime.fromisoformat(occurred) == datetime(2026, 11, 23, 7, 0)  # 8:00 Paris in UTC
    ((due_on, due_at),) = rows(
        pf, "SELECT due_on, due_at FROM followup WHERE id = ?", logged.follow_up_id
    )
    assert due_on == "2026-11-24" and datetime.fromisoformat(due_at) == datetime(2026, 11, 24, 8, 0)


def test_log_interaction_rejects_bad_input_and_writes_nothing(pf: Portfolio) -> None:
    before = db_dump(pf.path)
    with pytest.raises(UserError):
        pf.routine.log_interaction("fax", "Boulangerie", "x")
    with pytest.raises(DatePhraseError):
        pf.routine.log_interaction("call", "Boulangerie", "x", follow_up="someday maybe")
    with pytest.raises(NotFound):
        pf.routine.log_interaction("call", "Boulangerie", "x", contact="Nobody")
    assert db_dump(pf.path) == before


def test_complete_logs_the_outcome_and_plans_the_next(pf: Portfolio) -> None:
    fid = pf.routine.schedule_follow_up(
        "Boulangerie", "Call back about the quote", "2026-11-20", allow_past=True
    )
    logged = pf.routine.complete_follow_up(fid, outcome="Signed", next_due="+2w")
    ((done_at, outcome),) = rows(pf, "SELECT done_at, outcome FROM followup WHERE id = ?", fid)
    assert done_at is not None and outcome == "Signed"
    ((summary, i_outcome),) = rows(
        pf, "SELECT summary, outcome FROM interaction WHERE id = ?", logged.interaction_id
    )
    assert (summary, i_outcome) == ("Call back about the quote", "Signed")
    ((due_on,),) = rows(pf, "SELECT due_on FROM followup WHERE id = ?", logged.follow_up_id)
    assert due_on == (TODAY + timedelta(weeks=2)).isoformat()
    with pytest.raises(UserError, match="already done"):
        pf.routine.complete_follow_up(fid)


def test_completing_a_recurring_follow_up_schedules_the_next_occurrence(pf: Portfolio) -> None:
    fid = pf.routine.schedule_follow_up(
        "Boulangerie", "Weekly check", "2026-11-16 10:00", recurrence="FREQ=WEEKLY", allow_past=True
    )
    logged = pf.routine.complete_follow_up(fid)
    ((due_on, due_at, rule),) = rows(
        pf, "SELECT due_on, due_at, recurrence FROM followup WHERE id = ?", logged.follow_up_id
    )
    assert due_on == "2026-11-23" and rule == "FREQ=WEEKLY"
    assert datetime.fromisoformat(due_at).replace(tzinfo=None) == datetime(2026, 11, 23, 9, 0)
    with pytest.raises(RecurrenceError):
        pf.routine.schedule_follow_up("Boulangerie", "x", "today", recurrence="FREQ=SOMETIMES")


def test_snooze_moves_the_day_and_keeps_the_time(pf: Portfolio) -> None:
    fid = pf.routine.schedule_follow_up("Boulangerie", "Call", "2026-11-20 14:30", allow_past=True)
    assert pf.routine.snooze(fid) == TODAY + timedelta(days=1)
    ((due_on, due_at),) = rows(pf, "SELECT due_on, due_at FROM followup WHERE id = ?", fid)
    assert due_on == "2026-11-24"
    assert datetime.fromisoformat(due_at).time() == time(13, 30)  # 14:30 Paris is 13:30 UTC
    assert pf.routine.snooze(fid, "next friday") == date(2026, 11, 27)


def test_stage_moves_are_recorded_and_bounded(pf: Portfolio) -> None:
    assert pf.routine.step_stage("Atelier Dubois") == ("cold", "warm")
    assert pf.routine.step_stage("Atelier Dubois") == ("warm", "hot")
    assert pf.routine.step_stage("Atelier Dubois", forward=False) == ("hot", "warm")
    account = pf.resolve_account("Atelier Dubois")
    moves = rows(pf, "SELECT from_stage, to_stage FROM stagechange WHERE account_id = ? "
                 "ORDER BY at, rowid", account.account_id)  # fmt: skip
    assert moves == [(None, "cold"), ("cold", "warm"), ("warm", "hot"), ("hot", "warm")]
    with pytest.raises(UserError, match="already"):
        pf.routine.move_stage("Atelier Dubois", "warm")
    with pytest.raises(ValueError, match="unknown stage"):
        pf.routine.move_stage("Atelier Dubois", "tepid")
    with pytest.raises(UserError, match="end of the funnel"):
        pf.routine.step_stage("Boulangerie")


def test_undo_reverts_changes_one_by_one(pf: Portfolio) -> None:
    start = db_dump(pf.path)
    fid = pf.routine.schedule_follow_up("Boulangerie", "Call", "tomorrow")
    after_schedule = db_dump(pf.path)
    pf.routine.step_stage("Atelier Dubois")
    pf.routine.edit_account("Atelier Dubois", city="Nantes")
    assert pf.undo() == "edit Atelier Dubois"
    assert pf.resolve_account("Atelier Dubois").city is None
    assert pf.undo() == "Atelier Dubois: cold → warm"
    assert pf.resolve_account("Atelier Dubois").stage == "cold"
    atelier = pf.resolve_account("Atelier Dubois").account_id
    assert rows(pf, "SELECT count(*) FROM stagechange WHERE deleted_at IS NULL "
                "AND to_stage = 'warm' AND account_id = ?", atelier) == [(0,)]  # fmt: skip
    assert pf.undo().startswith("follow-up for")
    assert rows(pf, "SELECT deleted_at IS NOT NULL FROM followup WHERE id = ?", fid) == [(1,)]
    assert pf.reports.agenda().upcoming == []
    assert after_schedule != start
    assert pf.undo() == "add contact Claire Petit"
    assert pf.resolve_account("Boulangerie").name == "Boulangerie Martin"


def test_agenda_groups_follow_ups_and_lists_accounts_due_for_contact(pf: Portfolio) -> None:
    pf.routine.schedule_follow_up("Boulangerie", "Overdue call", "2026-11-20", allow_past=True)
    pf.routine.schedule_follow_up("Boucherie", "Today's call", "today 15:00")
    pf.routine.schedule_follow_up("Atelier", "Next week", "+6d")
    pf.routine.schedule_follow_up("Atelier", "Too far", "+30d")
    agenda = pf.reports.agenda()
    assert [i.title for i in agenda.overdue] == ["Overdue call"]
    assert [i.title for i in agenda.due_today] == ["Today's call"]
    assert agenda.due_today[0].due_at == datetime(2026, 11, 23, 15, 0, tzinfo=PARIS)
    assert [i.title for i in agenda.upcoming] == ["Next week"]
    assert agenda.due_for_contact == []  # every account has something planned


def test_an_account_past_its_cadence_is_due_for_contact(pf: Portfolio) -> None:
    pf.routine.log_interaction(
        "call", "Atelier", "Intro", at="2026-10-20 10:00"
    )  # 34 days, cold: 30
    pf.routine.log_interaction(
        "call", "Boucherie", "Intro", at="2026-11-20 10:00"
    )  # 3 days, warm: 14
    due = {i.account_name: i for i in pf.reports.agenda().due_for_contact}
    assert due["Atelier Dubois"].days_since_contact == 34
    assert "Boucherie Martin" not in due
    assert due["Boulangerie Martin"].days_since_contact is None  # a client never contacted


def test_client_report_ranks_badges_and_windows(tmp_path: Path) -> None:
    with open_portfolio(tmp_path / "p.db") as pf:
        for name, amount in (("Alpha", 80_000), ("Beta", 15_000), ("Gamma", 5_000)):
            pf.routine.add_account(name, stage="client")
            pf.routine.record_sale(name, date(2026, 10, 1), amount * 100, order_ref=f"{name}-1")
        pf.routine.record_sale(
            "Gamma", date(2025, 11, 23), 9_999_900
        )  # exactly 12 months back: out
        pf.routine.add_account("Prospect", stage="warm")
        report = pf.reports.client_report()
        assert [(r.name, r.abc, r.revenue) for r in report] == [
            ("Alpha", "A", 8_000_000), ("Beta", "B", 1_500_000), ("Gamma", "C", 500_000),
            ("Prospect", None, 0),
        ]  # fmt: skip
        assert report[0].rfm is not None and report[3].rfm is None
        all_time = pf.reports.client_report(window="all")
        assert [r.name for r in all_time][:2] == ["Gamma", "Alpha"]


def test_figures_from_sql_equal_the_domain_reference(portfolio: Portfolio) -> None:
    from portfolio_tui.domain.aggregate import figures_from_sales
    from portfolio_tui.domain.records import SaleLine

    window = portfolio.reports.window()
    with portfolio.db.raw() as conn:
        names = dict(conn.execute("SELECT id, name FROM account"))
        sales = [
            SaleLine(a, date.fromisoformat(d), amount, margin, ref or None)
            for a, d, amount, margin, ref in conn.execute(
                "SELECT account_id, sold_on, amount, margin, order_ref FROM sale "
                "WHERE deleted_at IS NULL"
            )
        ]
    expected = sorted(figures_from_sales(sales, window, names), key=lambda f: f.account_id)
    got = sorted(portfolio.reports.figures(window), key=lambda f: f.account_id)
    assert got == expected and len(got) > 10


def test_account_card_has_everything_the_header_needs(portfolio: Portfolio) -> None:
    best = portfolio.reports.client_report()[0]
    card = portfolio.reports.account_card(best.account_id)
    assert card.abc == "A" and card.rfm == best.rfm
    assert card.revenue_now == best.revenue
    assert card.timeline == sorted(card.timeline, key=lambda e: e.at, reverse=True)
    assert {e.kind for e in card.timeline} >= {"sale", "stage"}
    assert sum(v for _, v in card.sales_by_family) == card.revenue_now
    assert card.suggested_follow_up == "+14d"


def test_demo_is_reproducible_and_varied(tmp_path: Path) -> None:
    dumps = []
    for n in (1, 2):
        with open_portfolio(tmp_path / f"d{n}.db") as pf:
            pf.core.device_id = "fixed"  # the device id is random per file
            pf.load_demo(accounts=40, years=2, seed=3)
        conn = sqlite3.connect(tmp_path / f"d{n}.db")
        dumps.append([r for r in conn.iterdump() if 'INSERT INTO "meta"' not in r])
        conn.close()
    assert dumps[0] == dumps[1]
    with open_portfolio(tmp_path / "d1.db") as pf:
        stages = {r[0] for r in rows(pf, "SELECT DISTINCT stage FROM account")}
        assert stages == {"suspect", "cold", "warm", "hot", "client", "lost"}
        assert pf.reports.agenda().overdue
        assert rows(pf, "SELECT count(*) FROM account WHERE referred_by_id IS NOT NULL")[0][0] > 0
        with pytest.raises(UserError, match="--force"):
            pf.load_demo(accounts=5)
        pf.load_demo(accounts=5, force=True)
        assert rows(pf, "SELECT count(*) FROM account") == [(5,)]
