"""The Pipeline screen on the seeded demo: the board, moving prospects (StageChange rows in the
database), the confirmation before won, undo, and the potential × accessibility ranking."""

from __future__ import annotations

from analysis_helpers import SIZE, analysis_app, keys, rows_of, wait_idle
from textual.widgets import ContentSwitcher

from portfolio_tui.domain.prospects import score_prospects
from portfolio_tui.domain.settings import Settings
from portfolio_tui.domain.stages import PROSPECT_STAGES
from portfolio_tui.tui.modals.confirm import ConfirmModal
from portfolio_tui.tui.screens.account import AccountScreen
from portfolio_tui.tui.screens.pipeline import BOARD, PipelineScreen, access_dots
from portfolio_tui.tui.text import short_money
from portfolio_tui.tui.widgets.card_column import CARD_HEIGHT

from conftest import db_dump, open_portfolio

STAGE_KEYS = [stage for stage, _ in BOARD]


def stage_of(db_path, account_id: str) -> str:
    return rows_of(db_path, "SELECT stage FROM account WHERE id = ?", account_id)[0][0]


def moves_of(db_path, account_id: str) -> list[tuple[str | None, str]]:
    return rows_of(
        db_path,
        "SELECT from_stage, to_stage FROM stagechange WHERE account_id = ? AND deleted_at IS NULL "
        "ORDER BY at, created_at",
        account_id,
    )


async def open_pipeline(pilot) -> PipelineScreen:
    await keys(pilot, "4")
    screen = pilot.app.screen
    assert isinstance(screen, PipelineScreen)
    assert screen.loaded
    return screen


async def go_to_column(pilot, screen: PipelineScreen, stage: str) -> None:
    target = STAGE_KEYS.index(stage)
    while screen.column != target:
        await keys(pilot, "right" if screen.column < target else "left")


