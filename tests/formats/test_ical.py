"""iCalendar export of open follow-ups, read back by icalendar and vobject."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import vobject

from helpers.files import rows
from portfolio_tui.formats.ical import rrule_for

from conftest import PARIS

OPEN_SQL = (
    "SELECT f.id, f.title, f.due_on, f.due_at, f.recurrence, a.name FROM followup f "
    "JOIN account a ON a.id = f.account_id "
    "WHERE f.done_at IS NULL AND f.deleted_at IS NULL AND a.deleted_at IS NULL"
)


def _ics(pf) -> str:
    out = io.StringIO(newline="")
    pf.exports.export_ics(out)
    return out.getvalue()


def _events(text: str) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(text)
    return {str(e["UID"]).removesuffix("@portfolio-tui"): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def planned(portfolio):
    """Three follow-ups of each shape on the first account of the demo portfolio."""
    account = portfolio.reports.portfolio_rows()[0]
    return account, {
        "timed": portfolio.routine.schedule_follow_up(account.account_id, "Call, then; send\\quote",
                                              "2026-12-01 14:30"),
        "all_day": portfolio.routine.schedule_follow_up(account.account_id, "Visit", "2026-12-02"),
        "weekly": portfolio.routine.schedule_follow_up(
            account.account_id, "Weekly check", "2026-11-30 09:00",
            recurrence="FREQ=WEEKLY;BYDAY=MO;UNTIL=20270301",
        ),
    }  # fmt: skip


def test_every_open_follow_up_is_an_event(portfolio, demo_db_path, planned):
    text = _ics(portfolio)
    events = _events(text)
    open_rows = rows(demo_db_path, OPEN_SQL)
    assert set(events) == {r[0] for r in open_rows}
    for fid, title, due_on, due_at, rule, account in open_rows:
        event = events[fid]
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        assert str(event["SUMMARY"]) == f"{title} — {account}"
        assert f"Account: {account} (" in str(event["DESCRIPTION"])
        assert "Last interaction: " in str(event["DESCRIPTION"])
        [alarm] = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        if due_at is None:
            assert (start, end) == (date.fromisoformat(due_on), date.fromisoformat(due_on)
                                    + timedelta(days=1))  # fmt: skip
            assert alarm["TRIGGER"].dt == timedelta(hours=9)
            continue
        assert alarm["TRIGGER"].dt == timedelta(minutes=-15)
        assert end - start == timedelta(minutes=15)
        stored = datetime.fromisoformat(due_at).replace(tzinfo=UTC)
        if rule:
            # Wall-clock time in the user's zone, which TZID names: a weekly 09:00 stays at
            # 09:00 across daylight saving.
            assert event["DTSTART"].params["TZID"] == "Europe/Paris"
            assert start.replace(tzinfo=None) == stored.astimezone(PARIS).replace(tzinfo=None)
            assert start == stored
            assert event["RRULE"].to_ical().decode().startswith(rule.split(";UNTIL")[0])
        else:
            assert start == stored


def test_shapes_of_the_three_kinds(portfolio, planned):
    account, ids = planned
    events = _events(_ics(portfolio))
    timed = events[ids["timed"]]
    assert timed["DTSTART"].dt == datetime(2026, 12, 1, 13, 30, tzinfo=UTC)  # 14:30 Paris
    assert str(timed["SUMMARY"]) == f"Call, then; send\\quote — {account.name}"
    assert events[ids["all_day"]]["DTSTART"].dt == date(2026, 12, 2)
    weekly = events[ids["weekly"]]
    assert weekly["DTSTART"].dt == datetime(2026, 11, 30, 9, 0, tzinfo=PARIS)
    assert weekly["DTSTART"].params["TZID"] == "Europe/Paris"
    assert weekly["RRULE"]["FREQ"] == ["WEEKLY"] and weekly["RRULE"]["BYDAY"] == ["MO"]
    # UNTIL beside a zoned start is in UTC: the whole last day, Paris time.
    assert weekly["RRULE"]["UNTIL"] == [datetime(2027, 3, 1, 22, 59, 59, tzinfo=UTC)]


def test_read_by_vobject_too(portfolio, demo_db_path, planned):
    calendar = vobject.readOne(_ics(portfolio))
    uids = {e.uid.value for e in calendar.vevent_list}
    assert uids == {f"{r[0]}@portfolio-tui" for r in rows(demo_db_path, OPEN_SQL)}
    assert all(hasattr(e, "valarm") for e in calendar.vevent_list)


def test_lines_fold_at_75_octets(portfolio, planned):
    account, _ = planned
    title = "Relancer Mme Bérénice Château-Gaillard " * 4
    portfolio.routine.schedule_follow_up(account.account_id, title, "2026-12-03 10:00")
    text = _ics(portfolio)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    summaries = {str(e["SUMMARY"]) for e in _events(text).values()}
    assert f"{title.strip()} — {account.name}" in summaries


def test_stable_uids_so_a_calendar_updates_instead_of_duplicating(portfolio, planned):
    account, ids = planned
    first = _ics(portfolio)
    assert _ics(portfolio) == first  # nothing changed, same bytes
    portfolio.routine.snooze(ids["timed"], "2026-12-04")
    portfolio.routine.complete_follow_up(ids["all_day"], outcome="seen")
    before, after = _events(first), _events(_ics(portfolio))
    assert set(after) == set(before) - {ids["all_day"]}
    moved = after[ids["timed"]]
    assert moved["DTSTART"].dt == datetime(2026, 12, 4, 13, 30, tzinfo=UTC)
    assert moved["SEQUENCE"] >= before[ids["timed"]]["SEQUENCE"]
    assert moved["LAST-MODIFIED"].dt >= before[ids["timed"]]["LAST-MODIFIED"].dt
    # Completing logged an interaction: the account's other events show it; the rest of the
    # calendar is byte for byte the same.
    weekly = str(after[ids["weekly"]]["DESCRIPTION"])
    assert "Last interaction: 2026-11-23 call: Visit → seen" in weekly
    mark = f"Account: {account.name} ("
    others = {u for u, e in after.items() if mark not in str(e["DESCRIPTION"])}
    assert 10 < len(others) < len(after) - 1
    assert all(after[u].to_ical() == before[u].to_ical() for u in others)


def test_export_to_a_file(portfolio, planned, tmp_path):
    path = tmp_path / "f.ics"
    count = portfolio.exports.export_ics(path)
    assert count == len(_events(path.read_text("utf-8")))
    assert path.read_bytes().startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")


@pytest.mark.parametrize(
    ("rule", "timed", "written"),
    [
        ("FREQ=WEEKLY;UNTIL=20270301", True, "FREQ=WEEKLY;UNTIL=20270301T225959Z"),
        ("FREQ=WEEKLY;UNTIL=20270701", True, "FREQ=WEEKLY;UNTIL=20270701T215959Z"),
        ("FREQ=WEEKLY;UNTIL=20270301", False, "FREQ=WEEKLY;UNTIL=20270301"),
        ("FREQ=DAILY;UNTIL=20270301T080000Z", True, "FREQ=DAILY;UNTIL=20270301T080000Z"),
        ("FREQ=DAILY;UNTIL=20270701T090000", True, "FREQ=DAILY;UNTIL=20270701T070000Z"),
        ("FREQ=DAILY;UNTIL=20270301T230000Z", False, "FREQ=DAILY;UNTIL=20270302"),
        ("FREQ=MONTHLY;BYMONTHDAY=1", True, "FREQ=MONTHLY;BYMONTHDAY=1"),
    ],
)
def test_until_takes_the_type_of_the_start(rule, timed, written):
    assert rrule_for(rule, timed, PARIS) == written


def test_time_helpers_are_consistent():
    # The fixture zone is Paris; 14:30 there on 1 Dec is 13:30 UTC (no daylight saving).
    local = datetime.combine(date(2026, 12, 1), time(14, 30), PARIS)
    assert local.astimezone(UTC).hour == 13


def test_round_trip_every_open_follow_up_read_back(portfolio, demo_db_path, planned):
    """Read back from the calendar: title, day, local time and rule of every open follow-up."""
    expected = {}
    for fid, title, due_on, due_at, rule, account in rows(demo_db_path, OPEN_SQL):
        at = (
            datetime.fromisoformat(due_at).replace(tzinfo=UTC).astimezone(PARIS) if due_at else None
        )
        expected[fid] = (title, account, date.fromisoformat(due_on),
                         at.time().replace(tzinfo=None) if at else None, rule)  # fmt: skip
    found = {}
    for fid, event in _events(_ics(portfolio)).items():
        title, account = str(event["SUMMARY"]).rsplit(" — ", 1)
        start = event["DTSTART"].dt
        if isinstance(start, datetime):
            local = start.astimezone(PARIS) if start.tzinfo else start
            day, at = local.date(), local.time().replace(tzinfo=None)
        else:
            day, at = start, None
        rule = event.get("RRULE")
        text = rule.to_ical().decode() if rule else None
        if text and isinstance(rule["UNTIL"][0] if "UNTIL" in rule else None, datetime):
            # written in UTC as the last second of the UNTIL day, Paris time
            until = rule["UNTIL"][0].astimezone(PARIS)
            assert until.time() == time(23, 59, 59)
            text = re.sub(r"UNTIL=[0-9TZ]+", f"UNTIL={until:%Y%m%d}", text)
        found[fid] = (title, account, day, at, text)
    assert found == expected
