"""The Portfolio screen after a save elsewhere (issue 8, point 26): back on it, the rows read
before the save are dimmed until the fresh ones are shown, never passed off as current. The
reload is held to look at the frame in between, whatever the machine's speed."""

from __future__ import annotations

from analysis_helpers import keys, wait_idle
from held_reloads import hold_reloads, run_beside_the_held_reload
from routine_helpers import SIZE, build_app, type_text

from portfolio_tui.tui.modals.forms import EditAccountForm
from portfolio_tui.tui.screens.account import AccountScreen
from portfolio_tui.tui.screens.portfolio import PortfolioScreen


async def test_back_on_the_portfolio_the_rows_read_before_a_save_are_dimmed(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_idle(pilot)
        await keys(pilot, "2")
        portfolio = app.screen
        assert isinstance(portfolio, PortfolioScreen) and portfolio.view is not None
        assert not portfolio.table.has_class("-stale")
        account_id = portfolio.table.cursor_item.account_id
        await keys(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)
        await keys(pilot, "E")
        form = app.screen
        assert isinstance(form, EditAccountForm)
        form.query_one("#f-city").focus()
        await type_text(pilot, "Quimper")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountScreen)
        gate = hold_reloads(portfolio)
        await pilot.press("2")
        await run_beside_the_held_reload(
            pilot, lambda: app.screen is portfolio and portfolio.load_pending, tries=100
        )
        assert app.screen is portfolio
        row = next(r for r in portfolio.table.items if r.account_id == account_id)
        assert row.city != "Quimper"  # read before the save…
        assert portfolio.table.has_class("-stale")  # …and shown as such
        gate.set()
        await wait_idle(pilot)
        row = next(r for r in portfolio.table.items if r.account_id == account_id)
        assert row.city == "Quimper" and not portfolio.table.has_class("-stale")
