import csv
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from portfolio_tui.domain.dates import (
    CalendarDateError,
    DatePhraseError,
    When,
    days_between,
    describe_when,
    parse_calendar_date,
    parse_when,
)

from conftest import FIXTURES

PARIS = ZoneInfo("Europe/Paris")
SUNDAY = datetime(2026, 11, 22, 8, 30, tzinfo=PARIS)  # Sunday 22 Nov 2026
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)


def d(day: int, month: int = 11, year: int = 2026) -> date:
    return date(year, month, day)


@pytest.mark.parametrize(
    ("phrase", "day", "at"),
    [
        ("today", d(22), None),
        ("TODAY", d(22), None),
        ("  today  ", d(22), None),
        ("tomorrow", d(23), None),
        ("Tomorrow 9:00", d(23), time(9)),
        ("tomorrow 09:00", d(23), time(9)),
        ("tomorrow 9h", d(23), time(9)),
        ("tomorrow 9H", d(23), time(9)),
        ("tomorrow 14h30", d(23), time(14, 30)),
        ("tomorrow 14:30", d(23), time(14, 30)),
        ("tomorrow 2pm", d(23), time(14)),
        ("tomorrow 2:30 pm", d(23), time(14, 30)),
        ("tomorrow 12am", d(23), time(0)),
        ("tomorrow 12pm", d(23), time(12)),
        ("tomorrow at 9:00", d(23), time(9)),
        ("tomorrow, 9:00", d(23), time(9)),
        ("yesterday", d(21), None),
        ("+3d", d(25), None),
        ("+3 d", d(25), None),
        ("+3 days", d(25), None),
        ("+2w", d(6, 12), None),
        ("+1m", d(22, 12), None),
        ("+1y", d(22, 11, 2027), None),
        ("+0d", d(22), None),
        ("+3d 9h", d(25), time(9)),
        ("-3d", d(19), None),
        ("in 3 days", d(25), None),
        ("in 1 day", d(23), None),
        ("in 2 weeks", d(6, 12), None),
        ("in 1 month", d(22, 12), None),
        ("in 3 days 10:00", d(25), time(10)),
        ("3 days ago", d(19), None),
        ("2 weeks ago", d(8), None),
        ("next monday", d(23), None),
        ("next mon", d(23), None),
        ("monday", d(23), None),
        ("Mon", d(23), None),
        ("mon 10:00", d(23), time(10)),
        ("sunday", d(29), None),
        ("sun", d(29), None),
        ("next sunday", d(29), None),
        ("saturday", d(28), None),
        ("last sunday", d(15), None),
        ("last fri", d(20), None),
        ("2026-12-01", d(1, 12), None),
        ("2026-12-01 14:30", d(1, 12), time(14, 30)),
        ("2026-12-01T14:30", d(1, 12), time(14, 30)),
        ("2026/12/01", d(1, 12), None),
        ("2025-01-05", d(5, 1, 2025), None),
        ("01/12/2026", d(1, 12), None),
        ("01/12/2026 14:30", d(1, 12), time(14, 30)),
        ("1/12/2026", d(1, 12), None),
        ("01-12-2026", d(1, 12), None),
        ("01.12.2026", d(1, 12), None),
        ("01/12/26", d(1, 12), None),
        ("1/12", d(1, 12), None),
        ("1/12 9h", d(1, 12), time(9)),
        ("30 nov", d(30), None),
        ("mon 30 nov", d(30), None),
        ("Mon 30 Nov 2026", d(30), None),
        ("Tue 1 Dec 2026 14:30", d(1, 12), time(14, 30)),
        ("1 January 2027", d(1, 1, 2027), None),
        ("9:00", d(22), time(9)),
        ("14h", d(22), time(14)),
        ("now", d(22), time(8, 30)),
        # French
        ("aujourd'hui", d(22), None),
        ("aujourd’hui", d(22), None),
        ("Aujourd'hui 17h", d(22), time(17)),
        ("demain", d(23), None),
        ("demain 9h", d(23), time(9)),
        ("demain à 9h", d(23), time(9)),
        ("demain a 9h30", d(23), time(9, 30)),
        ("après-demain", d(24), None),
        ("apres-demain", d(24), None),
        ("après demain", d(24), None),
        ("hier", d(21), None),
        ("avant-hier", d(20), None),
        ("lundi", d(23), None),
        ("mardi", d(24), None),
        ("mercredi", d(25), None),
        ("jeudi", d(26), None),
        ("vendredi", d(27), None),
        ("samedi", d(28), None),
        ("dimanche", d(29), None),
        ("lundi prochain", d(23), None),
        ("lundi prochain 10h", d(23), time(10)),
        ("dimanche dernier", d(15), None),
        ("dans 3 jours", d(25), None),
        ("dans 2 semaines", d(6, 12), None),
        ("dans 1 mois", d(22, 12), None),
        ("+3j", d(25), None),
        ("il y a 2 jours", d(20), None),
        ("1er décembre", d(1, 12), None),
        ("15 août 2027", d(15, 8, 2027), None),
        ("3 fevrier", d(3, 2, 2027), None),
        ("maintenant", d(22), time(8, 30)),
        # weeks, months and days of the month
        ("next week", d(23), None),  # the Monday of next week; today is Sunday
        ("la semaine prochaine 10h", d(23), time(10)),
        ("fin du mois 17h", d(30), time(17)),
        ("end of next month", d(31, 12), None),
        ("fin du mois prochain", d(31, 12), None),
        ("le 5", d(5, 12), None),  # the 5th of November is past: December's
        ("le 22", d(22), None),  # today
        ("le 1er", d(1, 12), None),
        ("le 5 à 14h", d(5, 12), time(14)),
        ("the 5th", d(5, 12), None),
        ("on the 1st", d(1, 12), None),
        ("the 2nd", d(2, 12), None),
        ("the 3rd", d(3, 12), None),
        ("the 11th", d(11, 12), None),
        ("the 22nd", d(22), None),
        ("on the 30th at 9:00", d(30), time(9)),
        ("dans 15 jours", d(7, 12), None),  # digits count days, not the "quinze jours" idiom
        ("5/12", d(5, 12), None),
        ("le 5/12/2026 9h", d(5, 12), time(9)),
        ("le 1er décembre", d(1, 12), None),
        ("le lun. 30 nov. 2026", d(30), None),
        # times
        ("jeudi 14h30", d(26), time(14, 30)),
        ("à 9h", d(22), time(9)),
        ("at 9:00", d(22), time(9)),
        ("midi", d(22), time(12)),
        ("à midi", d(22), time(12)),
        ("demain midi", d(23), time(12)),
        ("noon", d(22), time(12)),
        ("tomorrow at noon", d(23), time(12)),
    ],
)
def test_parse_when_on_a_sunday(phrase: str, day: date, at: time | None) -> None:
    assert parse_when(phrase, SUNDAY) == When(day, at)


