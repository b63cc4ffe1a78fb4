import time as clock
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule as du
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_tui.domain.recurrence import (
    RecurrenceError,
    describe_rrule,
    next_in_series,
    next_occurrence,
    next_occurrence_date,
    parse_repeat,
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
    # CPU time of this thread, not wall time: the bound holds however busy the machine is.
    started = clock.thread_time()
    assert next_occurrence(text, datetime(2026, 12, 1), start) is None
    assert clock.thread_time() - started < 0.5


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


# --- parse_repeat: repeats in words ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("every day", "FREQ=DAILY"),
        ("daily", "FREQ=DAILY"),
        ("every 3 days", "FREQ=DAILY;INTERVAL=3"),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("every working day", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("every monday", "FREQ=WEEKLY;BYDAY=MO"),
        ("Every Monday", "FREQ=WEEKLY;BYDAY=MO"),
        ("every mon and thu", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("every week", "FREQ=WEEKLY"),
        ("weekly", "FREQ=WEEKLY"),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
        ("every two weeks", "FREQ=WEEKLY;INTERVAL=2"),
        ("every other week", "FREQ=WEEKLY;INTERVAL=2"),
        ("every fortnight", "FREQ=WEEKLY;INTERVAL=2"),
        ("every 2 mondays", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("every 2 weeks on monday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("every month", "FREQ=MONTHLY"),
        ("monthly", "FREQ=MONTHLY"),
        ("every month on the 5th", "FREQ=MONTHLY;BYMONTHDAY=5"),
        ("every 3 months on the 1st", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1"),
        ("the 1st and the 15th of every month", "FREQ=MONTHLY;BYMONTHDAY=1,15"),
        ("every month on the first monday", "FREQ=MONTHLY;BYDAY=1MO"),
        ("the last friday of the month", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("monthly on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("every year", "FREQ=YEARLY"),
        ("yearly", "FREQ=YEARLY"),
        ("annually", "FREQ=YEARLY"),
        ("weekly, 5 times", "FREQ=WEEKLY;COUNT=5"),
        ("  every   monday.  ", "FREQ=WEEKLY;BYDAY=MO"),
        # French
        ("tous les jours", "FREQ=DAILY"),
        ("tous les 3 jours", "FREQ=DAILY;INTERVAL=3"),
        ("tous les jours ouvrés", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("du lundi au vendredi", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("toutes les semaines", "FREQ=WEEKLY"),
        ("chaque semaine", "FREQ=WEEKLY"),
        ("chaque lundi", "FREQ=WEEKLY;BYDAY=MO"),
        ("tous les lundis", "FREQ=WEEKLY;BYDAY=MO"),
        ("TOUS LES LUNDIS", "FREQ=WEEKLY;BYDAY=MO"),
        ("tous les lundis et jeudis", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("toutes les 2 semaines", "FREQ=WEEKLY;INTERVAL=2"),
        ("toutes les deux semaines", "FREQ=WEEKLY;INTERVAL=2"),
        ("une semaine sur deux", "FREQ=WEEKLY;INTERVAL=2"),
        ("un lundi sur deux", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("tous les quinze jours", "FREQ=WEEKLY;INTERVAL=2"),
        ("tous les mois le 5", "FREQ=MONTHLY;BYMONTHDAY=5"),
        ("le 5 de chaque mois", "FREQ=MONTHLY;BYMONTHDAY=5"),
        ("le 1er du mois", "FREQ=MONTHLY;BYMONTHDAY=1"),
        ("chaque mois", "FREQ=MONTHLY"),
        ("tous les six mois", "FREQ=MONTHLY;INTERVAL=6"),
        ("le premier lundi de chaque mois", "FREQ=MONTHLY;BYDAY=1MO"),
        ("tous les premiers lundis du mois", "FREQ=MONTHLY;BYDAY=1MO"),
        ("le dernier vendredi du mois", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("l’avant-dernier vendredi de chaque mois", "FREQ=MONTHLY;BYDAY=-2FR"),
        ("le dernier jour du mois", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("tous les ans", "FREQ=YEARLY"),
        ("chaque année", "FREQ=YEARLY"),
        ("CHAQUE ANNEE", "FREQ=YEARLY"),
        ("toutes les semaines, 10 fois", "FREQ=WEEKLY;COUNT=10"),
        # an RRULE is taken as validate_rrule takes it
        ("FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO"),
        ("rrule:freq=monthly;bymonthday=15", "FREQ=MONTHLY;BYMONTHDAY=15"),
        ("FREQ=WEEKLY;INTERVAL=1;WKST=MO", "FREQ=WEEKLY"),
    ],
)
def test_parse_repeat(text: str, rule: str) -> None:
    assert parse_repeat(text) == rule
    assert validate_rrule(rule) == rule


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "it is empty"),
        ("FREQ=OFTEN", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("FREQ=WEEKLY;COUNT=2;UNTIL=20261231", "COUNT and UNTIL can't both be given"),
        ("sometimes", "'sometimes' is not a word of repeats"),
        ("every blue moon", "'blue' is not a word of repeats"),
        ("lundi", "say how often"),  # a date, not a repeat
        ("semaine", "say how often"),
        ("every", "say one of every day, week, month or year"),
        ("every day every week", "say one of every day, week, month or year"),
        ("every 2nd week", "say 'every 2 weeks' or 'every week on the 2nd'"),
        ("every 3rd month", "say 'every 3 months' or 'every month on the 3rd'"),
        ("every 2nd monday", "a day of the month needs 'every month'"),
        ("every week on the 5th", "a day of the month needs 'every month'"),
        ("every 5th", "a day of the month needs 'every month'"),
        ("every 2 weeks every 3 weeks", "it gives the interval twice"),
        ("weekly, 2 times, 3 times", "it gives the count twice"),
        ("weekly times", "say how many times"),
        ("every 0 weeks", "INTERVAL must be 1 to 10000, not 0"),
        ("every month on the 32nd", "BYMONTHDAY must be 1 to 31"),
        ("every month on the 6th monday", "it never happens"),
    ],
)
def test_parse_repeat_errors_name_the_text(text: str, reason: str) -> None:
    with pytest.raises(RecurrenceError) as caught:
        parse_repeat(text)
    assert str(caught.value).startswith(f"can't use the recurrence '{text}': ")
    assert reason in str(caught.value)
    assert caught.value.text == text


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY",
        "FREQ=DAILY;INTERVAL=3",
        "FREQ=WEEKLY",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        "FREQ=WEEKLY;BYDAY=MO,TH",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "FREQ=MONTHLY;INTERVAL=3",
        "FREQ=MONTHLY;BYDAY=1MO",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;BYDAY=-2FR",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        "FREQ=MONTHLY;BYMONTHDAY=1,15",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "FREQ=MONTHLY;BYMONTHDAY=-2",
        "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR",
        "FREQ=YEARLY",
        "FREQ=WEEKLY;COUNT=5",
    ],
)
def test_parse_repeat_reads_describe_rrule_back(rule: str) -> None:
    assert parse_repeat(describe_rrule(rule)) == rule


@given(
    freq=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    interval=st.integers(min_value=1, max_value=52),
    days=st.sets(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), max_size=3),
    count=st.none() | st.integers(min_value=2, max_value=99),
)
def test_parse_repeat_round_trips_generated_rules(
    freq: str, interval: int, days: set[str], count: int | None
) -> None:
    parts = [f"FREQ={freq}", f"INTERVAL={interval}"]
    if count is not None:
        parts.append(f"COUNT={count}")
    if days and freq == "WEEKLY":
        parts.append("BYDAY=" + ",".join(days))  # validate_rrule sorts them
    rule = validate_rrule(";".join(parts))
    assert parse_repeat(describe_rrule(rule)) == rule


# --- next_in_series: "done" on a recurring follow-up -----------------------------------------

FIRST = paris(2026, 11, 2, 9)  # a Monday, 09:00 in Paris; weekly: 2, 9, 16, 23 Nov


@pytest.mark.parametrize(
    ("rule", "current", "now", "expected"),
    [
        # on time: each done on its day gives the next one
        ("FREQ=WEEKLY", FIRST, paris(2026, 11, 2, 9, 30), paris(2026, 11, 9, 9)),
        ("FREQ=WEEKLY", paris(2026, 11, 9, 9), paris(2026, 11, 9, 11), paris(2026, 11, 16, 9)),
        # early: the next one after the current one, not after now
        ("FREQ=WEEKLY", FIRST, paris(2026, 10, 30, 17), paris(2026, 11, 9, 9)),
        ("FREQ=WEEKLY", paris(2026, 11, 9, 9), paris(2026, 11, 6), paris(2026, 11, 16, 9)),
        # late: the ones missed meanwhile are skipped
        ("FREQ=WEEKLY", FIRST, paris(2026, 11, 18, 10), paris(2026, 11, 23, 9)),
        ("FREQ=WEEKLY", FIRST, paris(2026, 11, 16, 8, 59), paris(2026, 11, 16, 9)),
        ("FREQ=WEEKLY", FIRST, paris(2026, 11, 16, 9), paris(2026, 11, 23, 9)),  # strictly after
        # snoozed to Tuesday 10 Nov: done then, the next is Monday 16, not Monday 9 again
        ("FREQ=WEEKLY", paris(2026, 11, 10, 9), paris(2026, 11, 10, 9, 5), paris(2026, 11, 16, 9)),
        # COUNT=3 is 2, 9 and 16 Nov, whoever did them
        ("FREQ=WEEKLY;COUNT=3", FIRST, paris(2026, 11, 2, 10), paris(2026, 11, 9, 9)),
        (
            "FREQ=WEEKLY;COUNT=3",
            paris(2026, 11, 9, 9),
            paris(2026, 11, 9, 10),
            paris(2026, 11, 16, 9),
        ),
        ("FREQ=WEEKLY;COUNT=3", paris(2026, 11, 16, 9), paris(2026, 11, 16, 10), None),
        ("FREQ=WEEKLY;COUNT=3", paris(2026, 11, 16, 9), paris(2026, 11, 12), None),  # early, last
        ("FREQ=WEEKLY;COUNT=3", FIRST, paris(2026, 11, 12), paris(2026, 11, 16, 9)),  # 9 Nov missed
        ("FREQ=WEEKLY;COUNT=3", FIRST, paris(2026, 11, 16, 9), None),  # 9 and 16 Nov missed
        ("FREQ=WEEKLY;COUNT=1", FIRST, paris(2026, 11, 2, 10), None),
        ("FREQ=WEEKLY;COUNT=1", FIRST, paris(2026, 10, 1), None),
        # UNTIL: a date takes in that whole day; a time is inclusive; Z is UTC (CET is UTC+1)
        (
            "FREQ=WEEKLY;UNTIL=20261116",
            paris(2026, 11, 9, 9),
            paris(2026, 11, 9, 10),
            paris(2026, 11, 16, 9),
        ),
        ("FREQ=WEEKLY;UNTIL=20261116", paris(2026, 11, 16, 9), paris(2026, 11, 16, 10), None),
        ("FREQ=WEEKLY;UNTIL=20261115", paris(2026, 11, 9, 9), paris(2026, 11, 9, 10), None),
        (
            "FREQ=WEEKLY;UNTIL=20261116T090000",
            paris(2026, 11, 9, 9),
            paris(2026, 11, 9, 10),
            paris(2026, 11, 16, 9),
        ),
        ("FREQ=WEEKLY;UNTIL=20261116T085959", paris(2026, 11, 9, 9), paris(2026, 11, 9, 10), None),
        (
            "FREQ=WEEKLY;UNTIL=20261116T080000Z",
            paris(2026, 11, 9, 9),
            paris(2026, 11, 9, 10),
            paris(2026, 11, 16, 9),
        ),
        ("FREQ=WEEKLY;UNTIL=20261116T075959Z", paris(2026, 11, 9, 9), paris(2026, 11, 9, 10), None),
        ("FREQ=WEEKLY;UNTIL=20261130", FIRST, paris(2026, 11, 30, 9), None),  # late past the end
        # monthly on the 31st skips the shorter months, counted from the first occurrence
        ("FREQ=MONTHLY", paris(2027, 1, 31, 9), paris(2027, 2, 1), paris(2027, 3, 31, 9)),
    ],
)
def test_next_in_series(
    rule: str, current: datetime, now: datetime, expected: datetime | None
) -> None:
    first = paris(2027, 1, 31, 9) if rule == "FREQ=MONTHLY" else FIRST
    assert next_in_series(rule, first=first, current=current, now=now) == expected


def test_next_in_series_counts_from_the_first_occurrence_not_the_current_one() -> None:
    # the bug this replaces: restarting the rule at each occurrence never spends COUNT
    rule = "FREQ=WEEKLY;COUNT=2"
    second = next_in_series(rule, first=FIRST, current=FIRST, now=FIRST)
    assert second == paris(2026, 11, 9, 9)
    assert next_in_series(rule, first=FIRST, current=second, now=second) is None
    assert next_occurrence(rule, second, second) is not None  # what restarting would give


def test_next_in_series_keeps_wall_time_across_dst() -> None:
    first = paris(2027, 3, 22, 9)  # Monday before summer time starts on Sunday 28 March
    found = next_in_series("FREQ=WEEKLY", first=first, current=first, now=first)
    assert found == paris(2027, 3, 29, 9)
    assert found is not None and found.utcoffset() == timedelta(hours=2)


def test_next_in_series_takes_now_in_utc() -> None:
    now = datetime(2026, 11, 16, 7, 59, tzinfo=UTC)  # 08:59 in Paris, before the 09:00 one
    assert next_in_series("FREQ=WEEKLY", first=FIRST, current=FIRST, now=now) == paris(
        2026, 11, 16, 9
    )


def test_next_in_series_refuses_a_current_before_the_first() -> None:
    with pytest.raises(ValueError, match="before the series' first"):
        next_in_series("FREQ=WEEKLY", first=FIRST, current=paris(2026, 10, 26, 9), now=FIRST)


def test_next_in_series_refuses_mixed_awareness() -> None:
    with pytest.raises(TypeError):
        next_in_series("FREQ=WEEKLY", first=FIRST, current=FIRST, now=datetime(2026, 11, 3))


def test_next_in_series_rejects_bad_rules() -> None:
    with pytest.raises(RecurrenceError, match="'FREQ=OFTEN'"):
        next_in_series("FREQ=OFTEN", first=FIRST, current=FIRST, now=FIRST)


def day(*args: int) -> datetime:  # an all-day follow-up: its day at midnight, naive
    return datetime(*args)


@pytest.mark.parametrize(
    ("rule", "current", "now", "expected"),
    [
        ("FREQ=WEEKLY;COUNT=3", day(2026, 11, 2), day(2026, 11, 2, 10), day(2026, 11, 9)),
        ("FREQ=WEEKLY;COUNT=3", day(2026, 11, 9), day(2026, 11, 6, 10), day(2026, 11, 16)),
        ("FREQ=WEEKLY;COUNT=3", day(2026, 11, 16), day(2026, 11, 16, 10), None),
        # done late on the day of the next one: that one is done today too
        ("FREQ=WEEKLY;COUNT=3", day(2026, 11, 2), day(2026, 11, 9, 10), day(2026, 11, 16)),
        ("FREQ=WEEKLY;UNTIL=20261116", day(2026, 11, 9), day(2026, 11, 9, 10), day(2026, 11, 16)),
        ("FREQ=WEEKLY;UNTIL=20261116", day(2026, 11, 16), day(2026, 11, 16, 10), None),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", day(2026, 11, 30), day(2026, 12, 3), day(2026, 12, 31)),
    ],
)
def test_next_in_series_all_day(
    rule: str, current: datetime, now: datetime, expected: datetime | None
) -> None:
    assert next_in_series(rule, first=day(2026, 11, 2), current=current, now=now) == expected


@settings(max_examples=60, deadline=None)
@given(
    freq=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    interval=st.integers(min_value=1, max_value=4),
    count=st.integers(min_value=1, max_value=12),
    first=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)),
    delays=st.lists(st.integers(min_value=-3, max_value=40), min_size=12, max_size=12),
)
def test_a_series_done_repeatedly_follows_the_calendar(
    freq: str, interval: int, count: int, first: datetime, delays: list[int]
) -> None:
    """Done on time, a series gives exactly the calendar's COUNT occurrences; done early or
    late, it gives some of them, in order, and never one past the calendar's last."""
    first = first.replace(microsecond=0)  # RRULE times are whole seconds
    rule = f"FREQ={freq};INTERVAL={interval};COUNT={count}"
    calendar = list(du.rrulestr(rule, dtstart=first))
    on_time, late, current = [first], [first], first
    while (current := next_in_series(rule, first=first, current=current, now=current)) is not None:
        on_time.append(current)
    assert on_time == calendar
    current = first
    for delay in delays:
        done_at = current + timedelta(days=delay)
        found = next_in_series(rule, first=first, current=current, now=done_at)
        if found is None:
            break
        assert found > max(current, done_at)
        late.append(current := found)
    assert late == sorted(set(late)) and set(late) <= set(calendar)
