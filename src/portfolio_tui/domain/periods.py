"""Calendar periods (year, quarter, month) the KPIs compare, each against the one before."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from portfolio_tui.i18n import _

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
    """The calendar period of `kind` that contains `as_of`, labelled in the current language:
    "2026", "2026-Q4" / "T4 2026", "2026-12" / "12/2026"."""
    year = as_of.year
    if kind == "year":
        return Period(kind, date(year, 1, 1), date(year, 12, 31), f"{year}")
    if kind == "quarter":
        quarter = (as_of.month - 1) // 3 + 1
        first, last = 3 * quarter - 2, 3 * quarter
        return Period(
            kind, date(year, first, 1), _month_end(year, last), _quarter_label(year, quarter)
        )
    if kind == "month":
        month = as_of.month
        return Period(
            kind, date(year, month, 1), _month_end(year, month), _month_label(year, month)
        )
    raise ValueError(
        _("unknown period {kind!r} (expected one of: {kinds})").format(
            kind=kind, kinds=", ".join(PERIOD_KINDS)
        )
    )


def _quarter_label(year: int, quarter: int) -> str:
    # TRANSLATORS: a calendar quarter, "2026-Q4"; French "T4 2026" (trimestre)
    return _("{year}-Q{quarter}").format(year=year, quarter=quarter)


def _month_label(year: int, month: int) -> str:
    # TRANSLATORS: a calendar month, "2026-12"; French "12/2026"
    return _("{year}-{month:02d}").format(year=year, month=month)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# How a period to date is compared with the one before: with the same span of it (1-2 Dec
# against 1-2 Nov), or with the whole of it.
LIKE_FOR_LIKE = "like_for_like"
FULL = "full"
COMPARISONS: tuple[str, ...] = (LIKE_FOR_LIKE, FULL)
_MONTHS = {"year": 12, "quarter": 3, "month": 1}


def compared_span(
    period: Period, as_of: date, comparison: str = LIKE_FOR_LIKE
) -> tuple[date, date]:
    """The days of the previous period that `period` up to `as_of` is compared with.

    Like for like, the same span one period earlier: 1-2 Dec 2026 against 1-2 Nov 2026, 1 Jan-2
    Dec 2026 against 1 Jan-2 Dec 2025. A day the earlier month lacks (31 Mar against February)
    is its last day; a complete period (`as_of` on or after its end) is compared with the whole
    previous one. `full`: the whole previous period.
    """
    if comparison not in COMPARISONS:
        raise ValueError(
            _("unknown comparison {comparison!r} (expected one of: {comparisons})").format(
                comparison=comparison, comparisons=", ".join(COMPARISONS)
            )
        )
    previous = period.previous()
    if comparison == FULL or as_of >= period.end:
        return previous.start, previous.end
    return previous.start, min(_months_before(as_of, _MONTHS[period.kind]), previous.end)


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
