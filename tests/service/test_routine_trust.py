"""A routine a rep can trust (issue 8), on real database files: no silent past or future
dates, recurring follow-ups that stay one series, times right all year, accent-blind search,
lost reasons, one flow to log and close, working days, like-for-like KPIs, one validation."""

from __future__ import annotations

import json
import os
import sqlite3
import time as wall
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from portfolio_tui import service
from portfolio_tui.domain.account_fields import AccountFieldError
from portfolio_tui.domain.dates import When
from portfolio_tui.domain.settings import Settings, SettingsError
from portfolio_tui.domain.stages import Stage, parse_stage
from portfolio_tui.errors import FieldError, FutureDate, PastDate, UserError
from portfolio_tui.service import Portfolio
from portfolio_tui.service.core import _linked_zone_name, local_zone

PARIS = ZoneInfo("Europe/Paris")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 2, 10, 0, tzinfo=PARIS))  # Wednesday 2 December 2026


def open_at(path: Path, clock: Clock, settings: Settings | None = None) -> Portfolio:
    return service.open_portfolio(path, clock=clock, tz=PARIS, settings=settings or Settings())


@pytest.fixture
def pf(tmp_path: Path, clock: Clock) -> Iterator[Portfolio]:
    with open_at(tmp_path / "p.db", clock) as portfolio:
        portfolio.routine.add_account("Électricité Durand", stage="client", city="Besançon")
        portfolio.routine.add_account("Vins Martin", stage="warm", legal_id="552 100 554 00013")
        portfolio.routine.add_account("Atelier Dubois", stage="hot", city="Lyon")
        portfolio.routine.add_contact("Vins", "Hélène Lefèvre", email="helene@vins-martin.fr")
        yield portfolio


def rows(pf: Portfolio, sql: str, *params: object) -> list[tuple]:
    with pf.db.raw() as conn:
        return conn.execute(sql, params).fetchall()


def open_rows(pf: Portfolio) -> list[tuple]:
    return rows(pf, "SELECT id, due_on, due_at FROM followup WHERE done_at IS NULL")


