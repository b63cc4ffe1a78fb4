"""The Dashboard on the seeded demo: its figures are the service's (kpi_report, abc, badges) for
the period and window chosen from the keyboard, and it shows a loading indicator first."""

from __future__ import annotations

from collections import Counter

from analysis_helpers import SIZE, analysis_app, keys, static_text, wait_idle
from textual.widgets import LoadingIndicator

from portfolio_tui.domain.settings import Settings
from portfolio_tui.tui.screens.dashboard import DashboardScreen
from portfolio_tui.tui.text import whole_money
from portfolio_tui.tui.widgets.rf_grid import rf_counts

from conftest import db_dump, open_portfolio

EUR = Settings()


async def open_dashboard(pilot) -> DashboardScreen:
    await keys(pilot, "5")
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    assert screen.data is not None, "not loaded"
    return screen


def pct(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:.0f}%"


async def test_kpis_are_the_services_for_the_year_against_last_year(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        expected = pf.reports.kpi_report(period="year")
    before = db_dump(demo_db_path)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.data.kpis.to_dict() == expected.to_dict()
        text = static_text(screen, "#kpi-table", width=60)
        revenue_line = next(line for line in text.splitlines() if "Revenue" in line)
        assert whole_money(expected.revenue_now, EUR) in revenue_line
        assert whole_money(expected.revenue_before, EUR) in revenue_line
        for label, value in (
            ("New clients", f"{expected.new_clients.count}"),
            ("Lost clients", f"{expected.lost_clients.count}"),
            ("Retention", pct(expected.retention_rate)),
            ("NRR", pct(expected.net_revenue_retention)),
            ("Top 10 share", pct(expected.top10_share)),
        ):
            line = next(line for line in text.splitlines() if label in line)
            assert value in line, (label, line)
        assert "2026 to 23 Nov vs 2025" in static_text(screen, "#kpi-title")
        # Top accounts, funnel and matrix come from the same report.
        top = static_text(screen, "#top-table", width=60)
        assert expected.top_accounts[0].name in top.splitlines()[0]
        funnel = static_text(screen, "#funnel", width=60)
        for step in expected.funnel.steps:
            assert f"→ {step.to_stage} {pct(step.rate)} ({step.converted}/{step.entered})" in funnel
        matrix = static_text(screen, "#matrix", width=116)
        for family in expected.matrix.columns:
            assert family[:5] in matrix
    assert db_dump(demo_db_path) == before


async def test_concentration_alert_is_shown_loudly_only_when_it_is_raised(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        kpis = pf.reports.kpi_report()
    assert kpis.concentration_alert  # the demo is concentrated at the default 40%
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        alert = screen.query_one("#concentration-alert")
        assert alert.display
        assert "CONCENTRATION ALERT" in static_text(screen, "#concentration-alert")
        assert pct(kpis.top10_share) in static_text(screen, "#concentration-alert")
    relaxed = Settings(concentration_alert=0.99)
    app = analysis_app(demo_db_path, relaxed)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        assert not screen.data.kpis.concentration_alert
        assert not screen.query_one("#concentration-alert").display


async def test_period_key_switches_to_quarter_then_month_with_the_services_numbers(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        expected = {
            p: pf.reports.kpi_report(period=p).to_dict() for p in ("quarter", "month", "year")
        }
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        await keys(pilot, "p")
        assert screen.data.kpis.to_dict() == expected["quarter"]
        assert "2026-Q4 to 23 Nov vs 2026-Q3" in static_text(screen, "#kpi-title")
        assert "2026-Q4 vs 2026-Q3" in str(screen.query_one("#dashboard-title").content)
        await keys(pilot, "p")
        assert screen.data.kpis.to_dict() == expected["month"]
        assert "2026-11" in static_text(screen, "#kpi-title")
        await keys(pilot, "p")
        assert screen.data.kpis.to_dict() == expected["year"]


async def test_window_key_switches_abc_pareto_and_rfm_to_24m_then_all(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        expected = {}
        for label in ("24m", "all", "12m"):
            abc, rfm = pf.reports.badges(pf.reports.window(None, label))
            expected[label] = (abc, rfm, pf.reports.kpi_report(window=label).to_dict())
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.data.window.label == "12m"
        for label in ("24m", "all", "12m"):
            await keys(pilot, "w")
            abc, rfm, kpis = expected[label]
            assert screen.data.window.label == label
            assert screen.data.abc.summary() == abc.summary()
            assert screen.data.kpis.to_dict() == kpis
            assert rf_counts(screen.data.rfm.values()) == rf_counts(rfm.values())
            table = static_text(screen, "#abc-table", width=56)
            a_row = next(line for line in table.splitlines() if " A " in line)
            assert whole_money(abc.summary()[0].value, EUR) in a_row
            sentence = static_text(screen, "#pareto-sentence", width=56)
            share = f"({pct(abc.pareto_share)} of {len(abc.ranked)})"
            assert f"{abc.pareto_count} accounts {share}" in sentence
            assert f"over {label}" in static_text(screen, "#abc-title")


async def test_rf_grid_counts_accounts_by_recency_and_frequency(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        _, rfm = pf.reports.badges()
    counts = Counter((s.r, s.f) for s in rfm.values())
    segments = Counter(s.segment for s in rfm.values())
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        text = static_text(screen, "#rf-grid", width=60)
        lines = text.splitlines()
        for r in range(1, 6):
            line = next(line for line in lines if line.startswith(f"R{r}"))
            cells = line[4 : 4 + 25].split()
            assert [int(c) for c in cells] == [counts.get((r, f), 0) for f in range(1, 6)]
        for segment, n in segments.items():
            line = next(line for line in lines if segment in line)
            assert line.rstrip().endswith(str(n)), line
        assert f"{len(rfm)} accounts with sales in 12m" in static_text(screen, "#rf-title")


async def test_matrix_rows_key_cycles_from_abc_to_sector(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        by_sector = pf.reports.kpi_report(rows="sector").matrix
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        assert screen.data.kpis.matrix.row_key == "abc"
        await keys(pilot, "r")
        assert screen.data.kpis.matrix == by_sector
        text = static_text(screen, "#matrix", width=116)
        for sector in by_sector.rows:
            assert sector[:10] in text
        assert "by sector × product family" in static_text(screen, "#matrix-title")


async def test_loading_indicator_shows_until_the_worker_is_done(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        indicator = screen.query_one("#dashboard-loading", LoadingIndicator)
        assert not screen.busy and not indicator.display
        screen.refresh_data()
        assert screen.busy and indicator.display
        assert "loading" in str(screen.query_one("#dashboard-title").content)
        await wait_idle(pilot)
        assert not screen.busy and not indicator.display
        assert "loading" not in str(screen.query_one("#dashboard-title").content)
