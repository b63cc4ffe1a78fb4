"""Working days in France: public holidays, weekends, and stepping from one working day to the next.

The eleven national public holidays (Code du travail, L3133-1) are eight fixed dates and three
that follow Easter: Easter Monday, Ascension (Easter + 39) and Whit Monday (Easter + 50; the
"journée de solidarité" is still a public holiday, even where people work it). Alsace and
Moselle add Good Friday and 26 December: pass `alsace_moselle_holidays` where that applies.
Weekdays are numbered as `date.weekday()`: Monday 0 … Sunday 6.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

HolidayRule = Callable[[int], frozenset[date]]
"""The public holidays of a year."""

MONDAY_TO_FRIDAY: frozenset[int] = frozenset({0, 1, 2, 3, 4})
_FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
_EASTER_OFFSETS = (1, 39, 50)  # Easter Monday, Ascension, Whit Monday
_ONE_DAY = timedelta(days=1)


def easter_sunday(year: int) -> date:
    """Easter Sunday of a Gregorian year, by the anonymous Gregorian (Meeus/Jones/Butcher) rule."""
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    correction = (century + 8) // 25
    moon = (19 * golden + century - leap_centuries - (century - correction + 1) // 3 + 15) % 30
    leap_years, year_rest = divmod(year_of_century, 4)
    weekday = (32 + 2 * century_rest + 2 * leap_years - moon - year_rest) % 7
    shift = (golden + 11 * moon + 22 * weekday) // 451
    month, day = divmod(moon + weekday - 7 * shift + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=256)
def french_holidays(year: int) -> frozenset[date]:
    """The eleven French national public holidays of `year`."""
    easter = easter_sunday(year)
    fixed = {date(year, month, day) for month, day in _FIXED_HOLIDAYS}
    return frozenset(fixed | {easter + timedelta(days=n) for n in _EASTER_OFFSETS})


@lru_cache(maxsize=256)
def alsace_moselle_holidays(year: int) -> frozenset[date]:
    """The national holidays plus Good Friday and 26 December (Bas-Rhin, Haut-Rhin, Moselle)."""
    extra = {easter_sunday(year) - timedelta(days=2), date(year, 12, 26)}
    return french_holidays(year) | extra


def is_working_day(
    day: date,
    working_week: frozenset[int] = MONDAY_TO_FRIDAY,
    holidays: HolidayRule = french_holidays,
) -> bool:
    """Whether `day` is one of the working weekdays and not a public holiday."""
    return day.weekday() in working_week and day not in holidays(day.year)


def next_working_day(
    day: date,
    working_week: frozenset[int] = MONDAY_TO_FRIDAY,
    holidays: HolidayRule = french_holidays,
) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    return WorkingCalendar(frozenset(working_week), holidays=holidays).next_working_day(day)


def add_working_days(
    day: date,
    count: int,
    working_week: frozenset[int] = MONDAY_TO_FRIDAY,
    holidays: HolidayRule = french_holidays,
) -> date:
    """The `count`-th working day after `day` (before it when negative); `day` when 0."""
    return WorkingCalendar(frozenset(working_week), holidays=holidays).add_working_days(day, count)


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """A rep's working week: the weekdays they work, public holidays, and days off of their own
    (`extra_holidays`: bridges, a regional holiday, leave)."""

    working_weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    extra_holidays: frozenset[date] = field(default_factory=frozenset)
    holidays: HolidayRule = french_holidays

    def __post_init__(self) -> None:
        if not self.working_weekdays:
            raise ValueError("a working week needs at least one working weekday")
        if not self.working_weekdays <= frozenset(range(7)):
            raise ValueError(f"weekdays are 0 (Monday) to 6, not {sorted(self.working_weekdays)}")

    def is_holiday(self, day: date) -> bool:
        return day in self.extra_holidays or day in self.holidays(day.year)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_weekdays and not self.is_holiday(day)

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def previous_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the last working day before it."""
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (before it when negative); `day` when 0.

        `day` itself need not be a working day: one working day after a Saturday is Monday.
        """
        step = _ONE_DAY if count > 0 else -_ONE_DAY
        for _ in range(abs(count)):
            day += step
            while not self.is_working_day(day):
                day += step
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in start < day ≤ end (negative when end is before start)."""
        if end < start:
            return -self.working_days_between(end, start)
        days = (start + timedelta(days=n) for n in range(1, (end - start).days + 1))
        return sum(1 for day in days if self.is_working_day(day))
