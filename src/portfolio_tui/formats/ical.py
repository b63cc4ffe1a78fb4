"""iCalendar (RFC 5545) for follow-ups: one VEVENT each, because Google Calendar ignores
VTODO.

- A follow-up at a time is a 15-minute event. One that happens once is written in UTC (an
  exact instant). A recurring one is written in the user's IANA zone, `DTSTART;TZID=…`, with
  that zone's VTIMEZONE (`formats.vtimezone`, from the zone's real rules): the app keeps a
  recurring follow-up at the same wall-clock time across daylight saving, and so does a
  calendar reading it (a fixed UTC start would move a 09:00 Paris meeting to 10:00 in summer).
  In a zone without an IANA name (UTC) it is written in UTC, exact there. UNTIL is then in UTC,
  as RFC 5545 wants beside a zoned start.
- A follow-up without a time is an all-day event (DATE values).
- Each event has a VALARM: 15 minutes before, or at 09:00 on the day for an all-day one.
- UID is the follow-up's id, so importing a newer export updates events instead of adding
  them; SEQUENCE and LAST-MODIFIED come from the row's last change, so an unchanged
  follow-up is written byte for byte the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from portfolio_tui.formats.contentlines import escape, line
from portfolio_tui.formats.vtimezone import vtimezone_text, zone_id

PRODID = "-//portfolio-tui//Follow-ups//EN"
UID_DOMAIN = "portfolio-tui"
EVENT_MINUTES = 15
ALARM_BEFORE = "-PT15M"
ALL_DAY_ALARM = "PT9H"  # from the start of the day: 09:00
_SEQUENCE_EPOCH = datetime(2020, 1, 1)


@dataclass
class Event:
    uid: str  # the follow-up id
    summary: str
    description: str
    day: date  # local calendar day
    start: datetime | None  # aware; None for an all-day event
    modified: datetime  # naive UTC: the row's updated_at
    rrule: str | None = None
    categories: list[str] = field(default_factory=list)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _floating(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def rrule_for(rule: str, timed: bool, tz: tzinfo) -> str:
    """Our stored rule with UNTIL in the value type RFC 5545 wants beside the start: a date
    for an all-day event, a UTC date-time for a timed one (its start has a TZID, or is UTC).
    As the app reads it, an UNTIL day includes that whole day and an UNTIL time without "Z"
    is wall-clock time in `tz`."""

    def until(match: re.Match[str]) -> str:
        day, clock, zulu = match[1], match[2], match[3]
        if clock and zulu:
            moment = datetime.strptime(day + clock, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
            return "UNTIL=" + (_utc(moment) if timed else moment.astimezone(tz).strftime("%Y%m%d"))
        if timed:
            wall = datetime.strptime(day + (clock or "235959"), "%Y%m%d%H%M%S")
            return "UNTIL=" + _utc(wall.replace(tzinfo=tz))
        return f"UNTIL={day}"

    return re.sub(r"UNTIL=([0-9]{8})(?:T([0-9]{6})(Z?))?", until, rule)


def _until_year(rule: str, start: datetime) -> int:
    """The last year a series may reach, for its zone's VTIMEZONE: its UNTIL's, else two years
    on (past those, a zone with yearly rules has them in RRULEs)."""
    found = re.search(r"UNTIL=([0-9]{4})", rule)
    return max(start.year, int(found[1])) if found else start.year + 2


def event_text(event: Event, tz: tzinfo) -> str:
    """One VEVENT. DTSTAMP is the row's last change too, so that an export of unchanged
    follow-ups is the same file."""
    sequence = max(0, int((event.modified - _SEQUENCE_EPOCH).total_seconds() // 60))
    out = [
        "BEGIN:VEVENT\r\n",
        line("UID", f"{event.uid}@{UID_DOMAIN}"),
        line("DTSTAMP", event.modified.strftime("%Y%m%dT%H%M%SZ")),
        line("LAST-MODIFIED", event.modified.strftime("%Y%m%dT%H%M%SZ")),
        line("SEQUENCE", str(sequence)),
    ]
    if event.start is None:
        out += [
            line("DTSTART", event.day.strftime("%Y%m%d"), value="DATE"),
            line("DTEND", (event.day + timedelta(days=1)).strftime("%Y%m%d"), value="DATE"),
            line("TRANSP", "TRANSPARENT"),
        ]
    else:
        end = event.start + timedelta(minutes=EVENT_MINUTES)
        zone = zone_id(tz) if event.rrule else None
        if zone is None:
            out += [line("DTSTART", _utc(event.start)), line("DTEND", _utc(end))]
        else:
            out += [
                line("DTSTART", _floating(event.start.astimezone(tz)), tzid=zone),
                line("DTEND", _floating(end.astimezone(tz)), tzid=zone),
            ]
    if event.rrule:
        out.append(line("RRULE", rrule_for(event.rrule, event.start is not None, tz)))
    out += [
        line("SUMMARY", escape(event.summary)),
        line("DESCRIPTION", escape(event.description)),
        line("STATUS", "CONFIRMED"),
    ]
    if event.categories:
        out.append(line("CATEGORIES", ",".join(escape(c) for c in event.categories)))
    out += [
        "BEGIN:VALARM\r\n",
        line("ACTION", "DISPLAY"),
        line("DESCRIPTION", escape(event.summary)),
        line("TRIGGER", ALL_DAY_ALARM if event.start is None else ALARM_BEFORE),
        "END:VALARM\r\n",
        "END:VEVENT\r\n",
    ]
    return "".join(out)


def calendar_text(events: Iterable[Event], tz: tzinfo, name: str) -> str:
    head = [
        "BEGIN:VCALENDAR\r\n",
        "VERSION:2.0\r\n",
        line("PRODID", PRODID),
        "CALSCALE:GREGORIAN\r\n",
        "METHOD:PUBLISH\r\n",
        line("X-WR-CALNAME", escape(name)),
    ]
    events = list(events)
    years = {
        year
        for e in events
        if e.rrule and e.start is not None
        for year in range(e.start.year, _until_year(e.rrule, e.start) + 1)
    }
    if years and zone_id(tz) is not None:  # the zone the recurring events' TZID names
        head.append(vtimezone_text(tz, years))
    body = [event_text(e, tz) for e in events]
    return "".join((*head, *body, "END:VCALENDAR\r\n"))
