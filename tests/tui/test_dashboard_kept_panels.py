"""The Dashboard keeps the panels that don't depend on the period across a period switch or a
comparison toggle (issue 14), and reads them again once the data changed."""

from __future__ import annotations

from datetime import date

from analysis_helpers import SIZE, analysis_app, keys, wait_idle

from portfolio_tui.tui.screens.dashboard import DashboardScreen

from conftest import open_portfolio

KEPT = ("abc", "rfm", "activity", "churn", "projection", "whitespace", "window")


async def test_a_period_switch_keeps_the_other_panels_and_a_write_reads_them_again(
    demo_db_path,
) -> None:
    with open_portfolio(demo_db_path) as pf:
        expected = {p: pf.reports.kpi_report(period=p).to_dict() for p in ("quarter", "year")}
        client = pf.reports.abc(pf.reports.window(None, None)).ranked[0].account_id
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "5")
        screen = pilot.app.screen
        assert isinstance(screen, DashboardScreen) and screen.data is not None
        first = screen.data
        await keys(pilot, "p", "c")
        assert screen.data.kpis.to_dict() != first.kpis.to_dict()
        for name in KEPT:  # the very values shown before, not read again
            assert getattr(screen.data, name) is getattr(first, name), name
        await keys(pilot, "c")
        assert screen.data.kpis.to_dict() == expected["quarter"]
        # A write (a sale, as a form saves it) and the refresh the app then asks for.
        before_total = screen.data.abc.total
        pilot.app.portfolio.routine.record_sale(client, date(2026, 11, 20), 1_000_000)
        screen.refresh_data()
        await wait_idle(pilot)
        assert screen.data.abc is not first.abc
        assert screen.data.abc.total == before_total + 1_000_000
        with open_portfolio(demo_db_path) as pf:
            assert screen.data.kpis.to_dict() == pf.reports.kpi_report(period="quarter").to_dict()
            assert screen.data.abc.total == pf.reports.abc(pf.reports.window(None, None)).total
        after_write = screen.data
        await keys(pilot, "p")  # month: the panels read after the write are kept
        assert screen.data.abc is after_write.abc and screen.data.period == "month"


async def test_a_switch_after_the_activity_period_changed_shows_that_period(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "5", "a")
        screen = pilot.app.screen
        assert isinstance(screen, DashboardScreen) and screen.data is not None
        await keys(pilot, "p")
        assert screen.data.activity.period.kind == screen.activity_period != "week"
