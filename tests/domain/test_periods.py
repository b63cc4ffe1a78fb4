from datetime import date

import pytest

from portfolio_tui.domain.periods import Period, period_of


def test_year():
    p = period_of(date(2026, 11, 15))
    assert p == Period("year", date(2026, 1, 1), date(2026, 12, 31), "2026")
    assert p.previous() == Period("year", date(2025, 1, 1), date(2025, 12, 31), "2025")


@pytest.mark.parametrize(
    ("as_of", "start", "end", "label"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31), "2026-Q1"),
        (date(2026, 5, 20), date(2026, 4, 1), date(2026, 6, 30), "2026-Q2"),
        (date(2026, 9, 30), date(2026, 7, 1), date(2026, 9, 30), "2026-Q3"),
        (date(2026, 11, 15), date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
    ],
)
def test_quarters(as_of, start, end, label):
    assert period_of(as_of, "quarter") == Period("quarter", start, end, label)


def test_quarter_previous_crosses_the_year():
    p = period_of(date(2026, 2, 10), "quarter").previous()
    assert p == Period("quarter", date(2025, 10, 1), date(2025, 12, 31), "2025-Q4")


def test_month_and_leap_february():
    p = period_of(date(2024, 3, 31), "month")
    assert p == Period("month", date(2024, 3, 1), date(2024, 3, 31), "2024-03")
    assert p.previous() == Period("month", date(2024, 2, 1), date(2024, 2, 29), "2024-02")
    assert period_of(date(2026, 1, 5), "month").previous().label == "2025-12"


def test_contains_is_inclusive():
    p = period_of(date(2026, 6, 1), "month")
    assert p.contains(date(2026, 6, 1))
    assert p.contains(date(2026, 6, 30))
    assert not p.contains(date(2026, 5, 31))
    assert not p.contains(date(2026, 7, 1))


def test_unknown_kind_names_it():
    with pytest.raises(ValueError, match="'week'"):
        period_of(date(2026, 1, 1), "week")
