from datetime import date, timedelta

import pytest
from dateutil.easter import EASTER_WESTERN, easter
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.domain.workdays import (
    MONDAY_TO_FRIDAY,
    WorkingCalendar,
    add_working_days,
    alsace_moselle_holidays,
    easter_sunday,
    french_holidays,
    is_working_day,
    next_working_day,
)


@pytest.mark.parametrize(
    ("year", "easter_day"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2285, date(2285, 3, 22)),  # the earliest possible date
        (2038, date(2038, 4, 25)),  # the latest possible date
    ],
)
def test_easter_sunday(year: int, easter_day: date) -> None:
    assert easter_sunday(year) == easter_day


@given(st.integers(min_value=1583, max_value=4099))
def test_easter_sunday_agrees_with_dateutil(year: int) -> None:
    found = easter_sunday(year)
    assert found == easter(year, EASTER_WESTERN)
    assert found.weekday() == 6


def _days(year: int, *month_days: tuple[int, int]) -> set[date]:
    return {date(year, month, day) for month, day in month_days}


FIXED = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))


@pytest.mark.parametrize(
    ("year", "easter_monday", "ascension", "whit_monday"),
    [
        (2024, (4, 1), (5, 9), (5, 20)),
        (2025, (4, 21), (5, 29), (6, 9)),
        (2026, (4, 6), (5, 14), (5, 25)),
        (2027, (3, 29), (5, 6), (5, 17)),
    ],
)
def test_french_holidays_2024_to_2027(
    year: int,
    easter_monday: tuple[int, int],
    ascension: tuple[int, int],
    whit_monday: tuple[int, int],
) -> None:
    expected = _days(year, *FIXED, easter_monday, ascension, whit_monday)
    assert french_holidays(year) == expected
    assert len(expected) == 11


def test_holidays_that_fall_on_the_same_day_count_once() -> None:
    # 2008: Easter on 23 March, so Ascension (Easter + 39) is 1 May
    assert easter_sunday(2008) == date(2008, 3, 23)
    holidays = french_holidays(2008)
    assert len(holidays) == 10
    assert date(2008, 5, 1) in holidays and date(2008, 5, 12) in holidays


def test_alsace_moselle_adds_good_friday_and_saint_stephen() -> None:
    extra = alsace_moselle_holidays(2026) - french_holidays(2026)
    assert extra == {date(2026, 4, 3), date(2026, 12, 26)}


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 10), True),  # a Tuesday
        (date(2026, 11, 11), False),  # Armistice, a Wednesday
        (date(2026, 11, 14), False),  # a Saturday
        (date(2026, 11, 15), False),  # a Sunday
        (date(2026, 5, 14), False),  # Ascension, a Thursday
        (date(2026, 5, 15), True),  # the "pont" Friday is still a working day
        (date(2025, 6, 9), False),  # Whit Monday
        (date(2027, 3, 29), False),  # Easter Monday
        (date(2027, 3, 26), True),  # Good Friday is not a national holiday
        (date(2024, 12, 26), True),
        (date(2024, 12, 25), False),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_is_working_day_with_another_week_and_holidays() -> None:
    saturday = date(2026, 11, 14)
    assert is_working_day(saturday, working_week=frozenset({1, 2, 3, 4, 5}))
    assert not is_working_day(date(2026, 11, 9), working_week=frozenset({1, 2, 3, 4, 5}))
    assert not is_working_day(date(2026, 4, 3), holidays=alsace_moselle_holidays)
    assert is_working_day(date(2026, 11, 11), holidays=lambda year: frozenset())


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 10), date(2026, 11, 10)),  # a working day is its own next
        (date(2026, 11, 14), date(2026, 11, 16)),  # Saturday → Monday
        (date(2026, 11, 11), date(2026, 11, 12)),  # Armistice → Thursday
        (date(2026, 4, 4), date(2026, 4, 7)),  # Saturday before Easter Monday → Tuesday
        (date(2026, 12, 25), date(2026, 12, 28)),  # Christmas Friday → Monday
        (date(2027, 1, 1), date(2027, 1, 4)),  # New Year's Friday, then the weekend
        (date(2027, 5, 8), date(2027, 5, 10)),  # 8 May on a Saturday
    ],
)
def test_next_working_day(day: date, expected: date) -> None:
    assert next_working_day(day) == expected


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2026, 11, 10), 0, date(2026, 11, 10)),
        (date(2026, 11, 14), 0, date(2026, 11, 14)),  # nothing added: a Saturday stays
        (date(2026, 11, 10), 1, date(2026, 11, 12)),  # Tue + 1 skips Armistice
        (date(2026, 11, 13), 1, date(2026, 11, 16)),  # Fri + 1 → Mon
        (date(2026, 11, 14), 1, date(2026, 11, 16)),  # Sat + 1 → Mon
        (date(2026, 11, 9), 5, date(2026, 11, 17)),  # Mon + 5: Tue, Thu, Fri, Mon, Tue
        (date(2026, 5, 13), 2, date(2026, 5, 18)),  # over Ascension and its weekend
        (date(2026, 11, 12), -1, date(2026, 11, 10)),  # back over Armistice
        (date(2026, 11, 16), -1, date(2026, 11, 13)),
        (date(2026, 11, 15), -1, date(2026, 11, 13)),  # Sun - 1 → Fri
        (date(2027, 1, 4), -1, date(2026, 12, 31)),
    ],
)
def test_add_working_days(day: date, count: int, expected: date) -> None:
    assert add_working_days(day, count) == expected
    assert WorkingCalendar().add_working_days(day, count) == expected


