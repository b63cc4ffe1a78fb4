"""Dates a rep types ("tomorrow 9h", "+3d", "lundi prochain") and dates read from spreadsheets.

`parse_when` reads a small, strict grammar (case, accents and surrounding spaces ignored):

    phrase   := date [[","] ["at" | "à"] time] | ["at" | "à"] time | "now" | "maintenant"
    date     := "today" | "aujourd'hui" | "tomorrow" | "demain" | "après-demain"
              | "yesterday" | "hier" | "avant-hier"
              | "next week" | ["la"] "semaine prochaine"   the Monday of next week
              | "end of [the] month" | "fin du mois" | "fin de mois"     its last day
              | "end of next month" | "fin du mois prochain"
              | "le" D | "le 1er" | ["on"] "the" Dth        le 5, the 5th, on the 1st
              | ("+" | "-") N unit                      +3d  +2w  +1m  -3d  +3 days
              | ("in" | "dans") N unit                  in 3 days, dans 2 semaines
              | N unit "ago" | "il y a" N unit          3 days ago, il y a 2 jours
              | ["next"] weekday | weekday ["prochain"]   the first one strictly after today
              | "last" weekday | weekday "dernier"      the last one strictly before today
              | YYYY-MM-DD | YYYY/MM/DD                 also 2026-12-01T14:30
              | ["le"] D/M/YYYY | D/M/YY | D/M          day first; "/", "-" or "." between
              | ["le"] [weekday] D ["er"] month [YYYY]  30 nov, mon 30 Nov 2026, le 1er décembre
    unit     := d | day(s) | j | jour(s) | w | week(s) | s | semaine(s)
              | m | month(s) | mois | y | year(s) | an(s) | année(s)
    time     := H:MM | Hh | HhMM | H[:MM]am | H[:MM]pm   9:00  09:00  9h  14h30  2pm  2:30pm
              | "midi" | "noon"                        12:00
    weekday  := monday | mon | lundi | lun | ... (English and French, full or 3 letters)

`m` is months, never minutes. Months are added with relativedelta, so 31 Jan + 1m = 28 Feb.
A date without a year (`1/12`, `30 nov`) is the one from 3 months before today to 9 months
after, which reads right both for follow-ups ("1/12" or "15/6" typed on 22 Nov are next week
and next June) and for logging ("20/11" typed on 22 Nov was two days ago). A lone time means
today. A day of the month alone (`le 5`, `the 5th`) is this month's if it is today or later,
else next month's, and an error when that month has no such day (`le 31` on 5 November):
never a skip to a later month.
Counts are digits and mean what they say: `dans 15 jours` is 15 days, although French says
"quinze jours" for two weeks (`dans 2 semaines`, `+2w`); number words are not read.
Left out on purpose, because they have no single reading: "fin de semaine" / "end of week"
(Friday in a French office, Sunday by the calendar, the weekend in Quebec), "week-end",
"matin", "après-midi", "soir" (which hour?), "minuit" (which day?), "mois prochain" /
"next month" (the 1st, or the same day?), "ce vendredi" (today, on a Friday?).
Anything else is an error that names the phrase: nothing is guessed.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from dateutil.relativedelta import relativedelta

from portfolio_tui.i18n import N_, _

_HINT = N_("try: today, tomorrow 9:00, +3d, next mon, 2026-12-01 14:30, 01/12/2026")
_CALENDAR_HINT = N_("expected 2026-12-01 or 01/12/2026")

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Said in errors, in the current language ("there is no 31 February" / "31 février").
_LONG_MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
_LONG_WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def _month(month: int) -> str:
    return _(_LONG_MONTHS[month - 1])


class DatePhraseError(ValueError):
    """A date phrase or spreadsheet date that can't be read; `phrase` is the text as given."""

    def __init__(self, phrase: str, reason: str | None = None, *, hint: str = _HINT) -> None:
        self.phrase = phrase
        self.reason = reason
        error = _("can't read the date '{phrase}'").format(phrase=phrase)
        if reason:  # TRANSLATORS: French puts U+202F before the colon
            super().__init__(_("{error}: {reason}").format(error=error, reason=reason))
        else:
            super().__init__(f"{error} ({_(hint)})")


