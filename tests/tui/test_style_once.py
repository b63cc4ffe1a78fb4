"""The style sheets are parsed once, at the start (issue 14): opening a screen or a form for
the first time, or coming back to one, restyles nothing else (each first showing cost a parse
of every style sheet and a restyle of every screen, ~0.2 s for the Portfolio). A theme change
still reaches every screen, those made before it and those made after."""

from __future__ import annotations

from routine_helpers import SIZE, build_app, press, settle
from textual.css.stylesheet import Stylesheet

from portfolio_tui.domain.settings import Settings
from portfolio_tui.tui.modals.forms import LogForm
from portfolio_tui.tui.screens.portfolio import PortfolioScreen


def count_parses(monkeypatch) -> list[int]:
    parses: list[int] = []
    reparse = Stylesheet.reparse

    def counted(self) -> None:
        parses.append(1)
        reparse(self)

    monkeypatch.setattr(Stylesheet, "reparse", counted)
    return parses


async def test_screens_and_forms_open_without_parsing_the_styles_again(demo_db_path, monkeypatch):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        parses = count_parses(monkeypatch)
        for key in ("2", "5", "4", "3", "6", "1"):
            await press(pilot, key)
        await press(pilot, "l")
        assert isinstance(app.screen, LogForm)
        await press(pilot, "escape", "1")
        assert parses == []


def _background(screen) -> object:
    return screen.query_one("#portfolio-table").styles.background


async def test_a_theme_change_reaches_screens_made_before_and_after_it(demo_db_path):
    app = build_app(demo_db_path, Settings(theme="textual-dark"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        dark = _background(app.screen)
        await press(pilot, "1", "ctrl+t", "2")  # made before the change
        assert app.theme == "textual-light"
        light = _background(app.screen)
        assert light != dark
        await press(pilot, "ctrl+t")
        assert _background(app.screen) == dark
    fresh = build_app(demo_db_path, Settings(theme="textual-dark"))
    async with fresh.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+t", "2")  # made after the change
        assert isinstance(fresh.screen, PortfolioScreen)
        assert _background(fresh.screen) == light