def utc(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None


# --- 5. no silent past dates ------------------------------------------------------------------


def test_a_follow_up_in_the_past_is_refused_with_the_date_understood(pf: Portfolio) -> None:
    with pytest.raises(PastDate) as caught:
        pf.routine.schedule_follow_up("Vins", "Call", "hier")
    assert caught.value.moment == date(2026, 12, 1)
    assert "Tue 01 Dec 2026" in str(caught.value)
    # a time earlier today is past too; the day itself is not
    with pytest.raises(PastDate) as caught:
        pf.routine.schedule_follow_up("Vins", "Call", "today 9:00")
    assert caught.value.moment == datetime(2026, 12, 2, 9, 0, tzinfo=PARIS)
    pf.routine.schedule_follow_up("Vins", "Call", "today")
    pf.routine.schedule_follow_up("Vins", "Call", "today 10:00")  # now, to the minute
    assert rows(pf, "SELECT count(*) FROM followup") == [(2,)]
    fid = pf.routine.schedule_follow_up("Vins", "Late", "-3d", allow_past=True)
    assert rows(pf, "SELECT due_on FROM followup WHERE id = ?", fid) == [("2026-11-29",)]


def test_snooze_and_next_dates_in_the_past_are_refused(pf: Portfolio) -> None:
    fid = pf.routine.schedule_follow_up("Vins", "Call", "tomorrow 14:00")
    for phrase, understood in (("hier", date(2026, 12, 1)), ("1er décembre", date(2026, 12, 1))):
        with pytest.raises(PastDate) as caught:
            pf.routine.snooze(fid, phrase)
        assert caught.value.moment == understood
    # a day alone keeps the follow-up's time: today at 14:00 is still ahead
    assert pf.routine.snooze(fid, "today") == date(2026, 12, 2)
    with pytest.raises(PastDate):
        pf.routine.complete_follow_up(fid, next_due="-3d")
    assert pf.routine.snooze(fid, "1er décembre", allow_past=True) == date(2026, 12, 1)
    assert rows(pf, "SELECT due_on, done_at FROM followup") == [("2026-12-01", None)]


def test_an_interaction_in_the_future_is_refused(pf: Portfolio) -> None:
    with pytest.raises(FutureDate) as caught:
        pf.routine.log_interaction("call", "Vins", "Rappel", at="demain 15h")
    assert caught.value.moment == datetime(2026, 12, 3, 15, 0, tzinfo=PARIS)
    with pytest.raises(FutureDate):
        pf.routine.log_interaction("call", "Vins", "Rappel", at="today 10:30")
    assert rows(pf, "SELECT count(*) FROM interaction WHERE deleted_at IS NULL") == [(0,)]
    pf.routine.log_interaction("call", "Vins", "Rappel", at="today 9:00")
    pf.routine.log_interaction("call", "Vins", "Rappel", at="hier")
    pf.routine.log_interaction("meeting", "Vins", "Planned", at="demain 15h", allow_future=True)
    assert rows(pf, "SELECT count(*) FROM interaction") == [(3,)]
    with pytest.raises(PastDate):
        pf.routine.log_interaction("call", "Vins", "Rappel", follow_up="hier")


# --- 6. recurring follow-ups stay one series ----------------------------------------------------


def test_done_advances_the_series_and_honours_count(pf: Portfolio, clock: Clock) -> None:
    fid = pf.routine.schedule_follow_up(
        "Vins", "Relancer la commande", "2026-12-07 09:00", recurrence="FREQ=WEEKLY;COUNT=3"
    )
    dues = []
    for _ in range(3):
        logged = pf.routine.complete_follow_up(fid, outcome="ok")
        dues.append(logged.next_due)
    # 7 Dec done -> 14 Dec, 14 Dec done -> 21 Dec, 21 Dec done -> over (COUNT=3)
    assert dues == [When(date(2026, 12, 14), time(9)), When(date(2026, 12, 21), time(9)), None]
    assert logged.series_over and logged.follow_up_id is None
    assert rows(pf, "SELECT count(*) FROM followup") == [(1,)]  # one row, the series
    assert open_rows(pf) == []
    assert all(i.follow_up_id != fid for _, group in pf.reports.agenda().groups for i in group)
    with pytest.raises(UserError, match="already done"):
        pf.routine.complete_follow_up(fid)
    assert rows(pf, "SELECT count(*) FROM interaction") == [(3,)]


def test_a_series_keeps_one_open_row_even_with_a_next_date(pf: Portfolio) -> None:
    fid = pf.routine.schedule_follow_up("Vins", "Relancer", "2026-12-04", recurrence="FREQ=WEEKLY")
    logged = pf.routine.complete_follow_up(fid, next_due="2026-12-08")
    assert logged.follow_up_id == fid and logged.next_due == When(date(2026, 12, 8))
    assert open_rows(pf) == [(fid, "2026-12-08", None)]
    # the series still counts from its start: the next after 8 Dec is Fri 11 Dec
    assert pf.routine.complete_follow_up(fid).next_due == When(date(2026, 12, 11))


def test_series_start_is_the_calendar_dtstart_and_the_uid_stays(pf: Portfolio) -> None:
    fid = pf.routine.schedule_follow_up(
        "Vins", "Point", "2026-12-07 09:00", recurrence="FREQ=WEEKLY;COUNT=3"
    )
    pf.routine.complete_follow_up(fid)
    (event,) = Calendar.from_ical(_ics(pf)).walk("VEVENT")
    assert str(event["UID"]) == f"{fid}@portfolio-tui"
    assert event["DTSTART"].dt == datetime(2026, 12, 7, 9, 0, tzinfo=PARIS)  # the first one
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event["RRULE"]["COUNT"] == [3]


def _ics(pf: Portfolio) -> str:
    from io import StringIO

    out = StringIO()
    pf.exports.export_ics(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("words", "rule", "first_due"),
    [
        ("every monday", "FREQ=WEEKLY;BYDAY=MO", "2026-12-07"),
        ("chaque lundi", "FREQ=WEEKLY;BYDAY=MO", "2026-12-07"),
        ("toutes les semaines", "FREQ=WEEKLY", "2026-12-03"),
        ("tous les mois le 5", "FREQ=MONTHLY;BYMONTHDAY=5", "2026-12-05"),
        ("every month on the 5th", "FREQ=MONTHLY;BYMONTHDAY=5", "2026-12-05"),
        ("FREQ=DAILY;COUNT=2", "FREQ=DAILY;COUNT=2", "2026-12-03"),
    ],
)
def test_repeats_typed_in_words(pf: Portfolio, words: str, rule: str, first_due: str) -> None:
    # from Thursday 3 December: the open row is the series' first occurrence on or after it
    fid = pf.routine.schedule_follow_up("Vins", "Relance", "2026-12-03", recurrence=words)
    assert rows(pf, "SELECT recurrence, due_on FROM followup WHERE id = ?", fid) == [
        (rule, first_due)
    ]


# --- 7. times right all year ----------------------------------------------------------------


def test_a_summer_time_is_stored_and_exported_with_the_real_rules(pf: Portfolio) -> None:
    fid = pf.routine.schedule_follow_up("Vins", "Été", "2027-07-01 09:00")
    ((due_at,),) = rows(pf, "SELECT due_at FROM followup WHERE id = ?", fid)
    assert utc(due_at) == datetime(2027, 7, 1, 7, 0, tzinfo=UTC)  # 09:00 CEST is 07:00Z
    assert "DTSTART:20270701T070000Z\r\n" in _ics(pf)
    (item,) = pf.reports.account_card("Vins").open_follow_ups
    assert item.due_at == datetime(2027, 7, 1, 9, 0, tzinfo=PARIS)


def test_a_weekly_0900_series_stays_0900_across_both_changes(pf: Portfolio, clock: Clock) -> None:
    fid = pf.routine.schedule_follow_up(
        "Vins", "Hebdo", "2027-03-22 09:00", recurrence="every monday"
    )
    clock.now = datetime(2027, 3, 22, 9, 30, tzinfo=PARIS)
    pf.routine.complete_follow_up(fid)  # 22 Mar (CET) done -> 29 Mar, after the March change
    ((due_on, due_at),) = rows(pf, "SELECT due_on, due_at FROM followup")
    assert due_on == "2027-03-29" and utc(due_at) == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    clock.now = datetime(2027, 10, 25, 9, 30, tzinfo=PARIS)  # months later, CEST
    pf.routine.complete_follow_up(fid)  # -> 1 Nov, after the October change
    ((due_on, due_at),) = rows(pf, "SELECT due_on, due_at FROM followup")
    assert due_on == "2027-11-01" and utc(due_at) == datetime(2027, 11, 1, 8, 0, tzinfo=UTC)
    local = pf.reports.account_card("Vins").open_follow_ups[0].due_at
    assert local is not None and local.time() == time(9, 0)


def test_the_zone_is_the_users_iana_zone(tmp_path: Path, monkeypatch, clock: Clock) -> None:
    monkeypatch.setenv("TZ", "America/Montreal")
    assert local_zone() == ZoneInfo("America/Montreal")
    assert local_zone("Europe/Paris") == PARIS  # the setting overrides TZ
    monkeypatch.setenv("TZ", ":Europe/Paris")
    assert local_zone() == PARIS
    monkeypatch.setenv("TZ", "")
    link = tmp_path / "localtime"
    os.symlink("/usr/share/zoneinfo/Europe/Paris", link)
    assert _linked_zone_name(str(link)) == "Europe/Paris"
    assert _linked_zone_name(str(tmp_path / "missing")) == ""
    with pytest.raises(SettingsError, match="timezone"):
        local_zone("Mars/Olympus")
    settings = Settings(timezone="Asia/Tokyo")
    with open_at(tmp_path / "z.db", clock, settings) as pf:
        assert pf.tz == ZoneInfo("Asia/Tokyo")
        assert pf.now().utcoffset() is not None and pf.now().utcoffset().total_seconds() == 9 * 3600


# --- 9. search ignores accents and case -------------------------------------------------------


@pytest.mark.parametrize("ref", ["Électricité Durand", "electricite durand", "ÉLEC", "électri"])
def test_look_up_ignores_accents_and_case(pf: Portfolio, ref: str) -> None:
    assert pf.resolve_account(ref).name == "Électricité Durand"


def test_search_finds_names_contacts_siret_and_city(pf: Portfolio) -> None:
    def names(text: str) -> list[str]:
        return [name for _, name in pf.search_accounts(text)]

    assert names("electricite") == ["Électricité Durand"]
    assert names("helene") == ["Vins Martin"]  # a contact
    assert names("LEFÈVRE") == ["Vins Martin"]
    assert names("55210055400013") == ["Vins Martin"]  # SIRET, spaces ignored
    assert names("100 554") == ["Vins Martin"]
    assert names("besancon") == ["Électricité Durand"]  # city
    assert names("zzz") == []
    assert names("") == ["Atelier Dubois", "Électricité Durand", "Vins Martin"]


def test_names_sort_with_their_letter(pf: Portfolio) -> None:
    expected = ["Atelier Dubois", "Électricité Durand", "Vins Martin"]
    assert [r.name for r in pf.reports.portfolio_rows()] == expected
    assert [r.name for r in pf.reports.client_report()] == expected
    row = next(r for r in pf.reports.portfolio_rows() if r.name.startswith("É"))
    assert "electricite" in row.search_text and "électricité" in row.search_text


def test_look_ups_stay_fast_on_the_demo(portfolio: Portfolio) -> None:
    names = [name for _, name in portfolio.search_accounts("", limit=1000)]
    started = wall.perf_counter()
    for name in names:
        assert portfolio.resolve_account(name.upper()).name == name
    per_look_up = (wall.perf_counter() - started) / len(names)
    # about 4 ms here; the budget is what a keystroke can wait, on a busy machine
    assert per_look_up < 0.05, f"{per_look_up * 1000:.1f} ms per look-up"


# --- 15. lost, with a reason; won --------------------------------------------------------------


def test_a_prospect_is_marked_lost_with_a_reason_counted_in_the_kpis(
    tmp_path: Path, clock: Clock
) -> None:
    settings = Settings(extra_account_lost_reasons=("incumbent",))
    with open_at(tmp_path / "l.db", clock, settings) as pf:
        for name in ("A", "B", "C", "D"):
            pf.routine.add_account(name, stage="hot")
        assert pf.routine.mark_lost("A", "Price") == ("hot", "lost")  # case ignored
        pf.routine.mark_lost("B", "price")
        pf.routine.mark_lost("C", "incumbent")  # the rep's own reason
        pf.routine.move_stage("D", "lost")  # no reason given
        with pytest.raises(FieldError, match="incumbent"):
            pf.routine.mark_lost("D", "bad luck")
        assert rows(pf, "SELECT name, lost_reason FROM account ORDER BY name") == [
            ("A", "price"), ("B", "price"), ("C", "incumbent"), ("D", None)
        ]  # fmt: skip
        assert pf.reports.kpi_report(period="month").lost_reasons == {
            "price": 2, "incumbent": 1, "—": 1
        }  # fmt: skip
        pf.routine.move_stage("A", "cold")  # worked again: no longer lost, no reason
        assert rows(pf, "SELECT lost_reason FROM account WHERE name = 'A'") == [(None,)]
        assert pf.reports.kpi_report(period="month").to_dict()["lost_reasons"] == {
            "incumbent": 1, "price": 1, "—": 1
        }  # fmt: skip


def test_won_is_the_client_stage_everywhere(pf: Portfolio) -> None:
    assert parse_stage("won") is Stage.CLIENT and parse_stage("WON ") is Stage.CLIENT
    assert pf.routine.move_stage("Atelier", "won") == ("hot", "client")
    assert pf.routine.create_account("Neuf", stage="won").stage == "client"
    with pytest.raises(ValueError, match="won"):
        parse_stage("gagné?")


# --- 17. log, close and plan in one flow ----------------------------------------------------------


def test_logging_a_call_closes_the_due_follow_up_and_plans_the_next(
    pf: Portfolio, clock: Clock
) -> None:
    due = pf.routine.schedule_follow_up("Vins", "Relancer le devis", "today 9:00", allow_past=True)
    later = pf.routine.schedule_follow_up("Vins", "Plus tard", "+9d")
    assert [f.follow_up_id for f in pf.reports.closable_follow_ups("Vins")] == [due]
    steps = len(pf.core.undo_stack)
    logged = pf.routine.log_interaction(
        "call", "Vins", "Devis accepté", outcome="signed", close_follow_up=due, next_due="+2w"
    )
    assert len(pf.core.undo_stack) == steps + 1  # one undo step
    assert logged.closed_follow_up_id == due and logged.next_due == When(date(2026, 12, 16))
    assert rows(pf, "SELECT done_at IS NOT NULL, outcome FROM followup WHERE id = ?", due) == [
        (1, "signed")
    ]
    assert rows(pf, "SELECT title, due_on FROM followup WHERE id = ?", logged.follow_up_id) == [
        ("Relancer le devis", "2026-12-16")
    ]
    pf.undo()  # the interaction, the done and the next follow-up, at once
    assert rows(pf, "SELECT count(*) FROM interaction WHERE deleted_at IS NULL") == [(0,)]
    assert rows(pf, "SELECT done_at FROM followup WHERE id = ?", due) == [(None,)]
    assert rows(pf, "SELECT count(*) FROM followup WHERE deleted_at IS NULL") == [(2,)]
    with pytest.raises(UserError, match="not due yet"):
        pf.routine.log_interaction("call", "Vins", "x", close_follow_up=later)
    other = pf.routine.schedule_follow_up("Atelier", "Visite", "today")
    with pytest.raises(UserError, match="not Vins Martin's"):
        pf.routine.log_interaction("visit", "Vins", "x", close_follow_up=other)
    assert rows(pf, "SELECT count(*) FROM interaction WHERE deleted_at IS NULL") == [(0,)]


def test_logging_on_a_due_occurrence_advances_its_series(pf: Portfolio) -> None:
    fid = pf.routine.schedule_follow_up(
        "Vins", "Hebdo", "2026-11-30", recurrence="every monday", allow_past=True
    )
    logged = pf.routine.log_interaction("visit", "Vins", "Passage", close_follow_up=fid)
    assert logged.follow_up_id == fid and logged.next_due == When(date(2026, 12, 7))
    assert open_rows(pf) == [(fid, "2026-12-07", None)]


# --- 18. proposed dates fall on working days -----------------------------------------------------


def test_proposed_dates_skip_weekends_and_holidays(tmp_path: Path, clock: Clock) -> None:
    clock.now = datetime(2026, 12, 24, 9, 0, tzinfo=PARIS)  # Thursday, Christmas Eve
    with open_at(tmp_path / "w.db", clock) as pf:
        assert pf.reports.proposed_snooze() == "+4d"  # Fri 25 holiday, weekend: Mon 28
        fid = pf.routine.schedule_follow_up(pf.routine.add_account("A"), "Call", "today")
        assert pf.routine.snooze(fid) == date(2026, 12, 28)
    clock.now = datetime(2026, 5, 1, 9, 0, tzinfo=PARIS)  # Friday 1 May
    with open_at(tmp_path / "w.db", clock) as pf:
        pf.routine.add_account("Chaud", stage="hot")  # every 7 days: Fri 8 May, a holiday
        assert pf.reports.suggested_follow_up("Chaud") == "+10d"  # Monday 11 May
        assert pf.reports.account_card("Chaud").suggested_follow_up == "+10d"


def test_the_working_week_is_a_setting(tmp_path: Path, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 26, 9, 0, tzinfo=PARIS)  # Thursday
    settings = Settings(working_days=(0, 1, 2, 3))  # Monday to Thursday
    with open_at(tmp_path / "w.db", clock, settings) as pf:
        assert pf.reports.proposed_snooze() == "+4d"  # Monday 30


# --- 19. like-for-like KPIs -----------------------------------------------------------------


def test_kpis_compare_like_for_like_by_default(pf: Portfolio) -> None:
    account = pf.resolve_account("Vins").account_id
    sales = {
        date(2025, 12, 2): 1_000, date(2025, 12, 20): 2_000,
        date(2026, 11, 1): 100, date(2026, 11, 2): 200, date(2026, 11, 15): 400,
        date(2026, 12, 1): 50, date(2026, 12, 2): 30,
    }  # fmt: skip
    for day, cents in sales.items():
        pf.routine.record_sale(account, day, cents)
    month = pf.reports.kpi_report(period="month")
    assert month.comparison == "like_for_like" and month.compared_end == date(2026, 11, 2)
    assert (month.revenue_now, month.revenue_before) == (80, 300)  # 1-2 Dec vs 1-2 Nov
    full = pf.reports.kpi_report(period="month", previous="full")
    assert full.comparison == "full" and full.compared_end == date(2026, 11, 30)
    assert full.revenue_before == 700
    year = pf.reports.kpi_report(period="year")
    # 1 Jan-2 Dec 2026 (780) against 1 Jan-2 Dec 2025 (1000, not the 20 Dec sale)
    assert (year.revenue_now, year.revenue_before) == (780, 1_000)
    assert pf.reports.kpi_report(period="year", previous="full").revenue_before == 3_000
    with pytest.raises(UserError, match="previous"):
        pf.reports.kpi_report(previous="last")


# --- 20. sorted by date and time ---------------------------------------------------------------


def test_follow_ups_sort_by_date_and_time(pf: Portfolio) -> None:
    planned = (("eleven", "tomorrow 11:00"), ("day", "tomorrow"), ("nine", "tomorrow 9:00"))
    for title, due in planned:
        pf.routine.schedule_follow_up("Vins", title, due)
    pf.routine.schedule_follow_up("Vins", "today", "today 18:00")
    expected = ["today", "nine", "eleven", "day"]
    card = pf.reports.account_card("Vins")
    assert [f.title for f in card.open_follow_ups] == expected
    agenda = pf.reports.agenda()
    assert [i.title for i in (*agenda.due_today, *agenda.upcoming)] == expected


# --- 21. one validation for both faces --------------------------------------------------------


def test_one_validation_for_both_faces(pf: Portfolio) -> None:
    with pytest.raises(FieldError, match="email"):
        pf.routine.add_contact("Vins", "Élodie", email="elodie@")
    with pytest.raises(FieldError, match="summary"):
        pf.routine.log_interaction("call", "Vins", "")
    with pytest.raises(FieldError, match="summary"):
        pf.routine.log_interaction("call", "Vins", "  \n ")
    with pytest.raises(AccountFieldError, match="control character"):
        pf.routine.add_account("Crash\x1b[31m")
    with pytest.raises(AccountFieldError, match="one line"):
        pf.routine.edit_account("Vins", city="Lyon\nParis")
    with pytest.raises(FieldError, match="title"):
        pf.routine.schedule_follow_up("Vins", "Bad\x07", "tomorrow")
    with pytest.raises(FieldError, match="name"):
        pf.routine.add_contact("Vins", "Zoé\x00")
    with pytest.raises(FieldError, match="outcome"):
        pf.routine.log_interaction("call", "Vins", "ok", outcome="a\x7fb")
    assert rows(pf, "SELECT count(*) FROM interaction WHERE deleted_at IS NULL") == [(0,)]
    assert rows(pf, "SELECT count(*) FROM contact") == [(1,)]
    # what is shown as typed is kept: brackets, emoji, right-to-left, multi-line notes
    pf.routine.add_account("Crash [/] Test 🚀 مرحبا", notes="line one\nline two")
    assert pf.resolve_account("crash [/]").notes == "line one\nline two"


# --- 27. results say what was done -------------------------------------------------------------


def test_results_carry_name_short_id_and_the_date_understood(pf: Portfolio) -> None:
    added = pf.routine.create_account("Boulangerie Paul", stage="cold")
    assert added.name == "Boulangerie Paul" and added.short_id == added.account_id[:8]
    logged = pf.routine.log_interaction("call", added.short_id, "Premier appel", follow_up="+3d")
    assert (logged.account_name, logged.account_id) == ("Boulangerie Paul", added.account_id)
    assert logged.short_id == logged.interaction_id[:8]
    assert logged.next_due == When(date(2026, 12, 5))
    done = pf.routine.complete_follow_up(logged.follow_up_id or "", next_due="lundi 10h")
    assert done.next_due == When(date(2026, 12, 7), time(10, 0))
    assert done.account_name == "Boulangerie Paul"


def test_new_columns_exist_on_a_migrated_file(pf: Portfolio) -> None:
    conn = sqlite3.connect(pf.path)
    try:
        followup = {r[1] for r in conn.execute("PRAGMA table_info(followup)")}
        account = {r[1] for r in conn.execute("PRAGMA table_info(account)")}
    finally:
        conn.close()
    assert "series_start" in followup and "lost_reason" in account


# --- the command line's share (the faces only call the service) -------------------------------


def cli(capsys, *args: str) -> tuple[int, str, str]:
    from portfolio_tui.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_says_what_it_did_and_refuses_past_dates_without_force(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    base = ("--db", str(tmp_path / "c.db"))
    code, out, _ = cli(capsys, *base, "add", "account", "Électricité Durand", "--stage", "hot")
    assert code == 0 and out.startswith("added Électricité Durand (") and out.endswith(") as hot\n")
    code, out, err = cli(capsys, *base, "log", "call", "electricite", "Rappel", "--at", "+1d")
    assert code == 2 and "in the future" in err and out == ""
    code, out, _ = cli(capsys, *base, "log", "call", "ELEC", "Appel", "--follow-up", "+3d")
    assert code == 0 and out.startswith("logged call with Électricité Durand (")
    follow_up = out.split("follow-up ")[1].strip()
    assert len(follow_up) == 8 and "next: " in out
    code, _, err = cli(capsys, *base, "snooze", follow_up, "hier")
    assert code == 2 and "is in the past" in err
    code, out, _ = cli(capsys, *base, "snooze", follow_up, "hier", "--force")
    assert code == 0 and out.startswith("snoozed to ") and "(" in out
    code, out, _ = cli(capsys, *base, "done", follow_up, "--next", "+1w")
    assert code == 0 and "done; logged call with Électricité Durand" in out
    assert "next follow-up" in out
    assert cli(capsys, *base, "stage", "Électricité", "won")[1] == "hot → client\n"
    code, out, _ = cli(capsys, *base, "show", "electricite durand", "--format", "json")
    card = json.loads(out)
    assert code == 0 and card["account"]["name"] == "Électricité Durand"
    assert card["account"]["stage"] == "client" and len(card["open_follow_ups"]) == 1


def test_cli_kpis_name_their_comparison(tmp_path: Path, capsys) -> None:
    base = ("--db", str(tmp_path / "k.db"))
    cli(capsys, *base, "add", "account", "A", "--stage", "client")
    code, out, _ = cli(capsys, *base, "report", "kpis", "--format", "json")
    assert code == 0 and json.loads(out)["comparison"] == "like_for_like"
    code, out, _ = cli(capsys, *base, "report", "kpis", "--previous", "full", "--format", "json")
    assert json.loads(out)["comparison"] == "full"
    code, out, _ = cli(capsys, *base, "report", "kpis", "--period", "year", "--previous", "full")
    assert code == 0 and " vs all of " in out.splitlines()[0]


def test_cli_tables_fit_the_terminal(tmp_path: Path, capsys, monkeypatch) -> None:
    base = ("--db", str(tmp_path / "t.db"))
    long_name = "Société Coopérative Agricole des Producteurs de Lait du Haut-Doubs"
    cli(capsys, *base, "add", "account", long_name, "--stage", "client")
    monkeypatch.setenv("COLUMNS", "50")
    code, out, _ = cli(capsys, *base, "report", "clients")
    assert code == 0 and all(len(line) <= 50 for line in out.splitlines())
    assert "Société Coopérative Agricole…" in out or "…" in out.splitlines()[2]
    monkeypatch.setenv("COLUMNS", "200")
    assert long_name in cli(capsys, *base, "report", "clients")[1]


def test_the_routine_settings_are_read_checked_and_written_back() -> None:
    import tomllib

    from portfolio_tui.config import settings_toml
    from portfolio_tui.domain.settings import settings_from_dict

    data = {"working_days": ["mon", "TUE", "sat"], "lost_reasons": ["incumbent"], "timezone": ""}
    settings = settings_from_dict(data)
    assert settings.working_days == (0, 1, 5)
    assert settings.account_lost_reasons[-2:] == ("other", "incumbent")
    assert settings_from_dict(tomllib.loads(settings_toml(settings))) == settings
    for bad, key in (
        ({"working_days": []}, "working_days"),
        ({"working_days": ["someday"]}, "working_days"),
        ({"lost_reasons": "price"}, "lost_reasons"),
        ({"lost_reasons": [" "]}, "lost_reasons"),
        ({"timezone": "Europe/Paris time"}, "timezone"),
    ):
        with pytest.raises(SettingsError, match=key):
            settings_from_dict(bad)