class CalendarDateError(DatePhraseError):
    """A spreadsheet cell that is not a date `parse_calendar_date` reads."""

    def __init__(self, text: str, reason: str | None = None) -> None:
        super().__init__(text, reason, hint=_CALENDAR_HINT)


@dataclass(frozen=True, slots=True)
class When:
    """A day, with a time of day or all day (`time` is None)."""

    day: date
    time: time | None = None

    def at(self, tz: tzinfo) -> datetime | None:
        """The aware datetime in `tz` when a time is set; None for an all-day `When`."""
        if self.time is None:
            return None
        return datetime.combine(self.day, self.time, tzinfo=tz)


def days_between(earlier: date, later: date) -> int:
    """Whole days from `earlier` to `later`; negative when `later` is before `earlier`."""
    return later.toordinal() - earlier.toordinal()


# --- vocabulary -------------------------------------------------------------------------------

_WEEKDAYS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("monday", "mon", "lundi", "lun"),
        ("tuesday", "tue", "tues", "mardi", "mar"),
        ("wednesday", "wed", "mercredi", "mer"),
        ("thursday", "thu", "thur", "thurs", "jeudi", "jeu"),
        ("friday", "fri", "vendredi", "ven"),
        ("saturday", "sat", "samedi", "sam"),
        ("sunday", "sun", "dimanche", "dim"),
    )
):
    for _name in _names:
        _WEEKDAYS[_name] = _i

_MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("january", "jan", "janvier", "janv"),
        ("february", "feb", "fevrier", "fev", "fevr"),
        ("march", "mar", "mars"),
        ("april", "apr", "avril", "avr"),
        ("may", "mai"),
        ("june", "jun", "juin"),
        ("july", "jul", "juillet", "juil"),
        ("august", "aug", "aout"),
        ("september", "sep", "sept", "septembre"),
        ("october", "oct", "octobre"),
        ("november", "nov", "novembre"),
        ("december", "dec", "decembre"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _i

# unit -> (relativedelta keyword, multiplier)
_UNITS: dict[str, tuple[str, int]] = {}
for _unit, _names in (
    (("days", 1), ("d", "day", "days", "j", "jour", "jours")),
    (("days", 7), ("w", "week", "weeks", "s", "sem", "semaine", "semaines")),
    (("months", 1), ("m", "month", "months", "mois")),
    (("years", 1), ("y", "year", "years", "an", "ans", "annee", "annees")),
):
    for _name in _names:
        _UNITS[_name] = _unit

_FIXED_DAYS = {
    "today": 0,
    "aujourd'hui": 0,
    "tomorrow": 1,
    "demain": 1,
    "apres demain": 2,
    "day after tomorrow": 2,
    "yesterday": -1,
    "hier": -1,
    "avant hier": -2,
    "day before yesterday": -2,
}
_NOW_WORDS = frozenset({"now", "maintenant"})
_NOON_WORDS = frozenset({"midi", "noon"})
_NEXT_WEEK = frozenset({"next week", "semaine prochaine", "la semaine prochaine"})
_END_OF_MONTH = frozenset({"end of month", "end of the month", "fin du mois", "fin de mois"})
_END_OF_NEXT_MONTH = frozenset({"end of next month", "fin du mois prochain"})
_ORDINAL_SUFFIXES = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}

_WD = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_MO = "|".join(sorted(_MONTHS, key=len, reverse=True))
_UN = "|".join(sorted(_UNITS, key=len, reverse=True))

_TIME = r"(?:[0-9]{1,2}(?::[0-9]{2}\s*(?:am|pm)?|h(?:[0-9]{2})?|\s*(?:am|pm))|midi|noon)"
_TRAILING_TIME = re.compile(rf"(?:^|[\s,]+)(?:(?:at|a)\s+)?(?P<time>{_TIME})$")
_ISO_T = re.compile(r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})t(?=[0-9])")

