"""Churn end to end on real database files: orders as RFM counts them, the BG/NBD report, the
revenue at risk, the A clients in danger on Today, and the book in four years."""

from __future__ import annotations

import math
import random
import uuid
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio_tui.domain.clv import (
    TOO_FEW_REPEAT_CLIENTS,
    BgNbdParams,
    ClientClv,
    client_histories,
    p_alive,
    score_clients,
)
from portfolio_tui.domain.settings import Settings
from portfolio_tui.domain.window import Window
from portfolio_tui.errors import UserError
from portfolio_tui.service import Portfolio
from portfolio_tui.service import open_portfolio as open_with
from portfolio_tui.service.churn import (
    P_ALIVE_LOW,
    REVENUE_DROP,
    p_alive_fell_on,
    revenue_drop_since,
)
from portfolio_tui.store import bulk, churn_queries, queries
from portfolio_tui.store.database import Database

from conftest import FIXED_NOW, PARIS

TODAY = FIXED_NOW.date()  # Monday 23 November 2026
BOOKKEEPING = ("id", "created_at", "updated_at", "device_id", "clocks")
STAMPS = ("2020-01-01 00:00:00.000000", "2020-01-01 00:00:00.000000", "device", "{}")
ACCOUNT_COLUMNS = (*BOOKKEEPING, "name", "stage", "tags", "notes", "custom_fields")
SALE_COLUMNS = (*BOOKKEEPING, "account_id", "sold_on", "amount", "order_ref")

Sale = tuple[str, date, int, str | None]  # account id, day, cents, order ref


def insert(db: Database, accounts: dict[str, str], sales: list[Sale]) -> None:
    """Accounts (id → name, all clients) and sales lines, straight into the tables."""
    account_rows = [(a, *STAMPS, name, "client", "", "", "{}") for a, name in accounts.items()]
    sale_rows = [
        (str(uuid.uuid4()), *STAMPS, a, day.isoformat(), cents, ref) for a, day, cents, ref in sales
    ]
    with db.raw() as conn, conn:
        bulk.insert_rows(conn, "account", ACCOUNT_COLUMNS, account_rows)
        bulk.insert_rows(conn, "sale", SALE_COLUMNS, sale_rows)


def fill(pf: Portfolio, accounts: dict[str, str], sales: list[Sale]) -> None:
    insert(pf.db, accounts, sales)
    pf.core.data_changed()


def synthetic_book(seed: int = 3, clients: int = 80) -> tuple[dict[str, str], list[Sale]]:
    """Clients buying at a gamma-distributed weekly rate until they drop out, over 3 years."""
    rng = random.Random(seed)
    accounts, sales = {}, []
    for n in range(clients):
        account_id = f"acc-{n:03d}"
        accounts[account_id] = f"Client {n:03d}"
        day = TODAY - timedelta(days=rng.randint(30, 1000))
        rate = rng.gammavariate(2.0, 1 / 8.0)  # orders a week
        while day <= TODAY:
            sales.append((account_id, day, rng.randint(1_000, 90_000), f"O{n}-{len(sales)}"))
            if rng.random() < 0.15:
                break
            day += timedelta(days=max(1, round(rng.expovariate(rate) * 7)))
    return accounts, sales


@pytest.fixture
def booked(empty_portfolio: Portfolio) -> tuple[Portfolio, list[Sale]]:
    accounts, sales = synthetic_book()
    fill(empty_portfolio, accounts, sales)
    return empty_portfolio, sales


# ---- orders, as RFM counts them ----------------------------------------------------------------


def test_one_date_per_order_as_rfm_counts_orders(empty_portfolio: Portfolio) -> None:
    d1, d2, d3, d4 = (date(2026, 3, day) for day in (2, 9, 16, 23))
    fill(empty_portfolio, {"a1": "Alpha", "a2": "Beta"}, [
        ("a1", d3, 100, "O1"), ("a1", d1, 100, "O1"),  # one order, dated by its first line
        ("a1", d2, 100, None), ("a1", d2, 100, ""),  # no ref: one order for the day
        ("a1", d2, 100, "O2"),  # another order the same day
        ("a1", d4, 100, None),
        ("a2", d1, 100, "O1"),  # the same ref at another account is its own order
        ("a2", TODAY + timedelta(days=1), 100, None),  # after as_of
    ])  # fmt: skip
    with empty_portfolio.db.raw() as conn:
        days = churn_queries.order_days(conn, TODAY)
    assert sorted(days["a1"]) == [d1, d2, d2, d4]
    assert days["a2"] == [d1]


