"""Every screen's footer is laid out once when the screen opens and again only when its keys
change (issue 14): the signals of a screen opening (focus, loading, actions checked again)
rebuilt the same 24 keys four times; a hidden screen's footer waits until it is shown."""

from __future__ import annotations

from analysis_helpers import SIZE, analysis_app, wait_idle
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from portfolio_tui.tui.screens.portfolio import PortfolioScreen
from portfolio_tui.tui.screens.today import TodayScreen
from portfolio_tui.tui.widgets.keys_footer import KeysFooter


def footer_keys(screen) -> list[tuple[str, str, bool]]:
    """The footer's keys as shown: key, label, dimmed."""
    return [
        (key.key, key.description, key.has_class("-disabled"))
        for key in screen.query_one(KeysFooter).query(FooterKey)
    ]


def count_layouts(monkeypatch) -> dict[str, int]:
    """How many times each screen's footer is laid out from now on."""
    counts: dict[str, int] = {}
    recompose = KeysFooter.recompose

    async def counted(self) -> None:
        name = type(self.screen).__name__
        counts[name] = counts.get(name, 0) + 1
        await recompose(self)

    monkeypatch.setattr(KeysFooter, "recompose", counted)
    return counts


async def test_opening_and_leaving_screens_lays_each_footer_out_once(demo_db_path, monkeypatch):
    counts = count_layouts(monkeypatch)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_idle(pilot)
        assert isinstance(app.screen, TodayScreen)
        today_keys = footer_keys(app.screen)
        assert ("l", "Log", False) in today_keys
        assert counts == {"TodayScreen": 1}
        await pilot.press("2")
        await wait_idle(pilot)
        assert isinstance(app.screen, PortfolioScreen) and app.screen.view is not None
        assert ("slash", "Filter", False) in footer_keys(app.screen)
        assert counts == {"TodayScreen": 1, "PortfolioScreen": 1}
        await pilot.press("1")
        await wait_idle(pilot)
        assert footer_keys(app.screen) == today_keys  # as it was, not laid out again
        assert counts == {"TodayScreen": 1, "PortfolioScreen": 1}


async def test_the_footer_follows_the_keys_when_they_change(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await wait_idle(pilot)
        screen = app.screen
        assert ("slash", "Filter", False) in footer_keys(screen)
        await pilot.press("slash")
        await wait_idle(pilot)
        assert isinstance(screen.focused, Input)
        assert ("slash", "Filter", True) in footer_keys(screen)  # "/" is typed in the field
        await pilot.press("enter")
        await wait_idle(pilot)
        assert ("slash", "Filter", False) in footer_keys(screen)
