"""Today's deals and an account's deals are read for their candidates only (issue 14): the
same cards, in the same order, as a selection among every open deal's card."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from portfolio_tui import service
from portfolio_tui.domain.settings import Settings
from portfolio_tui.service import Portfolio
from portfolio_tui.service.deal_views import DealView

from conftest import FIXED_NOW

ZONES = ("Europe/Paris", "Pacific/Kiritimati", "Pacific/Pago_Pago")


def opened(path: Path, day: date, zone: str, settings: Settings | None = None) -> Portfolio:
    tz = ZoneInfo(zone)
    now = datetime(day.year, day.month, day.day, 10, 0, tzinfo=tz)
    return service.open_portfolio(path, clock=lambda: now, tz=tz, settings=settings or Settings())


def brute_force(pf: Portfolio) -> tuple[list[DealView], list[DealView]]:
    """What Today shows, picked among the cards of every open deal."""
    today = pf.core.today()
    week_end = today + timedelta(days=6 - today.weekday())
    everything = pf.deals.deals("open")
    closing = [d for d in everything if d.expected_close and d.expected_close <= week_end]
    rotting = [d for d in everything if d.rotting]
    rotting.sort(key=lambda d: (-d.days_in_stage, d.account_name.casefold(), d.title.casefold(),
                                d.deal_id))  # fmt: skip
    return closing, rotting


def days_around(start: date) -> list[date]:
    """Every day of three weeks around `start`, then one a month over a year on each side:
    the rotting limits fall on each side of many deals' last change or interaction."""
    near = [start + timedelta(days=n) for n in range(-10, 11)]
    return near + [start + timedelta(days=30 * n) for n in range(-12, 13) if n]


@pytest.mark.parametrize("zone", ZONES)
def test_todays_deals_are_those_picked_among_every_open_deal(demo_db_path: Path, zone) -> None:
    seen_rotting = seen_closing = 0
    for day in days_around(FIXED_NOW.date()):
        with opened(demo_db_path, day, zone) as pf:
            closing, rotting = pf.deals.agenda_deals()
            assert (closing, rotting) == brute_force(pf), day
        seen_closing += len(closing)
        seen_rotting += len(rotting)
    assert seen_closing and seen_rotting  # the comparison had deals on both sides


def test_todays_deals_follow_the_rotting_days_settings(demo_db_path: Path) -> None:
    for limits in ({"qualification": 1, "proposal": 2, "negotiation": 3},
                   {"qualification": 60, "proposal": 45, "negotiation": 1}):  # fmt: skip
        settings = Settings(deal_rotting_days=limits)
        for day in days_around(FIXED_NOW.date())[::3]:
            with opened(demo_db_path, day, "Europe/Paris", settings) as pf:
                assert pf.deals.agenda_deals() == brute_force(pf), (limits, day)


def cards_of(pf: Portfolio, account_id: str, pick: Callable[[], list[DealView]]) -> list:
    return [d for d in pick() if d.account_id == account_id]


@pytest.mark.parametrize("zone", ZONES[:2])
def test_an_accounts_deals_are_its_cards_among_every_deal(demo_db_path: Path, zone) -> None:
    with opened(demo_db_path, FIXED_NOW.date(), zone) as pf:
        everything = pf.deals.deals("all")
        accounts = {d.account_id for d in everything}
        assert len(accounts) > 5
        for account_id in sorted(accounts):
            mine = pf.deals.account_deals(account_id)
            assert {d.deal_id: d for d in mine} == {
                d.deal_id: d for d in everything if d.account_id == account_id
            }
            for view in mine[:2]:
                assert pf.deals.deal(view.deal_id) == view
