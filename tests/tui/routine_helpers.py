"""Helpers for the app-shell, morning-routine and form tests: build the app on a database with
the fixed clock, wait for its workers, find rows on the Today screen."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from portfolio_tui.domain.settings import Settings
from portfolio_tui.service.views import AgendaItem
from portfolio_tui.tui.app import PortfolioApp, make_app
from portfolio_tui.tui.screens.today import TodayScreen
from portfolio_tui.tui.widgets.agenda_table import AgendaTable
from portfolio_tui.tui.widgets.today_deals import TodayDeals

from conftest import PARIS, fixed_clock

SIZE = (120, 36)


def record_deal_cells(monkeypatch) -> list[object]:
    """The rows of Today's deals section whose cells are made, in order, from now on."""
    made: list[object] = []
    cells = TodayDeals.cells
    monkeypatch.setattr(TodayDeals, "cells", lambda self, row: made.append(row) or cells(self, row))
    return made


def build_app(db_path: Path, settings: Settings | None = None) -> PortfolioApp:
    return make_app(db_path, clock=fixed_clock, tz=PARIS, settings=settings or Settings())


async def settle(pilot: Pilot) -> None:
    """Let the screen switch, the thread workers and what they schedule back all finish."""
    for _ in range(4):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot: Pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def type_text(pilot: Pilot, text: str) -> None:
    """Type into the focused input, replacing what it holds."""
    await pilot.pause()  # a focus() just asked for is applied on the next message
    focused = pilot.app.screen.focused
    assert isinstance(focused, Input), f"focus is on {focused!r}, not an Input"
    focused.value = ""
    await pilot.press(*text)
    await pilot.pause()


def today_screen(app: PortfolioApp) -> TodayScreen:
    screen = app.screen
    assert isinstance(screen, TodayScreen), f"on {screen!r}, not Today"
    return screen


async def select_row(pilot: Pilot, key: str) -> AgendaItem:
    """Put Today's cursor on the row with `key` ("fu:<id>" or "acct:<id>")."""
    screen = today_screen(pilot.app)  # type: ignore[arg-type]
    assert screen.query_one(AgendaTable).move_cursor_to(key), f"no row {key!r} on Today"
    await pilot.pause()
    item = screen.selected_item()
    assert item is not None
    return item
