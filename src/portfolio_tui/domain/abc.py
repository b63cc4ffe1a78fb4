"""ABC classification and the Pareto share, by revenue or by margin."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from portfolio_tui.domain.records import AccountFigures

ABC_CLASSES: tuple[str, ...] = ("A", "B", "C")
PARETO_TARGET = 0.80


@dataclass(frozen=True, slots=True)
class AbcThresholds:
    """An account is A while the share ranked above it is < a, B while < b, else C."""

    a: float = 0.80
    b: float = 0.95

    def __post_init__(self) -> None:
        if not 0 < self.a < self.b <= 1:
            raise ValueError(f"ABC thresholds need 0 < a < b <= 1, got a={self.a}, b={self.b}")


@dataclass(frozen=True, slots=True)
class RankedAccount:
    account_id: str
    name: str
    value: int
    share: float
    cumulative_before: float
    abc_class: str
    rank: int  # 1 = largest value


@dataclass(frozen=True, slots=True)
class ClassSummary:
    abc_class: str
    accounts: int
    value: int
    share: float


@dataclass(frozen=True, slots=True)
class AbcResult:
    ranked: list[RankedAccount]
    total: int
    pareto_count: int
    pareto_share: float
    _by_id: dict[str, RankedAccount] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {r.account_id: r for r in self.ranked})

    def class_of(self, account_id: str) -> str | None:
        ranked = self._by_id.get(account_id)
        return None if ranked is None else ranked.abc_class

    def summary(self) -> list[ClassSummary]:
        """A, B and C in that order, classes without accounts included with zeros."""
        counts = dict.fromkeys(ABC_CLASSES, 0)
        values = dict.fromkeys(ABC_CLASSES, 0)
        for r in self.ranked:
            counts[r.abc_class] += 1
            values[r.abc_class] += r.value
        return [
            ClassSummary(c, counts[c], values[c], values[c] / self.total if self.total else 0.0)
            for c in ABC_CLASSES
        ]


def classify_abc(
    values: Iterable[tuple[str, str, int]],
    thresholds: AbcThresholds = AbcThresholds(),
    *,
    pareto_target: float = PARETO_TARGET,
) -> AbcResult:
    """Rank (account_id, name, value in cents) and class them; values <= 0 get no class.

    Ties rank by name, then id. Shares are one float division of exact integer sums, so an
    account that starts exactly at 80% (e.g. 4/5) is B, not A.
    """
    positive = sorted(
        ((account_id, name, value) for account_id, name, value in values if value > 0),
        key=lambda row: (-row[2], row[1], row[0]),
    )
    total = sum(value for _, _, value in positive)
    ranked: list[RankedAccount] = []
    cumulative = 0
    pareto_count = 0
    for rank, (account_id, name, value) in enumerate(positive, start=1):
        before = cumulative / total
        if before < thresholds.a:
            abc_class = "A"
        elif before < thresholds.b:
            abc_class = "B"
        else:
            abc_class = "C"
        ranked.append(
            RankedAccount(account_id, name, value, value / total, before, abc_class, rank)
        )
        cumulative += value
        if not pareto_count and cumulative / total >= pareto_target:
            pareto_count = rank
    pareto_share = pareto_count / len(ranked) if ranked else 0.0
    return AbcResult(ranked, total, pareto_count, pareto_share)


def abc_values(
    figures: Iterable[AccountFigures], by: str = "revenue"
) -> list[tuple[str, str, int]]:
    """The (account_id, name, value) rows classify_abc takes, by "revenue" or "margin"."""
    if by == "revenue":
        return [(f.account_id, f.name, f.revenue) for f in figures]
    if by == "margin":
        return [(f.account_id, f.name, f.margin) for f in figures]
    raise ValueError(f"unknown ABC basis {by!r} (expected revenue or margin)")
