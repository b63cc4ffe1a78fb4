"""The KPI inputs that don't depend on the period, kept across a period switch (the Dashboard,
issue 14), give the very figures `kpi_report` reads afresh."""

from __future__ import annotations

from datetime import date

import pytest

from portfolio_tui.domain.periods import COMPARISONS, PERIOD_KINDS


@pytest.mark.parametrize("rows", ["abc", "sector"])
def test_kpis_from_kept_inputs_are_those_read_afresh(portfolio, rows) -> None:
    reports = portfolio.reports
    base = reports.kpi_inputs(None, "year", None, COMPARISONS[0])
    for period in PERIOD_KINDS:
        for previous in COMPARISONS:
            inputs = reports.kpi_inputs(None, period, None, previous, base)
            kept = reports.kpi_report(period=period, rows=rows, previous=previous, inputs=inputs)
            fresh = reports.kpi_report(period=period, rows=rows, previous=previous)
            assert kept.to_dict() == fresh.to_dict(), (period, previous)
            base = inputs  # as the Dashboard does: each switch from the last one


def test_inputs_kept_as_of_another_day_are_read_again(portfolio) -> None:
    reports = portfolio.reports
    base = reports.kpi_inputs(date(2025, 6, 30), "year", None, COMPARISONS[0])
    inputs = reports.kpi_inputs(None, "quarter", None, COMPARISONS[0], base)
    assert inputs.as_of != base.as_of
    assert reports.kpi_report(period="quarter", inputs=inputs).to_dict() == (
        reports.kpi_report(period="quarter").to_dict()
    )


def test_the_abc_classes_are_kept_for_their_sales_version_only(portfolio) -> None:
    reports = portfolio.reports
    window = reports.window(None, None)
    first = reports.abc(window)
    assert reports.abc(window) is first  # kept: the same classes, not computed again
    assert reports.abc(window, "margin") is not first
    low = first.ranked[-1]
    portfolio.routine.record_sale(low.account_id, window.as_of, 50_000_000)
    after = reports.abc(window)
    assert after is not first and after.ranked[0].account_id == low.account_id
    assert after.total == first.total + 50_000_000


@pytest.mark.parametrize("zone", ["Europe/Paris", "Asia/Kolkata", "America/St_Johns"])
def test_the_activitys_local_days_are_the_zones(tmp_path, zone) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from portfolio_tui import service
    from portfolio_tui.domain.settings import Settings

    tz = ZoneInfo(zone)
    with service.open_portfolio(tmp_path / "p.db", tz=tz, settings=Settings()) as pf:
        start = datetime(2025, 3, 25)  # across the spring and autumn changes of time
        for n in range(0, 24 * 220 * 4, 7):
            stored = start + timedelta(minutes=15 * n, seconds=n % 60)
            assert pf.activity.local_day(stored) == pf.core.local(stored).date(), stored