@pytest.mark.parametrize(
    ("phrase", "day"),
    [
        ("today", d(23)),
        ("monday", d(30)),  # today is excluded
        ("mon", d(30)),
        ("next monday", d(30)),
        ("lundi", d(30)),
        ("lundi prochain", d(30)),
        ("tuesday", d(24)),
        ("sunday", d(29)),
        ("last monday", d(16)),
        ("lundi dernier", d(16)),
        ("last sunday", d(22)),
        ("+1w", d(30)),
        ("next week", d(30)),  # today is already this week's Monday
        ("semaine prochaine", d(30)),
    ],
)
def test_weekdays_on_a_monday(phrase: str, day: date) -> None:
    assert parse_when(phrase, MONDAY) == When(day)


@pytest.mark.parametrize(
    ("phrase", "now", "day"),
    [
        ("+1m", datetime(2027, 1, 31), date(2027, 2, 28)),  # months clamp, never roll over
        ("+1m", datetime(2028, 1, 31), date(2028, 2, 29)),
        ("+1y", datetime(2028, 2, 29), date(2029, 2, 28)),
        ("+2w", datetime(2026, 12, 25), date(2027, 1, 8)),
        ("1/12", datetime(2026, 11, 22), date(2026, 12, 1)),  # next week
        ("20/11", datetime(2026, 11, 22), date(2026, 11, 20)),  # two days ago
        ("22/8", datetime(2026, 11, 22), date(2026, 8, 22)),  # 3 months back: still this year
        ("21/8", datetime(2026, 11, 22), date(2027, 8, 21)),  # older: next year's
        ("15/6", datetime(2026, 11, 22), date(2027, 6, 15)),
        ("5/1", datetime(2026, 12, 30), date(2027, 1, 5)),
        ("28/12", datetime(2027, 1, 2), date(2026, 12, 28)),
        ("29/2", datetime(2027, 11, 22), date(2028, 2, 29)),
        ("fin du mois", datetime(2028, 2, 10), date(2028, 2, 29)),  # leap year
        ("fin du mois", datetime(2027, 2, 28), date(2027, 2, 28)),  # today is the last day
        ("fin du mois prochain", datetime(2027, 1, 31), date(2027, 2, 28)),
        ("fin du mois prochain", datetime(2026, 12, 15), date(2027, 1, 31)),
        ("next week", datetime(2026, 12, 31), date(2027, 1, 4)),  # a Thursday
        ("next week", datetime(2026, 11, 28), date(2026, 11, 30)),  # a Saturday
        ("le 5", datetime(2026, 12, 20), date(2027, 1, 5)),  # across the year
        ("le 31", datetime(2026, 12, 5), date(2026, 12, 31)),
        ("le 29", datetime(2028, 2, 3), date(2028, 2, 29)),
        ("the 31st", datetime(2027, 1, 2), date(2027, 1, 31)),
    ],
)
def test_month_arithmetic_and_year_less_dates(phrase: str, now: datetime, day: date) -> None:
    assert parse_when(phrase, now).day == day


