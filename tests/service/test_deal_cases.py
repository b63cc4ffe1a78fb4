"""Deals through the service: writes and their undo, lists, the board, Today, the pipeline
figures on a hand-computed portfolio, white space, next actions, CSV import and export."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from helpers.laptops import SharedTime
from portfolio_tui.domain.settings import Settings
from portfolio_tui.errors import Ambiguous, NotFound, UserError
from portfolio_tui.formats.report import ImportRejected
from portfolio_tui.service import Portfolio, open_portfolio
from portfolio_tui.service.deals import KEEP

from conftest import FIXED_NOW, PARIS


@pytest.fixture
def time() -> SharedTime:
    return SharedTime()


@pytest.fixture
def pf(tmp_path: Path, time: SharedTime) -> Iterator[Portfolio]:
    with open_portfolio(
        tmp_path / "deals.db", clock=time.clock(), tz=PARIS, settings=Settings()
    ) as portfolio:
        yield portfolio


def at(time: SharedTime, day: date) -> None:
    time.now = datetime(day.year, day.month, day.day, 10, 0, tzinfo=PARIS)


def live_count(pf: Portfolio, table: str) -> int:
    with pf.db.raw() as conn:
        return conn.execute(f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL").fetchone()[0]


# --- writes ----------------------------------------------------------------------------------


def test_a_new_deal_takes_its_stage_probability_and_records_its_first_stage(pf) -> None:
    account = pf.routine.add_account("Boulangerie Dupont", stage="warm")
    deal_id = pf.deals.add_deal(account, "Four à sole", amount=1_200_000, close="2026-12-15")
    [deal] = pf.deals.deals()
    assert (deal.deal_id, deal.title, deal.amount, deal.stage) == (
        deal_id,
        "Four à sole",
        1_200_000,
        "qualification",
    )
    assert (deal.probability, deal.own_probability) == (10, None)
    assert (deal.created_on, deal.expected_close, deal.closed_on) == (
        date(2026, 11, 23),
        date(2026, 12, 15),
        None,
    )
    with pf.db.raw() as conn:
        moves = conn.execute("SELECT from_stage, to_stage FROM dealstagechange").fetchall()
    assert moves == [(None, "qualification")]


def test_the_stage_probabilities_come_from_the_settings(tmp_path: Path) -> None:
    settings = Settings(deal_probability={"proposal": 45})
    with open_portfolio(tmp_path / "p.db", tz=PARIS, settings=settings) as pf:
        account = pf.routine.add_account("Acme")
        pf.deals.add_deal(account, "Audit", amount=100, stage="proposition")
        pf.deals.add_deal(account, "Suivi", amount=100, stage="qualification", probability=70)
        shown = {d.title: (d.stage, d.probability) for d in pf.deals.deals()}
    assert shown == {"Audit": ("proposal", 45), "Suivi": ("qualification", 70)}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"amount": -1}, "amount"),
        ({"amount": 100, "probability": 101}, "probability"),
        ({"amount": 100, "stage": "won"}, "open"),
        ({"amount": 100, "stage": "signed"}, "stage"),
        ({"amount": 100, "close": "someday"}, "someday"),
    ],
)
def test_a_bad_deal_is_refused_and_nothing_is_written(pf, values, message) -> None:
    account = pf.routine.add_account("Acme")
    with pytest.raises((UserError, ValueError), match=message):
        pf.deals.add_deal(account, "Audit", **values)
    assert live_count(pf, "deal") == 0 and live_count(pf, "dealstagechange") == 0


def test_edit_changes_only_the_given_fields_and_undo_restores_them(pf) -> None:
    account = pf.routine.add_account("Acme")
    deal_id = pf.deals.add_deal(account, "Audit", amount=100_000, probability=25, family="Audit")
    before = pf.deals.edit_deal(
        deal_id[:8], title="Audit annuel", probability=None, close="2027-01-31", family=None
    )
    assert before == {
        "title": "Audit",
        "probability": 25,
        "expected_close": None,
        "family": "Audit",
    }
    deal = pf.deals.deal(deal_id)
    assert (deal.title, deal.own_probability, deal.probability, deal.family) == (
        "Audit annuel",
        None,
        10,
        None,
    )
    assert deal.expected_close == date(2027, 1, 31) and deal.amount == 100_000
    assert pf.deals.edit_deal(deal_id, amount=100_000, title=KEEP) == {}
    assert pf.undo() == "edit deal Audit"
    deal = pf.deals.deal(deal_id)
    assert (deal.title, deal.own_probability, deal.family, deal.expected_close) == (
        "Audit",
        25,
        "Audit",
        None,
    )


def test_winning_a_deal_on_a_prospect_makes_it_a_client_and_offers_the_sale(pf, time) -> None:
    account = pf.routine.add_account("Acme", stage="hot")
    deal_id = pf.deals.add_deal(account, "Audit", amount=500_000)
    time.advance(3600)
    moved = pf.deals.win_deal(deal_id)
    assert (moved.from_stage, moved.to_stage, moved.amount) == ("qualification", "won", 500_000)
    assert moved.account_became_client and moved.offer_sale
    assert pf.resolve_account(account).stage == "client"
    deal = pf.deals.deal(deal_id)
    assert (deal.stage, deal.closed_on, deal.probability) == ("won", date(2026, 11, 23), 100)
    with pf.db.raw() as conn:
        stage_moves = conn.execute(
            "SELECT from_stage, to_stage FROM stagechange ORDER BY at"
        ).fetchall()
    assert stage_moves == [(None, "hot"), ("hot", "client")]
    # One undo step takes back the win and the account's move.
    pf.undo()
    assert pf.resolve_account(account).stage == "hot"
    assert pf.deals.deal(deal_id).stage == "qualification"
    assert pf.deals.deal(deal_id).closed_on is None


def test_winning_on_a_client_moves_no_account(pf) -> None:
    account = pf.routine.add_account("Acme", stage="client")
    moved = pf.deals.win_deal(pf.deals.add_deal(account, "Upsell", amount=100))
    assert not moved.account_became_client and moved.offer_sale


def test_a_lost_deal_needs_a_reason_from_the_list_in_english_or_french(pf) -> None:
    account = pf.routine.add_account("Acme")
    deal_id = pf.deals.add_deal(account, "Audit", amount=100)
    with pytest.raises(UserError, match="reason"):
        pf.deals.move_deal(deal_id, "lost")
    with pytest.raises(UserError, match="not one of"):
        pf.deals.lose_deal(deal_id, "bad luck")
    assert pf.deals.deal(deal_id).stage == "qualification"
    moved = pf.deals.lose_deal(deal_id, "Pas de budget")
    assert not moved.offer_sale
    deal = pf.deals.deal(deal_id)
    assert (deal.stage, deal.lost_reason, deal.closed_on) == ("lost", "no_budget", FIXED_NOW.date())


def test_the_rep_extends_the_lost_reasons_in_the_settings(tmp_path: Path) -> None:
    settings = Settings(extra_deal_lost_reasons=("délai de livraison", " fournisseur en place"))
    assert settings.deal_lost_reasons == (
        "price",
        "competitor",
        "timing",
        "no_budget",
        "no_decision",
        "other",
        "délai de livraison",
        "fournisseur en place",
    )
    with open_portfolio(tmp_path / "p.db", tz=PARIS, settings=settings) as pf:
        deal_id = pf.deals.add_deal(pf.routine.add_account("Acme"), "Audit", amount=100)
        pf.deals.lose_deal(deal_id, "Délai de livraison")
        assert pf.deals.deal(deal_id).lost_reason == "délai de livraison"


def test_reopening_a_closed_deal_clears_its_closing(pf) -> None:
    deal_id = pf.deals.add_deal(pf.routine.add_account("Acme"), "Audit", amount=100)
    pf.deals.lose_deal(deal_id, "price")
    moved = pf.deals.move_deal(deal_id, "negotiation")
    assert (moved.from_stage, moved.to_stage) == ("lost", "negotiation")
    deal = pf.deals.deal(deal_id)
    assert (deal.stage, deal.closed_on, deal.lost_reason) == ("negotiation", None, None)
    with pytest.raises(UserError, match="already negotiation"):
        pf.deals.move_deal(deal_id, "negotiation")


def test_step_moves_one_stage_along_the_funnel(pf) -> None:
    deal_id = pf.deals.add_deal(pf.routine.add_account("Acme"), "Audit", amount=100)
    assert pf.deals.step_deal(deal_id).to_stage == "proposal"
    assert pf.deals.step_deal(deal_id, forward=False).to_stage == "qualification"
    with pytest.raises(UserError, match="end of the funnel"):
        pf.deals.step_deal(deal_id, forward=False)


def test_deal_references_are_ids_or_unambiguous_prefixes(pf) -> None:
    account = pf.routine.add_account("Acme")
    ids = [pf.deals.add_deal(account, f"Deal {n}", amount=100) for n in range(20)]
    assert pf.deals.deal(ids[0][:13]).deal_id == ids[0]
    with pytest.raises(NotFound):
        pf.deals.deal("zzzz")
    with pytest.raises(NotFound):
        pf.deals.win_deal("")  # an empty reference matches nothing, never everything
    shared = {i[0] for i in ids}
    prefix = next(p for p in shared if sum(i.startswith(p) for i in ids) > 1)
    with pytest.raises(Ambiguous):
        pf.deals.win_deal(prefix)


def test_every_deal_write_is_one_undo_step(pf) -> None:
    account = pf.routine.add_account("Acme", stage="warm")
    deal_id = pf.deals.add_deal(account, "Audit", amount=100)
    pf.deals.edit_deal(deal_id, amount=200)
    pf.deals.move_deal(deal_id, "proposal")
    follow_up = pf.deals.plan_next_action(deal_id, "Relancer le devis", "+2d")
    pf.deals.win_deal(deal_id)
    assert pf.deals.deal(deal_id).next_action is not None
    assert pf.deals.deal(deal_id).next_action.follow_up_id == follow_up
    labels = [pf.undo() for _ in range(5)]
    assert labels == [
        "Audit: proposal → won",
        "next action: Audit",
        "Audit: qualification → proposal",
        "edit deal Audit",
        "add deal Audit (Acme)",
    ]
    assert live_count(pf, "deal") == 0 and live_count(pf, "dealstagechange") == 0
    assert live_count(pf, "followup") == 0
    assert pf.resolve_account(account).stage == "warm"


def test_deleting_a_deal_and_undoing_it(pf) -> None:
    deal_id = pf.deals.add_deal(pf.routine.add_account("Acme"), "Audit", amount=100)
    assert pf.deals.delete_deal(deal_id) == "Audit"
    assert pf.deals.deals("all") == []
    pf.undo()
    assert [d.deal_id for d in pf.deals.deals("all")] == [deal_id]


# --- lists, board, Today -----------------------------------------------------------------------


def test_deals_lists_by_scope_and_account(pf) -> None:
    acme = pf.routine.add_account("Acme")
    dupont = pf.routine.add_account("Dupont")
    a = pf.deals.add_deal(acme, "A", amount=100, close="2026-12-01")
    b = pf.deals.add_deal(acme, "B", amount=100, close="2026-11-30")
    c = pf.deals.add_deal(dupont, "C", amount=100)
    pf.deals.win_deal(c)
    assert [d.deal_id for d in pf.deals.deals()] == [b, a]
    assert [d.deal_id for d in pf.deals.deals("closed")] == [c]
    assert {d.deal_id for d in pf.deals.deals("all")} == {a, b, c}
    assert [d.deal_id for d in pf.deals.deals("all", account="Dupont")] == [c]
    with pytest.raises(UserError, match="scope"):
        pf.deals.deals("won")


def test_the_board_has_a_column_per_stage_marks_rotting_deals_and_filters(pf, time) -> None:
    at(time, date(2026, 11, 1))
    acme = pf.routine.add_account("Acme")
    dupont = pf.routine.add_account("Dupont")
    quiet = pf.deals.add_deal(acme, "Audit", amount=100, stage="proposal")
    busy = pf.deals.add_deal(dupont, "Formation", amount=100, stage="proposal", family="Cours")
    fresh = pf.deals.add_deal(dupont, "Conseil", amount=100)
    at(time, date(2026, 11, 20))
    pf.routine.log_interaction("call", "Dupont", "Point sur la formation")
    won = pf.deals.add_deal(acme, "Licence", amount=100)
    pf.deals.win_deal(won)
    at(time, date(2026, 11, 23))
    board = pf.deals.board()
    assert [stage for stage, _ in board.columns] == [
        "qualification",
        "proposal",
        "negotiation",
        "won",
        "lost",
    ]
    proposal = {d.deal_id: (d.days_in_stage, d.rotting) for d in board.column("proposal")}
    # 22 days in proposal (limit 14): rotting, unless the account had activity since.
    assert proposal == {quiet: (22, True), busy: (22, False)}
    # Qualification rots after 21 days; 22 days without activity since 1 November.
    assert [(d.deal_id, d.rotting) for d in board.column("qualification")] == [(fresh, False)]
    assert [d.deal_id for d in board.column("won")] == [won]
    assert [d.deal_id for d in pf.deals.board("cours").column("proposal")] == [busy]
    assert [d.deal_id for d in pf.deals.board("acme").column("won")] == [won]


def test_today_lists_deals_closing_by_sunday_or_past_and_rotting_deals(pf, time) -> None:
    at(time, date(2026, 10, 1))
    acme = pf.routine.add_account("Acme")
    past = pf.deals.add_deal(acme, "Passée", amount=100, close="2026-11-10")
    sunday = pf.deals.add_deal(acme, "Dimanche", amount=100, close="2026-11-29")
    pf.deals.add_deal(acme, "Lundi", amount=100, close="2026-11-30")
    at(time, date(2026, 11, 23))
    agenda = pf.reports.agenda()
    assert [d.deal_id for d in agenda.deals_closing] == [past, sunday]
    # Every one of them has been 53 days in qualification with no activity.
    assert [d.title for d in agenda.deals_rotting] == ["Dimanche", "Lundi", "Passée"]
    assert all(d.days_in_stage == 53 for d in agenda.deals_rotting)


# --- the pipeline figures --------------------------------------------------------------------


@pytest.fixture
def history(pf: Portfolio, time: SharedTime) -> Portfolio:
    """D1 overdue, D2 in December at 50 %, D3 undated; D4 won after 30 days; D5 lost."""
    at(time, date(2026, 9, 1))
    acme = pf.routine.add_account("Acme")
    pf.deals.add_deal(acme, "D1", amount=100_000, close="2026-10-15")
    pf.deals.add_deal(acme, "D2", amount=200_000, stage="proposal", probability=50,
                      close="2026-12-10")  # fmt: skip
    pf.deals.add_deal(acme, "D3", amount=50_000, stage="negotiation")
    at(time, date(2026, 10, 1))
    d4 = pf.deals.add_deal(acme, "D4", amount=300_000)
    d5 = pf.deals.add_deal(acme, "D5", amount=80_000)
    at(time, date(2026, 10, 31))
    pf.deals.win_deal(d4)
    at(time, date(2026, 11, 2))
    pf.deals.lose_deal(d5, "price")
    at(time, date(2026, 11, 23))
    return pf


def test_the_pipeline_of_the_year_by_hand(history: Portfolio) -> None:
    figures = history.deals.pipeline_report().to_json()
    assert figures["as_of"] == "2026-11-23"
    assert figures["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    # weighted: 1000.00 × 10 % + 2000.00 × 50 % + 500.00 × 60 % = 1400.00
    assert figures["open"] == {"count": 3, "amount": 350_000, "weighted": 140_000}
    assert figures["forecast"][:2] == [
        {"month": "2026-11", "count": 1, "amount": 100_000, "weighted": 10_000},
        {"month": "2026-12", "count": 1, "amount": 200_000, "weighted": 100_000},
    ]
    assert [m["month"] for m in figures["forecast"][2:]] == [
        "2027-01",
        "2027-02",
        "2027-03",
        "2027-04",
    ]
    assert all(m["count"] == 0 for m in figures["forecast"][2:])
    assert figures["overdue"] == {"count": 1, "amount": 100_000}
    assert figures["undated"] == {"count": 1, "amount": 50_000}
    assert figures["won"] == {"count": 1, "amount": 300_000}
    assert figures["lost"] == {"count": 1, "amount": 80_000}
    assert figures["win_rate"] == 0.5
    assert figures["average_won_amount"] == 300_000
    assert figures["average_cycle_days"] == 30.0
    # 3 open × 0.5 × 3000.00 / 30 days = 150.00 a day
    assert figures["velocity_per_day"] == 15_000
    assert figures["qualified"] == 5
    assert figures["seed_velocity"] == 2.5
    assert figures["lost_reasons"] == {"price": 1}
    first = figures["conversion"][0]
    # In qualification during the year: D1, D4, D5; D4 went further (won).
    assert (first["from_stage"], first["to_stage"], first["entered"], first["converted"]) == (
        "qualification",
        "proposal",
        3,
        1,
    )


def test_the_pipeline_of_the_month_has_nulls_where_nothing_was_won(history: Portfolio) -> None:
    figures = history.deals.pipeline_report(period="month").to_json()
    assert figures["period"] == {"start": "2026-11-01", "end": "2026-11-30"}
    assert figures["won"] == {"count": 0, "amount": 0}
    assert figures["lost"] == {"count": 1, "amount": 80_000}
    assert figures["win_rate"] == 0.0
    assert figures["average_won_amount"] is None
    assert figures["average_cycle_days"] is None
    assert figures["velocity_per_day"] is None
    assert (figures["qualified"], figures["seed_velocity"]) == (0, 0.0)


def test_the_pipeline_as_of_an_earlier_day(history: Portfolio) -> None:
    figures = history.deals.pipeline_report(as_of=date(2026, 9, 15), period="quarter").to_json()
    # D4 and D5 did not exist yet; nothing was closed in the quarter.
    assert figures["open"] == {"count": 3, "amount": 350_000, "weighted": 140_000}
    assert figures["win_rate"] is None and figures["qualified"] == 3


def test_an_empty_pipeline(pf: Portfolio) -> None:
    figures = pf.deals.pipeline_report().to_json()
    assert figures["open"] == {"count": 0, "amount": 0, "weighted": 0}
    assert figures["win_rate"] is None and figures["velocity_per_day"] is None
    with pytest.raises(UserError, match="period"):
        pf.deals.pipeline_report(period="week")


# --- white space -----------------------------------------------------------------------------

SALES_CSV = """account,date,amount,product,family
Boulangerie A,2026-05-10,1000.00,Pétrin P1,Pétrins
Boulangerie A,2026-05-10,500.00,Four F1,Fours
Boulangerie B,2026-06-10,3000.00,Pétrin P2,Pétrins
Boulangerie B,2026-06-10,700.00,Four F1,Fours
Boulangerie C,2026-07-10,2000.00,Pétrin P1,Pétrins
Boulangerie D,2026-07-10,900.00,Four F1,Fours
Garage E,2026-07-10,900.00,Pneus,Pneus
"""


def test_white_space_suggests_what_most_peers_buy(pf: Portfolio, tmp_path: Path) -> None:
    for name in ("Boulangerie A", "Boulangerie B", "Boulangerie C", "Boulangerie D"):
        pf.routine.add_account(name, stage="client", sector="Boulangerie")
    pf.routine.add_account("Garage E", stage="client", sector="Garage")
    sales = tmp_path / "sales.csv"
    sales.write_text(SALES_CSV, encoding="utf-8")
    pf.imports.import_csv("sales", sales)
    rows = [(r.name, r.family, r.peers_buying, r.peers, r.estimate) for r in pf.deals.whitespace()]
    # D's peers A, B, C all bought Pétrins (median 2000.00); C's peers A, B, D bought Fours
    # (median 700.00). The garage has no peers.
    assert rows == [
        ("Boulangerie D", "Pétrins", 3, 3, 200_000),
        ("Boulangerie C", "Fours", 3, 3, 70_000),
    ]
    assert pf.deals.whitespace(by="city") == []  # no city known: no segment, no peers
    assert pf.deals.whitespace_cells() == {("Boulangerie", "Pétrins"), ("Boulangerie", "Fours")}
    assert [r.family for r in pf.deals.account_suggestions("Boulangerie C")] == ["Fours"]
    assert pf.deals.account_suggestions("Boulangerie A") == []
    suggestion = pf.deals.whitespace()[0]
    deal_id = pf.deals.deal_from_suggestion(suggestion)
    deal = pf.deals.deal(deal_id)
    assert (deal.account_name, deal.family, deal.amount, deal.stage) == (
        "Boulangerie D",
        "Pétrins",
        200_000,
        "qualification",
    )
    with pytest.raises(UserError, match="by"):
        pf.deals.whitespace(by="colour")


# --- next actions, calendar, CSV ---------------------------------------------------------------


def test_a_next_action_shows_with_the_deal_and_in_the_calendar(pf: Portfolio) -> None:
    deal_id = pf.deals.add_deal(pf.routine.add_account("Acme"), "Audit", amount=1_234_500)
    follow_up = pf.deals.plan_next_action(deal_id, "Envoyer le devis", "tomorrow 9:00")
    action = pf.deals.deal(deal_id).next_action
    assert action is not None
    assert (action.follow_up_id, action.due_on, action.title) == (
        follow_up,
        date(2026, 11, 24),
        "Envoyer le devis",
    )
    [event] = pf.exports.follow_up_events()
    assert "Deal: Audit (€12,345.00, qualification)" in event.description.splitlines()
    assert [i.title for i in pf.reports.agenda().upcoming] == ["Envoyer le devis"]


DEALS_CSV_FR = (
    "Compte;Intitulé;Montant;Probabilité;Étape;Créée le;Clôture prévue;Clôturée le;"
    "Motif de perte;Famille\n"
    "Acme;Pétrin;3 500,00 €;40 %;Proposition;01/10/2026;15/01/2027;;;Pétrins\n"
    "Acme;Vitrine;800;;perdue;01/09/2026;;01/11/2026;Prix;\n"
)


def test_import_deals_with_french_headers_then_again_unchanged(pf, tmp_path: Path) -> None:
    pf.routine.add_account("Acme")
    path = tmp_path / "affaires.csv"
    path.write_text(DEALS_CSV_FR, encoding="utf-8")
    dry = pf.imports.import_csv("deals", path, dry_run=True)
    assert (dry.inserted, dry.updated, dry.rejected) == (2, 0, [])
    assert live_count(pf, "deal") == 0
    report = pf.imports.import_csv("deals", path)
    assert (report.inserted, report.updated, report.unchanged) == (2, 0, 0)
    shown = {
        d.title: (d.amount, d.own_probability, d.stage, d.created_on, d.expected_close,
                  d.closed_on, d.lost_reason, d.family)
        for d in pf.deals.deals("all")
    }  # fmt: skip
    assert shown == {
        "Pétrin": (350_000, 40, "proposal", date(2026, 10, 1), date(2027, 1, 15), None, None,
                   "Pétrins"),
        "Vitrine": (80_000, None, "lost", date(2026, 9, 1), None, date(2026, 11, 1), "price",
                    None),
    }  # fmt: skip
    again = pf.imports.import_csv("deals", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert pf.undo() == f"import deals {path.name}"
    assert live_count(pf, "deal") == 0


def test_an_import_matches_by_account_and_title_and_records_the_stage_move(pf, tmp_path) -> None:
    account = pf.routine.add_account("Acme")
    deal_id = pf.deals.add_deal(account, "Audit annuel", amount=100_000)
    path = tmp_path / "deals.csv"
    path.write_text("account,title,amount,stage\nACME,audit ANNUEL,1500.00,won\n")
    report = pf.imports.import_csv("deals", path)
    assert (report.inserted, report.updated) == (0, 1)
    deal = pf.deals.deal(deal_id)
    assert (deal.amount, deal.stage, deal.closed_on) == (150_000, "won", date(2026, 11, 23))
    with pf.db.raw() as conn:
        moves = conn.execute("SELECT from_stage, to_stage FROM dealstagechange ORDER BY at")
        assert moves.fetchall() == [(None, "qualification"), ("qualification", "won")]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("Nobody,Audit,100,,,", "account"),
        ("Acme,Audit,-5,,,", "amount"),
        ("Acme,Audit,100,qualification,,2026-11-01", "closed"),
        ("Acme,Audit,100,lost,bad luck,", "lost_reason"),
        ("Acme,,100,,,", "title"),
    ],
)
def test_a_bad_import_row_writes_nothing(pf, tmp_path: Path, line: str, field: str) -> None:
    pf.routine.add_account("Acme")
    path = tmp_path / "deals.csv"
    path.write_text(
        "account,title,amount,stage,lost_reason,closed\nAcme,Good one,100,,,\n" + line + "\n"
    )
    with pytest.raises(ImportRejected) as caught:
        pf.imports.import_csv("deals", path)
    assert [e.field for e in caught.value.errors] == [field]
    assert caught.value.errors[0].line == 3
    assert live_count(pf, "deal") == 0


def test_export_csv_deals_reads_back_unchanged(pf, tmp_path: Path) -> None:
    account = pf.routine.add_account("Acme")
    pf.deals.add_deal(account, "Audit", amount=123_450, probability=35, close="2027-02-01",
                      family="Conseil")  # fmt: skip
    pf.deals.lose_deal(pf.deals.add_deal(account, "=Formule", amount=100), "timing")
    out = io.StringIO()
    assert pf.exports.export_csv("deals", out) == 2
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "id,account_id,account,title,amount,probability,stage,created,expected_close,closed,"
        "lost_reason,family,notes"
    )
    [audit] = [line for line in lines if ",Audit," in line]
    assert audit.endswith(",Acme,Audit,1234.50,35,qualification,2026-11-23,2027-02-01,,,Conseil,")
    assert any(",'=Formule," in line for line in lines)  # guarded against formulas
    path = tmp_path / "deals.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    report = pf.imports.import_csv("deals", path)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 2)


# --- the demo portfolio --------------------------------------------------------------------------


def deal_table(pf: Portfolio) -> list[tuple]:
    with pf.db.raw() as conn:
        return conn.execute(
            "SELECT account_id, title, amount, probability, stage, expected_close, family, "
            "lost_reason, created_on, closed_on FROM deal ORDER BY id"
        ).fetchall()


def test_the_demo_holds_realistic_deals(portfolio: Portfolio) -> None:
    deals = portfolio.deals.deals("all")
    accounts = {a.account_id: a.stage for a in portfolio.reports.portfolio_rows()}
    assert 2.0 <= len(deals) / len(accounts) <= 3.0
    today = portfolio.today()
    open_deals = [d for d in deals if d.is_open]
    assert {d.stage for d in open_deals} == {"qualification", "proposal", "negotiation"}
    assert any(d.rotting for d in open_deals)
    assert any(d.expected_close and d.expected_close < today for d in open_deals)
    assert any(d.expected_close is None for d in open_deals)
    assert any(accounts[d.account_id] == "client" for d in open_deals)  # upsells
    assert any(d.next_action for d in open_deals)
    closed = [d for d in deals if not d.is_open]
    for year in (today.year - 2, today.year - 1, today.year):
        stages = {d.stage for d in closed if d.closed_on and d.closed_on.year == year}
        assert stages == {"won", "lost"}, year
    assert all(d.lost_reason for d in closed if d.stage == "lost")
    assert all(d.closed_on and d.closed_on >= d.created_on for d in closed)
    assert all(accounts[d.account_id] in ("client", "lost") for d in closed if d.stage == "won")


def test_the_demo_deals_are_the_same_for_the_same_seed(portfolio: Portfolio, tmp_path) -> None:
    with open_portfolio(tmp_path / "again.db", tz=PARIS, settings=Settings(),
                        clock=lambda: FIXED_NOW) as again:  # fmt: skip
        again.load_demo(accounts=60, years=3, seed=7)
        assert deal_table(again) == deal_table(portfolio)
        again.load_demo(accounts=60, years=3, seed=8, force=True)
        assert deal_table(again) != deal_table(portfolio)


@pytest.mark.parametrize("zone", ["Europe/Paris", "Australia/Lord_Howe", "America/St_Johns"])
def test_local_days_of_stored_instants_match_the_zone_across_clock_changes(zone: str) -> None:
    from datetime import UTC, timedelta
    from zoneinfo import ZoneInfo

    from portfolio_tui.service.deal_cards import LocalDays

    tz = ZoneInfo(zone)
    days = LocalDays(tz)
    for start in (datetime(2026, 3, 27), datetime(2026, 4, 3), datetime(2026, 10, 23),
                  datetime(2026, 11, 1)):  # fmt: skip
        for minutes in range(0, 4 * 24 * 60, 7):
            moment = start + timedelta(minutes=minutes)
            stored = moment.isoformat(sep=" ", timespec="microseconds")
            assert days.of(stored) == moment.replace(tzinfo=UTC).astimezone(tz).date(), stored
