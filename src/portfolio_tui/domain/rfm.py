"""RFM scores (recency, frequency, monetary, 1-5 each) and the segment named by R and F."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from portfolio_tui.domain.records import AccountFigures

SEGMENTS: tuple[str, ...] = (
    "Champions",
    "Loyal",
    "Potential Loyalists",
    "New Customers",
    "Promising",
    "Need Attention",
    "About to Sleep",
    "At Risk",
    "Can't Lose Them",
    "Hibernating",
)

# (segment, R scores, F scores); a test checks these tile 1..5 x 1..5 exactly once.
SEGMENT_RULES: tuple[tuple[str, range, range], ...] = (
    ("Champions", range(5, 6), range(4, 6)),
    ("Loyal", range(3, 5), range(4, 6)),
    ("Potential Loyalists", range(4, 6), range(2, 4)),
    ("New Customers", range(5, 6), range(1, 2)),
    ("Promising", range(4, 5), range(1, 2)),
    ("Need Attention", range(3, 4), range(3, 4)),
    ("About to Sleep", range(3, 4), range(1, 3)),
    ("At Risk", range(1, 3), range(3, 5)),
    ("Can't Lose Them", range(1, 3), range(5, 6)),
    ("Hibernating", range(1, 3), range(1, 3)),
)

_SEGMENT_OF: dict[tuple[int, int], str] = {
    (r, f): name for name, rs, fs in SEGMENT_RULES for r in rs for f in fs
}


@dataclass(frozen=True, slots=True)
class RfmScore:
    recency_days: int
    frequency: int
    monetary: int
    r: int
    f: int
    m: int
    segment: str

    @property
    def code(self) -> str:
        return f"{self.r}{self.f}{self.m}"


def segment_for(r: int, f: int) -> str:
    try:
        return _SEGMENT_OF[(r, f)]
    except KeyError:
        raise ValueError(f"R and F scores must be 1-5, got r={r}, f={f}") from None


def quintile_scores(values: Sequence[int]) -> list[int]:
    """Score each value (higher is better): 1 + floor(5 * strictly_worse / N), at most 5.

    Equal values share a score. Sort once and bisect: O(N log N).
    """
    n = len(values)
    ordered = sorted(values)
    return [min(5, 1 + 5 * bisect_left(ordered, v) // n) for v in values]


def score_rfm(figures: Iterable[AccountFigures], as_of: date) -> dict[str, RfmScore]:
    """RFM for the accounts with at least one order and a last sale; the rest are absent."""
    population: list[AccountFigures] = []
    recency: list[int] = []
    for fig in figures:
        if fig.orders > 0 and fig.last_sale is not None:
            population.append(fig)
            recency.append((as_of - fig.last_sale).days)
    r_scores = quintile_scores([-days for days in recency])
    f_scores = quintile_scores([f.orders for f in population])
    m_scores = quintile_scores([f.revenue for f in population])
    return {
        fig.account_id: RfmScore(
            recency_days=days,
            frequency=fig.orders,
            monetary=fig.revenue,
            r=r,
            f=f,
            m=m,
            segment=_SEGMENT_OF[(r, f)],
        )
        for fig, days, r, f, m in zip(
            population, recency, r_scores, f_scores, m_scores, strict=True
        )
    }
