"""Churn in the app (issue 12): P(alive) on the Account card and as a sortable, filterable
Portfolio column, the weighted churn risk and the four-year projection on the Dashboard, and
the A clients at risk on Today. What is shown is checked against the service's own figures on
the seeded demo, and the projection chart against a book worked out by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from analysis_helpers import SIZE, analysis_app, keys, plain, static_text, wait_idle
from routine_helpers import press, select_row, type_text

from portfolio_tui.domain.projection import project_book
from portfolio_tui.domain.settings import Settings
from portfolio_tui.domain.text import sort_key
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.i18n import set_language
from portfolio_tui.tui.app import make_app
from portfolio_tui.tui.modals.forms import LogForm
from portfolio_tui.tui.screens.account import AccountScreen
from portfolio_tui.tui.screens.dashboard import DashboardScreen
from portfolio_tui.tui.screens.portfolio import PortfolioScreen
from portfolio_tui.tui.screens.today import TodayScreen
from portfolio_tui.tui.text import whole_money
from portfolio_tui.tui.widgets.agenda_table import AT_RISK, GroupHeading
from portfolio_tui.tui.widgets.projection_chart import projection_text

from conftest import PARIS, fixed_clock, open_portfolio

EUR = Settings()
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def english_again() -> Iterator[None]:
    """The language is process-wide: every test here starts and ends in English."""
    set_language("en")
    yield
    set_language("en")


def pct(ratio: float) -> str:
    return f"{ratio * 100:.0f}%"


async def open_portfolio_screen(pilot) -> PortfolioScreen:
    await keys(pilot, "2")
    screen = pilot.app.screen
    assert isinstance(screen, PortfolioScreen) and screen.view is not None
    return screen


def shown_ids(screen: PortfolioScreen) -> list[str]:
    return [row.account_id for row in screen.table.items]


# --- Portfolio: the P(alive) column, its sort and its quick filter ---------------------------


async def test_portfolio_shows_sorts_and_filters_by_p_alive(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        rows = pf.reports.portfolio_rows()
        alive = pf.churn.p_alive_by_account()
    assert {r.account_id: r.p_alive for r in rows if r.p_alive is not None} == alive
    with_p = sorted(
        (r for r in rows if r.p_alive is not None),
        key=lambda r: (r.p_alive, sort_key(r.name), r.account_id),
    )
    without_p = sorted(
        (r for r in rows if r.p_alive is None), key=lambda r: (sort_key(r.name), r.account_id)
    )
    below_half = [r.account_id for r in with_p if r.p_alive < 0.5]
    below_quarter = [r.account_id for r in with_p if r.p_alive < 0.25]
    assert len(alive) == 31 and len(below_half) == 2  # the demo's fit: 31 clients, 2 slipping

    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio_screen(pilot)
        assert "P(alive)" in screen.table.render_line(0).text
        for row in screen.table.items:
            cell = screen._cells(row)[7].plain
            assert cell == ("—" if row.p_alive is None else pct(row.p_alive)), row.name

        # s cycles revenue → name → stage → ABC → RFM → last → next → P(alive), lowest first.
        await keys(pilot, *["s"] * 7)
        assert screen.sort_column == "p_alive" and not screen.descending
        assert shown_ids(screen) == [r.account_id for r in with_p + without_p]
        assert "sorted by P(alive) ▲" in plain(screen.query_one("#portfolio-status").content)

        await keys(pilot, "p")
        assert shown_ids(screen) == below_half
        status = plain(screen.query_one("#portfolio-status").content)
        assert "2 of 60" in status and "P(alive) < 50%" in status
        await keys(pilot, "p")
        assert shown_ids(screen) == below_quarter
        assert "P(alive) < 25%" in plain(screen.query_one("#portfolio-status").content)
        await keys(pilot, "p")
        assert len(shown_ids(screen)) == 60


# --- Account: P(alive) on the card -----------------------------------------------------------


async def test_account_card_shows_p_alive_and_none_without_orders(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        alive = pf.churn.p_alive_by_account()
        client_id = min(alive, key=lambda a: (alive[a], a))  # the client most likely gone
        rows = pf.reports.portfolio_rows()
        prospect_id = next(r.account_id for r in rows if r.p_alive is None)
        card = pf.reports.account_card(client_id)
    assert card.p_alive == alive[client_id]
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_idle(pilot)
        app.open_account(client_id)
        await wait_idle(pilot)
        assert isinstance(app.screen, AccountScreen)
        header = static_text(app.screen, "#account-header")
        assert f"P(alive) {pct(alive[client_id])}" in header

        app.open_account(prospect_id)
        await wait_idle(pilot)
        assert "P(alive)" not in static_text(app.screen, "#account-header")


# --- Dashboard: weighted churn risk, projection chart and its sentence ------------------------


async def test_dashboard_shows_the_churn_risk_and_the_projection(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        risk = pf.churn.weighted_churn_risk()
        projection = pf.churn.projection()
        assert risk is not None and projection is not None
        sentence = pf.churn.projection_sentence(projection)
    # The rep's own figures: 1 client in 46 lost a year, so 1 − (45/46)⁴ ≈ 8 % in four years.
    assert sentence == "without prospecting, −8% of clients in 4 years"
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "5")
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and screen.data is not None
        title = static_text(screen, "#churn-title")
        assert f"Churn risk · {whole_money(risk.total, EUR)} of the last 12 months'" in title
        lines = static_text(screen, "#churn-table", width=60).splitlines()
        assert len([line for line in lines if line.strip()]) == len(risk.top) == 10
        for rank, (line, client) in enumerate(zip(lines, risk.top, strict=False), start=1):
            assert line.split()[0] == str(rank)
            assert client.name in line
            assert whole_money(client.risk, EUR) in line and pct(client.share) in line

        chart = static_text(screen, "#projection", width=60)
        years, with_new, without_new = chart.splitlines()[5:8]
        for year in projection.years:
            assert str(year.year) in years
            assert fmt.number(year.clients, 1) in with_new
            assert fmt.number(year.clients_without_new, 1) in without_new
        assert static_text(screen, "#projection-sentence").strip() == sentence


async def test_dashboard_projection_sentence_in_french(demo_db_path):
    app = make_app(demo_db_path, clock=fixed_clock, tz=PARIS, settings=Settings(), language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "5")
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and screen.data is not None
        shown = static_text(screen, "#projection-sentence").strip()
        assert shown == f"sans prospection, −8{NBSP}% de clients en 4 ans"


def test_projection_chart_of_a_book_worked_out_by_hand(portfolio):
    """Ten clients in 2024; in 2025 eight stay and two new ones come: churn 2/10 = 20 %, two
    new a year. From the 10 clients of 2025: with new ones 10 × 0.8 + 2 = 10 every year;
    without, 8, 6.4, 5.12 → 5.1, 4.096 → 4.1. The top of the chart is 10 over 5 lines, so a
    bar of v clients fills v / 2 lines (8 → 4, 6.4 → 3.2, 5.1 → 2.55, 4.1 → 2.05)."""
    stayed = {f"s{i}": [2024, 2025] for i in range(8)}
    left = {f"l{i}": [2024] for i in range(2)}
    new = {f"n{i}": [2025] for i in range(2)}
    years = {**stayed, **left, **new}
    revenue = {account: {year: 100_00 for year in ys} for account, ys in years.items()}
    projection = project_book(years, revenue, date(2026, 11, 23))
    assert projection is not None
    assert (projection.churn_rate, projection.new_per_year, projection.base_clients) == (
        0.2,
        2.0,
        10,
    )
    assert portfolio.churn.projection_sentence(projection) == (
        "without prospecting, −59% of clients in 4 years"  # 1 − 0.8⁴ = 0.5904
    )
    text = plain(projection_text(projection, 5, {}), width=60)
    assert [line.rstrip() for line in text.splitlines()] == [
        "  10 ███┈┈┈┈┈┈┈███┈┈┈┈┈┈┈███┈┈┈┈┈┈┈███┈┈┈┈┈┈┈",  # the base year's 10, dotted
        "     ███ ███   ███ ▂▂▂   ███       ███",
        "     ███ ███   ███ ███   ███ ▄▄▄   ███ ▁▁▁",
        "     ███ ███   ███ ███   ███ ███   ███ ███",
        "     ███ ███   ███ ███   ███ ███   ███ ███",
        "      2026      2027      2028      2029",
        "      10.0      10.0      10.0      10.0",
        "       8.0       6.4       5.1       4.1",
        "█ with new clients (2.0 a year)",
        "█ without prospecting",
        "┈ 10 clients in 2025, 20% of them lost a year",
    ]


# --- Today: the A clients at risk, with the reason --------------------------------------------


async def test_today_lists_the_clients_at_risk_with_why_until_a_contact(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        agenda = pf.reports.agenda()
    at_risk = agenda.at_risk
    assert [(i.account_name, i.title) for i in at_risk] == [
        ("Hôtel David SARL", "revenue -43% on the 12 months before")
    ]
    item = at_risk[0]
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_idle(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        assert "1 at risk" in static_text(screen, "#today-title")
        rows = screen.table.items
        heading = next(i for i, r in enumerate(rows) if isinstance(r, GroupHeading)
                       and r.name == AT_RISK)  # fmt: skip
        assert rows[heading].count == 1 and rows[heading + 1] == item
        following = rows[heading + 2]
        assert isinstance(following, GroupHeading) and following.name == "Due for contact"
        cells = [c.plain for c in screen.table.cells(item)]
        assert cells[0] == f"since {item.since:%a %d %b}"
        assert cells[1] == "Hôtel David SARL" and cells[4] == item.title

        await select_row(pilot, f"risk:{item.account_id}")
        await press(pilot, "d")  # not a follow-up: says what to do instead
        assert any("is at risk" in str(n.message) for n in app._notifications)
        assert isinstance(app.screen, TodayScreen)

        await press(pilot, "l")  # log the call the alert asks for: it clears
        assert isinstance(app.screen, LogForm)
        await type_text(pilot, "Appel: point sur la baisse")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TodayScreen)
        await wait_idle(pilot)
        assert not any(
            isinstance(r, GroupHeading) and r.name == AT_RISK for r in screen.table.items
        )
        assert "0 at risk" in static_text(screen, "#today-title")
    with open_portfolio(demo_db_path) as pf:
        assert pf.reports.agenda().at_risk == []