def test_tombstoned_sales_and_accounts_place_no_order(empty_portfolio: Portfolio) -> None:
    fill(empty_portfolio, {"a1": "Alpha", "a2": "Beta"},
         [("a1", date(2026, 1, 5), 100, "K"), ("a2", date(2026, 1, 5), 100, "L")])  # fmt: skip
    with empty_portfolio.db.raw() as conn, conn:
        conn.execute("UPDATE sale SET deleted_at = '2026-02-01' WHERE order_ref = 'K'")
        conn.execute("UPDATE account SET deleted_at = '2026-02-01' WHERE id = 'a2'")
    with empty_portfolio.db.raw() as conn:
        assert churn_queries.order_days(conn, TODAY) == {}


AS_OF = date(2026, 11, 22)
sale_lines = st.lists(
    st.tuples(
        st.sampled_from(("a1", "a2", "a3")),
        st.integers(-800, 30).map(lambda d: AS_OF + timedelta(days=d)),
        st.integers(-5_000, 500_000),
        st.sampled_from((None, "", "O1", "O2", "O3")),
    ),
    max_size=40,
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(sales=sale_lines)
def test_orders_per_client_are_the_rfm_frequency_over_all_time(
    tmp_path: Path, sales: list[Sale]
) -> None:
    db = Database(tmp_path / f"{uuid.uuid4()}.db")
    try:
        insert(db, {"a1": "A", "a2": "B", "a3": "C"}, sales)
        with db.raw() as conn:
            days = churn_queries.order_days(conn, AS_OF)
            figures = queries.account_figures(conn, None, AS_OF)
        assert {a: len(d) for a, d in days.items()} == {f.account_id: f.orders for f in figures}
        for account_id, order_days in days.items():
            assert min(order_days) == min(d for a, d, _c, _r in sales
                                          if a == account_id and d <= AS_OF)  # fmt: skip
    finally:
        db.dispose()


# ---- report clv ------------------------------------------------------------------------------


def test_a_book_too_small_to_fit_gives_no_probability(empty_portfolio: Portfolio) -> None:
    fill(empty_portfolio, {"a1": "Alpha", "a2": "Beta"}, [
        ("a1", date(2026, 1, 5), 100, None), ("a1", date(2026, 3, 2), 100, None),
        ("a1", date(2026, 6, 1), 100, None), ("a2", date(2026, 11, 16), 100, None),
    ])  # fmt: skip
    report = empty_portfolio.churn.clv_report(as_of=TODAY, penalizer=0)
    assert report.fit.params is None and report.fit.reason == TOO_FEW_REPEAT_CLIENTS
    alpha, beta = report.clients  # no fit: by name
    assert (alpha.name, alpha.orders, alpha.repeat_orders) == ("Alpha", 3, 2)
    # 5 Jan → 1 Jun 2026 is 147 days = 21 weeks; 5 Jan → 23 Nov is 322 days = 46 weeks
    assert (alpha.recency_weeks, alpha.age_weeks) == (21.0, 46.0)
    assert (beta.recency_weeks, beta.age_weeks) == (0.0, 1.0)
    assert alpha.p_alive is None and alpha.expected_orders_90d is None
    data = report.to_json()
    assert data["params"] is None and data["reason"] == TOO_FEW_REPEAT_CLIENTS
    assert data["log_likelihood"] is None and data["penalizer"] == 0.0
    assert data["clients"][0] == {
        "account_id": "a1", "name": "Alpha", "orders": 3, "repeat_orders": 2,
        "recency_weeks": 21.0, "age_weeks": 46.0, "p_alive": None, "expected_orders_90d": None,
    }  # fmt: skip
    assert empty_portfolio.churn.weighted_churn_risk(TODAY) is None


def test_the_report_is_the_model_on_the_books_orders(booked) -> None:
    pf, sales = booked
    report = pf.churn.clv_report(as_of=TODAY)
    order_days: dict[str, set[tuple[date, str | None]]] = {}
    for account_id, day, _cents, ref in sales:
        order_days.setdefault(account_id, set()).add((day, ref))
    expected = score_clients(
        client_histories({a: [d for d, _r in o] for a, o in order_days.items()}, TODAY),
        TODAY,
        pf.settings.churn_penalizer,
    )
    assert report.fit == expected.fit and report.fit.params is not None
    assert sorted(report.clients, key=lambda r: r.account_id) == sorted(
        (_row(c, f"Client {c.account_id[4:]}") for c in expected.clients),
        key=lambda r: r.account_id,
    )
    alive = [row.p_alive for row in report.clients]
    assert alive == sorted(alive)  # the most likely gone first
    assert all(0 < p <= 1 for p in alive)  # type: ignore[operator]
    assert all(row.p_alive == 1.0 for row in report.clients if row.repeat_orders == 0)
    data = report.to_json()
    assert set(data) == {"as_of", "penalizer", "params", "reason", "log_likelihood", "clients"}
    assert set(data["params"]) == {"r", "alpha", "a", "b"} and data["reason"] is None


def _row(client: ClientClv, name: str):
    from portfolio_tui.service.churn import ClvRow

    return ClvRow(client.account_id, name, client.orders, client.repeat_orders,
                  client.recency_weeks, client.age_weeks, client.p_alive,
                  client.expected_orders_90d)  # fmt: skip


def test_the_fit_is_cached_until_the_next_write(booked) -> None:
    pf, _sales = booked
    first = pf.churn.scores(TODAY)
    assert pf.churn.scores(TODAY) is first
    pf.routine.record_sale("Client 000", TODAY, 5_000, order_ref="NEW")
    again = pf.churn.scores(TODAY)
    assert again is not first
    (client,) = [c for c in again.clients if c.account_id == "acc-000"]
    (before,) = [c for c in first.clients if c.account_id == "acc-000"]
    assert client.orders == before.orders + 1 and client.recency_weeks == client.age_weeks


def test_a_negative_or_missing_penalizer_is_refused(booked) -> None:
    pf, _sales = booked
    with pytest.raises(UserError):
        pf.churn.clv_report(TODAY, penalizer=-0.1)
    with pytest.raises(UserError):
        pf.churn.clv_report(TODAY, penalizer=math.nan)


def test_the_penalizer_comes_from_the_settings(tmp_path: Path) -> None:
    with open_with(tmp_path / "p.db", clock=lambda: FIXED_NOW, tz=PARIS,
                   settings=Settings(churn_penalizer=0.5)) as pf:  # fmt: skip
        assert pf.churn.clv_report(TODAY).penalizer == 0.5


# ---- the revenue at risk -----------------------------------------------------------------------


def test_weighted_churn_risk_weighs_the_last_12_months_revenue(booked) -> None:
    pf, sales = booked
    risk = pf.churn.weighted_churn_risk(TODAY)
    assert risk is not None
    alive = pf.churn.p_alive_by_account(TODAY)
    window = Window(TODAY, 12)
    revenue: dict[str, int] = {}
    for account_id, day, cents, _ref in sales:
        if window.contains(day):
            revenue[account_id] = revenue.get(account_id, 0) + cents
    exact = math.fsum((1 - alive[a]) * cents for a, cents in revenue.items() if cents > 0)
    assert risk.total == math.floor(exact + 0.5)
    assert len(risk.top) == 10
    assert [r.risk for r in risk.top] == sorted((r.risk for r in risk.top), reverse=True)
    heaviest = max(revenue, key=lambda a: (1 - alive[a]) * revenue[a])
    assert risk.top[0].account_id == heaviest and risk.top[0].name == f"Client {heaviest[4:]}"
    assert risk.top[0].share == pytest.approx((1 - alive[heaviest]) * revenue[heaviest] / exact)


def test_kpis_json_gains_the_churn_keys(booked) -> None:
    pf, _sales = booked
    data = pf.churn.kpi_report_json(pf.reports.kpi_report(as_of=TODAY))
    risk = pf.churn.weighted_churn_risk(TODAY)
    assert risk is not None and data["weighted_churn_risk"] == risk.total
    assert data["churn_risk_top"][0] == {"account_id": risk.top[0].account_id,
                                         "name": risk.top[0].name, "risk": risk.top[0].risk,
                                         "share": risk.top[0].share}  # fmt: skip
    assert set(data["projection"]) == {"churn_rate", "new_per_year", "loss_in_four_years", "years"}
    assert data["as_of"] == TODAY.isoformat() and "funnel" in data  # the KPIs themselves


def test_kpis_json_without_a_fit_nor_history(empty_portfolio: Portfolio) -> None:
    data = empty_portfolio.churn.kpi_report_json(empty_portfolio.reports.kpi_report(TODAY))
    assert (data["weighted_churn_risk"], data["churn_risk_top"], data["projection"]) == (
        None, [], None,
    )  # fmt: skip


# ---- the book in four years --------------------------------------------------------------------


def test_projection_from_the_clients_of_each_year(empty_portfolio: Portfolio) -> None:
    def sale(account_id: str, year: int, cents: int = 100) -> Sale:
        return (account_id, date(year, 5, 4), cents, None)

    fill(empty_portfolio, {"A": "A", "B": "B", "C": "C", "D": "D"}, [
        sale("A", 2023), sale("A", 2024), sale("A", 2025, 300),
        sale("B", 2023), sale("B", 2024),
        sale("C", 2024), sale("C", 2025, 600),
        sale("D", 2025, 900), sale("D", 2026),
    ])  # fmt: skip
    projection = empty_portfolio.churn.projection(TODAY)
    assert projection is not None
    # 2024: A, B active at its start, none lost, C new; 2025: A, B, C, B lost, D new
    assert projection.churn_rate == pytest.approx(1 / 6) and projection.new_per_year == 1.0
    assert projection.observed_years == (2024, 2025)
    assert (projection.base_clients, projection.revenue_per_client) == (3, 600)
    first, second = projection.years[:2]
    # 3 × 5/6 + 1 = 3.5, 3 × 5/6 = 2.5; then 3.5 × 5/6 + 1 = 3.92 and 2.5 × 5/6 = 2.08
    assert (first.year, first.clients, first.clients_without_new) == (2026, 3.5, 2.5)
    assert (first.revenue, first.revenue_without_new) == (2100, 1500)
    assert (second.clients, second.clients_without_new) == (3.9, 2.1)
    loss = 1 - Fraction(5, 6) ** 4  # 671/1296 = 51.8 %
    assert projection.loss_in_four_years == pytest.approx(float(loss))
    assert empty_portfolio.churn.projection_sentence(projection) == (
        "without prospecting, −52% of clients in 4 years"
    )


# ---- the A clients in danger -------------------------------------------------------------------


@pytest.fixture
def slipping(empty_portfolio: Portfolio) -> Portfolio:
    """Hôtel Lune, the largest client (A), bought 1,000 € in June 2025 and 500 € in March
    2026: since 1 June 2026 its last 12 months are 500 € against 1,000 € the 12 before."""
    fill(empty_portfolio, {"lune": "Hôtel Lune", "small": "Petit Café"}, [
        ("lune", date(2025, 6, 1), 100_000, None), ("lune", date(2026, 3, 1), 50_000, None),
        ("small", date(2025, 6, 1), 1_000, None), ("small", date(2026, 3, 1), 1_000, None),
    ])  # fmt: skip
    return empty_portfolio


def test_an_a_client_whose_revenue_fell_is_in_danger_since_the_drop(slipping) -> None:
    (item,) = slipping.churn.clients_in_danger(TODAY)
    assert (item.account_name, item.abc, item.reasons) == ("Hôtel Lune", "A", (REVENUE_DROP,))
    assert (item.revenue_now, item.revenue_before) == (50_000, 100_000)
    assert item.since == date(2026, 6, 1) and item.p_alive is None  # no fit on 2 clients
    assert item.title == "revenue -50% on the 12 months before"
    assert slipping.reports.agenda().at_risk == [item]


def test_a_contact_before_the_alert_leaves_it_and_one_after_clears_it(slipping) -> None:
    slipping.routine.log_interaction("call", "Hôtel Lune", "Point",
                                     at=datetime(2026, 5, 31, 17, 0, tzinfo=PARIS))  # fmt: skip
    assert [i.account_id for i in slipping.churn.clients_in_danger(TODAY)] == ["lune"]
    slipping.routine.log_interaction("visit", "Hôtel Lune", "Visite",
                                     at=datetime(2026, 6, 1, 9, 0, tzinfo=PARIS))  # fmt: skip
    assert slipping.churn.clients_in_danger(TODAY) == []


def test_planning_a_follow_up_clears_the_alert(slipping) -> None:
    slipping.routine.schedule_follow_up("Hôtel Lune", "Relancer", "+3d")
    assert slipping.churn.clients_in_danger(TODAY) == []
    assert slipping.reports.agenda().at_risk == []


def test_a_drop_under_the_threshold_or_a_lost_account_is_no_alert(slipping) -> None:
    slipping.routine.record_sale("Hôtel Lune", date(2026, 10, 1), 20_000)  # 700 € vs 1,000 €
    assert slipping.churn.clients_in_danger(TODAY) == []  # down 30 %, not more
    slipping.routine.record_sale("Hôtel Lune", date(2026, 10, 2), -1)  # down 30.001 %
    assert [i.since for i in slipping.churn.clients_in_danger(TODAY)] == [date(2026, 10, 2)]
    slipping.routine.mark_lost("Hôtel Lune", "competitor")
    assert slipping.churn.clients_in_danger(TODAY) == []


def test_an_a_client_with_a_low_p_alive_is_in_danger(booked) -> None:
    pf, _sales = booked
    result = pf.churn.scores(TODAY)
    assert result.fit.params is not None
    abc, _ = pf.reports.badges(pf.reports.window(TODAY))
    low = {
        c.account_id
        for c in result.clients
        if abc.class_of(c.account_id) == "A" and c.p_alive is not None and c.p_alive < 0.5
    }
    items = pf.churn.clients_in_danger(TODAY)
    flagged = {i.account_id for i in items if P_ALIVE_LOW in i.reasons}
    assert low and flagged == low  # nobody was contacted: every such client shows
    for item in items:
        assert item.abc == "A" and item.since <= TODAY


# ---- when an alert started ---------------------------------------------------------------------


def test_p_alive_fell_below_the_threshold_on_the_day_found() -> None:
    params = BgNbdParams(r=0.5, alpha=5.0, a=0.8, b=2.5)
    # first order 1 Jan 2024, last 1 Jul 2024 (26 weeks), 5 repeat orders, as_of 23 Nov 2026
    first, last = date(2024, 1, 1), date(2024, 7, 1)
    age = (TODAY - first).days / 7
    client = ClientClv("x", 6, 5, (last - first).days / 7, age, None, None)
    assert p_alive(params, 5, client.recency_weeks, age) < 0.5
    day = p_alive_fell_on(params, client, TODAY, 0.5)
    assert last < day <= TODAY
    before = (day - timedelta(days=1) - first).days / 7
    assert p_alive(params, 5, client.recency_weeks, (day - first).days / 7) < 0.5
    assert p_alive(params, 5, client.recency_weeks, before) >= 0.5


def test_a_p_alive_low_right_after_the_last_order_starts_there() -> None:
    params = BgNbdParams(r=0.5, alpha=5.0, a=5.0, b=1.0)  # a/(b+x−1) = 5: P(alive) ≤ 1/6
    first, last = date(2026, 1, 5), date(2026, 2, 2)
    client = ClientClv("x", 2, 1, 4.0, (TODAY - first).days / 7, None, None)
    assert p_alive_fell_on(params, client, TODAY, 0.5) == last


def test_revenue_drop_since_walks_back_the_unbroken_run() -> None:
    daily = [(date(2025, 6, 1), 100_000), (date(2026, 3, 1), 50_000)]
    drop = Fraction(3, 10)
    assert revenue_drop_since(daily, TODAY, drop) == date(2026, 6, 1)
    assert revenue_drop_since(daily, date(2026, 5, 31), drop) is None
    assert revenue_drop_since([], TODAY, drop) is None  # nothing before: no drop
    # June 2025 alone: it leaves the last 12 months on 1 June 2026, down 100 % since
    assert revenue_drop_since(daily[:1], TODAY, drop) == date(2026, 6, 1)
    # halving every year for years: down 50 % every day, so the start is looked for a year back
    halving = [(date(2020 + k // 12, k % 12 + 1, 1), round(1_000_000 * 0.5 ** (k / 12)))
               for k in range(83)]  # fmt: skip
    assert revenue_drop_since(halving, TODAY, drop) == TODAY - timedelta(days=365)


def test_settings_thresholds_drive_the_alerts(tmp_path: Path) -> None:
    settings_ = Settings(churn_revenue_drop=0.6)  # 50 % down is no longer enough
    with open_with(tmp_path / "s.db", clock=lambda: FIXED_NOW, tz=PARIS,
                   settings=settings_) as pf:  # fmt: skip
        fill(pf, {"lune": "Hôtel Lune"}, [("lune", date(2025, 6, 1), 100_000, None),
                                          ("lune", date(2026, 3, 1), 50_000, None)])  # fmt: skip
        assert pf.churn.clients_in_danger(TODAY) == []
