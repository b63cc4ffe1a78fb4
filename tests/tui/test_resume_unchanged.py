"""A screen shown again reads its data again only when something it was read from moved (issue
14: the screen switch): a write here or by another process, the day, the settings, or what
the screen itself asks for (the account shown). Otherwise it is current at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from routine_helpers import SIZE, press, settle, today_screen
from textual.pilot import Pilot

from portfolio_tui.domain.settings import Settings
from portfolio_tui.service.reports import ReportCases
from portfolio_tui.tui.app import PortfolioApp, make_app
from portfolio_tui.tui.screens.account import AccountScreen
from portfolio_tui.tui.screens.base import LoadingScreen
from portfolio_tui.tui.screens.pipeline import PipelineScreen
from portfolio_tui.tui.screens.portfolio import PortfolioScreen
from portfolio_tui.tui.widgets.agenda_table import agenda_groups

from conftest import FIXED_NOW, PARIS, open_portfolio


class Clock:
    """A clock the test can move on."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self):
        return self.now


def build(db_path, clock=None) -> PortfolioApp:
    return make_app(db_path, clock=clock or Clock(), tz=PARIS, settings=Settings())


async def show_each(pilot: Pilot, *keys: str) -> dict[str, LoadingScreen]:
    screens = {}
    for key in keys:
        await press(pilot, key)
        screen = pilot.app.screen
        assert isinstance(screen, LoadingScreen) and screen.loaded
        screens[key] = screen
    return screens


def no_read(monkeypatch) -> None:
    def fail(*_args, **_kwargs):
        pytest.fail("read again on an unchanged book")

    for name in ("agenda", "portfolio_rows", "pipeline"):
        monkeypatch.setattr(ReportCases, name, fail)


async def test_screens_shown_again_on_an_unchanged_book_read_nothing(demo_db_path, monkeypatch):
    app = build(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screens = await show_each(pilot, "1", "2", "4")
        loads = {key: screen.loads for key, screen in screens.items()}
        no_read(monkeypatch)
        for key in ("1", "2", "4", "2", "1"):
            await press(pilot, key)
            assert app.screen is screens[key] and not screens[key].load_pending
        assert {key: screen.loads for key, screen in screens.items()} == loads
        assert [screens[key].resumes_unchanged for key in ("1", "2", "4")] == [2, 2, 1]


async def test_a_write_by_another_process_is_read_at_the_next_showing(demo_db_path):
    app = build(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screens = await show_each(pilot, "1", "2")
        done = follow_ups_shown(screens["1"])[0]
        with open_portfolio(demo_db_path) as other:  # another laptop's sync, a CLI in a shell
            other.routine.complete_follow_up(done, outcome="done")
        loads = screens["1"].loads
        await press(pilot, "1")
        today = today_screen(app)
        assert today.loads == loads + 1 and today.resumes_unchanged == 0
        assert done not in follow_ups_shown(today)


async def test_the_next_day_reads_the_agenda_again(demo_db_path):
    clock = Clock()
    app = build(demo_db_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        screens = await show_each(pilot, "1", "2")
        clock.now = FIXED_NOW + timedelta(days=1)  # the laptop left open overnight
        await press(pilot, "1")
        assert screens["1"].loads == 2
        assert today_screen(app).agenda.today == clock.now.date()


async def test_another_account_opened_is_read(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        first, second = (row.account_id for row in pf.reports.portfolio_rows()[:2])
    app = build(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_account(first)
        await settle(pilot)
        await press(pilot, "1")
        app.open_account(second)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AccountScreen)
        assert screen.card is not None and screen.card.account.account_id == second
        await press(pilot, "1")
        await press(pilot, "3")  # back to the same account: the card shown is current
        assert app.screen is screen
        assert screen.resumes_unchanged == 1 and screen.loads == 2


async def test_a_resume_while_a_load_runs_waits_for_it(demo_db_path):
    """A switch back before the first load is shown does not pass the loading screen off as
    current: only data shown carries a stamp."""
    app = build(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")  # the Portfolio starts loading…
        await pilot.press("1", "2")  # …and is left and shown again before it is done
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PortfolioScreen) and screen.loaded
        assert screen.view is not None and len(screen.view.all_rows) > 0
        await press(pilot, "4")
        assert isinstance(app.screen, PipelineScreen)


def follow_ups_shown(screen) -> list[str]:
    """The follow-ups Today lists, in order."""
    entries = (entry for _, group in agenda_groups(screen.agenda) for entry in group)
    return [entry.follow_up_id for entry in entries if getattr(entry, "follow_up_id", None)]
