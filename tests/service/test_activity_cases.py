"""The activity index through the service, on a small portfolio computed by hand.

The week of Monday 16 to Friday 20 November 2026 (as_of), Paris time:

    Alpha (A client)  call 16, meeting 17, note 19 (not counted); sales 1 June, 16 Nov
    Gamma (A client)  call 1 October only (50 days before as_of: out of cadence)
    Beta  (B client)  call 9 Nov (the month, not the week), email 18; sale 19
    Warm  (warm → hot on the 19th at 10:00): visit 18
    Cold  (cold)      call 19

ABC over the 12 months at as_of: Alpha 90 000 €, Gamma 60 000 €, Beta 10 000 € of 160 000 €:
Alpha A (before 0), Gamma A (0.5625), Beta B (0.9375).

Week: quantity 5 → 10 × 5/15 = 3.33 → 3.3. Priority at as_of: Alpha, Gamma, Warm (hot then);
oriented 3/5 = 0.6 → 10. Results: Beta's sale on the 19th follows the email of the 18th, Warm's
move on the 19th follows the visit of the 18th; Alpha's sale on the 16th is the call's own day
(does not count): 2/5 = 0.4 → 10. Index 3.3 × 10 × 10 = 330, lever quantity, what_if 1000,
gain 1000 / 330 − 1 = 2.030.

Month (1 to 20 Nov): quantity 6 → 1.0; oriented 3/6 → 10 × 0.5 / 0.6 = 8.33 → 8.3; effective
3/6 (Beta's call of the 9th is followed by the sale of the 19th) → 10. Index 83.0, lever
quantity, what_if 830.0, gain 9.000.

Follow-ups on Beta: due 17 done 17 (on time), due 16 done 18 (late), due 19 open (overdue at
the 20th), due 20 open (not yet overdue): on time 1/2, overdue 1. A clients in cadence: Alpha
(last contact the 19th, every 14 days) in, Gamma out: 1/2.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from portfolio_tui.errors import UserError
from portfolio_tui.service import Portfolio

from conftest import PARIS, open_portfolio

AS_OF = date(2026, 11, 20)


class MovableClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, *args: int) -> None:
        self.now = datetime(*args, tzinfo=PARIS)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 6, 1, 9, 0, tzinfo=PARIS))


@pytest.fixture
def week_portfolio(tmp_path: Path, clock: MovableClock) -> Iterator[Portfolio]:
    with open_portfolio(tmp_path / "week.db", clock) as pf:
        _fill(pf, clock)
        yield pf


def _fill(pf: Portfolio, clock: MovableClock) -> None:
    r = pf.routine
    for name, stage in (
        ("Alpha", "client"),
        ("Gamma", "client"),
        ("Beta", "client"),
        ("Warm", "warm"),
        ("Cold", "cold"),
    ):
        r.add_account(name, stage=stage)
    r.record_sale("Alpha", date(2026, 6, 1), 8_000_000)
    r.record_sale("Gamma", date(2026, 6, 1), 6_000_000)
    r.record_sale("Beta", date(2026, 6, 1), 500_000)
    clock.set(2026, 11, 16, 9, 0)
    r.schedule_follow_up("Beta", "late one", "2026-11-16")
    r.schedule_follow_up("Beta", "on time one", "2026-11-17")
    r.schedule_follow_up("Beta", "overdue one", "2026-11-19")
    r.schedule_follow_up("Beta", "due on as_of", "2026-11-20")
    clock.set(2026, 11, 17, 11, 0)
    r.complete_follow_up(_follow_up(pf, "on time one"), kind="note")
    clock.set(2026, 11, 18, 11, 0)
    r.complete_follow_up(_follow_up(pf, "late one"), kind="note")
    clock.set(2026, 11, 20, 18, 0)
    r.record_sale("Alpha", date(2026, 11, 16), 1_000_000)
    r.record_sale("Beta", date(2026, 11, 19), 500_000)
    r.move_stage("Warm", "hot", at="2026-11-19 10:00")
    for kind, account, at in (
        ("call", "Gamma", "2026-10-01 10:00"),
        ("call", "Beta", "2026-11-09 10:00"),
        ("call", "Alpha", "2026-11-16 09:00"),
        ("meeting", "Alpha", "2026-11-17 14:00"),
        ("email", "Beta", "2026-11-18 08:00"),
        ("visit", "Warm", "2026-11-18 15:00"),
        ("call", "Cold", "2026-11-19 09:30"),
        ("note", "Alpha", "2026-11-19 17:00"),
    ):
        r.log_interaction(kind, account, f"{kind} {account}", at=at)


def _follow_up(pf: Portfolio, title: str) -> str:
    with pf.db.raw() as conn:
        return conn.execute("SELECT id FROM followup WHERE title = ?", (title,)).fetchone()[0]


def test_the_week_by_hand(week_portfolio: Portfolio) -> None:
    report = week_portfolio.activity.activity_report("week", AS_OF)
    assert report.to_json() == {
        "period": {"start": "2026-11-16", "end": "2026-11-20"},
        "quantity": {"value": 5, "target": 15, "score": 3.3},
        "orientation": {"value": 0.6, "target": 0.6, "score": 10.0},
        "efficiency": {"value": 0.4, "target": 0.25, "score": 10.0},
        "index": 330.0,
        "lever": "quantity",
        "what_if": 1000.0,
        "gain": 2.03,
        "on_time_rate": 0.5,
        "overdue": 1,
        "a_clients_in_cadence": 0.5,
    }


def test_the_month_by_hand(week_portfolio: Portfolio) -> None:
    report = week_portfolio.activity.activity_report("month", AS_OF)
    assert report.period.start == date(2026, 11, 1)
    assert (report.quantity.value, report.quantity.score) == (6, Decimal("1.0"))
    assert (report.orientation.value, report.orientation.score) == (Decimal("0.5"), Decimal("8.3"))
    assert (report.efficiency.value, report.efficiency.score) == (Decimal("0.5"), Decimal("10"))
    assert report.figures.index == Decimal("83.0")
    assert report.figures.lever == "quantity"
    assert report.figures.what_if == Decimal("830.0")
    assert report.figures.gain == Decimal("9.000")


def test_narrowed_to_accounts(week_portfolio: Portfolio) -> None:
    alpha = week_portfolio.resolve_account("Alpha").account_id
    report = week_portfolio.activity.activity_report("week", AS_OF, accounts={alpha})
    # Alpha's call and meeting, both on an A client, neither followed by a later result.
    assert report.quantity.value == 2
    assert report.orientation.value == Decimal("1")
    assert report.efficiency.value == Decimal("0")
    assert report.figures.index == Decimal("0.0")
    assert report.figures.gain is None
    assert report.overdue == 0  # the follow-ups are Beta's
    assert report.a_clients_in_cadence == Decimal("1")


def test_an_empty_period_scores_zero(empty_portfolio: Portfolio) -> None:
    report = empty_portfolio.activity.activity_report("quarter", date(2026, 11, 23))
    assert report.to_json() == {
        "period": {"start": "2026-10-01", "end": "2026-11-23"},
        "quantity": {"value": 0, "target": 180, "score": 0.0},
        "orientation": {"value": None, "target": 0.6, "score": 0.0},
        "efficiency": {"value": None, "target": 0.25, "score": 0.0},
        "index": 0.0,
        "lever": "orientation",
        "what_if": 0.0,
        "gain": None,
        "on_time_rate": None,
        "overdue": 0,
        "a_clients_in_cadence": None,
    }


def test_a_backward_move_or_a_loss_is_no_result(week_portfolio: Portfolio) -> None:
    week_portfolio.routine.move_stage("Cold", "lost", at="2026-11-19 12:00")
    report = week_portfolio.activity.activity_report("week", AS_OF)
    assert report.efficiency.value == Decimal("0.4")  # unchanged: Cold's call gained nothing


def test_stage_at_records_the_past_moment(week_portfolio: Portfolio) -> None:
    with week_portfolio.db.raw() as conn:
        at = conn.execute(
            "SELECT at FROM stagechange WHERE from_stage = 'warm' AND to_stage = 'hot'"
        ).fetchone()[0]
    assert at.startswith("2026-11-19 09:00:00")  # 10:00 in Paris is 09:00 UTC
    assert week_portfolio.resolve_account("Warm").stage == "hot"


def test_an_unknown_period_is_a_user_error(empty_portfolio: Portfolio) -> None:
    with pytest.raises(UserError, match="year"):
        empty_portfolio.activity.activity_report("year")


def test_the_targets_come_from_the_settings(tmp_path: Path, clock: MovableClock) -> None:
    from portfolio_tui import service
    from portfolio_tui.domain.settings import settings_from_dict

    settings = settings_from_dict({"activity": {"week": 5, "orientation": 0.75}})
    with service.open_portfolio(tmp_path / "t.db", clock=clock, tz=PARIS, settings=settings) as pf:
        _fill(pf, clock)
        report = pf.activity.activity_report("week", AS_OF)
    # 5 interactions for a target of 5: 10; 0.6 oriented for 0.75: 10 × 0.8 = 8.0.
    assert report.to_json()["quantity"] == {"value": 5, "target": 5, "score": 10.0}
    assert report.to_json()["orientation"] == {"value": 0.6, "target": 0.75, "score": 8.0}
    assert report.figures.index == Decimal("800.0")
