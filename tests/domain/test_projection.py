"""The book in four years: churn and new clients of the last complete years, projected."""

from datetime import date

import pytest

from portfolio_tui.domain.projection import ProjectedYear, project_book

AS_OF = date(2026, 3, 15)

# 2023: A B C D            (the book's first year: nobody at its start, not observed)
# 2024: A B C E F          at start A B C D, lost D: 1/4;  new E F: 2
# 2025: A B E F G          at start A B C E F, lost C: 1/5; new G: 1
SALES_YEARS = {
    "A": {2023, 2024, 2025},
    "B": {2023, 2024, 2025},
    "C": {2023, 2024},
    "D": {2023},
    "E": {2024, 2025},
    "F": {2024, 2025},
    "G": {2025, 2026},  # 2026 is as_of's year, not complete: ignored
}
# 2025: 10,000 + 20,000 + 5,000 + 15,000 + 50,000 = 100,000 cents for 5 clients: 20,000 each
REVENUE = {
    "A": {2023: 1, 2025: 10_000},
    "B": {2025: 20_000},
    "E": {2025: 5_000},
    "F": {2025: 15_000},
    "G": {2025: 50_000, 2026: 99_999},
}


def test_projection_by_hand():
    projection = project_book(SALES_YEARS, REVENUE, AS_OF)
    assert projection is not None
    # churn (1/4 + 1/5) / 2 = 0.225, so 1 − churn = 0.775; new (2 + 1) / 2 = 1.5
    assert projection.churn_rate == pytest.approx(0.225)
    assert projection.new_per_year == 1.5
    assert projection.observed_years == (2024, 2025)
    assert (projection.base_year, projection.base_clients) == (2025, 5)
    assert projection.revenue_per_client == 20_000
    # N1 = 5 × 0.775 + 1.5 = 5.375            without new 5 × 0.775 = 3.875
    # N2 = 5.375 × 0.775 + 1.5 = 5.665625     5 × 0.775² = 3.003125
    # N3 = 5.665625 × 0.775 + 1.5 = 5.890859375              5 × 0.775³ = 2.327421875
    # N4 = 5.890859375 × 0.775 + 1.5 = 6.065416015625        5 × 0.775⁴ = 1.803751953125
    # revenue = clients × 20,000, half up to the cent; clients half up to one decimal
    assert projection.years == (
        ProjectedYear(2026, 5.4, 3.9, 107_500, 77_500),
        ProjectedYear(2027, 5.7, 3.0, 113_313, 60_063),  # 113,312.5 and 60,062.5 round up
        ProjectedYear(2028, 5.9, 2.3, 117_817, 46_548),  # 117,817.1875 and 46,548.4375
        ProjectedYear(2029, 6.1, 1.8, 121_308, 36_075),  # 121,308.3203125 and 36,075.0390625
    )
    # 1 − 0.775⁴ = 1 − 0.360750390625
    assert projection.loss_in_four_years == pytest.approx(0.639249609375, rel=1e-12)


def test_projection_as_json():
    projection = project_book(SALES_YEARS, REVENUE, AS_OF)
    assert projection is not None
    payload = projection.to_json()
    assert set(payload) == {"churn_rate", "new_per_year", "loss_in_four_years", "years"}
    assert payload["years"][0] == {
        "year": 2026,
        "clients": 5.4,
        "clients_without_new": 3.9,
        "revenue": 107_500,
        "revenue_without_new": 77_500,
    }
    assert all(isinstance(year["revenue"], int) for year in payload["years"])


def test_fifteen_percent_churn_loses_48_percent_in_four_years():
    # 2024: 20 clients; 2025: 17 of them stay and 3 new come: churn 3/20 = 15 %
    sales_years = {f"old{n:02}": {2024, 2025} if n < 17 else {2024} for n in range(20)}
    sales_years |= {f"new{n}": {2025} for n in range(3)}
    projection = project_book(sales_years, {}, AS_OF)
    assert projection is not None
    assert projection.churn_rate == pytest.approx(0.15)
    assert projection.new_per_year == 3
    # 1 − 0.85⁴ = 1 − 0.52200625
    assert projection.loss_in_four_years == pytest.approx(0.47799375, rel=1e-12)
    # no revenue recorded: the clients are projected, the revenue is nought
    assert projection.years[0] == ProjectedYear(2026, 20.0, 17.0, 0, 0)  # 20 × 0.85 + 3 = 20


def test_at_most_the_last_three_complete_years_are_observed():
    # client c_n buys every year from 2018 to 2018 + n: one client lost a year since 2019.
    # Only 2023-2025 count: at their start 6, 5 and 4 clients (c4-c9, c5-c9, c6-c9), one lost
    # each time; 3 clients in 2025 (c7-c9; the sales of 2026 and 2027 are ignored).
    sales_years = {f"c{n}": set(range(2018, 2019 + n)) for n in range(10)}
    projection = project_book(sales_years, {}, AS_OF)
    assert projection is not None
    assert projection.observed_years == (2023, 2024, 2025)
    assert projection.churn_rate == pytest.approx((1 / 6 + 1 / 5 + 1 / 4) / 3)
    assert projection.new_per_year == 0
    assert projection.base_clients == 3


def test_no_projection_without_a_complete_year_with_clients_at_its_start():
    assert project_book({}, {}, AS_OF) is None
    assert project_book({"A": {2026}}, {"A": {2026: 100}}, AS_OF) is None
    # 2025 is complete but is the book's first year: nobody was a client at its start
    assert project_book({"A": {2025}, "B": {2025, 2026}}, {}, AS_OF) is None


def test_a_book_that_lost_everyone_projects_nothing():
    projection = project_book({"A": {2024}, "B": {2024}}, {"A": {2024: 500}}, AS_OF)
    assert projection is not None
    assert (projection.churn_rate, projection.base_clients, projection.revenue_per_client) == (
        1.0,
        0,
        0,
    )
    assert projection.loss_in_four_years == 1.0
    assert all(year.clients == 0 and year.revenue == 0 for year in projection.years)
