"""Like-for-like KPIs: the period to date against the same span of the previous period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.domain.kpis import KpiInputs, compute_kpis
from portfolio_tui.domain.periods import PERIOD_KINDS, compared_span, period_of
from portfolio_tui.domain.records import AccountInfo, StageMove

ONE_DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("kind", "as_of", "start", "end"),
    [
        ("month", date(2026, 12, 2), date(2026, 11, 1), date(2026, 11, 2)),  # 1-2 Dec vs 1-2 Nov
        ("year", date(2026, 12, 2), date(2025, 1, 1), date(2025, 12, 2)),
        ("quarter", date(2026, 11, 15), date(2026, 7, 1), date(2026, 8, 15)),
        ("month", date(2026, 1, 15), date(2025, 12, 1), date(2025, 12, 15)),  # across the year
        ("month", date(2026, 3, 30), date(2026, 2, 1), date(2026, 2, 28)),  # February is short
        ("quarter", date(2026, 5, 31), date(2026, 1, 1), date(2026, 2, 28)),
        ("year", date(2028, 2, 29), date(2027, 1, 1), date(2027, 2, 28)),  # leap day
        ("month", date(2026, 4, 30), date(2026, 3, 1), date(2026, 3, 31)),  # April is complete
        ("year", date(2026, 12, 31), date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_the_same_span_of_the_previous_period(kind, as_of, start, end):
    assert compared_span(period_of(as_of, kind), as_of) == (start, end)


def test_the_full_previous_period_stays_available():
    december = period_of(date(2026, 12, 2), "month")
    assert compared_span(december, date(2026, 12, 2), "full") == (
        date(2026, 11, 1),
        date(2026, 11, 30),
    )
    with pytest.raises(ValueError, match="comparison"):
        compared_span(december, date(2026, 12, 2), "half")


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(PERIOD_KINDS),
)
def test_the_span_is_the_same_dates_one_period_earlier(as_of, kind):
    period = period_of(as_of, kind)
    start, end = compared_span(period, as_of)
    previous = period.previous()
    assert start == previous.start and start <= end <= previous.end
    if as_of == period.end:
        assert end == previous.end
    else:  # the same day of the month, one period earlier (or the month's last day)
        months = {"year": 12, "quarter": 3, "month": 1}[kind]
        back = (as_of.year * 12 + as_of.month) - (end.year * 12 + end.month)
        assert back == months
        assert end.day == as_of.day or (end.day < as_of.day and (end + ONE_DAY).day == 1)
    # calendar spans: a few days apart at most (February, 30- and 31-day months)
    assert abs((as_of - period.start).days - (end - start).days) <= 3


def _inputs(previous: str, revenue_before: dict[str, int]) -> KpiInputs:
    as_of = date(2026, 12, 2)
    accounts = [AccountInfo("a", "Acme", "client"), AccountInfo("b", "Bolt", "client")]
    return KpiInputs(
        as_of=as_of,
        period=period_of(as_of, "month"),
        accounts=accounts,
        revenue_now={"a": 80},
        revenue_before=revenue_before,
        first_sale={"a": date(2025, 1, 1), "b": date(2025, 1, 1)},
        revenue_by_family_now={("a", "—"): 80},
        stage_moves=[],
        abc_classes={},
        previous=previous,
    )


def test_the_kpis_say_which_comparison_they_made():
    # Sales of 1-2 November: a 300, b none; the rest of November: b 400 (15 Nov).
    like = compute_kpis(_inputs("like_for_like", {"a": 300}))
    assert (like.comparison, like.compared_end) == ("like_for_like", date(2026, 11, 2))
    assert (like.revenue_before, like.active_before, like.lost_clients.count) == (300, 1, 0)
    assert like.retention_rate == 1.0  # a, active both times
    assert like.net_revenue_retention == 80 / 300
    full = compute_kpis(_inputs("full", {"a": 300, "b": 400}))
    assert (full.comparison, full.compared_end) == ("full", date(2026, 11, 30))
    # against all of November, b looks lost two days into December
    assert (full.revenue_before, full.active_before, full.lost_clients.count) == (700, 2, 1)
    assert full.retention_rate == 0.5


def test_lost_reasons_count_the_accounts_lost_in_the_period():
    as_of = date(2026, 12, 2)
    stages = (("p", "lost"), ("q", "lost"), ("r", "lost"), ("s", "cold"), ("t", "lost"))
    accounts = [AccountInfo(k, k.upper(), stage) for k, stage in stages]
    moves = [
        StageMove("p", "hot", "lost", date(2026, 12, 1)),
        StageMove("q", "warm", "lost", date(2026, 12, 2)),
        StageMove("r", "hot", "lost", as_of - timedelta(days=40)),  # lost before the month
        StageMove("s", "hot", "lost", date(2026, 12, 1)),  # worked again since
        StageMove("s", "lost", "cold", date(2026, 12, 2)),
        StageMove("t", None, "lost", date(2026, 12, 1)),  # created lost, no reason
    ]
    inputs = KpiInputs(
        as_of=as_of,
        period=period_of(as_of, "month"),
        accounts=accounts,
        revenue_now={},
        revenue_before={},
        first_sale={},
        revenue_by_family_now={},
        stage_moves=moves,
        abc_classes={},
        lost_reasons={"p": "price", "q": "price", "r": "timing", "s": "price"},
    )
    assert compute_kpis(inputs).lost_reasons == {"price": 2, "—": 1}
