"""Deals outside the board, on the seeded demo: the Account screen's Deals pane (the same keys
as the board while it has the focus) and its "To develop" suggestions (`n` makes one a deal),
Today's deals section, and the white-space cells highlighted in the Dashboard's matrix."""

from __future__ import annotations

from datetime import date

from analysis_helpers import SIZE, analysis_app, keys, rows_of, wait_idle
from textual.widgets import Input

from portfolio_tui.tui.modals.confirm import ConfirmModal
from portfolio_tui.tui.modals.deal import DealForm
from portfolio_tui.tui.modals.help import screen_keys
from portfolio_tui.tui.screens.account import AccountScreen
from portfolio_tui.tui.screens.dashboard import DashboardScreen
from portfolio_tui.tui.screens.deals_board import AccountDealsPane
from portfolio_tui.tui.screens.today import TodayScreen
from portfolio_tui.tui.widgets.deal_board import ROTTING_MARK
from portfolio_tui.tui.widgets.timeline import TimelineTable
from portfolio_tui.tui.widgets.today_deals import DealRow, TodayDeals, deal_row_key

from conftest import open_portfolio


async def open_account(pilot, account_id: str) -> tuple[AccountScreen, AccountDealsPane]:
    await keys(pilot, "2")
    pilot.app.open_account(account_id)
    await wait_idle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AccountScreen)
    assert screen.card is not None and screen.card.account.account_id == account_id
    return screen, screen.deals_pane


def open_deal_on_a_prospect(db_path) -> tuple[str, str]:
    return rows_of(
        db_path,
        "SELECT a.id, d.id FROM deal d JOIN account a ON a.id = d.account_id "
        "WHERE d.stage = 'proposal' AND a.stage != 'client' AND d.deleted_at IS NULL "
        "ORDER BY a.id LIMIT 1",
    )[0]


async def test_the_deals_pane_lists_the_accounts_deals_open_first(demo_db_path):
    account_id, _deal_id = open_deal_on_a_prospect(demo_db_path)
    with open_portfolio(demo_db_path) as pf:
        expected = pf.deals.deals("all", account_id)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        _screen, pane = await open_account(pilot, account_id)
        assert {d.deal_id for d in pane.deals} == {d.deal_id for d in expected}
        opened = [d.is_open for d in pane.deals]
        assert opened == sorted(opened, reverse=True)  # open deals, then closed ones
        table = pane.deals_table
        assert table.row_count == len(expected)
        first = pane.deals[0]
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells[1] == first.title and cells[3] == f"{first.probability}%"
        assert (ROTTING_MARK in cells[0]) == first.rotting
        open_count = sum(d.is_open for d in expected)
        assert str(pane.query_one("#deals-title").content) == f"Deals · {open_count} open"


async def test_d_focuses_the_pane_where_the_board_keys_act_on_the_deal(demo_db_path):
    account_id, deal_id = open_deal_on_a_prospect(demo_db_path)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen, pane = await open_account(pilot, account_id)
        assert isinstance(screen.focused, TimelineTable)
        own = {k.binding_id for k in screen_keys(screen)[0]}
        assert {"account.email", "account.stage_forward", "account.deals"} <= own
        assert "account.deal_edit" not in own
        await keys(pilot, "d")
        assert screen.focused is pane.deals_table
        own = {k.binding_id for k in screen_keys(screen)[0]}
        assert {"account.deal_forward", "account.deal_win", "account.deal_lose",
                "account.deal_edit", "account.deal_add"} <= own  # fmt: skip
        assert not {"account.email", "account.stage_forward"} & own
        pane.deals_table.move_cursor(row=[d.deal_id for d in pane.deals].index(deal_id))
        stage_before = rows_of(demo_db_path, "SELECT stage FROM account WHERE id = ?",
                               account_id)  # fmt: skip
        await keys(pilot, "greater_than_sign")  # the deal moves, not the account
        assert rows_of(demo_db_path, "SELECT stage FROM deal WHERE id = ?", deal_id) == [
            ("negotiation",)
        ]
        assert rows_of(demo_db_path, "SELECT stage FROM account WHERE id = ?",
                       account_id) == stage_before  # fmt: skip
        assert pane.selected_deal().deal_id == deal_id  # the cursor stayed on it
        await keys(pilot, "w")
        assert rows_of(demo_db_path, "SELECT stage FROM deal WHERE id = ?", deal_id) == [("won",)]
        assert isinstance(pilot.app.screen, ConfirmModal)
        await keys(pilot, "n")  # no sale recorded
        assert rows_of(demo_db_path, "SELECT stage FROM account WHERE id = ?", account_id) == [
            ("client",)
        ]
        assert screen.card.account.stage == "client"


