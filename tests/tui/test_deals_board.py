"""The deals board on the Pipeline screen, on the seeded demo: `d` switches between prospects
and deals; columns by deal stage; cards; keys that add, move, win (with the offer to record the
sale), lose (with the reason), edit and filter, each checked in the database afterwards."""

from __future__ import annotations

from analysis_helpers import SIZE, analysis_app, keys, rows_of, wait_idle
from textual.widgets import ContentSwitcher, Input, Select

from portfolio_tui.domain.settings import Settings
from portfolio_tui.tui.modals.confirm import ConfirmModal
from portfolio_tui.tui.modals.deal import DealForm, LoseDealForm
from portfolio_tui.tui.screens.pipeline import PipelineScreen
from portfolio_tui.tui.text import short_money
from portfolio_tui.tui.widgets.deal_board import DEAL_STAGES, ROTTING_MARK, DealBoardView

from conftest import open_portfolio


def deal_row(db_path, deal_id: str) -> tuple:
    return rows_of(
        db_path,
        "SELECT stage, amount, probability, closed_on, lost_reason, title, expected_close "
        "FROM deal WHERE id = ?",
        deal_id,
    )[0]


def deal_moves(db_path, deal_id: str) -> list[tuple]:
    return rows_of(
        db_path,
        "SELECT from_stage, to_stage FROM dealstagechange WHERE deal_id = ? "
        "AND deleted_at IS NULL ORDER BY at, created_at",
        deal_id,
    )


async def open_deals(pilot) -> tuple[PipelineScreen, DealBoardView]:
    await keys(pilot, "4")
    screen = pilot.app.screen
    assert isinstance(screen, PipelineScreen)
    await keys(pilot, "d")
    assert screen.deals_shown
    board = screen.deal_board
    assert board.loads >= 1
    return screen, board


