import time as clock
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_tui.domain.recurrence import (
    RecurrenceError,
    describe_rrule,
    next_occurrence,
    next_occurrence_date,
    validate_rrule,
)

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("FREQ=WEEKLY", "FREQ=WEEKLY"),
        ("RRULE:FREQ=WEEKLY", "FREQ=WEEKLY"),
        ("rrule:freq=weekly", "FREQ=WEEKLY"),
        ("  FREQ=WEEKLY;  ", "FREQ=WEEKLY"),
        ("FREQ=WEEKLY;INTERVAL=1", "FREQ=WEEKLY"),
        ("FREQ=WEEKLY;WKST=MO", "FREQ=WEEKLY"),
        ("FREQ=WEEKLY;WKST=SU;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=2;WKST=SU"),
        ("BYDAY=MO;FREQ=WEEKLY;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("FREQ=WEEKLY;BYDAY=TH,MO,TH", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("FREQ=MONTHLY;BYDAY=+1MO", "FREQ=MONTHLY;BYDAY=1MO"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("FREQ=MONTHLY;BYMONTHDAY=15,1,15", "FREQ=MONTHLY;BYMONTHDAY=1,15"),
        ("FREQ=YEARLY;BYMONTH=07,1;COUNT=5", "FREQ=YEARLY;COUNT=5;BYMONTH=1,7"),
        ("FREQ=DAILY;UNTIL=20261231", "FREQ=DAILY;UNTIL=20261231"),
        ("FREQ=DAILY;UNTIL=20261231T170000Z", "FREQ=DAILY;UNTIL=20261231T170000Z"),
        ("FREQ=DAILY;UNTIL=20261231T170000", "FREQ=DAILY;UNTIL=20261231T170000"),
        ("FREQ=YEARLY;BYWEEKNO=53", "FREQ=YEARLY;BYWEEKNO=53"),
        ("FREQ=YEARLY;BYYEARDAY=366", "FREQ=YEARLY;BYYEARDAY=366"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
        ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", None),
    ],
)
def test_validate_rrule_normalises(text: str, normal: str | None) -> None:
    result = validate_rrule(text)
    assert result == (normal or text)
    assert validate_rrule(result) == result


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "it is empty"),
        ("RRULE:", "it is empty"),
        ("BYDAY=MO", "FREQ is missing"),
        ("FREQ", "expected NAME=VALUE"),
        ("FREQ=", "expected NAME=VALUE"),
        ("FREQ=SOMETIMES", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("FREQ=HOURLY", "not HOURLY"),
        ("FREQ=MINUTELY", "not MINUTELY"),
        ("FREQ=WEEKLY;FREQ=DAILY", "FREQ is given twice"),
        ("FREQ=WEEKLY;COLOR=RED", "unknown part COLOR"),
        ("FREQ=DAILY;BYHOUR=9", "BYHOUR is not supported"),
        ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL must be 1 to 10000, not 0"),
        ("FREQ=WEEKLY;INTERVAL=-2", "INTERVAL must be 1 to 10000"),
        ("FREQ=WEEKLY;INTERVAL=two", "INTERVAL must be a whole number"),
        ("FREQ=WEEKLY;COUNT=0", "COUNT must be 1 to 10000"),
        ("FREQ=WEEKLY;COUNT=2;UNTIL=20261231", "COUNT and UNTIL can't both be given"),
        ("FREQ=WEEKLY;UNTIL=2026", "UNTIL must be a date"),
        ("FREQ=WEEKLY;UNTIL=20260230", "UNTIL must be a date"),
        ("FREQ=WEEKLY;UNTIL=20261231T250000Z", "UNTIL must be a date"),
        ("FREQ=MONTHLY;BYMONTH=13", "BYMONTH must be 1 to 12, not 13"),
        ("FREQ=MONTHLY;BYMONTH=-1", "BYMONTH must be 1 to 12, not -1"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY must be 1 to 31 or -31 to -1, not 32"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY must be 1 to 31"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,,2", "BYMONTHDAY must be a whole number"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY takes days such as MO or 1MO"),
        ("FREQ=WEEKLY;BYDAY=", "expected NAME=VALUE"),
        ("FREQ=MONTHLY;BYDAY=0MO", "BYDAY position must be 1 to 53"),
        ("FREQ=MONTHLY;BYDAY=54MO", "BYDAY position must be 1 to 53"),
        ("FREQ=WEEKLY;BYDAY=1MO", "BYDAY positions such as 1MO need MONTHLY or YEARLY"),
        ("FREQ=WEEKLY;WKST=XX", "WKST must be a day"),
        ("FREQ=MONTHLY;BYWEEKNO=1", "BYWEEKNO only works with FREQ=YEARLY"),
        ("FREQ=MONTHLY;BYYEARDAY=1", "BYYEARDAY only works with FREQ=YEARLY"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY does not work with FREQ=WEEKLY"),
        ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS needs another BY part"),
        ("DTSTART:20260101T090000\nRRULE:FREQ=WEEKLY", "give the rule alone"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "it never happens"),
        ("FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31", "it never happens"),
        ("FREQ=MONTHLY;BYMONTHDAY=31;BYDAY=1MO", "it never happens"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", "it never happens"),
        ("FREQ=YEARLY;BYWEEKNO=1;BYMONTH=6", "it never happens"),
    ],
)
def test_validate_rrule_errors_name_the_rule(text: str, reason: str) -> None:
    started = clock.perf_counter()
    with pytest.raises(RecurrenceError) as caught:
        validate_rrule(text)
    assert clock.perf_counter() - started < 0.5  # a rule that never happens is caught fast
    assert str(caught.value).startswith(f"can't use the recurrence '{text}': ")
    assert reason in str(caught.value)
    assert caught.value.text == text
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("FREQ=DAILY", "daily"),
        ("FREQ=WEEKLY", "weekly"),
        ("FREQ=MONTHLY", "monthly"),
        ("FREQ=YEARLY", "yearly"),
        ("FREQ=DAILY;INTERVAL=3", "every 3 days"),
        ("FREQ=WEEKLY;INTERVAL=2", "every 2 weeks"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "every 2 weeks on Mon"),
        ("FREQ=WEEKLY;BYDAY=TH,MO", "weekly on Mon, Thu"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday"),
        ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "every weekday"),
        ("FREQ=MONTHLY;INTERVAL=3", "every 3 months"),
        ("FREQ=MONTHLY;BYDAY=1MO", "monthly on the 1st Mon"),
        ("FREQ=MONTHLY;BYDAY=2TU", "monthly on the 2nd Tue"),
        ("FREQ=MONTHLY;BYDAY=3WE", "monthly on the 3rd Wed"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "monthly on the last Fri"),
        ("FREQ=MONTHLY;BYDAY=-2FR", "monthly on the 2nd last Fri"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "monthly on the 15th"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15", "monthly on the 1st and the 15th"),
        ("FREQ=MONTHLY;BYMONTHDAY=11,12,13,21,22,23", None),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "monthly on the last day"),
        ("FREQ=MONTHLY;BYMONTHDAY=-2", "monthly on the 2nd last"),
        ("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "monthly on Fri the 13th"),
        ("FREQ=YEARLY;BYMONTH=1,7", "yearly in Jan, Jul"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "yearly in Feb on the 29th"),
        ("FREQ=YEARLY;BYMONTHDAY=1", "yearly on the 1st (custom)"),
        ("FREQ=YEARLY;BYWEEKNO=1", "yearly (custom)"),
        ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", None),
        ("FREQ=WEEKLY;COUNT=1", "weekly, once"),
        ("FREQ=WEEKLY;COUNT=5", "weekly, 5 times"),
        ("FREQ=WEEKLY;UNTIL=20261231", "weekly, until 2026-12-31"),
        ("FREQ=WEEKLY;UNTIL=20261231T170000Z", "weekly, until 2026-12-31"),
    ],
)
def test_describe_rrule(text: str, words: str | None) -> None:
    described = describe_rrule(text)
    if words is None:  # only check it reads, without pinning the wording
        assert described
    else:
        assert described == words