_SIGNED = re.compile(rf"^(?P<sign>[+-])\s*(?P<n>[0-9]+)\s*(?P<unit>{_UN})$")
_IN = re.compile(rf"^(?:in|dans)\s+(?P<n>[0-9]+)\s*(?P<unit>{_UN})$")
_AGO = re.compile(
    rf"^(?:(?P<n1>[0-9]+)\s*(?P<u1>{_UN})\s+ago|il y a\s+(?P<n2>[0-9]+)\s*(?P<u2>{_UN}))$"
)
_NEXT_WD = re.compile(rf"^(?:next\s+(?P<wd1>{_WD})|(?P<wd2>{_WD})(?:\s+prochain)?)$")
_LAST_WD = re.compile(rf"^(?:last\s+(?P<wd1>{_WD})|(?P<wd2>{_WD})\s+dernier)$")
_DAY_OF_MONTH = re.compile(
    r"^(?:le\s+(?P<fr>[0-9]{1,2})(?P<er>er)?"
    r"|(?:on\s+)?the\s+(?P<en>[0-9]{1,2})(?P<th>st|nd|rd|th))$"
)
_LEADING_LE = re.compile(r"^le\s+(?=[0-9]|(?:" + _WD + r")\.?,?\s+[0-9])")
_YMD = re.compile(r"^(?P<y>[0-9]{4})(?P<sep>[-/])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})$")
_DMY = re.compile(
    r"^(?P<d>[0-9]{1,2})(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?:(?P=sep)(?P<y>[0-9]{4}|[0-9]{2}))?$"
)
_TEXT_DATE = re.compile(
    rf"^(?:(?P<wd>{_WD})\.?,?\s+)?"
    rf"(?P<d>[0-9]{{1,2}})(?:er)?\s+(?P<mo>{_MO})\.?(?:\s+(?P<y>[0-9]{{4}}))?$"
)


# --- parse_when -------------------------------------------------------------------------------


def parse_when(phrase: str, now: datetime) -> When:
    """Read a date phrase; relative phrases count from `now.date()` (see the module grammar)."""
    text = _normalise(phrase)
    if not text:
        raise DatePhraseError(phrase)
    today = now.date()
    if text in _NOW_WORDS:
        return When(today, time(now.hour, now.minute))

    text = _ISO_T.sub(r"\1 ", text)
    at: time | None = None
    match = _TRAILING_TIME.search(text)
    if match:
        at = _parse_time(match["time"], phrase)
        text = text[: match.start()]
        if not text:
            return When(today, at)
    return When(_parse_day(text, today, phrase), at)


