"""Helpers for the Portfolio, Pipeline and Dashboard tests: the real app on a database with the
fixed clock, waiting for its workers, and reading what a widget shows as plain text."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from rich.console import Console, RenderableType
from textual.pilot import Pilot
from textual.widgets import Static

from portfolio_tui.domain.settings import Settings
from portfolio_tui.tui.app import PortfolioApp, make_app
from portfolio_tui.tui.widgets.virtual_table import VirtualTable

from conftest import PARIS, fixed_clock

SIZE = (120, 36)


def analysis_app(db_path: Path, settings: Settings | None = None) -> PortfolioApp:
    return make_app(db_path, clock=fixed_clock, tz=PARIS, settings=settings or Settings())


async def wait_idle(pilot: Pilot) -> None:
    """Let screen switches, thread workers and what they schedule back all finish."""
    for _ in range(5):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def keys(pilot: Pilot, *names: str) -> None:
    for name in names:
        await pilot.press(name)
        await wait_idle(pilot)


def plain(renderable: RenderableType, width: int = 120) -> str:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def static_text(screen, selector: str, width: int = 120) -> str:
    return plain(screen.query_one(selector, Static).content, width)


def table_lines(table: VirtualTable) -> list[str]:
    """The lines the table shows now, header first, as plain text."""
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


def rows_of(db_path: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
