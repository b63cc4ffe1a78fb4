"""Today's agenda keeps apart what a follow-up does not touch (issue 14): the candidate deals
with their stage days and last activity (per deals, stage moves, interactions and accounts) and
the accounts' last contact days (per interactions). A follow-up snoozed makes the agenda again
without reading them; the deals' next actions, which come from the follow-ups, are read fresh;
the agenda is always what a computation from scratch gives."""

from __future__ import annotations

from test_agenda_kept import from_scratch

from portfolio_tui.service import Portfolio, derived
from portfolio_tui.service.deals import DealCases

from conftest import open_portfolio


def _count(monkeypatch, owner, name: str) -> list[int]:
    calls = [0]
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def _open_deals(pf: Portfolio) -> dict[str, object]:
    closing, rotting = pf.deals.agenda_deals()
    return {deal.deal_id: deal for deal in (*closing, *rotting)}


def test_a_follow_up_snoozed_reads_no_deal_nor_last_contact_again(demo_db_path, monkeypatch):
    with open_portfolio(demo_db_path) as pf:
        before = pf.reports.agenda()
        candidates = _count(monkeypatch, DealCases, "_agenda_candidates")
        contacts = _count(monkeypatch, derived, "_read_last_contacts")
        pf.routine.snooze(before.overdue[0].follow_up_id, "+2d")
        after = pf.reports.agenda()
        assert after != before
        assert candidates == [0] and contacts == [0]
        assert after == from_scratch(pf)


def test_a_deal_s_next_action_snoozed_is_read_fresh(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        deal = next(d for d in _open_deals(pf).values() if d.next_action)
        day = pf.routine.snooze(deal.next_action.follow_up_id, "+9d")
        assert day != deal.next_action.due_on
        shown = _open_deals(pf)[deal.deal_id]
        assert shown.next_action.follow_up_id == deal.next_action.follow_up_id
        assert shown.next_action.due_on == day
        kept = _open_deals(pf)
        pf.core.data_changed()
        pf.core.cache_file.path.unlink(missing_ok=True)
        assert _open_deals(pf) == kept  # as computed with nothing kept


def test_a_call_reads_the_candidate_deals_and_last_contacts_again(demo_db_path, monkeypatch):
    with open_portfolio(demo_db_path) as pf:
        before = pf.reports.agenda()
        candidates = _count(monkeypatch, DealCases, "_agenda_candidates")
        contacts = _count(monkeypatch, derived, "_read_last_contacts")
        pf.routine.log_interaction("call", before.overdue[0].account_id, "Point d'étape")
        after = pf.reports.agenda()
        assert candidates == [1] and contacts == [1]
        assert after == from_scratch(pf)
