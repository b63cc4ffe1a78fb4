"""Issue 8, point 7: times right all year in the calendar export. A recurring follow-up is
written `DTSTART;TZID=<the user's IANA zone>` with that zone's VTIMEZONE, computed from the
zone's real rules; real parsers (vobject, which builds the zone from the VTIMEZONE itself
with dateutil, and icalendar) read a weekly 09:00 Paris series made in December at 09:00 in
July too, across both changes of time."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from dateutil import tz as dateutil_tz

from portfolio_tui import service
from portfolio_tui.domain.settings import Settings
from portfolio_tui.formats.vtimezone import changes, vtimezone_text, zone_id

from conftest import PARIS, fixed_clock

HOUR, SECOND, ZERO = timedelta(hours=1), timedelta(seconds=1), timedelta(0)


def _portfolio(path: Path, zone=PARIS) -> service.Portfolio:
    return service.open_portfolio(path, clock=fixed_clock, tz=zone, settings=Settings())


def _ics(pf: service.Portfolio) -> str:
    out = io.StringIO(newline="")
    pf.exports.export_ics(out)
    return out.getvalue()


@pytest.fixture
def weekly(tmp_path: Path) -> str:
    """The export of a weekly Monday 09:00 follow-up planned on 23 November for December."""
    with _portfolio(tmp_path / "p.db") as pf:
        pf.routine.create_account("Vins Durand", stage="client")
        pf.routine.schedule_follow_up("Vins", "Point hebdo", "2026-12-07 09:00",
                                      recurrence="every monday")  # fmt: skip
        pf.routine.schedule_follow_up("Vins", "Une fois", "2027-07-01 09:00")
        return _ics(pf)


def _occurrences(event, start: datetime, end: datetime) -> list[datetime]:
    return list(event.getrruleset().between(start, end))


def test_a_weekly_0900_paris_series_from_december_is_at_0900_in_july(weekly: str) -> None:
    calendar = vobject.readOne(weekly)
    [series] = [e for e in calendar.vevent_list if e.summary.value.startswith("Point hebdo")]
    assert "\r\nDTSTART;TZID=Europe/Paris:20261207T090000\r\n" in weekly
    # vobject reads the zone from our VTIMEZONE (dateutil's tzical), not from its own base.
    assert type(series.dtstart.value.tzinfo).__name__ == "_tzicalvtz"
    winter = _occurrences(
        series, datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    )
    summer = _occurrences(
        series, datetime(2027, 7, 1, tzinfo=UTC), datetime(2027, 8, 1, tzinfo=UTC)
    )
    autumn = _occurrences(
        series, datetime(2027, 11, 1, tzinfo=UTC), datetime(2027, 11, 9, tzinfo=UTC)
    )
    for occurrence in (*winter, *summer, *autumn):
        assert occurrence.astimezone(PARIS).time() == time(9, 0), occurrence
    assert [o.astimezone(UTC).hour for o in (winter[0], summer[0], autumn[0])] == [8, 7, 8]
    assert summer[0].astimezone(UTC) == datetime(2027, 7, 5, 7, 0, tzinfo=UTC)


def test_both_changes_of_time_keep_the_wall_clock(weekly: str) -> None:
    calendar = vobject.readOne(weekly)
    [series] = [e for e in calendar.vevent_list if e.summary.value.startswith("Point hebdo")]
    march = _occurrences(
        series, datetime(2027, 3, 20, tzinfo=UTC), datetime(2027, 4, 3, tzinfo=UTC)
    )
    october = _occurrences(series, datetime(2027, 10, 20, tzinfo=UTC),
                           datetime(2027, 11, 3, tzinfo=UTC))  # fmt: skip
    # 22 Mar CET, 29 Mar CEST (change on the 28th); 25 Oct CEST, 1 Nov CET (change on the 31st)
    assert [o.astimezone(UTC) for o in (*march, *october)] == [
        datetime(2027, 3, 22, 8, 0, tzinfo=UTC),
        datetime(2027, 3, 29, 7, 0, tzinfo=UTC),
        datetime(2027, 10, 25, 7, 0, tzinfo=UTC),
        datetime(2027, 11, 1, 8, 0, tzinfo=UTC),
    ]


def test_icalendar_reads_the_zoned_start_and_one_vtimezone(weekly: str) -> None:
    calendar = icalendar.Calendar.from_ical(weekly)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris"
    assert sorted(c.name for c in zone.subcomponents) == ["DAYLIGHT", "STANDARD"]
    events = {str(e["SUMMARY"]).split(" — ")[0]: e for e in calendar.walk("VEVENT")}
    start = events["Point hebdo"]["DTSTART"]
    assert start.params["TZID"] == "Europe/Paris"
    assert start.dt == datetime(2026, 12, 7, 9, 0, tzinfo=PARIS)
    # A follow-up that happens once stays an exact UTC instant: 09:00 CEST is 07:00Z.
    assert events["Une fois"]["DTSTART"].dt == datetime(2027, 7, 1, 7, 0, tzinfo=UTC)
    assert weekly.count("BEGIN:VTIMEZONE") == 1


@pytest.mark.parametrize(
    ("name", "yearly"),
    [
        ("Europe/Paris", True),  # last Sunday of March and October
        ("America/New_York", True),  # second Sunday of March, first of November
        ("Australia/Sydney", True),  # southern: October to April
        ("Europe/Dublin", True),  # winter is its "negative" daylight saving
        ("Asia/Tokyo", True),  # no change at all
        ("Africa/Casablanca", False),  # moves with Ramadan: each change written out
    ],
)
def test_the_vtimezone_gives_the_zones_offsets(name: str, yearly: bool) -> None:
    """Read by dateutil's VTIMEZONE parser, the zone has the IANA offsets at every hour of the
    years the events cover, and, with yearly rules, of years well after."""
    zone = ZoneInfo(name)
    text = vtimezone_text(zone, [2026, 2027])
    assert ("RRULE:" in text or "BEGIN:STANDARD" in text) and text.count("TZID:") == 1
    assert yearly == ("RRULE:" in text or not changes(zone, 2025, 2028))
    read = dateutil_tz.tzical(io.StringIO(text)).get(name)
    last = 2035 if yearly else 2027
    edges = [c.at + d for c in changes(zone, 2026, last) for d in (-HOUR, -SECOND, ZERO, HOUR)]
    every_six_hours = (datetime(2026, 1, 1, tzinfo=UTC) + n * 6 * HOUR for n in range(4 * 365 * 2))
    for moment in (*edges, *every_six_hours):
        expected = moment.astimezone(zone).utcoffset()
        assert moment.astimezone(read).utcoffset() == expected, (name, moment)


def test_a_portfolio_in_utc_writes_series_in_utc_without_a_vtimezone(tmp_path: Path) -> None:
    with _portfolio(tmp_path / "u.db", zone=UTC) as pf:
        pf.routine.create_account("Vins Durand", stage="client")
        pf.routine.schedule_follow_up("Vins", "Point", "2026-12-07 09:00",
                                      recurrence="FREQ=WEEKLY;UNTIL=20270301")  # fmt: skip
        text = _ics(pf)
    assert zone_id(UTC) is None and "VTIMEZONE" not in text
    [event] = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert event["DTSTART"].dt == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert event["RRULE"]["UNTIL"] == [datetime(2027, 3, 1, 23, 59, 59, tzinfo=UTC)]


def test_without_a_recurring_timed_event_there_is_no_vtimezone(tmp_path: Path) -> None:
    with _portfolio(tmp_path / "o.db") as pf:
        pf.routine.create_account("Vins Durand", stage="client")
        pf.routine.schedule_follow_up("Vins", "Une fois", "2027-07-01 09:00")
        pf.routine.schedule_follow_up(
            "Vins", "Chaque lundi", "2026-12-07", recurrence="every monday"
        )  # all day: dates, no zone
        assert "VTIMEZONE" not in _ics(pf)


def test_the_export_of_unchanged_follow_ups_is_the_same_bytes(tmp_path: Path) -> None:
    with _portfolio(tmp_path / "s.db") as pf:
        pf.routine.create_account("Vins Durand", stage="client")
        pf.routine.schedule_follow_up(
            "Vins", "Point", "2026-12-07 09:00", recurrence="every monday"
        )
        assert _ics(pf) == _ics(pf)