def test_describe_rrule_ordinals() -> None:
    described = describe_rrule("FREQ=MONTHLY;BYMONTHDAY=11,12,13,21,22,23")
    assert (
        described
        == "monthly on the 11th and the 12th and the 13th and the 21st and the 22nd and the 23rd"
    )


def test_describe_rrule_rejects_bad_rules() -> None:
    with pytest.raises(RecurrenceError, match="FREQ is missing"):
        describe_rrule("BYDAY=MO")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("text", "after", "start", "expected"),
    [
        ("FREQ=WEEKLY", paris(2026, 11, 22, 8), paris(2026, 11, 2, 9), paris(2026, 11, 23, 9)),
        ("FREQ=WEEKLY", paris(2026, 11, 23, 9), paris(2026, 11, 2, 9), paris(2026, 11, 30, 9)),
        ("FREQ=WEEKLY", paris(2026, 10, 1), paris(2026, 11, 2, 9), paris(2026, 11, 2, 9)),
        ("FREQ=DAILY", paris(2026, 11, 22, 9), paris(2026, 11, 22, 9), paris(2026, 11, 23, 9)),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
            paris(2026, 11, 6),
            paris(2026, 11, 2, 10),
            paris(2026, 11, 16, 10),
        ),
        ("FREQ=MONTHLY;BYDAY=1MO", paris(2026, 11, 3), paris(2026, 1, 5, 9), paris(2026, 12, 7, 9)),
        ("FREQ=MONTHLY;BYDAY=-1FR", paris(2026, 11, 3), paris(2026, 1, 30), paris(2026, 11, 27)),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", paris(2027, 1, 31), paris(2027, 1, 31), paris(2027, 2, 28)),
        # a monthly rule started on the 31st skips shorter months (RFC 5545)
        ("FREQ=MONTHLY", paris(2027, 1, 31), paris(2027, 1, 31), paris(2027, 3, 31)),
        (
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
            paris(2026, 1, 1),
            paris(2024, 2, 29),
            paris(2028, 2, 29),
        ),
        # wall time survives daylight saving: 09:00 before and after the last Sunday of March
        ("FREQ=WEEKLY", paris(2027, 3, 23), paris(2027, 3, 22, 9), paris(2027, 3, 29, 9)),
        ("FREQ=WEEKLY", paris(2027, 10, 26), paris(2027, 10, 25, 9), paris(2027, 11, 1, 9)),
    ],
)
def test_next_occurrence(text: str, after: datetime, start: datetime, expected: datetime) -> None:
    found = next_occurrence(text, after, start)
    assert found == expected
    assert found is not None and found.utcoffset() == expected.utcoffset()
    assert found.hour == expected.hour


