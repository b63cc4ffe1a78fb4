"""Calendar periods (year, quarter, month) the KPIs compare, each against the one before."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

PERIOD_KINDS: tuple[str, ...] = ("year", "quarter", "month")


@dataclass(frozen=True, slots=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive: the last day of the calendar period
    label: str

    def previous(self) -> Period:
        return period_of(self.start - timedelta(days=1), self.kind)

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


def period_of(as_of: date, kind: str = "year") -> Period:
    """The calendar period of `kind` that contains `as_of`."""
    year = as_of.year
    if kind == "year":
        return Period(kind, date(year, 1, 1), date(year, 12, 31), f"{year}")
    if kind == "quarter":
        quarter = (as_of.month - 1) // 3 + 1
        first, last = 3 * quarter - 2, 3 * quarter
        return Period(kind, date(year, first, 1), _month_end(year, last), f"{year}-Q{quarter}")
    if kind == "month":
        month = as_of.month
        return Period(kind, date(year, month, 1), _month_end(year, month), f"{year}-{month:02d}")
    raise ValueError(f"unknown period {kind!r} (expected one of: {', '.join(PERIOD_KINDS)})")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
