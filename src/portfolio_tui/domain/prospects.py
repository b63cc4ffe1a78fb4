"""Which prospects to work first: the seed method.

Score each prospect, then place it in a matrix of potential band (high, medium, low) by
accessibility band (high, medium, low). The score is the expected yearly value: potential
(cents a year) times accessibility (1-5) over 5. Potential bands are relative to the prospects
being ranked (terciles of the known potentials), because what counts as a big account differs
from one trade to the next; accessibility is already on a fixed 1-5 scale.

The matrix cell sets the priority: 1 for high × high, 5 for low × low (the sum of the two band
ranks, plus one). Prospects rank by priority, then by score, then by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

BANDS: tuple[str, ...] = ("high", "medium", "low")
_BAND_RANK = {band: i for i, band in enumerate(BANDS)}
PRIORITY_LABELS = {1: "work first", 2: "work first", 3: "develop", 4: "later", 5: "later"}


class Prospect(Protocol):
    """Anything with these attributes (a pipeline card) can be ranked."""

    @property
    def account_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def stage(self) -> str: ...
    @property
    def potential(self) -> int | None: ...
    @property
    def accessibility(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class PotentialCuts:
    """A potential above `high_above` is high, above `medium_above` medium, else low."""

    medium_above: int
    high_above: int


@dataclass(frozen=True, slots=True)
class RankedProspect:
    account_id: str
    name: str
    stage: str
    potential: int | None
    accessibility: int | None
    score: int  # expected cents a year: potential × accessibility / 5
    potential_band: str
    accessibility_band: str
    priority: int  # 1 (high × high) to 5 (low × low)
    rank: int  # 1 = work first

    @property
    def priority_label(self) -> str:
        return PRIORITY_LABELS[self.priority]


def potential_cuts(potentials: Iterable[int | None]) -> PotentialCuts:
    """Tercile cuts of the known, positive potentials (0 and 0 when there are none)."""
    known = sorted(p for p in potentials if p is not None and p > 0)
    if not known:
        return PotentialCuts(0, 0)
    n = len(known)
    return PotentialCuts(medium_above=known[(n - 1) // 3], high_above=known[(2 * n - 1) // 3])


def potential_band(potential: int | None, cuts: PotentialCuts) -> str:
    if potential is None or potential <= 0:
        return "low"
    if potential > cuts.high_above:
        return "high"
    if potential > cuts.medium_above:
        return "medium"
    return "low"


def accessibility_band(accessibility: int | None) -> str:
    """4-5 high, 3 medium, 1-2 (or unknown) low."""
    if accessibility is None:
        return "low"
    if accessibility >= 4:
        return "high"
    if accessibility == 3:
        return "medium"
    return "low"


def prospect_score(potential: int | None, accessibility: int | None) -> int:
    """Expected cents a year: the potential weighted by how reachable the account is."""
    if not potential or potential <= 0 or not accessibility:
        return 0
    return potential * max(1, min(5, accessibility)) // 5


def priority_of(potential: str, accessibility: str) -> int:
    return 1 + _BAND_RANK[potential] + _BAND_RANK[accessibility]


def score_prospects(prospects: Iterable[Prospect]) -> list[RankedProspect]:
    """Every prospect scored, banded and ranked, best first."""
    items = list(prospects)
    cuts = potential_cuts(p.potential for p in items)
    scored = []
    for p in items:
        p_band = potential_band(p.potential, cuts)
        a_band = accessibility_band(p.accessibility)
        scored.append(
            (
                priority_of(p_band, a_band),
                prospect_score(p.potential, p.accessibility),
                p,
                p_band,
                a_band,
            )
        )
    scored.sort(key=lambda s: (s[0], -s[1], s[2].name.casefold(), s[2].account_id))
    return [
        RankedProspect(
            account_id=p.account_id,
            name=p.name,
            stage=p.stage,
            potential=p.potential,
            accessibility=p.accessibility,
            score=score,
            potential_band=p_band,
            accessibility_band=a_band,
            priority=priority,
            rank=rank,
        )
        for rank, (priority, score, p, p_band, a_band) in enumerate(scored, start=1)
    ]


def prospect_matrix(
    ranked: Sequence[RankedProspect],
) -> dict[tuple[str, str], list[RankedProspect]]:
    """(potential band, accessibility band) → its prospects in rank order; all 9 cells present."""
    cells: dict[tuple[str, str], list[RankedProspect]] = {(p, a): [] for p in BANDS for a in BANDS}
    for r in sorted(ranked, key=lambda r: r.rank):
        cells[r.potential_band, r.accessibility_band].append(r)
    return cells
