"""The book's KPIs and the inputs that don't depend on the period are kept per version of what
they read (issue 14): read back, or after a write, they are the very figures computed afresh."""

from __future__ import annotations

import pytest

from portfolio_tui.domain.periods import COMPARISONS, PERIOD_KINDS
from portfolio_tui.service import Portfolio

from conftest import FIXED_NOW, open_portfolio

TODAY = FIXED_NOW.date()


def _fresh(pf: Portfolio, **asked) -> dict:
    """The KPIs computed from scratch: nothing kept, in memory or in the cache file."""
    pf.core.data_changed()
    pf.core.cache_file.path.unlink(missing_ok=True)
    return pf.reports.kpi_report(**asked).to_dict()


@pytest.mark.parametrize("rows", ["abc", "sector"])
def test_kept_kpis_are_those_computed_afresh(demo_db_path, rows) -> None:
    with open_portfolio(demo_db_path) as pf:
        kept = {}
        for period in PERIOD_KINDS:
            for previous in COMPARISONS:
                asked = {"period": period, "rows": rows, "previous": previous}
                kept[period, previous] = pf.reports.kpi_report(**asked).to_dict()
    with open_portfolio(demo_db_path) as pf:  # a new process: read back
        for (period, previous), figures in kept.items():
            asked = {"period": period, "rows": rows, "previous": previous}
            assert pf.reports.kpi_report(**asked).to_dict() == figures
            assert _fresh(pf, **asked) == figures, (period, previous)


def test_a_stage_move_or_a_sale_makes_them_computed_again_a_call_does_not(demo_db_path) -> None:
    with open_portfolio(demo_db_path) as pf:
        before = pf.reports.kpi_report(period="quarter").to_dict()
        prospect = next(a for a in pf.reports.kpi_inputs(None, "year", None, COMPARISONS[0])
                        .accounts if a.stage == "hot")  # fmt: skip
        pf.routine.move_stage(prospect.account_id, "client")
        moved = pf.reports.kpi_report(period="quarter").to_dict()
        assert moved != before and moved == _fresh(pf, period="quarter")
        pf.routine.record_sale(prospect.account_id, TODAY, 12_345_00)
        sold = pf.reports.kpi_report(period="quarter").to_dict()
        assert sold != moved and sold == _fresh(pf, period="quarter")
        pf.routine.log_interaction("call", prospect.account_id, "Merci")
        assert pf.reports.kpi_report(period="quarter").to_dict() == sold  # a call: still kept


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