def test_next_occurrence_keeps_wall_time_across_dst() -> None:
    found = next_occurrence("FREQ=WEEKLY", paris(2027, 3, 23), paris(2027, 3, 22, 9))
    assert found is not None
    assert (found.hour, found.utcoffset()) == (9, timedelta(hours=2))


@pytest.mark.parametrize(
    ("text", "after", "expected"),
    [
        ("FREQ=WEEKLY;COUNT=3", paris(2026, 11, 10), paris(2026, 11, 16, 9)),
        ("FREQ=WEEKLY;COUNT=3", paris(2026, 11, 16, 9), None),
        ("FREQ=WEEKLY;UNTIL=20261116", paris(2026, 11, 10), paris(2026, 11, 16, 9)),  # whole day
        ("FREQ=WEEKLY;UNTIL=20261116", paris(2026, 11, 16, 9), None),
        ("FREQ=WEEKLY;UNTIL=20261116T090000", paris(2026, 11, 10), paris(2026, 11, 16, 9)),
        ("FREQ=WEEKLY;UNTIL=20261116T085959", paris(2026, 11, 10), None),
        ("FREQ=WEEKLY;UNTIL=20261116T080000Z", paris(2026, 11, 10), paris(2026, 11, 16, 9)),
        ("FREQ=WEEKLY;UNTIL=20261116T075959Z", paris(2026, 11, 10), None),
    ],
)
def test_next_occurrence_ends(text: str, after: datetime, expected: datetime | None) -> None:
    assert next_occurrence(text, after, paris(2026, 11, 2, 9)) == expected


def test_next_occurrence_with_naive_datetimes() -> None:
    start = datetime(2026, 11, 2, 9)
    assert next_occurrence("FREQ=DAILY", datetime(2026, 11, 5, 12), start) == datetime(
        2026, 11, 6, 9
    )
    until_utc = "FREQ=DAILY;UNTIL=20261106T090000Z"  # read as wall time: no zone to convert to
    assert next_occurrence(until_utc, datetime(2026, 11, 5, 12), start) == datetime(2026, 11, 6, 9)


def test_next_occurrence_accepts_after_in_another_zone() -> None:
    after = datetime(2026, 11, 23, 7, 59, tzinfo=UTC)  # 08:59 in Paris
    assert next_occurrence("FREQ=DAILY", after, paris(2026, 11, 2, 9)) == paris(2026, 11, 23, 9)


def test_next_occurrence_refuses_mixed_awareness() -> None:
    with pytest.raises(TypeError):
        next_occurrence("FREQ=DAILY", datetime(2026, 11, 5), paris(2026, 11, 2, 9))


def test_next_occurrence_rejects_bad_rules() -> None:
    with pytest.raises(RecurrenceError, match="'FREQ=OFTEN'"):
        next_occurrence("FREQ=OFTEN", paris(2026, 11, 5), paris(2026, 11, 2, 9))


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("FREQ=DAILY;INTERVAL=7;BYDAY=MO", datetime(2026, 11, 3)),  # every Tuesday, never Monday
        ("FREQ=MONTHLY;INTERVAL=12;BYMONTH=2", datetime(2026, 3, 1)),  # every March, never Feb
        ("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", datetime(2025, 2, 1)),
    ],
)
def test_rules_the_start_never_meets_end_quickly(text: str, start: datetime) -> None:
    started = clock.perf_counter()
    assert next_occurrence(text, datetime(2026, 12, 1), start) is None
    assert clock.perf_counter() - started < 0.5


def test_next_occurrence_date() -> None:
    assert next_occurrence_date("FREQ=WEEKLY", date(2026, 11, 22), date(2026, 11, 2)) == date(
        2026, 11, 23
    )
    assert next_occurrence_date("FREQ=WEEKLY", date(2026, 11, 23), date(2026, 11, 2)) == date(
        2026, 11, 30
    )
    assert next_occurrence_date("FREQ=WEEKLY;COUNT=1", date(2026, 11, 2), date(2026, 11, 2)) is None


@settings(max_examples=60, deadline=None)
@given(
    freq=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    interval=st.integers(min_value=1, max_value=5),
    start=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)),
    gap=st.integers(min_value=0, max_value=2000),
)
def test_next_occurrence_is_strictly_after_and_on_the_rule(
    freq: str, interval: int, start: datetime, gap: int
) -> None:
    text = f"FREQ={freq};INTERVAL={interval}"
    after = start + timedelta(days=gap)
    found = next_occurrence(text, after, start)
    assert found is not None and found > after
    again = next_occurrence(text, found - timedelta(seconds=1), start)
    assert again == found
