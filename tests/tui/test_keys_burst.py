"""Keys that reach the app in one burst, as a terminal delivers a fast typist or a paste-less
`tmux send-keys`, land where aimed (issue 8): the key that focuses a filter takes effect before
the keys behind it are routed, so the text goes into the filter and never runs as shortcuts.

`Pilot.press` waits for the app to go idle after every key, which hides this; `burst` hands the
driver every key at once, before the app has handled the first."""

from __future__ import annotations

from analysis_helpers import SIZE, analysis_app, wait_idle
from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import Input

from portfolio_tui.domain.settings import Settings
from portfolio_tui.tui.screens.pipeline import PipelineScreen
from portfolio_tui.tui.screens.portfolio import PortfolioScreen
from portfolio_tui.tui.screens.portfolio_filter import Filters

from conftest import open_portfolio


async def burst(pilot: Pilot, text: str) -> None:
    """Every character of `text` handed to the app at once, then wait for it to settle."""
    driver = pilot.app._driver
    assert driver is not None
    for char in text:
        key = char if char.isalnum() else _character_to_key(char)
        event = events.Key(key, char)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await wait_idle(pilot)


async def _portfolio(pilot: Pilot) -> PortfolioScreen:
    await pilot.press("2")
    await wait_idle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PortfolioScreen) and screen.view is not None
    return screen


def _shortcut_word(db_path) -> str:
    """A word of an account's name holding letters the Portfolio binds (a, t, g, s, p, x)."""
    with open_portfolio(db_path) as pf:
        names = [row.name for row in pf.reports.portfolio_rows()]
    words = (w for name in names for w in name.split() if len(w) >= 5 and w.isalpha())
    return next(w for w in words if set(w.lower()) & set("atgspx"))


async def test_slash_then_text_in_one_burst_fills_the_portfolio_filter(demo_db_path):
    word = _shortcut_word(demo_db_path)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _portfolio(pilot)
        await burst(pilot, "/" + word)
        field = screen.query_one("#portfolio-filter", Input)
        assert field.value == word
        assert screen.focused is field
        assert screen.filters == Filters(text=word)  # no quick filter or sort ran
        assert screen.sort_column == "revenue" and screen.descending
        assert screen.table.items, "the word comes from an account's name"
        assert all(word.lower() in row.folded for row in screen.table.items)


async def test_a_slash_typed_in_the_filter_is_text(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _portfolio(pilot)
        await burst(pilot, "/a/b")
        field = screen.query_one("#portfolio-filter", Input)
        assert field.value == "a/b"
        await pilot.press("enter")
        await wait_idle(pilot)
        assert screen.focused is screen.table
        await burst(pilot, "/")  # back into the filter, its text kept
        assert screen.focused is field and field.value == "a/b"


async def test_a_remapped_filter_key_works_in_a_burst_and_slash_is_free(demo_db_path):
    word = _shortcut_word(demo_db_path)
    app = analysis_app(demo_db_path, Settings(keymap={"portfolio.filter": "f"}))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _portfolio(pilot)
        field = screen.query_one("#portfolio-filter", Input)
        await burst(pilot, "/")
        assert screen.focused is not field
        await burst(pilot, "f" + word)
        assert field.value == word and screen.filters == Filters(text=word)


async def test_slash_then_text_in_one_burst_fills_the_deals_filter(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        expected = pf.deals.board("Brasserie")
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await wait_idle(pilot)
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        await pilot.press("d")
        await wait_idle(pilot)
        assert screen.deals_shown
        await burst(pilot, "/Brasserie")
        view = screen.deal_board
        field = view.query_one("#deals-filter", Input)
        assert screen.focused is field and field.value == "Brasserie"
        for stage, deals in expected.columns:
            assert [c.key for c in view.column_widget(stage).cards] == [d.deal_id for d in deals]
