"""The Pipeline after a move (issue 8, point 26): the card stands in its new column, with the
cursor on it, in the frame the move is saved, before the board's reload (held here, to look at
the frame in between whatever the machine's speed) comes back; the reload then agrees."""

from __future__ import annotations

from analysis_helpers import SIZE, analysis_app, keys, wait_idle
from french_helpers import french_app, french_demo_copy, speaking_french_then_english
from held_reloads import hold_reloads, run_beside_the_held_reload

from portfolio_tui.tui.screens.pipeline import PipelineScreen

from conftest import open_portfolio


async def _until_moved(pilot, db_path, account_id: str, stage: str) -> None:
    """Let the move's worker write, the held reload aside."""

    def saved() -> bool:
        with open_portfolio(db_path) as pf:
            return pf.reports.account_card(account_id).account.stage == stage

    await run_beside_the_held_reload(pilot, saved)
    assert saved(), "the move was never saved"


async def test_a_moved_card_is_in_its_new_column_before_the_reload(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "4")
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        card = screen.selected_card()
        assert card is not None and card.stage == "cold"
        gate = hold_reloads(screen)
        await pilot.press("greater_than_sign")
        await _until_moved(pilot, demo_db_path, card.account_id, "warm")
        assert screen.load_pending  # the reload is still held…
        assert card.account_id not in [c.account_id for c in screen.cards["cold"]]
        assert card.account_id in [c.account_id for c in screen.cards["warm"]]
        assert screen.stage == "warm" and screen.selected_card().account_id == card.account_id
        shown = screen.selected_card()
        assert shown.days_in_stage == 0
        gate.set()
        await wait_idle(pilot)
        assert screen.stage == "warm" and screen.selected_card().account_id == card.account_id
        assert screen.selected_card() == shown  # the reload shows what the move showed


async def test_the_move_is_said_with_the_stage_labels_in_french(tmp_path):
    with speaking_french_then_english():
        app = french_app(french_demo_copy(tmp_path))
        async with app.run_test(size=SIZE) as pilot:
            await keys(pilot, "4")
            card = app.screen.selected_card()
            assert card is not None and card.stage == "cold"
            await keys(pilot, "greater_than_sign")
            messages = [n.message for n in app._notifications]
            assert f"{card.name}: froid → tiède" in messages, messages


async def test_the_deals_board_is_dimmed_after_a_move_until_it_is_read_again(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "4", "d")
        screen = app.screen
        assert isinstance(screen, PipelineScreen) and screen.deals_shown
        board = screen.deal_board
        deal = board.selected_deal()
        assert deal is not None and deal.is_open and not board.has_class("-stale")
        gate = hold_reloads(screen)
        await pilot.press("greater_than_sign")
        await run_beside_the_held_reload(pilot, lambda: board.has_class("-stale"))
        assert board.has_class("-stale")  # the cards shown were read before the move
        assert board.selected_deal().stage == deal.stage
        gate.set()
        await wait_idle(pilot)
        assert not board.has_class("-stale")
        moved = next(d for _s, cards in board.board.columns for d in cards
                     if d.deal_id == deal.deal_id)  # fmt: skip
        assert moved.stage != deal.stage
