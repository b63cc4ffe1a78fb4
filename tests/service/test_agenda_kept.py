"""Today's agenda is kept per book version (any write to the file), day, language, zone and
settings: a new process reads it back, and whatever the rep writes (a call, a follow-up done,
a deal moved, a stage, a contact, an undo) makes it computed again, always equal to the agenda
computed from scratch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from portfolio_tui import i18n, service
from portfolio_tui.domain.settings import Settings
from portfolio_tui.service import Portfolio, derived, portfolio_rows
from portfolio_tui.service.views import Agenda
from portfolio_tui.store.derived import BOOK_TABLES

from conftest import FIXED_NOW, PARIS, open_portfolio


def from_scratch(pf: Portfolio) -> Agenda:
    """The agenda computed again, nothing kept (neither it nor the badges it reads)."""
    pf.core.data_changed()
    pf.core.cache_file.path.unlink(missing_ok=True)
    return pf.reports._agenda()


def kept_kinds(pf: Portfolio) -> set[str]:
    return {name.split("|")[0] for _version, name in pf.core.kept_cache}


def test_a_new_process_reads_the_agenda_back_as_it_was_computed(demo_db_path, monkeypatch):
    with open_portfolio(demo_db_path) as pf:
        first = pf.reports.agenda()
        assert first.overdue and first.due_for_contact and first.deals_closing
    with open_portfolio(demo_db_path) as again:
        monkeypatch.setattr(again.reports, "_agenda", lambda: pytest.fail("computed again"))
        assert again.reports.agenda() == first
        assert "agenda" in kept_kinds(again)
    with open_portfolio(demo_db_path) as scratch:
        assert from_scratch(scratch) == first


def _first_follow_up(pf: Portfolio) -> str:
    return pf.reports.agenda().overdue[0].follow_up_id


def _first_account(pf: Portfolio) -> str:
    return pf.reports.agenda().overdue[0].account_id


def _first_deal(pf: Portfolio) -> str:
    return pf.reports.agenda().deals_closing[0].deal_id


WRITES: dict[str, Callable[[Portfolio], object]] = {
    "call logged": lambda pf: pf.routine.log_interaction("call", _first_account(pf), "Rappel"),
    "follow-up done": lambda pf: pf.routine.complete_follow_up(_first_follow_up(pf)),
    "follow-up planned": lambda pf: pf.routine.schedule_follow_up(
        _first_account(pf), "Relancer le devis", "demain"
    ),
    "follow-up deleted": lambda pf: pf.routine.delete_follow_up(_first_follow_up(pf)),
    "deal won": lambda pf: pf.deals.win_deal(_first_deal(pf)),
    "deal renamed": lambda pf: pf.deals.edit_deal(_first_deal(pf), title="Renouvellement"),
    "stage moved": lambda pf: pf.routine.move_stage(_first_account(pf), "lost", reason="price"),
    "account renamed": lambda pf: pf.routine.edit_account(_first_account(pf), name="Zébulon"),
    "contact added": lambda pf: pf.routine.add_contact(_first_account(pf), "Léa Martin"),
}


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_every_write_makes_the_agenda_computed_again(demo_db_path, write):
    with open_portfolio(demo_db_path) as pf:
        before = pf.reports.agenda()
        version = pf.core.tables_version(*BOOK_TABLES)
        WRITES[write](pf)
        assert pf.core.tables_version(*BOOK_TABLES) != version
        after = pf.reports.agenda()
    with open_portfolio(demo_db_path) as again:  # what the next process reads back
        read_back = again.reports.agenda()
        assert read_back == after == from_scratch(again)
    if write != "contact added":  # a contact changes no line of the agenda
        assert after != before


def test_an_undo_and_another_process_s_write_are_seen(demo_db_path):
    with open_portfolio(demo_db_path) as pf, open_portfolio(demo_db_path) as other:
        before = pf.reports.agenda()
        pf.routine.complete_follow_up(before.overdue[0].follow_up_id)
        assert other.reports.agenda() == pf.reports.agenda() != before
        pf.undo()
        assert other.reports.agenda() == before == pf.reports.agenda()


def test_another_day_language_or_setting_is_another_agenda(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        monday = pf.reports.agenda()
    tuesday = FIXED_NOW + timedelta(days=1)
    with open_portfolio(demo_db_path, clock=lambda: tuesday) as pf:
        assert pf.reports.agenda().today == date(2026, 11, 24)
        assert pf.reports.agenda() == from_scratch(pf)
    previous = i18n.current_language()
    i18n.set_language("fr")
    try:
        with open_portfolio(demo_db_path) as pf:
            french = pf.reports.agenda()
            assert any("|fr|" in name for _version, name in pf.core.kept_cache)
            assert french == from_scratch(pf)
    finally:
        i18n.set_language(previous)
    faster = Settings(deal_rotting_days={"qualification": 1, "proposal": 1, "negotiation": 1})
    with service.open_portfolio(
        demo_db_path, clock=lambda: datetime(2026, 11, 23, 8, 30, tzinfo=PARIS), tz=PARIS,
        settings=faster,
    ) as pf:  # fmt: skip
        stale = pf.reports.agenda()
        assert len(stale.deals_rotting) > len(monday.deals_rotting)
        assert stale == from_scratch(pf)


def test_what_was_kept_after_a_write_is_read_back_at_the_next_start(demo_db_path, monkeypatch):
    """Closing the file copies its write-ahead log into it (its stamp changes, not what it
    holds): the next start still reads back what was kept after the session's last write."""
    with open_portfolio(demo_db_path) as pf:
        pf.routine.complete_follow_up(pf.reports.agenda().overdue[0].follow_up_id)
        after_write = pf.reports.agenda()
        rows = pf.reports.portfolio_rows()
        wal = demo_db_path.with_name(demo_db_path.name + "-wal")
        assert wal.stat().st_size > 0  # the write is in the log until the file is closed
    assert not wal.exists() or wal.stat().st_size == 0
    with open_portfolio(demo_db_path) as again:
        monkeypatch.setattr(again.reports, "_agenda", lambda: pytest.fail("computed again"))
        # The rows are made again from their kept pieces (`service/portfolio_rows`), none of
        # which is computed again.
        for module, name in ((portfolio_rows, "_read_words"), (derived, "_read_last_contacts")):
            monkeypatch.setattr(module, name, lambda *a: pytest.fail("computed again"))
        monkeypatch.setattr(again.reports, "_compute_badges", lambda w: pytest.fail("badges"))
        assert again.reports.agenda() == after_write
        assert again.reports.portfolio_rows() == rows


def test_what_a_write_did_not_touch_is_read_back_at_the_next_start(demo_db_path, monkeypatch):
    """A call logged moves the file's stamp but not the sales: the badges and the KPIs kept
    before it are still read back by the next process (their versions say they hold)."""
    with open_portfolio(demo_db_path) as pf:
        badges = pf.reports.account_badges()
        kpis = pf.reports.kpi_report(period="quarter").to_dict()
        pf.routine.log_interaction("call", next(iter(badges)), "Point trimestriel")
    with open_portfolio(demo_db_path) as again:
        monkeypatch.setattr(again.reports, "_compute_badges", lambda w: pytest.fail("badges"))
        monkeypatch.setattr(again.reports, "_kpis", lambda *a: pytest.fail("computed again"))
        assert again.reports.account_badges() == badges
        assert again.reports.kpi_report(period="quarter").to_dict() == kpis
