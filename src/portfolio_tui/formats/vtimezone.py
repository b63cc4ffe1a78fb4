"""The VTIMEZONE of an IANA zone (RFC 5545, 3.6.5), computed from the zone's own rules.

A recurring event is written `DTSTART;TZID=Europe/Paris:…` so that a calendar keeps each
occurrence at the same wall-clock time across daylight saving; the VTIMEZONE says what that
zone's offsets are. The zone's changes of offset are found in the years the events cover (each
day probed, then the instant found to the second). When every change of a kind falls each
year on the same "n-th (or last) weekday of a month at a local time" — the rules of Europe,
North America, Australia… — that kind is written once with a yearly RRULE, which holds for
every later year too; otherwise each change is written as its own observance. A zone without
any change in those years is one STANDARD observance.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import groupby
from zoneinfo import ZoneInfo

from portfolio_tui.formats.contentlines import escape, line

_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# A zone with no change in the years covered: its one observance starts here.
_EPOCH = datetime(1970, 1, 1)


def zone_id(tz: tzinfo) -> str | None:
    """The IANA name a TZID can carry ("Europe/Paris"), or None for a zone without one (UTC,
    a fixed offset): events in those are written in UTC, exact since their offset never
    changes."""
    if isinstance(tz, ZoneInfo) and tz.key and tz.key.upper() not in ("UTC", "ETC/UTC"):
        return tz.key
    return None


@dataclass(frozen=True, slots=True)
class Change:
    """A change of the zone's offset: the instant (UTC), the offsets before and after, and
    what holds after it (daylight saving — the clock put forward — or not, the abbreviation)."""

    at: datetime
    before: timedelta
    after: timedelta
    daylight: bool
    name: str

    @property
    def onset(self) -> datetime:
        """The local wall-clock time it happens at, in the offset before (naive)."""
        return (self.at + self.before).replace(tzinfo=None)

    @property
    def kind(self) -> tuple[bool, timedelta, timedelta, str]:
        return (self.daylight, self.before, self.after, self.name)


def changes(tz: tzinfo, first_year: int, last_year: int) -> list[Change]:
    """The zone's changes of offset from 1 January of `first_year` to the end of `last_year`."""
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    offset = _offset(moment, tz)
    found = []
    while moment < end:
        later = moment + _DAY
        if _offset(later, tz) != offset:
            at = _first_with_new_offset(moment, later, tz)
            local = at.astimezone(tz)
            after = _offset(at, tz)
            # DAYLIGHT is the change that puts the clock forward, as calendars (and dateutil)
            # expect: tzdata's own flag is the other way round in Dublin and Casablanca.
            found.append(Change(at, offset, after, after > offset, local.tzname() or ""))
            offset = after
        moment = later
    return found


def _offset(moment: datetime, tz: tzinfo) -> timedelta:
    return moment.astimezone(tz).utcoffset() or timedelta(0)


def _first_with_new_offset(low: datetime, high: datetime, tz: tzinfo) -> datetime:
    """The first second of (low, high] whose offset is not low's."""
    before = _offset(low, tz)
    while high - low > _SECOND:
        middle = low + (high - low) // 2
        middle -= timedelta(microseconds=middle.microsecond)
        if _offset(middle, tz) == before:
            low = middle
        else:
            high = middle
    return high


def _rule_keys(onset: datetime) -> set[tuple[int, int, int, object]]:
    """The yearly rules `onset` fits: (month, weekday, n-th of the month or -1 for the last,
    local time)."""
    n = (onset.day - 1) // 7 + 1
    keys = {(onset.month, onset.weekday(), n, onset.time())}
    if onset.day + 7 > calendar.monthrange(onset.year, onset.month)[1]:
        keys.add((onset.month, onset.weekday(), -1, onset.time()))
    return keys


def _yearly_rule(group: list[Change], years: range) -> str | None:
    """The RRULE of a kind of change that happens once in each of `years`, by one rule."""
    if [c.onset.year for c in group] != list(years):
        return None  # a year without it (a rule changed), or twice in one year
    common = set.intersection(*(_rule_keys(c.onset) for c in group))
    if not common:
        return None
    month, weekday, n, _time = min(common, key=lambda key: (key[2] < 0, key))  # n-th first
    return f"FREQ=YEARLY;BYMONTH={month};BYDAY={n}{_WEEKDAYS[weekday]}"


def _utc_offset(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")


def _observance(daylight: bool, before: timedelta, after: timedelta, name: str,
                start: datetime, rule: str | None = None) -> list[str]:  # fmt: skip
    kind = "DAYLIGHT" if daylight else "STANDARD"
    out = [
        f"BEGIN:{kind}\r\n",
        line("DTSTART", start.strftime("%Y%m%dT%H%M%S")),
        line("TZOFFSETFROM", _utc_offset(before)),
        line("TZOFFSETTO", _utc_offset(after)),
    ]
    if rule:
        out.append(line("RRULE", rule))
    if name:
        out.append(line("TZNAME", escape(name)))
    return [*out, f"END:{kind}\r\n"]


def vtimezone_text(tz: tzinfo, years: Iterable[int]) -> str:
    """The VTIMEZONE of `tz` (a zone `zone_id` names) for events in `years` (and, where its
    rules are yearly, every year after)."""
    key = zone_id(tz)
    if key is None:
        raise ValueError("a VTIMEZONE needs an IANA zone")
    covered = sorted(set(years))
    first, last = covered[0] - 1, covered[-1] + 1  # a year either side: no event before one
    found = changes(tz, first, last)
    out = ["BEGIN:VTIMEZONE\r\n", line("TZID", key)]
    if not found:
        local = datetime(first, 1, 1, 12, tzinfo=UTC).astimezone(tz)
        offset = local.utcoffset() or timedelta(0)
        out += _observance(False, offset, offset, local.tzname() or "", _EPOCH)
        return "".join([*out, "END:VTIMEZONE\r\n"])
    groups = [list(g) for _, g in groupby(sorted(found, key=lambda c: (c.kind, c.at)),
                                          key=lambda c: c.kind)]  # fmt: skip
    rules = [_yearly_rule(group, range(first, last + 1)) for group in groups]
    if all(rules):
        for group, rule in zip(groups, rules, strict=True):
            out += _observance(*group[0].kind, group[0].onset, rule)
    else:
        for change in found:
            out += _observance(*change.kind, change.onset)
    return "".join([*out, "END:VTIMEZONE\r\n"])
