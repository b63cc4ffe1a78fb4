"""The Account card's badges (ABC class, RFM score, P(alive)) are kept per sales version for
the next process: read back they are exactly those the whole book gives, and a sale, or
other settings, makes them computed again."""

from __future__ import annotations

from datetime import date

from portfolio_tui import service
from portfolio_tui.domain.settings import Settings
from portfolio_tui.service.facade import Portfolio

from conftest import PARIS, fixed_clock, open_portfolio


def _from_the_book(pf: Portfolio, account_id: str) -> tuple:
    reports = pf.reports
    w = reports.window()
    abc, rfm = reports.badges(w)
    alive = reports._churn().p_alive_by_account(pf.core.today())
    return abc.class_of(account_id), rfm.get(account_id), alive.get(account_id)


def _on_the_card(pf: Portfolio, account_id: str) -> tuple:
    card = pf.reports.account_card(account_id)
    return card.abc, card.rfm, card.p_alive


def test_a_new_process_reads_back_the_badges_the_book_gives(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        ids = [r.account_id for r in pf.reports.client_report()]
        first = {i: _on_the_card(pf, i) for i in ids}
        assert first == {i: _from_the_book(pf, i) for i in ids}
        assert any(abc and rfm and alive is not None for abc, rfm, alive in first.values())
    with open_portfolio(demo_db_path) as again:  # read back from the cache file
        assert {i: _on_the_card(again, i) for i in ids} == first
        assert "badges" in {name.split("|")[0] for _version, name in again.core.kept_cache}


def test_a_sale_or_other_thresholds_make_the_badges_computed_again(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        ranked = [r for r in pf.reports.client_report() if r.abc == "C"]
        smallest = ranked[-1].account_id
        assert _on_the_card(pf, smallest)[0] == "C"
        pf.routine.record_sale(smallest, date(2026, 11, 20), 100_000_000)  # €1,000,000
        assert _on_the_card(pf, smallest)[0] == "A"
        assert _on_the_card(pf, smallest) == _from_the_book(pf, smallest)
    with open_portfolio(demo_db_path) as pf:
        assert _on_the_card(pf, smallest)[0] == "A"
        second = pf.reports.client_report()[1].account_id
        assert _on_the_card(pf, second)[0] == "A"
    tighter = Settings(abc_a=0.01)  # only the first of the book is an A
    with service.open_portfolio(demo_db_path, clock=fixed_clock, tz=PARIS, settings=tighter) as pf:
        assert _on_the_card(pf, second) == _from_the_book(pf, second)
        assert _on_the_card(pf, second)[0] == "B"