async def test_d_switches_between_prospects_and_the_deals_board(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        expected = pf.deals.board()
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen, board = await open_deals(pilot)
        assert screen.query_one(ContentSwitcher).current == "pipeline-deals"
        for stage in DEAL_STAGES:
            ids = [d.deal_id for d in expected.column(stage)]
            assert [c.key for c in board.column_widget(stage).cards] == ids, stage
        await keys(pilot, "d")
        assert screen.query_one(ContentSwitcher).current == "pipeline-board"
        assert not screen.deals_shown


def prospect_deal(db_path) -> tuple[str, str]:
    """(deal id, account id) of an open negotiation deal on a prospect (not a client)."""
    return rows_of(
        db_path,
        "SELECT d.id, a.id FROM deal d JOIN account a ON a.id = d.account_id "
        "WHERE d.stage = 'negotiation' AND a.stage != 'client' AND d.deleted_at IS NULL "
        "ORDER BY d.id LIMIT 1",
    )[0]


def sales_today(db_path, account_id: str) -> list[tuple]:
    return rows_of(
        db_path,
        "SELECT amount FROM sale WHERE account_id = ? AND sold_on = '2026-11-23' "
        "AND deleted_at IS NULL",
        account_id,
    )


async def test_cards_show_account_title_amount_probability_close_and_days(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        board = pf.deals.board()
    rotting = next(d for d in board.column("qualification") if d.rotting)
    fresh = next(d for d in board.column("proposal") if not d.rotting and d.expected_close)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        _screen, view = await open_deals(pilot)
        cards = {c.key: c for s in DEAL_STAGES for c in view.column_widget(s).cards}
        lines = [line.plain for line in cards[rotting.deal_id].lines]
        assert lines[0] == f"{ROTTING_MARK} {rotting.account_name}"
        assert lines[1] == rotting.title
        close = f"{rotting.expected_close:%d/%m}" if rotting.expected_close else "—"
        money = short_money(rotting.amount, Settings())
        assert lines[2] == f"{money} {rotting.probability}% {close} {rotting.days_in_stage}d"
        lines = [line.plain for line in cards[fresh.deal_id].lines]
        assert lines[0] == fresh.account_name  # not rotting: no mark
        assert lines[2].endswith(f"{fresh.expected_close:%d/%m} {fresh.days_in_stage}d")
        head = str(view.query_one("#deal-head-qualification").content)
        assert head.startswith(" Qualification 31 ")
        title = str(pilot.app.screen.query_one("#pipeline-title").content)
        assert "66 open deals" in title and f"{ROTTING_MARK} 15 rotting" in title


async def test_greater_than_moves_a_deal_one_stage_and_the_cursor_follows(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen, view = await open_deals(pilot)
        deal = view.selected_deal()
        assert deal is not None and deal.stage == "qualification"
        await keys(pilot, "greater_than_sign")
        assert deal_row(demo_db_path, deal.deal_id)[0] == "proposal"
        assert deal_moves(demo_db_path, deal.deal_id)[-1] == ("qualification", "proposal")
        assert view.stage == "proposal" and view.selected_deal().deal_id == deal.deal_id
        await keys(pilot, "less_than_sign")
        assert deal_row(demo_db_path, deal.deal_id)[0] == "qualification"
        assert screen.deals_shown


async def test_winning_a_prospects_deal_makes_a_client_and_offers_the_sale(demo_db_path):
    deal_id, account_id = prospect_deal(demo_db_path)
    amount = deal_row(demo_db_path, deal_id)[1]
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        _screen, view = await open_deals(pilot)
        assert view.select_deal(deal_id)
        await keys(pilot, "w")
        stage, _amount, _p, closed_on, *_ = deal_row(demo_db_path, deal_id)
        assert (stage, closed_on) == ("won", "2026-11-23")
        assert rows_of(demo_db_path, "SELECT stage FROM account WHERE id = ?", account_id) == [
            ("client",)
        ]
        offer = pilot.app.screen
        assert isinstance(offer, ConfirmModal) and "now a client" in offer.question
        await keys(pilot, "y")
        assert sales_today(demo_db_path, account_id) == [(amount,)]
        assert view.stage == "won" and view.selected_deal().deal_id == deal_id


async def test_greater_than_from_negotiation_asks_then_n_declines_the_sale(demo_db_path):
    deal_id, account_id = prospect_deal(demo_db_path)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        _screen, view = await open_deals(pilot)
        assert view.select_deal(deal_id)
        await keys(pilot, "greater_than_sign")
        assert isinstance(pilot.app.screen, ConfirmModal)  # won? asked first
        assert deal_row(demo_db_path, deal_id)[0] == "negotiation"
        await keys(pilot, "y")
        assert deal_row(demo_db_path, deal_id)[0] == "won"
        assert isinstance(pilot.app.screen, ConfirmModal)  # record the sale?
        await keys(pilot, "n")
        assert not isinstance(pilot.app.screen, ConfirmModal)
        assert sales_today(demo_db_path, account_id) == []


async def test_l_asks_the_reason_from_the_list_and_loses_the_deal(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        _screen, view = await open_deals(pilot)
        deal = view.selected_deal()
        await keys(pilot, "l")
        form = pilot.app.screen
        assert isinstance(form, LoseDealForm)
        select = form.query_one("#f-reason", Select)
        assert [value for _label, value in select._options if value != Select.NULL] == list(
            Settings().deal_lost_reasons
        )
        await keys(pilot, "ctrl+s")  # no reason chosen: refused, nothing written
        assert isinstance(pilot.app.screen, LoseDealForm)
        assert deal_row(demo_db_path, deal.deal_id)[0] == "qualification"
        select.value = "competitor"
        await keys(pilot, "ctrl+s")
        stage, _a, _p, closed_on, reason, *_ = deal_row(demo_db_path, deal.deal_id)
        assert (stage, closed_on, reason) == ("lost", "2026-11-23", "competitor")
        assert deal.deal_id in [c.key for c in view.column_widget("lost").cards]


async def test_n_adds_a_deal_on_the_account_typed(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        _screen, view = await open_deals(pilot)
        selected = view.selected_deal()
        await keys(pilot, "n")
        form = pilot.app.screen
        assert isinstance(form, DealForm)
        assert form.query_one("#f-account", Input).value == selected.account_name
        form.query_one("#f-title", Input).value = "Contrat cadre 2027"
        form.query_one("#f-amount", Input).value = "12 000,50"
        form.query_one("#f-probability", Input).value = "45"
        form.query_one("#f-close").value = "2026-12-15"
        await keys(pilot, "ctrl+s")
        found = rows_of(
            demo_db_path,
            "SELECT account_id, amount, probability, stage, expected_close, created_on "
            "FROM deal WHERE title = 'Contrat cadre 2027'",
        )
        assert found == [
            (selected.account_id, 1200050, 45, "qualification", "2026-12-15", "2026-11-23")
        ]
        titles = [c.lines[1].plain for c in view.column_widget("qualification").cards]
        assert "Contrat cadre 2027" in titles


async def test_e_edits_the_fields_changed_only(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        _screen, view = await open_deals(pilot)
        deal = view.selected_deal()
        before = deal_row(demo_db_path, deal.deal_id)
        await keys(pilot, "e")
        form = pilot.app.screen
        assert isinstance(form, DealForm) and form.deal == deal
        amount = form.query_one("#f-amount", Input)
        assert amount.value == f"{deal.amount // 100}.{deal.amount % 100:02d}"
        amount.value = "4321"
        await keys(pilot, "ctrl+s")
        assert deal_row(demo_db_path, deal.deal_id) == (before[0], 432100, *before[2:])
        assert view.selected_deal().amount == 432100


async def test_slash_filters_the_board_and_help_and_palette_list_the_keys(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        expected = pf.deals.board("Brasserie")
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen, view = await open_deals(pilot)
        await keys(pilot, "slash")
        assert screen.focused is view.query_one("#deals-filter", Input)
        await pilot.press(*"Brasserie")
        await wait_idle(pilot)
        for stage in DEAL_STAGES:
            ids = [d.deal_id for d in expected.column(stage)]
            assert [c.key for c in view.column_widget(stage).cards] == ids
        assert all("Brasserie" in d.account_name for _s, ds in expected.columns for d in ds)
        assert "filter: Brasserie" in str(screen.query_one("#pipeline-title").content)
        await keys(pilot, "enter")
        assert screen.focused is None  # the arrows are the board's again
        from portfolio_tui.tui.modals.help import screen_keys

        own, _everywhere = screen_keys(screen)
        ids = {k.binding_id for k in own}
        wanted = {"deals.add", "deals.win", "deals.lose", "deals.edit", "deals.filter",
                  "deals.forward", "deals.back", "pipeline.deals"}  # fmt: skip
        assert wanted <= ids
        assert not {"pipeline.matrix", "pipeline.period"} & ids  # prospects' keys are off
        from portfolio_tui.tui.commands import PortfolioCommands

        names = [name for name, _run, _help in PortfolioCommands(screen)._commands()]
        assert {"New deal", "Won", "Lost…", "Edit", "Filter", "Deals"} <= set(names)
