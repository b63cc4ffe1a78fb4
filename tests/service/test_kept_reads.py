"""The activity index and the white space are kept per version of what they read (issue 14):
read back in a new process they are what a computation from scratch gives, and a write to what
they read makes them computed again (a call for the activity, a sale for the white space),
while a write to anything else leaves the white space kept."""

from __future__ import annotations

import pytest

from portfolio_tui.service import Portfolio, reports

from conftest import FIXED_NOW, open_portfolio

TODAY = FIXED_NOW.date()


def _scratch(pf: Portfolio) -> None:
    pf.core.data_changed()
    pf.core.cache_file.path.unlink(missing_ok=True)


def _kinds(pf: Portfolio) -> set[str]:
    return {name.split("|")[0] for _version, name in pf.core.kept_cache}


@pytest.mark.parametrize("period", ["week", "month", "quarter"])
def test_the_activity_index_read_back_and_after_a_call(demo_db_path, period, monkeypatch):
    with open_portfolio(demo_db_path) as pf:
        first = pf.activity.activity_report(period)
        some = frozenset(sorted(a.account_id for a in pf.reports.portfolio_rows())[:20])
        narrowed = pf.activity.activity_report(period, accounts=some)
        assert narrowed != first
    with open_portfolio(demo_db_path) as pf:
        monkeypatch.setattr(pf.activity, "_index", lambda *a: pytest.fail("computed again"))
        assert pf.activity.activity_report(period) == first
        assert pf.activity.activity_report(period, accounts=some) == narrowed
        monkeypatch.undo()
        client = pf.reports.client_report()[0].account_id
        pf.routine.log_interaction("call", client, "Point mensuel")
        after = pf.activity.activity_report(period)
        assert after != first
        _scratch(pf)
        assert pf.activity.activity_report(period) == after


def test_the_white_space_read_back_after_a_sale_and_kept_through_a_call(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        first = pf.deals.whitespace(by="sector")
        assert first
        client = first[0].account_id
        pf.routine.log_interaction("call", client, "Point mensuel")
        assert pf.deals.whitespace(by="sector") is first  # a call: nothing it reads
    with open_portfolio(demo_db_path) as pf:
        assert pf.deals.whitespace(by="sector") == first
        assert "whitespace" in _kinds(pf)
        kept = pf.deals.whitespace(by="sector")
        pf.routine.record_sale(client, TODAY, 5_000_000)
        after = pf.deals.whitespace(by="sector")
        assert after is not kept  # computed again
        _scratch(pf)
        assert pf.deals.whitespace(by="sector") == after


def test_the_clients_report_read_back_and_after_a_sale_or_a_rename(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        first = pf.reports.client_report()
    with open_portfolio(demo_db_path) as pf:
        assert pf.reports.client_report() == first
        assert "clients" in _kinds(pf)
        last = first[-1].account_id
        pf.routine.record_sale(last, TODAY, 90_000_000)
        sold = pf.reports.client_report()
        assert sold[0].account_id == last
        pf.routine.edit_account(last, name="Zèbre & Fils")
        renamed = pf.reports.client_report()
        assert renamed[0].name == "Zèbre & Fils"
        _scratch(pf)
        assert pf.reports.client_report() == renamed


def test_the_portfolio_rows_read_back_and_after_a_call_or_a_follow_up(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        first = pf.reports.portfolio_rows()
    with open_portfolio(demo_db_path) as pf:
        assert pf.reports.portfolio_rows() == first
        assert "portfolio" in _kinds(pf)
        quiet = next(r for r in first if r.last_contact != TODAY and r.next_follow_up is None)
        pf.routine.log_interaction("call", quiet.account_id, "Premier appel")
        pf.routine.schedule_follow_up(quiet.account_id, "Envoyer le catalogue", "demain")
        after = {r.account_id: r for r in pf.reports.portfolio_rows()}[quiet.account_id]
        assert after.last_contact == TODAY and after.next_follow_up_title == "Envoyer le catalogue"
        _scratch(pf)
        assert {r.account_id: r for r in pf.reports.portfolio_rows()}[quiet.account_id] == after


def test_the_stage_of_each_account_at_a_day_is_its_last_change_by_then(demo_db_path):
    """`stages_at` reads the last change per account in SQL: the stage the changes give when
    played in order (by time, then id), as it was computed before."""
    from datetime import datetime, timedelta

    from portfolio_tui.store import activity_queries as aq
    from portfolio_tui.store import queries

    with open_portfolio(demo_db_path) as pf:
        for day in (TODAY, TODAY - timedelta(days=200), TODAY - timedelta(days=700)):
            end = pf.activity.day_start(day + timedelta(days=1))
            with pf.core.db.raw() as conn:
                played = {a: stage for a, _, stage in queries.account_names_stages(conn)}
                for move in aq.stage_moves_between(conn, datetime(1, 1, 1), end):
                    if move.account_id in played:
                        played[move.account_id] = move.to_stage
            assert pf.activity.stages_at(day) == played


def test_the_dashboard_s_white_space_cells_are_the_suggestions(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        for by in ("abc", "sector", "region"):
            cells = pf.deals.whitespace_cells(by=by)
            assert cells == {(r.segment, r.family) for r in pf.deals.whitespace(by=by)}
        assert cells


def test_the_dashboard_s_book_panels_are_read_back_at_the_next_start(demo_db_path, monkeypatch):
    """ABC and RFM, the churn risk and the projection: kept per sales version."""
    with open_portfolio(demo_db_path) as pf:
        first = pf.reports.badges(), pf.churn.weighted_churn_risk(), pf.churn.projection()
        assert all(first)
    with open_portfolio(demo_db_path) as pf:
        for name in ("_churn_risk", "_projection"):
            monkeypatch.setattr(pf.churn, name, lambda *a: pytest.fail("computed again"))
        monkeypatch.setattr(pf.reports, "abc", lambda *a: pytest.fail("computed again"))
        assert (pf.reports.badges(), pf.churn.weighted_churn_risk(), pf.churn.projection()) == first
        monkeypatch.undo()
        _scratch(pf)
        assert (pf.reports.badges(), pf.churn.weighted_churn_risk(), pf.churn.projection()) == first


def test_the_pipeline_read_back_and_after_a_stage_move_or_a_follow_up(demo_db_path, monkeypatch):
    with open_portfolio(demo_db_path) as pf:
        first = pf.reports.pipeline()
    with open_portfolio(demo_db_path) as pf:
        with monkeypatch.context() as patched:
            patched.setattr(reports, "pipeline_cards", lambda *a: pytest.fail("computed again"))
            assert pf.reports.pipeline() == first
        cold = next(c for c in first if c.stage == "cold" and c.next_follow_up is None)
        pf.routine.move_stage(cold.account_id, "warm")
        pf.routine.schedule_follow_up(cold.account_id, "Relancer", "demain")
        moved = {c.account_id: c for c in pf.reports.pipeline()}[cold.account_id]
        assert moved.stage == "warm" and moved.days_in_stage == 0
        assert moved.next_follow_up is not None
        _scratch(pf)
        assert {c.account_id: c for c in pf.reports.pipeline()}[cold.account_id] == moved