async def test_board_shows_every_prospect_won_and_lost_account_in_its_column(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        cards = pf.reports.pipeline("year")
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pipeline(pilot)
        for stage in STAGE_KEYS:
            expected = [c.account_id for c in cards if c.stage == stage]
            assert [c.account_id for c in screen.cards[stage]] == expected, stage
            column = screen.column_widget(stage)
            assert [c.key for c in column.cards] == expected
            head = str(screen.query_one(f"#head-{stage}").content)
            assert str(len(expected)) in head
        assert all(screen.cards[s] for s in ("suspect", "cold", "warm", "hot"))
        assert "Won 2026" in str(screen.query_one("#head-client").content)
        # A card shows the name, potential, accessibility, days in stage and next follow-up.
        first = screen.cards["cold"][0]
        lines = [line.plain for line in screen.column_widget("cold").cards[0].lines]
        assert lines[0] == first.name
        potential = short_money(first.potential, Settings())
        assert lines[1] == f"{potential} {access_dots(first.accessibility)}"
        assert potential.startswith("€") and potential[-1] in "kM0123456789"
        assert f"{first.days_in_stage}d" in lines[2]
        if first.next_follow_up:
            assert f"{first.next_follow_up:%d %b}" in lines[2]


async def test_arrows_move_between_cards_and_columns(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pipeline(pilot)
        assert screen.stage == "cold"
        assert screen.selected_card() == screen.cards["cold"][0]
        await keys(pilot, "down", "down")
        assert screen.selected_card() == screen.cards["cold"][2]
        assert screen.column_widget("cold").selected == 2
        await keys(pilot, "right")
        assert screen.stage == "warm" and screen.selected_card() == screen.cards["warm"][0]
        assert screen.column_widget("warm").has_class("-active")
        assert not screen.column_widget("cold").has_class("-active")
        await keys(pilot, "left")  # each column remembers its card
        assert screen.selected_card() == screen.cards["cold"][2]
        await keys(pilot, "end")
        assert screen.selected_card() == screen.cards["cold"][-1]
        await keys(pilot, "home", "left", "left", "left")
        assert screen.stage == "suspect"


async def test_move_a_prospect_cold_to_warm_to_hot_records_each_stage_change(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pipeline(pilot)
        card = screen.selected_card()
        assert card is not None and card.stage == "cold"
        history = moves_of(demo_db_path, card.account_id)
        await keys(pilot, "greater_than_sign")
        assert stage_of(demo_db_path, card.account_id) == "warm"
        # The cursor followed the prospect to its new column.
        assert screen.stage == "warm" and screen.selected_card().account_id == card.account_id
        await keys(pilot, "greater_than_sign")
        assert stage_of(demo_db_path, card.account_id) == "hot"
        assert screen.stage == "hot" and screen.selected_card().account_id == card.account_id
        assert card.account_id in [c.account_id for c in screen.cards["hot"]]
        assert moves_of(demo_db_path, card.account_id) == [
            *history,
            ("cold", "warm"),
            ("warm", "hot"),
        ]
        # And back one step.
        await keys(pilot, "less_than_sign")
        assert stage_of(demo_db_path, card.account_id) == "warm"
        assert moves_of(demo_db_path, card.account_id)[-1] == ("hot", "warm")
        # ctrl+z undoes the last move; the board follows.
        await keys(pilot, "ctrl+z")
        assert stage_of(demo_db_path, card.account_id) == "hot"
        assert card.account_id in [c.account_id for c in screen.cards["hot"]]


async def test_moving_to_won_asks_first_and_no_saves_nothing(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pipeline(pilot)
        await go_to_column(pilot, screen, "hot")
        card = screen.selected_card()
        assert card is not None and card.stage == "hot"
        before = db_dump(demo_db_path)
        await keys(pilot, "greater_than_sign")
        assert isinstance(app.screen, ConfirmModal)
        assert card.name in str(app.screen.query_one("#question").content)
        await keys(pilot, "n")
        assert app.screen is screen
        assert db_dump(demo_db_path) == before
        await keys(pilot, "greater_than_sign", "escape")
        assert db_dump(demo_db_path) == before

        await keys(pilot, "greater_than_sign")
        await keys(pilot, "y")
        assert stage_of(demo_db_path, card.account_id) == "client"
        assert moves_of(demo_db_path, card.account_id)[-1] == ("hot", "client")
        assert screen.stage == "client"
        assert card.account_id in [c.account_id for c in screen.cards["client"]]


async def test_a_move_the_funnel_refuses_saves_nothing_and_says_why(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pipeline(pilot)
        await go_to_column(pilot, screen, "suspect")
        before = db_dump(demo_db_path)
        await keys(pilot, "less_than_sign")  # suspect is the start of the funnel
        assert db_dump(demo_db_path) == before
        messages = [n.message for n in app._notifications]
        assert any("already at the start" in m for m in messages), messages
        # The screen still works after the refusal.
        await keys(pilot, "greater_than_sign")
        assert db_dump(demo_db_path) != before


async def test_potential_access_view_ranks_prospects_and_acts_on_the_selected_one(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        prospects = [
            c for c in pf.reports.pipeline() if c.stage in {s.value for s in PROSPECT_STAGES}
        ]
    ranked = score_prospects(prospects)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pipeline(pilot)
        await keys(pilot, "m")
        assert screen.query_one(ContentSwitcher).current == "pipeline-matrix"
        table = screen.ranked_table
        assert screen.focused is table
        assert [r.account_id for r in table.items] == [r.account_id for r in ranked]
        assert table.items[0].priority == min(r.priority for r in ranked)
        title = str(screen.query_one("#pipeline-title").content)
        assert "potential × accessibility" in title
        # Arrows now move in the ranking, not on the board.
        await keys(pilot, "down")
        second = table.cursor_item
        assert second.account_id == ranked[1].account_id
        assert screen.selected_card().account_id == second.account_id
        # > moves the highlighted prospect (unless it is hot: then it would ask).
        target = next(r for r in ranked if r.stage != "hot")
        table.move_cursor_to(target.account_id)
        await wait_idle(pilot)
        await keys(pilot, "greater_than_sign")
        assert stage_of(demo_db_path, target.account_id) != target.stage
        # enter opens the account; m goes back to the board.
        await keys(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)
        assert app.current_account_id == target.account_id
        await keys(pilot, "4", "m")
        assert app.screen.query_one(ContentSwitcher).current == "pipeline-board"


async def test_period_key_changes_the_won_column(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        by_period = {p: [c.account_id for c in pf.reports.pipeline(p) if c.stage == "client"]
                     for p in ("year", "quarter", "month")}  # fmt: skip
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_pipeline(pilot)
        assert [c.account_id for c in screen.cards["client"]] == by_period["year"]
        await keys(pilot, "p")
        assert screen.period == "quarter"
        assert [c.account_id for c in screen.cards["client"]] == by_period["quarter"]
        assert "2026-Q4" in str(screen.query_one("#head-client").content)
        await keys(pilot, "p")
        assert [c.account_id for c in screen.cards["client"]] == by_period["month"]


async def test_a_column_lays_out_only_the_cards_it_draws(demo_db_path, monkeypatch):
    """Issue 14: a column of thousands makes its cards' lines when they are drawn, not all of
    them at each showing; the lines are the same either way."""
    made: list[str] = []
    card_lines = PipelineScreen._card_lines

    def counted(self, card):
        made.append(card.account_id)
        return card_lines(self, card)

    monkeypatch.setattr(PipelineScreen, "_card_lines", counted)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=(120, 18)) as pilot:  # a few cards a column
        screen = await open_pipeline(pilot)
        total = sum(len(screen.cards[stage]) for stage in STAGE_KEYS)
        column = screen.column_widget("cold")
        on_screen = column.scrollable_content_region.height // CARD_HEIGHT + 1
        assert len(column.cards) > on_screen  # more cards than the column shows
        assert len(set(made)) < total and len(made) == len(set(made))  # each made once
        assert len(made) <= on_screen * len(STAGE_KEYS)
        last = screen.cards["cold"][-1]
        assert last.account_id not in made
        await go_to_column(pilot, screen, "cold")
        await keys(pilot, "end")
        assert last.account_id in made  # drawn once scrolled to
        eager = [card_lines(screen, card) for card in screen.cards["cold"]]
        assert [c.lines for c in column.cards] == eager
