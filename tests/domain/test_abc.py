import pytest

from portfolio_tui.domain.abc import (
    AbcResult,
    AbcThresholds,
    ClassSummary,
    abc_values,
    classify_abc,
)
from portfolio_tui.domain.records import AccountFigures


def classes(result: AbcResult) -> list[tuple[str, str]]:
    return [(r.account_id, r.abc_class) for r in result.ranked]


def test_hand_computed_portfolio():
    # total 100: a starts at 0% (A), b at 50% (A), c at 80% (not < 80%: B), d at 95% (C)
    result = classify_abc([("a", "A", 50), ("b", "B", 30), ("c", "C", 15), ("d", "D", 5)])
    assert classes(result) == [("a", "A"), ("b", "A"), ("c", "B"), ("d", "C")]
    assert result.total == 100
    assert [r.rank for r in result.ranked] == [1, 2, 3, 4]
    assert [r.share for r in result.ranked] == [0.5, 0.3, 0.15, 0.05]
    assert [r.cumulative_before for r in result.ranked] == [0.0, 0.5, 0.8, 0.95]
    # a+b = 80% >= 80%: two of four accounts
    assert result.pareto_count == 2
    assert result.pareto_share == 0.5
    assert result.summary() == [
        ClassSummary("A", 2, 80, 0.8),
        ClassSummary("B", 1, 15, 0.15),
        ClassSummary("C", 1, 5, 0.05),
    ]


def test_input_order_does_not_matter():
    rows = [("d", "D", 5), ("b", "B", 30), ("a", "A", 50), ("c", "C", 15)]
    assert classify_abc(rows) == classify_abc(sorted(rows))


def test_an_account_just_under_the_threshold_is_still_a():
    # before of c = 79/100 < 80% -> A; d starts at 94/100 < 95% -> B; e at 99% -> C
    rows = [("a", "A", 60), ("b", "B", 19), ("c", "C", 15), ("d", "D", 5), ("e", "E", 1)]
    assert [r.abc_class for r in classify_abc(rows).ranked] == ["A", "A", "A", "B", "C"]
    assert classify_abc(rows).pareto_count == 3  # 60+19 = 79 < 80, 94 >= 80


def test_zero_and_negative_values_have_no_class():
    result = classify_abc([("a", "A", 100), ("z", "Zero", 0), ("n", "Neg", -50)])
    assert classes(result) == [("a", "A")]
    assert result.total == 100
    assert result.class_of("a") == "A"
    assert result.class_of("z") is None
    assert result.class_of("n") is None
    assert result.class_of("unknown") is None


def test_empty():
    result = classify_abc([])
    assert result.ranked == []
    assert result.total == 0
    assert result.pareto_count == 0
    assert result.pareto_share == 0.0
    assert result.summary() == [ClassSummary(c, 0, 0, 0.0) for c in "ABC"]


def test_only_non_positive_values_is_empty():
    assert classify_abc([("a", "A", 0), ("b", "B", -3)]).ranked == []


def test_single_account_is_a():
    result = classify_abc([("a", "Solo", 42)])
    assert classes(result) == [("a", "A")]
    assert result.ranked[0].share == 1.0
    assert result.pareto_count == 1
    assert result.pareto_share == 1.0


def test_ties_rank_by_name_then_id():
    rows = [("id3", "Beta", 10), ("id2", "Alpha", 10), ("id1", "Alpha", 10), ("id0", "Zed", 20)]
    assert [r.account_id for r in classify_abc(rows).ranked] == ["id0", "id1", "id2", "id3"]


def test_n_equal_accounts():
    # 10 x 10: befores are 0, .1, ..., .9 -> 8 A (0-70%), 2 B (80%, 90%), no C
    rows = [(f"id{i}", f"N{i}", 10) for i in range(10)]
    result = classify_abc(rows)
    assert [s.accounts for s in result.summary()] == [8, 2, 0]
    assert result.pareto_count == 8
    assert result.pareto_share == 0.8
    # 20 x 5: befores 0, .05, ..., .95 -> 16 A (0-75%), 3 B (80-90%), 1 C (95%)
    result = classify_abc([(f"id{i:02}", "Same", 5) for i in range(20)])
    assert [s.accounts for s in result.summary()] == [16, 3, 1]
    assert result.ranked[-1].account_id == "id19"
    # 4 x 25: befores 0, .25, .5, .75 -> all A
    result = classify_abc([(f"id{i}", "Same", 25) for i in range(4)])
    assert {r.abc_class for r in result.ranked} == {"A"}
    assert result.pareto_count == 4


def test_custom_thresholds():
    rows = [("a", "A", 50), ("b", "B", 30), ("c", "C", 15), ("d", "D", 5)]
    result = classify_abc(rows, AbcThresholds(a=0.5, b=0.9))
    # befores 0, .5, .8, .95 -> A, B, B, C
    assert [r.abc_class for r in result.ranked] == ["A", "B", "B", "C"]
    assert result.pareto_count == 2  # the Pareto target stays 80%
    assert classify_abc(rows, pareto_target=0.5).pareto_count == 1


@pytest.mark.parametrize(("a", "b"), [(0.0, 0.9), (0.9, 0.9), (0.95, 0.8), (0.8, 1.01), (-1, 0.5)])
def test_bad_thresholds(a, b):
    with pytest.raises(ValueError, match="thresholds"):
        AbcThresholds(a=a, b=b)


def test_b_equal_to_one_means_no_c():
    rows = [("a", "A", 50), ("b", "B", 30), ("c", "C", 15), ("d", "D", 5)]
    result = classify_abc(rows, AbcThresholds(a=0.8, b=1.0))
    assert [r.abc_class for r in result.ranked] == ["A", "A", "B", "B"]


def test_abc_values_by_revenue_or_margin():
    figures = [AccountFigures("x", "X", revenue=100, margin=-5, orders=1, last_sale=None)]
    assert abc_values(figures) == [("x", "X", 100)]
    assert abc_values(figures, "margin") == [("x", "X", -5)]
    with pytest.raises(ValueError, match="'volume'"):
        abc_values(figures, "volume")