def _normalise(phrase: str) -> str:
    text = unicodedata.normalize("NFKD", phrase.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # après-demain, avant-hier


def _parse_time(text: str, phrase: str) -> time:
    if text in _NOON_WORDS:
        return time(12)
    match = re.fullmatch(r"([0-9]{1,2})(?:[:h]([0-9]{2})?)?\s*(am|pm)?", text)
    assert match is not None  # _TIME only matches this shape
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise DatePhraseError(
                phrase, _("no such time {text} (use 1 to 12 with am/pm)").format(text=text)
            )
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise DatePhraseError(phrase, _("no such time {text}").format(text=text))
    return time(hour, minute)


def _parse_day(text: str, today: date, phrase: str) -> date:
    found = _relative_day(text, today, phrase)
    if found is None:
        found = _calendar_day(_LEADING_LE.sub("", text), today, phrase)
    if found is None:
        raise DatePhraseError(phrase)
    return found


def _relative_day(text: str, today: date, phrase: str) -> date | None:
    """Days named from today: tomorrow, +3d, in 2 weeks, monday, next week, le 5…"""
    if text in _FIXED_DAYS:
        return today + timedelta(days=_FIXED_DAYS[text])
    if text in _NEXT_WEEK:
        return today + timedelta(days=7 - today.weekday())
    if text in _END_OF_MONTH:
        return _last_day_of_month(today)
    if text in _END_OF_NEXT_MONTH:
        return _last_day_of_month(today + relativedelta(months=1))
    if m := _SIGNED.match(text):
        return _shift(today, int(m["n"]) * (1 if m["sign"] == "+" else -1), m["unit"], phrase)
    if m := _IN.match(text):
        return _shift(today, int(m["n"]), m["unit"], phrase)
    if m := _AGO.match(text):
        return _shift(today, -int(m["n1"] or m["n2"]), m["u1"] or m["u2"], phrase)
    if m := _NEXT_WD.match(text):
        ahead = (_WEEKDAYS[m["wd1"] or m["wd2"]] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    if m := _LAST_WD.match(text):
        back = (today.weekday() - _WEEKDAYS[m["wd1"] or m["wd2"]] - 1) % 7 + 1
        return today - timedelta(days=back)
    if m := _DAY_OF_MONTH.match(text):
        day = int(m["fr"] or m["en"])
        well_formed = (m["er"] is None or day == 1) and (
            m["th"] is None or m["th"] == _ORDINAL_SUFFIXES.get(day, "th")
        )
        if not well_formed:  # "le 5er", "the 5st"
            raise DatePhraseError(phrase)
        return _day_of_month(day, today, phrase)
    return None


def _calendar_day(text: str, today: date, phrase: str) -> date | None:
    """Days written as a date: 2026-12-01, 1/12/2026, 1/12, mon 30 nov, 1er décembre 2027."""
    if m := _YMD.match(text):
        return _make_date(int(m["y"]), int(m["m"]), int(m["d"]), phrase, DatePhraseError)
    if m := _DMY.match(text):
        day, month = int(m["d"]), int(m["m"])
        if m["y"] is None:
            return _year_less(day, month, today, phrase)
        return _make_date(_full_year(m["y"]), month, day, phrase, DatePhraseError)
    if m := _TEXT_DATE.match(text):
        day, month = int(m["d"]), _MONTHS[m["mo"]]
        if m["y"] is None:
            found = _year_less(day, month, today, phrase)
        else:
            found = _make_date(int(m["y"]), month, day, phrase, DatePhraseError)
        if m["wd"] is not None and _WEEKDAYS[m["wd"]] != found.weekday():
            weekday = _(_LONG_WEEKDAYS[found.weekday()])
            reason = _("{date} is a {weekday}").format(date=_long_date(found), weekday=weekday)
            raise DatePhraseError(phrase, reason)
        return found
    return None


def _last_day_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _day_of_month(day: int, today: date, phrase: str) -> date:
    """The `day` of this month, or of next month once this month's is past; never skipped."""
    year, month = today.year, today.month
    if day < today.day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return _make_date(year, month, day, phrase, DatePhraseError)


def _shift(today: date, n: int, unit: str, phrase: str) -> date:
    keyword, factor = _UNITS[unit]
    try:
        return today + relativedelta(**{keyword: n * factor})
    except (OverflowError, ValueError):
        raise DatePhraseError(phrase, _("too far away")) from None


def _year_less(day: int, month: int, today: date, phrase: str) -> date:
    """The date with this day and month from 3 months before today to 9 months after."""
    if not 1 <= month <= 12:
        raise DatePhraseError(phrase, _("there is no month {month}").format(month=month))
    if not 1 <= day <= calendar.monthrange(2000, month)[1]:  # 2000 is a leap year
        reason = _("there is no {day} {month}").format(day=day, month=_month(month))
        raise DatePhraseError(phrase, reason)
    start = today - relativedelta(months=3)
    end = start + relativedelta(years=1)
    for year in (start.year, start.year + 1):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if start <= found < end:
            return found
    reason = _("no {day} {month} between {start} and {end}")
    raise DatePhraseError(phrase, reason.format(day=day, month=_month(month), start=start, end=end))


def _year_less_or_none(day: int, month: int, today: date) -> date | None:
    """What the year-less phrase means, or None where it means nothing (a 29 February with
    none in the window)."""
    try:
        return _year_less(day, month, today, "")
    except DatePhraseError:
        return None


def _full_year(text: str) -> int:
    # Two-digit years pivot like strptime's %y: 69-99 are 1900s, 00-68 are 2000s.
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= 69 else 2000
    return year


def _make_date(year: int, month: int, day: int, text: str, error: type[DatePhraseError]) -> date:
    if not 1 <= month <= 12:
        raise error(text, _("there is no month {month}").format(month=month))
    if not 1 <= year <= 9999:
        raise error(text, _("there is no year {year}").format(year=year))
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        reason = _("{month} {year} has no day {day}")
        raise error(text, reason.format(month=_month(month), year=year, day=day))
    return date(year, month, day)


def _long_date(d: date) -> str:
    # TRANSLATORS: a day in an error message, "1 December 2026"; French "1 décembre 2026"
    return _("{day} {month} {year}").format(day=d.day, month=_month(d.month), year=d.year)


# --- describe_when ----------------------------------------------------------------------------


def describe_when(when: When, today: date) -> str:
    """Short text for forms and lists, which `parse_when` reads back to the same `When`.

    "today", "tomorrow 09:00", "yesterday", "3 days ago", "Mon 30 Nov", "Tue 1 Dec 2026 14:30".
    The year is shown unless the date is this year's and is what the year-less phrase means
    (from 3 months back to 9 months ahead).
    """
    delta = days_between(today, when.day)
    if delta == 0:
        text = "today"
    elif delta == 1:
        text = "tomorrow"
    elif delta == -1:
        text = "yesterday"
    elif -6 <= delta < -1:
        text = f"{-delta} days ago"
    else:
        d = when.day
        text = f"{WEEKDAY_NAMES[d.weekday()]} {d.day} {MONTH_NAMES[d.month - 1]}"
        if d.year != today.year or _year_less_or_none(d.day, d.month, today) != d:
            text += f" {d.year}"
    if when.time is not None:
        text += f" {when.time:%H:%M}"
    return text


# --- spreadsheets -----------------------------------------------------------------------------

_CELL_TIME = r"(?:[ t](?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:\.[0-9]+)?)?)?"
_CELL_ISO = re.compile(
    rf"^(?P<y>[0-9]{{4}})(?P<sep>[-/])(?P<m>[0-9]{{1,2}})(?P=sep)(?P<d>[0-9]{{1,2}})"
    rf"{_CELL_TIME}(?:z|[+-][0-9]{{2}}:?[0-9]{{2}})?$"
)
_CELL_DMY = re.compile(
    rf"^(?P<d>[0-9]{{1,2}})(?P<sep>[/.-])(?P<m>[0-9]{{1,2}})(?P=sep)(?P<y>[0-9]{{4}}|[0-9]{{2}})"
    rf"{_CELL_TIME}$"
)


def parse_calendar_date(text: str) -> date:
    """A date cell from a spreadsheet: ISO (time ignored) or day first; never rolled over.

    2026-12-01, 2026-12-01T10:00, 2026-12-01 10:00:00, 2026/12/01, 01/12/2026, 1/12/2026,
    01-12-2026, 01.12.2026, 01/12/26 (two-digit years: 69-99 → 1900s, 00-68 → 2000s).
    """
    cell = text.strip().lower()
    match = _CELL_ISO.match(cell) or _CELL_DMY.match(cell)
    if match is None:
        raise CalendarDateError(text)
    if match["H"] is not None and (
        int(match["H"]) > 23 or int(match["M"]) > 59 or int(match["S"] or 0) > 59
    ):
        raise CalendarDateError(text, _("no such time"))
    return _make_date(
        _full_year(match["y"]), int(match["m"]), int(match["d"]), text, CalendarDateError
    )
