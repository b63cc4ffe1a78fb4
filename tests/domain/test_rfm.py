from datetime import date, timedelta

import pytest

from portfolio_tui.domain.records import AccountFigures
from portfolio_tui.domain.rfm import (
    SEGMENT_RULES,
    SEGMENTS,
    RfmScore,
    quintile_scores,
    score_rfm,
    segment_for,
)

AS_OF = date(2026, 6, 30)


def fig(account_id: str, days_ago: int | None, orders: int, revenue: int) -> AccountFigures:
    last = None if days_ago is None else AS_OF - timedelta(days=days_ago)
    return AccountFigures(account_id, account_id.upper(), revenue, 0, orders, last)


def test_segment_table_covers_every_cell_exactly_once():
    for r in range(1, 6):
        for f in range(1, 6):
            matches = [name for name, rs, fs in SEGMENT_RULES if r in rs and f in fs]
            assert len(matches) == 1, (r, f, matches)
    assert tuple(name for name, _, _ in SEGMENT_RULES) == SEGMENTS
    assert len(SEGMENTS) == 10


@pytest.mark.parametrize(
    ("r", "f", "segment"),
    [
        (5, 5, "Champions"),
        (5, 4, "Champions"),
        (4, 5, "Loyal"),
        (3, 4, "Loyal"),
        (5, 3, "Potential Loyalists"),
        (4, 2, "Potential Loyalists"),
        (5, 1, "New Customers"),
        (4, 1, "Promising"),
        (3, 3, "Need Attention"),
        (3, 2, "About to Sleep"),
        (3, 1, "About to Sleep"),
        (2, 3, "At Risk"),
        (1, 4, "At Risk"),
        (1, 5, "Can't Lose Them"),
        (2, 5, "Can't Lose Them"),
        (2, 2, "Hibernating"),
        (1, 1, "Hibernating"),
    ],
)
def test_segment_for(r, f, segment):
    assert segment_for(r, f) == segment


@pytest.mark.parametrize(("r", "f"), [(0, 3), (6, 1), (3, 0), (3, 6)])
def test_segment_for_out_of_range(r, f):
    with pytest.raises(ValueError):
        segment_for(r, f)


def test_quintile_scores_hand_computed():
    # N=5, distinct: strictly worse counts 0..4 -> 1 + floor(5k/5) = 1..5
    assert quintile_scores([50, 10, 40, 20, 30]) == [5, 1, 4, 2, 3]
    # N=3: k=0,1,2 -> 1, 1+floor(5/3)=2, 1+floor(10/3)=4
    assert quintile_scores([1, 2, 3]) == [1, 2, 4]
    # ties: [1, 5, 5, 9]: worse counts 0, 1, 1, 3 -> 1, 2, 2, 1+floor(15/4)=4
    assert quintile_scores([5, 1, 9, 5]) == [2, 1, 4, 2]
    assert quintile_scores([]) == []


def test_score_rfm_hand_computed():
    figures = [
        fig("a", 1, 10, 1_000),
        fig("b", 10, 5, 500),
        fig("c", 30, 5, 2_000),
        fig("d", 90, 2, 100),
        fig("e", 365, 1, 100),
    ]
    # R on -recency: a..e have 4,3,2,1,0 worse -> 5,4,3,2,1
    # F: 10 beats 4 -> 5; the two 5s beat 2 -> 3; 2 beats 1 -> 2; 1 -> 1
    # M: 2000 -> 5, 1000 -> 4, 500 -> 3, the two 100s beat nobody -> 1
    scores = score_rfm(figures, AS_OF)
    assert scores["a"] == RfmScore(1, 10, 1_000, 5, 5, 4, "Champions")
    assert scores["b"] == RfmScore(10, 5, 500, 4, 3, 3, "Potential Loyalists")
    assert scores["c"] == RfmScore(30, 5, 2_000, 3, 3, 5, "Need Attention")
    assert scores["d"] == RfmScore(90, 2, 100, 2, 2, 1, "Hibernating")
    assert scores["e"] == RfmScore(365, 1, 100, 1, 1, 1, "Hibernating")
    assert scores["a"].code == "554"
    assert scores["c"].code == "335"


def test_population_excludes_accounts_without_orders_or_last_sale():
    figures = [fig("a", 3, 1, 10), fig("none", None, 0, 0), fig("zero", 5, 0, 0)]
    scores = score_rfm(figures, AS_OF)
    assert list(scores) == ["a"]
    # the others are not in N: a alone scores 1 everywhere
    assert scores["a"].code == "111"


def test_empty_population():
    assert score_rfm([], AS_OF) == {}


def test_single_account():
    (score,) = score_rfm([fig("a", 0, 3, 999)], AS_OF).values()
    assert score == RfmScore(0, 3, 999, 1, 1, 1, "Hibernating")


def test_all_equal_values_get_equal_scores():
    scores = score_rfm([fig(f"x{i}", 7, 2, 100) for i in range(9)], AS_OF)
    assert {s.code for s in scores.values()} == {"111"}


def test_recency_counts_calendar_days_from_as_of():
    figures = [AccountFigures("a", "A", 1, 0, 1, date(2024, 2, 28))]
    assert score_rfm(figures, date(2024, 3, 1))["a"].recency_days == 2  # leap year