@given(today=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_next_week_and_end_of_month(today: date) -> None:
    now = datetime.combine(today, time(12))
    for phrase in ("next week", "semaine prochaine", "la semaine prochaine"):
        monday = parse_when(phrase, now).day
        assert monday.weekday() == 0 and 1 <= days_between(today, monday) <= 7
    for phrase in ("end of month", "end of the month", "fin du mois", "fin de mois"):
        last = parse_when(phrase, now).day
        assert (last.year, last.month) == (today.year, today.month) and last >= today
        assert (last + timedelta(days=1)).day == 1


@given(
    today=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    day=st.integers(min_value=1, max_value=31),
)
def test_day_of_the_month_is_the_next_one_or_an_error(today: date, day: int) -> None:
    following = [today + timedelta(days=k) for k in range(62)]
    first = next(c for c in following if c.day == day)
    month_meant = today.month if day >= today.day else today.month % 12 + 1
    phrase = "le 1er" if day == 1 else f"le {day}"
    if first.month == month_meant:
        assert parse_when(phrase, datetime.combine(today, time(12))) == When(first)
    else:
        with pytest.raises(DatePhraseError, match="has no day"):
            parse_when(phrase, datetime.combine(today, time(12)))


def test_now_drops_seconds() -> None:
    assert parse_when("now", datetime(2026, 11, 22, 8, 30, 59, 123)).time == time(8, 30)


@pytest.mark.parametrize(
    ("phrase", "reason"),
    [
        ("tomorow", None),
        ("", None),
        ("   ", None),
        ("+3", None),
        ("+3x", None),
        ("+2h", None),
        ("in days", None),
        ("next lundi prochain", None),
        ("mon10:00", None),
        ("tomorrow 9", None),
        ("tomorrow 9:5", None),
        ("tomorrow 9:00:00", None),
        ("12", None),
        ("1/12/202", None),
        ("01/12-2026", None),
        ("2026-12-01 14:30 extra", None),
        ("١/١٢", None),  # Arabic-Indic digits are not read as digits
        ("25:00", "no such time 25:00"),
        ("tomorrow 25:00", "no such time 25:00"),
        ("tomorrow 24:00", "no such time 24:00"),
        ("tomorrow 9:60", "no such time 9:60"),
        ("demain 25h", "no such time 25h"),
        ("13pm", "no such time 13pm"),
        ("0am", "no such time 0am"),
        ("31/02/2026", "February 2026 has no day 31"),
        ("29/02/2026", "February 2026 has no day 29"),
        ("2026-02-29", "February 2026 has no day 29"),
        ("2026-13-01", "there is no month 13"),
        ("0000-01-01", "there is no year 0"),
        ("31/4", "there is no 31 April"),
        ("1/13", "there is no month 13"),
        ("29/2", "no 29 February between"),
        ("tue 30 nov", "30 November 2026 is a Monday"),
        ("+99999999999d", "too far away"),
        ("le 31", "November 2026 has no day 31"),  # not skipped to 31 December
        ("le 0", "December 2026 has no day 0"),
        ("le 32", "November 2026 has no day 32"),
        ("in 99999 years", "too far away"),
    ],
)
def test_unreadable_phrases_name_the_phrase(phrase: str, reason: str | None) -> None:
    with pytest.raises(DatePhraseError) as caught:
        parse_when(phrase, SUNDAY)
    message = str(caught.value)
    assert message.startswith(f"can't read the date '{phrase}'")
    assert caught.value.phrase == phrase
    if reason is None:
        assert "(try: today, tomorrow 9:00, +3d" in message
    else:
        assert reason in message


# Not read on purpose: no single reading (see the module docstring), or malformed.
# fmt: off
NOT_READ = [
    "fin de semaine", "end of week", "week-end", "ce week-end", "next month", "mois prochain",
    "demain matin", "demain après-midi", "après-midi", "demain soir", "minuit", "demain minuit",
    "midnight", "ce vendredi", "dans quinze jours", "in three days", "le lundi", "le", "le 5er",
    "le 1st", "the 5st", "the 1th", "the 22th", "the 5", "on 5th", "midi 9h",
]
# fmt: on


@pytest.mark.parametrize("phrase", NOT_READ)
def test_phrases_not_read_on_purpose(phrase: str) -> None:
    with pytest.raises(DatePhraseError, match=r"\(try: today, tomorrow 9:00, \+3d"):
        parse_when(phrase, SUNDAY)


def test_error_message_matches_the_contract() -> None:
    with pytest.raises(DatePhraseError) as caught:
        parse_when("tomorow", SUNDAY)
    assert str(caught.value) == (
        "can't read the date 'tomorow' "
        "(try: today, tomorrow 9:00, +3d, next mon, 2026-12-01 14:30, 01/12/2026)"
    )
    assert isinstance(caught.value, ValueError)


@given(st.text(max_size=30))
def test_any_text_parses_or_raises_date_phrase_error(text: str) -> None:
    try:
        result = parse_when(text, SUNDAY)
    except DatePhraseError as error:
        assert error.phrase == text
    else:
        assert isinstance(result, When)


def test_when_at_gives_an_aware_datetime() -> None:
    when = When(date(2026, 12, 1), time(14, 30))
    at = when.at(PARIS)
    assert at == datetime(2026, 12, 1, 14, 30, tzinfo=PARIS)
    assert at is not None and at.utcoffset() == timedelta(hours=1)
    summer = When(date(2026, 7, 1), time(9)).at(PARIS)
    assert summer is not None and summer.utcoffset() == timedelta(hours=2)


def test_all_day_when_has_no_datetime() -> None:
    assert When(date(2026, 12, 1)).at(PARIS) is None
    assert When(date(2026, 12, 1)).time is None


def test_when_is_frozen() -> None:
    when = When(date(2026, 12, 1))
    with pytest.raises(AttributeError):
        when.day = date(2026, 12, 2)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (When(d(22)), "today"),
        (When(d(22), time(17)), "today 17:00"),
        (When(d(23), time(9)), "tomorrow 09:00"),
        (When(d(21)), "yesterday"),
        (When(d(19)), "3 days ago"),
        (When(d(16), time(8, 5)), "6 days ago 08:05"),
        (When(d(15)), "Sun 15 Nov"),
        (When(d(24)), "Tue 24 Nov"),
        (When(d(30)), "Mon 30 Nov"),
        (When(d(1, 12), time(14, 30)), "Tue 1 Dec 14:30"),
        (When(d(1, 12, 2027), time(14, 30)), "Wed 1 Dec 2027 14:30"),
        (When(d(5, 1, 2027)), "Tue 5 Jan 2027"),  # not this year
        (When(d(1, 3, 2026)), "Sun 1 Mar 2026"),  # this year, but "1 Mar" means next March
        (When(d(22, 8, 2026)), "Sat 22 Aug"),
    ],
)
def test_describe_when(when: When, text: str) -> None:
    assert describe_when(when, SUNDAY.date()) == text


