"""Issue 8, point 12: an empty portfolio opens on a screen that says how to start — create an
account (A), import a file (the Import/Export screen's key), or try the demo (its command; the
demo is never written into this file). Once an account exists, Today shows the agenda."""

from __future__ import annotations

from pathlib import Path

from routine_helpers import SIZE, build_app, press, settle, today_screen
from textual.widgets import Static

from portfolio_tui.domain.settings import Settings
from portfolio_tui.tui.modals.new_account import NewAccountForm
from portfolio_tui.tui.screens.account import AccountScreen
from portfolio_tui.tui.widgets.agenda_table import AgendaTable
from portfolio_tui.tui.widgets.welcome import DEMO_COMMAND, Welcome

from conftest import open_portfolio


def _accounts(db: Path, where: str = "1") -> int:
    with open_portfolio(db) as pf, pf.db.raw() as conn:
        return conn.execute(f"SELECT count(*) FROM account WHERE {where}").fetchone()[0]


def _welcome_lines(app) -> list[str]:
    """The welcome as painted: its lines, without the padding."""
    welcome = app.screen.query_one(Welcome)
    return [line.text.strip() for line in welcome.render_lines(welcome.region)]


async def test_an_empty_portfolio_opens_on_how_to_start(empty_db_path: Path) -> None:
    app = build_app(empty_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        today = today_screen(app)
        welcome = today.query_one(Welcome)
        assert welcome.display and welcome.empty is True
        assert not today.query_one(AgendaTable).display  # no "Nothing to do" under it
        text = "\n".join(_welcome_lines(app))
        assert "This portfolio is empty" in text
        lines = _welcome_lines(app)
        assert any(line.startswith("A ") and "first account" in line for line in lines)
        assert any(line.startswith("6 ") and "Import" in line for line in lines)
        assert any(line.startswith(DEMO_COMMAND) and "quit (q)" in line for line in lines)
        assert "its own file" in text
    assert _accounts(empty_db_path) == 0  # nothing written: no demo in the rep's file


async def test_the_welcome_names_the_keys_of_the_keymap(empty_db_path: Path) -> None:
    settings = Settings(keymap={"app.new_account": "N", "app.exchange": "f6"})
    app = build_app(empty_db_path, settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = _welcome_lines(app)
        assert any(line.startswith("N ") and "first account" in line for line in lines)
        assert any(line.startswith("f6 ") and "Import" in line for line in lines)


async def test_once_an_account_exists_today_shows_the_agenda(empty_db_path: Path) -> None:
    app = build_app(empty_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert today_screen(app).query_one(Welcome).display
        await press(pilot, "A")  # the key the welcome names
        assert isinstance(app.screen, NewAccountForm)
        await pilot.press(*"Boulangerie Martin")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountScreen)
        await press(pilot, "1")
        today = today_screen(app)
        assert not today.query_one(Welcome).display
        assert today.query_one(AgendaTable).display
        assert today.loaded and not today.load_pending
        await press(pilot, "ctrl+z")  # the account undone: the portfolio is empty again
        assert today.query_one(Welcome).display
        assert not today.query_one(AgendaTable).display
    assert _accounts(empty_db_path, "deleted_at IS NULL") == 0


async def test_a_portfolio_with_accounts_shows_no_welcome(demo_db_path: Path) -> None:
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        today = today_screen(app)
        assert today.query_one(Welcome).empty is False
        assert not today.query_one(Welcome).display
        assert today.query_one(AgendaTable).display
        assert str(today.query_one("#today-title", Static).render()).startswith("Today")


async def test_the_welcome_fits_at_80_by_24(empty_db_path: Path) -> None:
    app = build_app(empty_db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        welcome = today_screen(app).query_one(Welcome)
        footer_row = app.screen.size.height - 1
        assert welcome.region.height > 0 and welcome.region.bottom <= footer_row
        lines = _welcome_lines(app)
        assert any(line.startswith(DEMO_COMMAND) for line in lines)
        assert any("deals to close." in line for line in lines)  # the last line, whole
