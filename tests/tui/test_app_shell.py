"""The app shell: screens by number, the Account screen's default, help, palette, keymap,
theme, and what happens to errors."""

from __future__ import annotations

import sqlite3

import pytest
from routine_helpers import SIZE, build_app, press, settle, today_screen, type_text
from textual.binding import Binding
from textual.command import CommandPalette

from portfolio_tui import paths
from portfolio_tui.domain.settings import Settings
from portfolio_tui.tui.app import PortfolioApp
from portfolio_tui.tui.modals.forms import (
    AddContactForm,
    DoneForm,
    EditAccountForm,
    FollowUpForm,
    LogForm,
    SnoozeForm,
)
from portfolio_tui.tui.modals.help import HelpScreen
from portfolio_tui.tui.screens.account import AccountScreen
from portfolio_tui.tui.screens.dashboard import DashboardScreen
from portfolio_tui.tui.screens.exchange import ExchangeScreen
from portfolio_tui.tui.screens.pipeline import PipelineScreen
from portfolio_tui.tui.screens.portfolio import PortfolioScreen
from portfolio_tui.tui.screens.today import TodayScreen
from portfolio_tui.tui.widgets.agenda_table import AgendaTable

from conftest import db_dump, open_portfolio


async def test_number_keys_switch_screens(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        expected = {
            "2": PortfolioScreen,
            "4": PipelineScreen,
            "5": DashboardScreen,
            "6": ExchangeScreen,
            "3": AccountScreen,
            "1": TodayScreen,
        }
        for key, screen_type in expected.items():
            await press(pilot, key)
            assert isinstance(app.screen, screen_type), key


async def test_account_key_shows_best_account_then_the_last_opened(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        abc, _ = pf.reports.badges()
        best = abc.ranked[0]
    assert best.abc_class == "A"
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        screen = app.screen
        assert isinstance(screen, AccountScreen)
        assert screen.card is not None and screen.card.account.account_id == best.account_id

        await press(pilot, "1")
        today = today_screen(app)
        item = today.selected_item()
        assert item is not None and item.account_id != best.account_id
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.card is not None
        assert app.screen.card.account.account_id == item.account_id

        await press(pilot, "1", "3")
        assert app.screen.card.account.account_id == item.account_id  # type: ignore[union-attr]


def _all_bindings() -> list[tuple[str, Binding]]:
    owners = [
        PortfolioApp,
        TodayScreen,
        AccountScreen,
        PortfolioScreen,
        PipelineScreen,
        DashboardScreen,
        ExchangeScreen,
        HelpScreen,
        DoneForm,
        SnoozeForm,
        LogForm,
        FollowUpForm,
        EditAccountForm,
        AddContactForm,
    ]
    found = []
    for owner in owners:
        for binding in vars(owner).get("BINDINGS", []):  # its own, not Textual's
            assert isinstance(binding, Binding), f"{owner.__name__}: {binding!r} is not a Binding"
            found.append((owner.__name__, binding))
    return found


def test_every_binding_has_an_id():
    missing = [f"{owner}: {b.key} → {b.action}" for owner, b in _all_bindings() if not b.id]
    assert missing == []


async def test_footer_shows_screen_and_global_keys(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = {b.binding.id for b in app.screen.active_bindings.values() if b.binding.show}
        assert {"today.open", "today.done", "today.snooze", "today.log", "today.new"} <= shown
        assert {"app.today", "app.undo", "app.help", "app.theme", "app.quit"} <= shown


async def test_keymap_from_settings_remaps_keys(demo_db_path):
    settings = Settings(keymap={"today.done": "D", "app.portfolio": "P"})
    app = build_app(demo_db_path, settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "d")
        assert isinstance(app.screen, TodayScreen), "d no longer means done"
        await press(pilot, "D")
        assert isinstance(app.screen, DoneForm)
        await press(pilot, "escape", "P")
        assert isinstance(app.screen, PortfolioScreen)


async def test_theme_comes_from_settings_and_toggles(demo_db_path):
    app = build_app(demo_db_path, Settings(theme="textual-light"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "textual-light"
        await press(pilot, "ctrl+t")
        assert app.current_theme.dark
        await press(pilot, "ctrl+t")
        assert app.theme == "textual-light"


async def test_unknown_theme_falls_back_with_a_warning(demo_db_path):
    app = build_app(demo_db_path, Settings(theme="no-such-theme"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        assert any("no-such-theme" in str(n.message) for n in app._notifications)


async def test_help_lists_the_screen_keys_and_the_global_ones(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert help_screen.screen_title == "Today"
        own = {k.binding_id: k.description for k in help_screen.own}
        everywhere = {k.binding_id for k in help_screen.everywhere}
        assert own["today.done"] == "Done" and own["today.snooze"] == "Snooze"
        assert {"today.open", "today.log", "today.new"} <= set(own)
        assert {"app.undo", "app.help", "app.palette", "app.quit", "app.account"} <= everywhere
        await press(pilot, "escape")
        assert isinstance(app.screen, TodayScreen)

        await press(pilot, "3", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        own = {k.binding_id for k in app.screen.own}
        assert {"account.call", "account.stage_forward", "account.edit"} <= own
        assert not {"today.done"} & own


async def _palette_prompts(pilot) -> list[str]:
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    await settle(pilot)
    await pilot.pause(0.3)
    options = palette.query_one("CommandList")
    # A prompt is the command's text, then its help on a second line.
    return [
        str(options.get_option_at_index(i).prompt).splitlines()[0]
        for i in range(options.option_count)
    ]


async def test_palette_lists_actions_and_opens_accounts(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        account_id, name = pf.search_accounts("", limit=1)[0]
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        prompts = " | ".join(await _palette_prompts(pilot))
        for expected in ("Go to Portfolio", "Open account…", "Done", "Snooze", "Undo"):
            assert expected in prompts

        await pilot.press(*name[:6])
        prompts = await _palette_prompts(pilot)
        target = prompts.index(f"Open account: {name}")
        for _ in range(target):
            await pilot.press("down")
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)
        assert app.current_account_id == account_id


async def test_open_account_command_searches_by_name(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        account_id, name = pf.search_accounts("", limit=3)[2]
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        await pilot.press(*"open account")
        await _palette_prompts(pilot)
        await press(pilot, "enter")  # runs "Open account…": a palette of accounts
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*name)
        prompts = await _palette_prompts(pilot)
        assert prompts and prompts[0] == name
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)
        assert app.current_account_id == account_id


async def test_user_error_in_a_worker_is_a_warning_not_a_crash(demo_db_path):
    """`>` on a client: the service refuses; the rep sees why; nothing is written."""
    before = db_dump(demo_db_path)
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3")  # the best A account is a client
        assert app.screen.card.account.stage == "client"  # type: ignore[attr-defined]
        await press(pilot, "greater_than_sign")
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert any("already at the end" in n.message for n in warnings)
        assert isinstance(app.screen, AccountScreen)
    assert db_dump(demo_db_path) == before
    assert not paths.log_file().exists()


async def test_unexpected_error_is_logged_and_notified_and_the_app_goes_on(demo_db_path):
    """A damaged database (a table gone) is not the rep's typing: it is logged as a bug."""
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows_before = today_screen(app).query_one(AgendaTable).row_count
        conn = sqlite3.connect(demo_db_path)
        conn.execute("DROP TABLE followup")
        conn.commit()
        conn.close()
        today_screen(app).refresh_data()
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and str(paths.log_file()) in errors[-1].message
        log = paths.log_file().read_text(encoding="utf-8")
        assert "Traceback" in log and "followup" in log
        # Still running, still showing what it had.
        assert app.is_running
        assert today_screen(app).query_one(AgendaTable).row_count == rows_before
        await press(pilot, "2")
        assert isinstance(app.screen, PortfolioScreen)


async def test_a_failed_worker_of_the_app_itself_is_logged_and_notified(empty_db_path):
    """Key 3 with no account opened yet: the app's worker looking for the account to show
    fails on a damaged database; it is reported as a screen's worker would be."""
    app = build_app(empty_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        conn = sqlite3.connect(empty_db_path)
        conn.execute("DROP TABLE account")
        conn.commit()
        conn.close()
        await press(pilot, "3")
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and str(paths.log_file()) in errors[-1].message
        log = paths.log_file().read_text(encoding="utf-8")
        assert "worker _open_best_account" in log and "no such table: account" in log
        assert app.is_running
        assert isinstance(app.screen, TodayScreen)


async def test_a_crash_ends_the_app_and_keeps_its_traceback_in_the_log(demo_db_path):
    """A bug no handler catches ends the app, as Textual does; its traceback is kept."""

    def broken_handler() -> None:
        raise ZeroDivisionError("a bug in a handler")

    app = build_app(demo_db_path)
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.call_later(broken_handler)
            await pilot.pause()
    assert app.return_code == 1
    assert app.save_crash_log() == paths.log_file()
    log = paths.log_file().read_text(encoding="utf-8")
    assert " unhandled\n" in log
    assert "Traceback" in log and "ZeroDivisionError: a bug in a handler" in log
    assert "broken_handler" in log
    assert app.save_crash_log() is None  # kept once


async def test_a_clean_exit_logs_nothing(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "q")
    assert app.return_code == 0
    assert app.save_crash_log() is None
    assert not paths.log_file().exists()


async def test_undo_with_nothing_to_undo_says_so(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+z")
        assert any(n.message == "Nothing to undo." for n in app._notifications)


async def test_type_text_helper_types_spaces(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "l")
        await type_text(pilot, "a b")
        assert app.screen.focused.value == "a b"  # type: ignore[union-attr]


async def test_markup_in_user_data_is_shown_as_typed(demo_db_path):
    """Names are the rep's text, never markup: brackets must not break a screen."""
    name = "[bold]Acme [/x] & Co"
    with open_portfolio(demo_db_path) as pf:
        account_id = pf.routine.add_account(name, stage="cold")
        pf.routine.add_contact(account_id, "Dupont [CEO", email="d@example.com")
        pf.routine.schedule_follow_up(account_id, "Call [b]back", "today 10:00")
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        today = today_screen(app)
        item = today._items[next(k for k, i in today._items.items() if i.account_id == account_id)]
        assert item.title == "Call [b]back"
        app.open_account(account_id)
        await settle(pilot)
        header = str(app.screen.query_one("#account-header").render())
        assert name in header
        await press(pilot, "c")
        assert isinstance(app.screen, LogForm)
        await press(pilot, "escape", "greater_than_sign")
        assert app.is_running
        assert any(name in str(n.message) for n in app._notifications)