def test_a_29_february_out_of_the_year_less_window_keeps_its_year() -> None:
    text = describe_when(When(date(2000, 2, 29)), date(2000, 12, 1))
    assert text == "Tue 29 Feb 2000"


@given(
    today=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    offset=st.integers(min_value=-800, max_value=800),
    at=st.none() | st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)
# A 29 February with none in the year-less window (Sep 2000 to Sep 2001): shown with its year.
@example(today=date(2000, 12, 1), offset=-276, at=None)
def test_describe_when_reads_back(today: date, offset: int, at: time | None) -> None:
    when = When(today + timedelta(days=offset), at)
    now = datetime.combine(today, time(12), tzinfo=PARIS)
    assert parse_when(describe_when(when, today), now) == when


@pytest.mark.parametrize(
    ("earlier", "later", "days"),
    [
        (d(22), d(22), 0),
        (d(22), d(23), 1),
        (d(23), d(22), -1),
        (date(2026, 2, 28), date(2026, 3, 1), 1),
        (date(2028, 2, 28), date(2028, 3, 1), 2),
        (date(2025, 12, 31), date(2027, 1, 1), 366),
    ],
)
def test_days_between(earlier: date, later: date, days: int) -> None:
    assert days_between(earlier, later) == days


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        (" 2026-12-01 ", date(2026, 12, 1)),
        ("2026-12-01T10:00", date(2026, 12, 1)),
        ("2026-12-01T10:00:00Z", date(2026, 12, 1)),
        ("2026-12-01T10:00:00+01:00", date(2026, 12, 1)),
        ("2026-12-01 10:00:00", date(2026, 12, 1)),
        ("2026-12-01 10:00:00.250", date(2026, 12, 1)),
        ("2026/12/01", date(2026, 12, 1)),
        ("01/12/2026", date(2026, 12, 1)),
        ("1/12/2026", date(2026, 12, 1)),
        ("01-12-2026", date(2026, 12, 1)),
        ("01.12.2026", date(2026, 12, 1)),
        ("01/12/26", date(2026, 12, 1)),
        ("31/12/99", date(1999, 12, 31)),
        ("01/01/68", date(2068, 1, 1)),
        ("01/01/69", date(1969, 1, 1)),
        ("01/12/2026 10:00", date(2026, 12, 1)),
        ("29/02/2024", date(2024, 2, 29)),
    ],
)
def test_parse_calendar_date(text: str, expected: date) -> None:
    assert parse_calendar_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", None),
        ("tomorrow", None),
        ("1/12", None),
        ("12/2026", None),
        ("2026-12", None),
        ("01/12-2026", None),
        ("01/12/202", None),
        ("2026-12-01 14h", None),
        ("45678", None),
        ("31/02/2026", "February 2026 has no day 31"),
        ("29/02/2025", "February 2025 has no day 29"),
        ("2026-02-30", "February 2026 has no day 30"),
        ("00/12/2026", "December 2026 has no day 0"),
        ("01/13/2026", "there is no month 13"),
        ("12/31/2026", "there is no month 31"),  # month-first is not read
        ("2026-12-01 25:00", "no such time"),
        ("2026-12-01 10:61", "no such time"),
    ],
)
def test_parse_calendar_date_errors_name_the_text(text: str, reason: str | None) -> None:
    with pytest.raises(CalendarDateError) as caught:
        parse_calendar_date(text)
    assert isinstance(caught.value, DatePhraseError)
    assert f"'{text}'" in str(caught.value)
    if reason is None:
        assert "expected 2026-12-01 or 01/12/2026" in str(caught.value)
    else:
        assert reason in str(caught.value)


def _date_cells(name: str) -> list[tuple[int, str]]:
    path = FIXTURES / name
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        return [(reader.line_num, row["Date"]) for row in reader]


def test_every_date_in_the_sales_export_reads() -> None:
    cells = _date_cells("ventes-excel-utf8.csv")
    assert len(cells) == 900
    dates = [parse_calendar_date(cell) for _, cell in cells]
    assert dates[0] == date(2023, 10, 12)
    assert min(dates) >= date(2023, 1, 1)


def test_the_impossible_date_is_the_only_one_rejected() -> None:
    failures = []
    for line, cell in _date_cells("ventes-date-invalide.csv"):
        try:
            parse_calendar_date(cell)
        except CalendarDateError as error:
            failures.append((line, str(error)))
    assert failures == [
        (39, "can't read the date '31/02/2025': February 2025 has no day 31"),
    ]
