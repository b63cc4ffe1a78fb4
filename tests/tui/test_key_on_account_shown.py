"""Issue 8, point 2: a key acts on the account on screen, never the previous one. The exact
keys of the report: open account A with ctrl+p, then 1, Escape, 2, Home, Enter (the header now
shows B), then `c` at once: the Log dialog names B and the call is saved on B.

The Account screen's loads are held on a gate (a real load, started late, as on a portfolio
large enough to be slow), so the keys arrive while A's card is still on its way — the order
the report saw, made deterministic."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from routine_helpers import SIZE, build_app, settle
from textual.command import CommandPalette
from textual.widgets import Static

from portfolio_tui.tui.modals.forms import LogForm
from portfolio_tui.tui.screens.account import AccountScreen
from portfolio_tui.tui.screens.portfolio import PortfolioScreen

from conftest import open_portfolio


class Gate:
    """Holds the Account screen's loads while closed; counts the loads that passed."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.open.set()
        self.waiting = 0

    def hold(self) -> None:
        self.waiting += 1
        assert self.open.wait(10), "the gate was never opened"


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Gate:
    gate = Gate()
    real_load = AccountScreen.load

    def held_load(screen: AccountScreen):
        card = real_load(screen)  # read at once: the account asked for when the load began
        gate.hold()  # and handed back late, as a slow load would
        return card

    monkeypatch.setattr(AccountScreen, "load", held_load)
    return gate


async def _until(pilot, condition, what: str) -> None:
    """Wait for `condition()` without waiting for the held workers (settle would)."""
    for _ in range(400):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never: {what}")


def _calls_on(db: Path, account_id: str, summary: str) -> int:
    with open_portfolio(db) as pf, pf.db.raw() as conn:
        sql = "SELECT count(*) FROM interaction WHERE account_id = ? AND summary = ?"
        return conn.execute(sql, (account_id, summary)).fetchone()[0]


async def test_c_right_after_opening_b_logs_on_b_while_a_is_loading(
    demo_db_path: Path, gate: Gate
) -> None:
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")  # the Portfolio once, to know its first row
        await settle(pilot)
        portfolio = app.screen
        assert isinstance(portfolio, PortfolioScreen)
        b_id, b_name = portfolio.table.items[0].account_id, portfolio.table.items[0].name
        a_id, a_name = portfolio.table.items[-1].account_id, portfolio.table.items[-1].name
        assert a_id != b_id
        await pilot.press("1")
        await settle(pilot)

        gate.open.clear()  # from here the Account screen's loads wait: A's card is slow
        await pilot.press("ctrl+p")
        await _until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*a_name)
        await pilot.pause(0.3)  # the palette's search runs
        await settle(pilot)
        await pilot.press("enter")  # "Open account: A"
        await _until(pilot, lambda: isinstance(app.screen, AccountScreen), "A's screen")
        await _until(pilot, lambda: gate.waiting >= 1, "A's load")
        assert app.current_account_id == a_id
        await pilot.press("1", "escape", "2")
        await _until(pilot, lambda: isinstance(app.screen, PortfolioScreen), "the Portfolio")
        await _until(pilot, lambda: not app.screen.load_pending, "the Portfolio's rows")
        await pilot.press("home", "enter", "c")  # B, and `c` at once
        gate.open.set()  # A's load, then B's, come in now
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LogForm), f"on {form!r}"
        assert (form.account_id, form.account_name) == (b_id, b_name)
        header = app.screen_stack[0]
        assert isinstance(header, AccountScreen)
        assert b_name in str(header.query_one("#account-header", Static).render())
        await pilot.press(*"Rappel devis B")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        assert app.current_account_id == b_id
    assert _calls_on(demo_db_path, b_id, "Rappel devis B") == 1
    assert _calls_on(demo_db_path, a_id, "Rappel devis B") == 0
