"""The book in four years: yearly churn and new clients of the last complete years, carried on.

For a complete calendar year y before as_of's year, the clients active at its start are those
with a sale in y − 1; its churn rate is the share of them without a sale in y, and its new
clients are those whose first sale ever falls in y. The observed years are the last three
complete years at most, and only those with clients at their start (the book's first year has
none: everybody is "new" there). Their rates and new-client counts are averaged.

From the clients of the last complete year (N₀), the next four years (as_of's year included)
are N_k = N_{k−1}·(1 − churn) + new, and without prospecting N₀·(1 − churn)^k; revenue is
clients × the revenue per client of the last complete year. The arithmetic is exact
(fractions); clients are rounded half up to one decimal, so that a small book's erosion still
shows from one year to the next, and revenue half up to the cent.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

HISTORY_YEARS = 3
PROJECTED_YEARS = 4


@dataclass(frozen=True, slots=True)
class ProjectedYear:
    year: int
    clients: float
    clients_without_new: float
    revenue: int  # cents
    revenue_without_new: int  # cents

    def to_json(self) -> dict[str, int | float]:
        return {
            "year": self.year,
            "clients": self.clients,
            "clients_without_new": self.clients_without_new,
            "revenue": self.revenue,
            "revenue_without_new": self.revenue_without_new,
        }


@dataclass(frozen=True, slots=True)
class BookProjection:
    churn_rate: float  # average yearly share of the clients lost
    new_per_year: float  # average new clients a year
    loss_in_four_years: float  # share of today's clients gone in four years without prospecting
    observed_years: tuple[int, ...]
    base_year: int  # the last complete year: its clients and revenue per client start it all
    base_clients: int
    revenue_per_client: int  # cents, in the base year
    years: tuple[ProjectedYear, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "churn_rate": self.churn_rate,
            "new_per_year": self.new_per_year,
            "loss_in_four_years": self.loss_in_four_years,
            "years": [year.to_json() for year in self.years],
        }


def project_book(
    sales_years: Mapping[str, Iterable[int]],
    revenue_by_year: Mapping[str, Mapping[int, int]],
    as_of: date,
) -> BookProjection | None:
    """Project the book from the years with sales and the revenue (cents) of each account;
    None when no complete year before as_of's year had clients at its start."""
    years_of = {account: set(years) for account, years in sales_years.items()}
    base_year = as_of.year - 1
    observed = [
        year
        for year in range(base_year - HISTORY_YEARS + 1, base_year + 1)
        if _active(years_of, year - 1)
    ]
    if not observed:
        return None
    churn = sum((_churn(years_of, year) for year in observed), Fraction(0)) / len(observed)
    new = Fraction(sum(_new_clients(years_of, year) for year in observed), len(observed))
    base = _active(years_of, base_year)
    revenue = sum(revenue_by_year.get(account, {}).get(base_year, 0) for account in base)
    per_client = Fraction(revenue, len(base)) if base else Fraction(0)
    return BookProjection(
        churn_rate=float(churn),
        new_per_year=float(new),
        loss_in_four_years=float(1 - (1 - churn) ** PROJECTED_YEARS),
        observed_years=tuple(observed),
        base_year=base_year,
        base_clients=len(base),
        revenue_per_client=_half_up(per_client),
        years=_project(as_of.year, len(base), churn, new, per_client),
    )


def _active(years_of: Mapping[str, set[int]], year: int) -> set[str]:
    return {account for account, years in years_of.items() if year in years}


def _churn(years_of: Mapping[str, set[int]], year: int) -> Fraction:
    at_start = _active(years_of, year - 1)
    lost = sum(1 for account in at_start if year not in years_of[account])
    return Fraction(lost, len(at_start))


def _new_clients(years_of: Mapping[str, set[int]], year: int) -> int:
    return sum(1 for years in years_of.values() if years and min(years) == year)


def _project(
    first_year: int, base_clients: int, churn: Fraction, new: Fraction, per_client: Fraction
) -> tuple[ProjectedYear, ...]:
    clients = without_new = Fraction(base_clients)
    years = []
    for year in range(first_year, first_year + PROJECTED_YEARS):
        clients = clients * (1 - churn) + new
        without_new = without_new * (1 - churn)
        years.append(
            ProjectedYear(
                year=year,
                clients=_half_up(clients * 10) / 10,
                clients_without_new=_half_up(without_new * 10) / 10,
                revenue=_half_up(clients * per_client),
                revenue_without_new=_half_up(without_new * per_client),
            )
        )
    return tuple(years)


def _half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))
