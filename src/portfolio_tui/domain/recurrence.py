"""Recurring follow-ups as RFC 5545 RRULE text ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO").

Only the parts a follow-up needs are accepted: FREQ (DAILY, WEEKLY, MONTHLY or YEARLY; the time
of day comes from the start), INTERVAL, COUNT or UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYYEARDAY,
BYWEEKNO, BYSETPOS and WKST. Every value is range-checked here, because dateutil silently
accepts rules such as BYMONTH=13 that never happen. `parse_repeat` also reads repeats in words
("every monday", "tous les mois le 5"); `next_in_series` steps a series when one is done.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any

from dateutil import rrule as du

from portfolio_tui.domain.text import fold
from portfolio_tui.i18n import N_, _, current_language

_FREQS = {"DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY, "YEARLY": du.YEARLY}
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# name -> (smallest absolute value, largest absolute value, negatives allowed)
_INT_LISTS = {
    "BYMONTH": (1, 12, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYSETPOS": (1, 366, True),
}
# "every 2nd week": which week? (what to say instead, by the unit said)
_WHICH = {
    "WEEKLY": N_("say 'every {value} weeks' or 'every week on the {nth}'"),
    "MONTHLY": N_("say 'every {value} months' or 'every month on the {nth}'"),
    "YEARLY": N_("say 'every {value} years' or 'every year on the {nth}'"),
}
# every part a rule may give; _Rule.text writes them in a fixed order
_PARTS = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST", *_INT_LISTS})
_BYDAY = re.compile(r"([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_UNTIL = re.compile(r"([0-9]{8})(?:T([0-9]{6})(Z?))?")
# A rule that never happens (BYMONTH=2;BYMONTHDAY=30) makes dateutil walk to year 9999, which
# takes seconds for a daily rule, because UNTIL only stops it at an occurrence. So the probe
# for one occurrence starts in 9972 (a leap year like 1972): the 28 years to 9999 hold every
# weekday/date combination, and reaching 9999 ends the search. INTERVAL is left out: whether
# an interval ever meets the BY parts depends on the start (see _misses_every_day).
_PROBE_START = datetime(9972, 1, 1)


class RecurrenceError(ValueError):
    """A recurrence rule that can't be used; `text` is the rule as given. `reason` is a msgid
    (marked `N_`) filled with `values`, said in the current language, or a text already said."""

    def __init__(self, text: str, reason: str, **values: object) -> None:
        self.text = text
        self.reason = _(reason).format(**values) if values else _(reason)
        message = _("can't use the recurrence '{text}': {reason}")
        super().__init__(message.format(text=text, reason=self.reason))


@dataclass(frozen=True, slots=True)
class _Rule:
    freq: str
    interval: int = 1
    count: int | None = None
    until: date | datetime | None = None  # a naive datetime is wall time; UTC when aware
    bymonth: tuple[int, ...] = ()
    byweekno: tuple[int, ...] = ()
    byyearday: tuple[int, ...] = ()
    bymonthday: tuple[int, ...] = ()
    byday: tuple[tuple[int | None, int], ...] = ()  # (nth or None, weekday 0=MO)
    bysetpos: tuple[int, ...] = ()
    wkst: int = 0

    def text(self) -> str:
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        if isinstance(self.until, datetime):
            suffix = "Z" if self.until.tzinfo else ""
            parts.append(f"UNTIL={self.until:%Y%m%dT%H%M%S}{suffix}")
        elif self.until is not None:
            parts.append(f"UNTIL={self.until:%Y%m%d}")
        for name in ("BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY"):
            values = getattr(self, name.lower())
            if values:
                parts.append(f"{name}={','.join(map(str, values))}")
        if self.byday:
            days = (f"{'' if n is None else n}{_DAYS[d]}" for n, d in self.byday)
            parts.append(f"BYDAY={','.join(days)}")
        if self.bysetpos:
            parts.append(f"BYSETPOS={','.join(map(str, self.bysetpos))}")
        if self.wkst != 0:
            parts.append(f"WKST={_DAYS[self.wkst]}")
        return ";".join(parts)

    def build(self, dtstart: datetime, until: datetime | None) -> du.rrule:
        return du.rrule(
            _FREQS[self.freq],
            dtstart=dtstart,
            interval=self.interval,
            count=self.count,
            until=until,
            bymonth=self.bymonth or None,
            byweekno=self.byweekno or None,
            byyearday=self.byyearday or None,
            bymonthday=self.bymonthday or None,
            byweekday=[du.weekdays[d](n) for n, d in self.byday] or None,
            bysetpos=self.bysetpos or None,
            wkst=self.wkst,
        )


def validate_rrule(text: str) -> str:
    """The rule in canonical form, without "RRULE:": parts in a fixed order, upper case,
    defaults (INTERVAL=1, WKST=MO) dropped, list values sorted and deduplicated."""
    return _parse(text).text()


def parse_repeat(text: str) -> str:
    """A repeat as typed, as canonical RRULE text: an RRULE, or words in English or French
    (case and accents ignored): "every weekday", "every 2 weeks on mon", "tous les lundis", "une
    semaine sur deux", "le premier lundi de chaque mois", "weekly, 5 times". Anything else, even
    "every 2nd week" (which week?), is a RecurrenceError: nothing is guessed."""
    if "=" in text or not text.strip():
        return validate_rrule(text)
    words = fold(text)
    for pattern, replacement in _PHRASES:
        words = pattern.sub(replacement, words)
    said = _Said(text).read([_token(word, text) for word in _WORD.findall(words)])
    try:
        return validate_rrule(said.rule().text())
    except RecurrenceError as error:
        raise RecurrenceError(text, error.reason) from None


def next_occurrence(rrule_text: str, after: datetime, dtstart: datetime) -> datetime | None:
    """The first occurrence strictly after `after`, or None once COUNT or UNTIL is spent.

    Occurrences keep `dtstart`'s wall-clock time in its zone (a 09:00 Paris meeting stays at
    09:00 across daylight saving), so pass `dtstart` in the user's zone, not UTC. `after` and
    `dtstart` must both be aware or both naive. An UNTIL without a time includes that whole day;
    one without "Z" is wall time in `dtstart`'s zone.
    """
    rule = _parse(rrule_text)
    if (after.tzinfo is None) != (dtstart.tzinfo is None):
        raise TypeError("after and dtstart must both be aware or both be naive")
    if _misses_every_day(rule, dtstart):
        return None
    return rule.build(dtstart, _until_for(rule.until, dtstart)).after(after, inc=False)


def next_occurrence_date(rrule_text: str, after: date, start: date) -> date | None:
    """`next_occurrence` for all-day follow-ups."""
    found = next_occurrence(
        rrule_text, datetime.combine(after, time()), datetime.combine(start, time())
    )
    return None if found is None else found.date()


def next_in_series(
    rrule_text: str, *, first: datetime, current: datetime, now: datetime
) -> datetime | None:
    """The occurrence after `current` once it is done, or None when the series is over.

    `first` is the series' DTSTART, the same for all its occurrences so that COUNT and UNTIL
    mean what a calendar reads; `current` the occurrence done (its due time, snoozed or not);
    `now` when. The next is strictly after both: missed ones are skipped and, as on a calendar,
    used up."""
    if current < first:
        raise ValueError("the current occurrence can't come before the series' first one")
    return next_occurrence(rrule_text, max(current, now), first)


def describe_rrule(text: str) -> str:
    """Short English text: "weekly", "every 2 weeks on Mon", "monthly on the 1st Mon",
    "every weekday", "yearly in Jan, Jul, 5 times" (see `recurrence_describe`)."""
    from portfolio_tui.domain.recurrence_describe import describe_rrule as describe

    return describe(text)


def _ordinal(n: int) -> str:
    if n < 0:
        return f"{_ordinal(-n)} last"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _misses_every_day(rule: _Rule, dtstart: datetime) -> bool:
    # Every 7n days from dtstart lands on one weekday only; without this, a start on another
    # day than BYDAY's sends dateutil on its slow walk to year 9999 (see _PROBE_START).
    return (
        rule.freq == "DAILY"
        and rule.interval % 7 == 0
        and bool(rule.byday)
        and dtstart.weekday() not in {day for _, day in rule.byday}
    )


def _until_for(until: date | datetime | None, dtstart: datetime) -> datetime | None:
    if until is None:
        return None
    if not isinstance(until, datetime):
        return datetime.combine(until, time(23, 59, 59), tzinfo=dtstart.tzinfo)
    if until.tzinfo is None:
        return until.replace(tzinfo=dtstart.tzinfo)
    if dtstart.tzinfo is None:
        return until.replace(tzinfo=None)  # no zone to convert to: read it as wall time
    return until


@lru_cache(maxsize=1024)
def _parse(text: str) -> _Rule:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    if not body:
        raise RecurrenceError(text, N_("it is empty"))
    if ":" in body or "\n" in body:
        raise RecurrenceError(text, N_("give the rule alone, such as FREQ=WEEKLY;BYDAY=MO"))
    values: dict[str, str] = {}
    for part in body.upper().split(";"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not value:
            raise RecurrenceError(text, N_("expected NAME=VALUE, not '{part}'"), part=part)
        if name not in _PARTS:
            if name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
                reason = N_("{name} is not supported: the start sets the time")
                raise RecurrenceError(text, reason, name=name)
            raise RecurrenceError(text, N_("unknown part {name}"), name=name)
        if name in values:
            raise RecurrenceError(text, N_("{name} is given twice"), name=name)
        values[name] = value
    rule = _Rule(freq=_freq(values, text), **_options(values, text))
    _check_combination(rule, text)
    try:
        happens = _happens(rule)
    except ValueError as error:  # dateutil's own checks
        raise RecurrenceError(text, str(error)) from None
    if not happens:
        raise RecurrenceError(text, N_("it never happens"))
    return rule


def _check_combination(rule: _Rule, text: str) -> None:
    # RFC 5545 3.3.10 forbids these; dateutil would quietly ignore or misread them.
    if rule.byweekno and rule.freq != "YEARLY":
        raise RecurrenceError(text, N_("BYWEEKNO only works with FREQ=YEARLY"))
    if rule.byyearday and rule.freq != "YEARLY":
        raise RecurrenceError(text, N_("BYYEARDAY only works with FREQ=YEARLY"))
    if rule.bymonthday and rule.freq == "WEEKLY":
        raise RecurrenceError(text, N_("BYMONTHDAY does not work with FREQ=WEEKLY"))
    if any(n is not None for n, _ in rule.byday) and rule.freq not in ("MONTHLY", "YEARLY"):
        raise RecurrenceError(text, N_("BYDAY positions such as 1MO need MONTHLY or YEARLY"))
    if rule.bysetpos and not (
        rule.bymonth or rule.byweekno or rule.byyearday or rule.bymonthday or rule.byday
    ):
        raise RecurrenceError(text, N_("BYSETPOS needs another BY part to pick from"))


def _freq(values: dict[str, str], text: str) -> str:
    if "FREQ" not in values:
        raise RecurrenceError(text, N_("FREQ is missing (e.g. FREQ=WEEKLY)"))
    freq = values["FREQ"]
    if freq not in _FREQS:
        reason = N_("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY, not {freq}")
        raise RecurrenceError(text, reason, freq=freq)
    return freq


def _options(values: dict[str, str], text: str) -> dict:
    options: dict = {}
    for name in ("INTERVAL", "COUNT"):
        if name in values:
            options[name.lower()] = _int(values[name], name, 1, 10_000, False, text)
    if "COUNT" in values and "UNTIL" in values:
        raise RecurrenceError(text, N_("COUNT and UNTIL can't both be given"))
    if "UNTIL" in values:
        options["until"] = _until(values["UNTIL"], text)
    for name, (low, high, negatives) in _INT_LISTS.items():
        if name in values:
            items = {_int(v, name, low, high, negatives, text) for v in values[name].split(",")}
            options[name.lower()] = tuple(sorted(items))
    if "BYDAY" in values:
        days = {_day(v, text) for v in values["BYDAY"].split(",")}
        options["byday"] = tuple(sorted(days, key=_day_key))
    if "WKST" in values:
        if values["WKST"] not in _DAYS:
            reason = N_("WKST must be a day such as MO, not {day}")
            raise RecurrenceError(text, reason, day=values["WKST"])
        options["wkst"] = _DAYS.index(values["WKST"])
    return options


def _day_key(item: tuple[int | None, int]) -> tuple[int, int]:
    n, day = item
    return (day, 0 if n is None else n)


def _int(value: str, name: str, low: int, high: int, negatives: bool, text: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        reason = N_("{name} must be a whole number, not '{value}'")
        raise RecurrenceError(text, reason, name=name, value=value) from None
    if not (low <= abs(number) <= high and (negatives or number > 0)):
        span = N_("{name} must be {low} to {high} or -{high} to -{low}, not {number}")
        span = span if negatives else N_("{name} must be {low} to {high}, not {number}")
        raise RecurrenceError(text, span, name=name, low=low, high=high, number=number)
    return number


def _day(value: str, text: str) -> tuple[int | None, int]:
    match = _BYDAY.fullmatch(value.strip())
    if match is None:
        reason = N_("BYDAY takes days such as MO or 1MO, not '{value}'")
        raise RecurrenceError(text, reason, value=value)
    n = None if match[1] is None else int(match[1])
    if n is not None and not 1 <= abs(n) <= 53:
        reason = N_("BYDAY position must be 1 to 53 or -53 to -1, not {n}")
        raise RecurrenceError(text, reason, n=n)
    return n, _DAYS.index(match[2])


def _until(value: str, text: str) -> date | datetime:
    match = _UNTIL.fullmatch(value)
    try:
        if match is None:
            raise ValueError
        day = datetime.strptime(match[1], "%Y%m%d").date()
        if match[2] is None:
            return day
        at = datetime.strptime(match[2], "%H%M%S").time()
    except ValueError:
        reason = N_("UNTIL must be a date such as 20261231 or 20261231T170000Z, not '{value}'")
        raise RecurrenceError(text, reason, value=value) from None
    return datetime.combine(day, at, tzinfo=UTC if match[3] else None)


def _happens(rule: _Rule) -> bool:
    probe = replace(rule, interval=1, count=None, until=None).build(_PROBE_START, None)
    return next(iter(probe), None) is not None


# --- repeats in words (parse_repeat) ---------------------------------------------------------

_Token = tuple[str, Any]  # (kind, value): ("unit", "WEEKLY"), ("day", 0), ("nth", -1)…
_NUMBERS_EN = "one two three four five six seven eight nine ten eleven twelve"
_NUMBERS_FR = "un deux trois quatre cinq six sept huit neuf dix onze douze"
_VOCABULARY: dict[str, _Token] = {}
for _kind, _value, _names in (
    ("every", None, "every each chaque tous toutes"),
    ("filler", None, "on the of and at le la les l de du des et"),
    ("times", None, "times time fois"),
    ("weekdays", None, "weekdays"),
    ("unit", "DAILY", "day days jour jours"),
    ("unit", "WEEKLY", "week weeks semaine semaines"),
    ("unit", "MONTHLY", "month months mois"),
    ("unit", "YEARLY", "year years an ans annee annees"),
    ("adverb", "DAILY", "daily quotidien quotidienne quotidiennement"),
    ("adverb", "WEEKLY", "weekly hebdomadaire hebdo"),
    ("adverb", "MONTHLY", "monthly mensuel mensuelle mensuellement"),
    ("adverb", "YEARLY", "yearly annually annual annuel annuelle annuellement"),
    ("nth", 1, "first premier premiere premiers premieres"),
    ("nth", 2, "second seconde deuxieme deuxiemes"),
    ("nth", 3, "third troisieme troisiemes"),
    ("nth", 4, "fourth quatrieme quatriemes"),
    ("nth", -1, "last dernier derniere derniers dernieres"),
    ("day", 0, "monday mondays mon lundi lundis lun"),
    ("day", 1, "tuesday tuesdays tue tues mardi mardis mar"),
    ("day", 2, "wednesday wednesdays wed mercredi mercredis mer"),
    ("day", 3, "thursday thursdays thu thur thurs jeudi jeudis jeu"),
    ("day", 4, "friday fridays fri vendredi vendredis ven"),
    ("day", 5, "saturday saturdays sat samedi samedis sam"),
    ("day", 6, "sunday sundays sun dimanche dimanches dim"),
):
    _VOCABULARY.update(dict.fromkeys(_names.split(), (_kind, _value)))
for _number, _names in enumerate(zip(_NUMBERS_EN.split(), _NUMBERS_FR.split(), strict=True), 1):
    _VOCABULARY.update(dict.fromkeys(_names, ("num", _number)))
_PHRASES = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\b(week ?days?|working days?|business days?|jours? ouvr(es?|ables?))\b", " weekdays "),
        (r"\bdu lundi au vendredi\b", " every weekdays "),
        (r"\bevery other\b", "every 2"),
        (r"\bune? (\w+) sur deux\b", r"every 2 \1"),  # une semaine sur deux
        (r"\b(quinze jours|quinzaine|fortnight)\b", "2 weeks"),  # tous les quinze jours
        (r"\b([0-9]+)(st|nd|rd|th|e|eme) (last|derniere?s?)\b", r"\1thlast"),  # the 2nd last
        (r"\bavant[- ]derniere?s?\b", "2thlast"),
    )
)
_WORD = re.compile(r"[^\W_]+")
_ORDINAL = re.compile(r"([0-9]+)(?:st|nd|rd|th|er|re|e|eme|ieme)(last)?")
_HOW_TO = N_("try 'every monday', 'every 2 weeks', 'tous les mois le 5', or FREQ=WEEKLY;BYDAY=MO")
_TRY = N_("{problem}; {how}")  # TRANSLATORS: what is wrong; then examples that work


def _token(word: str, text: str) -> _Token:
    if word in _VOCABULARY:
        return _VOCABULARY[word]
    if word.isdecimal():
        return "num", int(word)
    if (ordinal := _ORDINAL.fullmatch(word)) is not None:
        return "nth", -int(ordinal[1]) if ordinal[2] else int(ordinal[1])
    problem = _("'{word}' is not a word of repeats").format(word=word)
    raise RecurrenceError(text, _TRY, problem=problem, how=_(_HOW_TO))


@dataclass(slots=True)
class _Said:
    """What the words of a repeat say, read token by token."""

    text: str
    every: bool = False
    freqs: set[str] = field(default_factory=set)
    interval: int | None = None
    count: int | None = None
    monthdays: list[int] = field(default_factory=list)
    days: list[tuple[int | None, int]] = field(default_factory=list)

    def read(self, tokens: list[_Token]) -> _Said:
        tokens, index = [*tokens, ("end", None)], 0
        while index < len(tokens) - 1:
            index += 1 + self._take(*tokens[index], tokens[index + 1])
        return self

    def _take(self, kind: str, value: Any, following: _Token) -> int:  # 1 if it used following
        after = following[0]
        if kind in ("every", "adverb"):
            self.every = True
        if kind in ("unit", "adverb"):
            self.freqs.add(value)
        elif kind == "weekdays":
            self.days.extend((None, day) for day in range(5))
        elif kind == "day":
            self.days.append((None, value))
        elif kind == "num" and after in ("unit", "day", "times"):  # every 2 weeks, 5 times
            name = "count" if after == "times" else "interval"
            if getattr(self, name) is not None:
                twice = N_("it gives the count twice") if name == "count" else None
                raise RecurrenceError(self.text, twice or N_("it gives the interval twice"))
            setattr(self, name, value)
            return int(after == "times")
        elif kind == "nth" and after == "day":  # the 1st monday, le dernier vendredi
            self.days.append((value, following[1]))
            return 1
        elif kind == "nth" and after == "unit" and following[1] != "DAILY" and value > 0:
            nth = _ordinal(value) if current_language() == "en" else f"{value}e"
            raise RecurrenceError(self.text, _WHICH[following[1]], value=value, nth=nth)
        elif kind in ("num", "nth"):  # the 5th, le 5, the last day
            self.monthdays.append(value)
            return int(after == "unit")
        elif kind == "times":
            raise RecurrenceError(self.text, N_("say how many times, such as '5 times'"))
        return 0

    def rule(self) -> _Rule:
        positioned = bool(self.monthdays) or any(n is not None for n, _ in self.days)
        implied = "WEEKLY" if self.days and not positioned else None
        freq = next(iter(self.freqs)) if len(self.freqs) == 1 else implied
        if not (self.every or (positioned and self.freqs == {"MONTHLY"})):  # "le 5 du mois"
            problem = N_("say how often: 'every …', 'chaque …', 'tous les …'")
        elif positioned and freq != "MONTHLY":
            problem = N_("a day of the month needs 'every month', such as 'every month on the 5th'")
        elif freq is None or len(self.freqs) > 1:
            problem = N_("say one of every day, week, month or year")
        else:
            interval = 1 if self.interval is None else self.interval
            days, monthdays = tuple(self.days), tuple(self.monthdays)
            return _Rule(freq, interval, self.count, bymonthday=monthdays, byday=days)
        raise RecurrenceError(self.text, _TRY, problem=_(problem), how=_(_HOW_TO))