async def test_the_deal_keys_answer_while_the_pane_has_no_tables_yet(demo_db_path):
    """The footer asks which keys apply while a recomposing pane has no tables mounted; the
    answer must come without a query that raises (a CI run crashed here on `s`)."""
    account_id, _deal_id = open_deal_on_a_prospect(demo_db_path)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen, pane = await open_account(pilot, account_id)
        await pane.remove_children()
        assert screen.check_action("deal", ("move",)) is False
        assert screen.check_action("deal", ("add",)) is True
        assert screen.check_action("stage", ()) is True


async def test_n_on_the_account_adds_a_deal_on_it(demo_db_path):
    account_id, _deal_id = open_deal_on_a_prospect(demo_db_path)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        _screen, pane = await open_account(pilot, account_id)
        count = len(pane.deals)
        await keys(pilot, "n")
        form = pilot.app.screen
        assert isinstance(form, DealForm) and form.account_id == account_id
        assert not form.query("#f-account")  # the account is the one shown
        form.query_one("#f-title", Input).value = "Maintenance 2027"
        form.query_one("#f-amount", Input).value = "8000"
        await keys(pilot, "ctrl+s")
        assert rows_of(
            demo_db_path,
            "SELECT amount, probability, stage FROM deal WHERE account_id = ? AND title = ?",
            account_id,
            "Maintenance 2027",
        ) == [(800000, None, "qualification")]
        assert len(pane.deals) == count + 1


async def test_n_on_a_suggestion_makes_it_a_deal(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        suggestion = pf.deals.whitespace()[0]
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen, pane = await open_account(pilot, suggestion.account_id)
        assert pane.suggestions and pane.suggestions[0] == suggestion
        assert str(pane.query_one("#suggestions-title").content) == "To develop"
        assert str(pane.suggestions_table.get_row_at(0)[0]) == suggestion.family
        await keys(pilot, "d", "d")
        assert screen.focused is pane.suggestions_table
        own = {k.binding_id for k in screen_keys(screen)[0]}
        assert "account.suggestion_deal" in own and "account.deal_add" not in own
        await keys(pilot, "n")
        assert rows_of(
            demo_db_path,
            "SELECT title, amount, family, stage FROM deal WHERE account_id = ? AND family = ? "
            "AND created_on = '2026-11-23'",
            suggestion.account_id,
            suggestion.family,
        ) == [(f"{suggestion.family}: first order", suggestion.estimate, suggestion.family,
               "qualification")]  # fmt: skip
        assert any(d.family == suggestion.family and d.is_open for d in pane.deals)
        await keys(pilot, "d")
        assert isinstance(screen.focused, TimelineTable)  # d goes round: back to the timeline


async def test_today_lists_deals_closing_this_week_and_rotting_and_enter_opens(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        closing, rotting = pf.deals.agenda_deals()
    assert closing and rotting
    assert all(d.expected_close <= date(2026, 11, 29) for d in closing)  # by Sunday
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_idle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, TodayScreen)
        deals = screen.query_one(TodayDeals)
        assert deals.display
        keys_shown = [deal_row_key(row) for row in deals.items if isinstance(row, DealRow)]
        assert keys_shown == [f"closing:{d.deal_id}" for d in closing] + [
            f"rotting:{d.deal_id}" for d in rotting
        ]
        assert str(deals.cells(deals.items[0])[0]) == "Deals closing"
        assert str(deals.cells(deals.items[len(closing) + 1])[0]) == "Deals rotting"
        deals.focus()
        deals.cursor_row = len(closing) + 2  # the first rotting deal
        assert (selected := deals.selected_item()) and selected.deal_id == rotting[0].deal_id
        await keys(pilot, "enter")
        account = pilot.app.screen
        assert isinstance(account, AccountScreen)
        assert account.card.account.account_id == rotting[0].account_id


async def test_the_dashboard_highlights_the_white_space_cells(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        cells = pf.deals.whitespace_cells(by="abc")
    assert ("A", "Maintenance") in cells and ("A", "Formation") not in cells
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "5")
        screen = pilot.app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.data is not None and screen.data.whitespace == frozenset(cells)
        table = screen.query_one("#matrix").content
        columns = {str(c.header): c for c in table.columns}
        rows = screen.data.kpis.matrix.rows
        for family in ("Maintenance", "Formation"):
            cell = list(columns[family].cells)[rows.index("A")]
            underlined = any("underline" in str(span.style) for span in cell.spans)
            assert underlined == (("A", family) in cells), family
        assert "highlighted: to develop" in str(screen.query_one("#matrix-title").content)
