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
