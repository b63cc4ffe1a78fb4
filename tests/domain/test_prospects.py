"""The seed method: score prospects, band them by potential and accessibility, rank them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from portfolio_tui.domain.prospects import (
    BANDS,
    PotentialCuts,
    accessibility_band,
    potential_band,
    potential_cuts,
    priority_of,
    prospect_matrix,
    prospect_score,
    score_prospects,
)


@dataclass(frozen=True)
class Card:
    account_id: str
    name: str
    stage: str
    potential: int | None
    accessibility: int | None


def test_potential_cuts_are_terciles_of_known_positive_potentials():
    cuts = potential_cuts([None, 0, 100, 200, 300, 400, 500, 600])
    assert cuts == PotentialCuts(medium_above=200, high_above=400)
    assert [potential_band(p, cuts) for p in (100, 200, 300, 400, 500, 600)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]


def test_potential_band_of_missing_or_zero_potential_is_low():
    cuts = potential_cuts([100, 200, 300])
    assert potential_band(None, cuts) == "low"
    assert potential_band(0, cuts) == "low"
    assert potential_cuts([]) == PotentialCuts(0, 0)
    assert potential_band(5, PotentialCuts(0, 0)) == "high"


def test_a_single_prospect_is_low_potential_against_itself():
    cuts = potential_cuts([1000])
    assert cuts == PotentialCuts(1000, 1000)
    assert potential_band(1000, cuts) == "low"


@pytest.mark.parametrize(
    ("accessibility", "band"),
    [(None, "low"), (1, "low"), (2, "low"), (3, "medium"), (4, "high"), (5, "high")],
)
def test_accessibility_band(accessibility, band):
    assert accessibility_band(accessibility) == band


def test_score_is_potential_weighted_by_accessibility():
    assert prospect_score(1_000_000, 5) == 1_000_000
    assert prospect_score(1_000_000, 3) == 600_000
    assert prospect_score(1_000_000, 1) == 200_000
    assert prospect_score(None, 5) == 0
    assert prospect_score(1_000_000, None) == 0


def test_priority_runs_from_high_high_to_low_low():
    assert priority_of("high", "high") == 1
    assert priority_of("high", "medium") == priority_of("medium", "high") == 2
    assert priority_of("low", "high") == priority_of("medium", "medium") == 3
    assert priority_of("low", "low") == 5


def test_score_prospects_ranks_by_matrix_cell_then_score_then_name():
    cards = [
        Card("1", "Big but closed", "cold", 900_00, 1),  # high x low → priority 3
        Card("2", "Small and open", "warm", 100_00, 5),  # low x high → priority 3
        Card("3", "Big and open", "hot", 800_00, 4),  # high x high → priority 1
        Card("4", "Middle", "cold", 500_00, 3),  # medium x medium → priority 3
        Card("5", "Small closed", "suspect", 50_00, 2),  # low x low → priority 5
        Card("6", "Middle open", "suspect", 400_00, 5),  # medium x high → priority 2
    ]
    ranked = score_prospects(cards)
    assert [r.account_id for r in ranked] == ["3", "6", "4", "1", "2", "5"]
    assert [r.rank for r in ranked] == [1, 2, 3, 4, 5, 6]
    first = ranked[0]
    assert (first.potential_band, first.accessibility_band, first.priority) == ("high", "high", 1)
    assert first.score == 800_00 * 4 // 5
    assert first.priority_label == "work first"
    assert ranked[-1].priority_label == "later"


def test_equal_priority_and_score_rank_by_name():
    cards = [Card("b", "beta", "cold", None, None), Card("a", "Alpha", "cold", None, None)]
    assert [r.name for r in score_prospects(cards)] == ["Alpha", "beta"]


def test_matrix_places_every_prospect_in_its_cell_in_rank_order():
    cards = [
        Card(str(i), f"P{i:02d}", "cold", potential, access)
        for i, (potential, access) in enumerate(
            [(10, 5), (20, 4), (30, 3), (40, 2), (50, 1), (60, 5), (70, 4), (80, 3), (90, None)]
        )
    ]
    ranked = score_prospects(cards)
    matrix = prospect_matrix(ranked)
    assert set(matrix) == {(p, a) for p in BANDS for a in BANDS}
    assert sum(len(v) for v in matrix.values()) == len(cards)
    for (p_band, a_band), members in matrix.items():
        assert all(m.potential_band == p_band and m.accessibility_band == a_band for m in members)
        assert [m.rank for m in members] == sorted(m.rank for m in members)
    assert [m.name for m in matrix["high", "high"]] == ["P06"]
    assert [m.name for m in matrix["medium", "high"]] == ["P05"]
    assert [m.name for m in matrix["low", "high"]] == ["P01", "P00"]


def test_score_prospects_of_nothing_is_empty():
    assert score_prospects([]) == []
