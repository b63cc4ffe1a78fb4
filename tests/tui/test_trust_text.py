"""User text is shown as typed everywhere and never crashes the app (issue 8, point 1).

Hostile names (markup, brackets, emoji, very long, right-to-left, combining accents, a
control character) go through the confirm dialogs, the palette (hits and search), the
notifications, the Account header, the tables and the help, on a real database."""

from __future__ import annotations

import unicodedata

from routine_helpers import SIZE, build_app, press, settle
from textual.command import CommandList, CommandPalette
from textual.widgets import Label, Static

from portfolio_tui.domain.text import visible
from portfolio_tui.tui.modals.confirm import ConfirmModal
from portfolio_tui.tui.modals.help import HelpScreen
from portfolio_tui.tui.screens.account import AccountScreen
from portfolio_tui.tui.widgets.virtual_table import VirtualTable

from conftest import open_portfolio

HOSTILE = (
    "Nom \u202e inversé",
    "Crash [/] Test",
    "Garage [Centre] Auto",
    "[bold red]Gras[/bold red] SARL",
    "Café 😀 Crème 🍰",
    "Très Longue Société " + "de Distribution " * 8 + "Fin",
    "שלום מרקט",
    "Cafe\u0301 Noe\u0308l",
    "Back\\slash [link=x]Lien[/link]",
)
FOLLOW_UP_TITLE = "Bad [/] markup"
CRASH, GARAGE = "Crash [/] Test", "Garage [Centre] Auto"


def _make_accounts(path) -> dict[str, str]:
    with open_portfolio(path) as pf:
        ids = {name: pf.routine.add_account(name, stage="warm") for name in HOSTILE}
        pf.routine.schedule_follow_up(ids[CRASH], FOLLOW_UP_TITLE, "today")
        pf.routine.schedule_follow_up(ids[GARAGE], "Rappel [urgent] devis", "tomorrow")
    return ids


def _plain(widget) -> str:
    return unicodedata.normalize("NFC", str(widget.render()))


def _shown(name: str) -> str:
    """The name as the screen must show it (stored NFC: "e" + U+0301 is kept as "é")."""
    return unicodedata.normalize("NFC", visible(name))


async def _open(pilot, account_id: str) -> AccountScreen:
    pilot.app.open_account(account_id)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AccountScreen)
    return screen


async def test_confirm_dialogs_show_names_whole(empty_db_path):
    ids = _make_accounts(empty_db_path)
    app = build_app(empty_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for name in HOSTILE:
            screen = await _open(pilot, ids[name])
            assert _shown(name) in _plain(screen.query_one("#account-header", Static))
            await press(pilot, "D")
            assert isinstance(app.screen, ConfirmModal)
            assert _shown(name) in _plain(app.screen.query_one("#question", Label))
            await press(pilot, "n")
        await _open(pilot, ids[CRASH])
        await press(pilot, "x")
        assert isinstance(app.screen, ConfirmModal)
        assert FOLLOW_UP_TITLE in _plain(app.screen.query_one("#question", Label))
        await press(pilot, "y")
    with open_portfolio(empty_db_path) as pf:
        assert pf.reports.account_card(ids[CRASH]).open_follow_ups == []
        assert len(pf.search_accounts("", 50)) == len(HOSTILE)


async def test_notifications_after_a_move_show_the_name(empty_db_path):
    ids = _make_accounts(empty_db_path)
    app = build_app(empty_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open(pilot, ids["Crash [/] Test"])
        await press(pilot, "<")
        messages = [n.message for n in app._notifications]
        assert any("Crash [/] Test: warm → cold" in m for m in messages)


async def _palette_prompts(pilot, query: str) -> list[str]:
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*query)
    for _ in range(10):
        await pilot.pause(0.05)
        await settle(pilot)
    options = pilot.app.screen.query_one(CommandList)
    count = options.option_count
    # A prompt is the hit, then its help on a second line.
    prompts = [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(count)]
    await pilot.press("escape")
    await settle(pilot)
    return prompts


async def test_palette_finds_and_shows_names_with_brackets(empty_db_path):
    _make_accounts(empty_db_path)
    app = build_app(empty_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        prompts = await _palette_prompts(pilot, "Garage [Centre]")
        assert "Open account: Garage [Centre] Auto" in prompts
        prompts = await _palette_prompts(pilot, "[/]")
        assert "Open account: Crash [/] Test" in prompts
        prompts = await _palette_prompts(pilot, "[bold red]")
        assert "Open account: [bold red]Gras[/bold red] SARL" in prompts


async def test_tables_and_help_show_names_whole(empty_db_path):
    _make_accounts(empty_db_path)
    app = build_app(empty_db_path)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        agenda = app.screen.query_one(VirtualTable)
        lines = [agenda.render_line(y).text for y in range(agenda.size.height)]
        assert any("Crash [/] Test" in line and FOLLOW_UP_TITLE in line for line in lines)
        await press(pilot, "2")
        table = app.screen.query_one(VirtualTable)
        lines = [table.render_line(y).text for y in range(table.size.height)]
        for name in ("Crash [/] Test", "Garage [Centre] Auto", "[bold red]Gras[/bold red] SARL"):
            assert any(name in line for line in lines), name
        await press(pilot, "3")
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape")