def test_working_calendar_with_days_off() -> None:
    bridge = date(2026, 5, 15)  # the Friday after Ascension, taken off
    calendar = WorkingCalendar(extra_holidays=frozenset({bridge}))
    assert calendar.is_holiday(bridge) and calendar.is_holiday(date(2026, 5, 14))
    assert not calendar.is_working_day(bridge)
    assert calendar.next_working_day(date(2026, 5, 14)) == date(2026, 5, 18)
    assert calendar.previous_working_day(date(2026, 5, 17)) == date(2026, 5, 13)
    assert calendar.add_working_days(date(2026, 5, 13), 1) == date(2026, 5, 18)


def test_working_calendar_for_a_saturday_market_rep() -> None:
    calendar = WorkingCalendar(working_weekdays=frozenset({1, 2, 3, 4, 5}))
    assert calendar.next_working_day(date(2026, 11, 15)) == date(2026, 11, 17)
    assert calendar.add_working_days(date(2026, 11, 13), 1) == date(2026, 11, 14)


def test_working_days_between() -> None:
    calendar = WorkingCalendar()
    # Mon 9 Nov 2026 to Mon 16 Nov: Tue 10, Thu 12, Fri 13, Mon 16 (Wed 11 is Armistice)
    assert calendar.working_days_between(date(2026, 11, 9), date(2026, 11, 16)) == 4
    assert calendar.working_days_between(date(2026, 11, 16), date(2026, 11, 9)) == -4
    assert calendar.working_days_between(date(2026, 11, 9), date(2026, 11, 9)) == 0
    # 2026 has 261 weekdays, 9 of them holidays (15 Aug and 1 Nov fall on a Sat and a Sun)
    assert calendar.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 252


@pytest.mark.parametrize("weekdays", [frozenset(), frozenset({0, 7}), frozenset({-1})])
def test_working_calendar_rejects_impossible_weeks(weekdays: frozenset[int]) -> None:
    with pytest.raises(ValueError, match="week"):
        WorkingCalendar(working_weekdays=weekdays)


def test_default_week_is_monday_to_friday() -> None:
    assert WorkingCalendar().working_weekdays == MONDAY_TO_FRIDAY == frozenset(range(5))


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    count=st.integers(min_value=-30, max_value=30),
)
def test_add_working_days_lands_on_working_days_and_counts_them(day: date, count: int) -> None:
    calendar = WorkingCalendar()
    landed = calendar.add_working_days(day, count)
    if count == 0:
        assert landed == day
        return
    assert calendar.is_working_day(landed)
    # the working days passed over, `day` excluded and `landed` included
    low, high = (
        (day, landed) if count > 0 else (landed - timedelta(days=1), day - timedelta(days=1))
    )
    assert calendar.working_days_between(low, high) == abs(count)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_next_working_day_is_the_first_one(day: date) -> None:
    found = next_working_day(day)
    assert is_working_day(found) and found >= day
    assert all(not is_working_day(day + timedelta(days=n)) for n in range((found - day).days))
