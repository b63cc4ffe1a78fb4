"""The activity index, every figure computed by hand."""

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.domain.activity import (
    DEFAULT_TARGETS,
    ActivityPeriod,
    ActivityTargets,
    CadenceFact,
    FollowUpDone,
    IndexFigures,
    Interaction,
    Measure,
    activity_index,
    activity_period,
    combine_scores,
    score,
)

D = Decimal
JUNE_17 = date(2026, 6, 17)  # a Wednesday


def test_default_targets():
    assert (DEFAULT_TARGETS.week, DEFAULT_TARGETS.month, DEFAULT_TARGETS.quarter) == (15, 60, 180)
    assert (DEFAULT_TARGETS.orientation, DEFAULT_TARGETS.efficiency) == (D("0.60"), D("0.25"))


@pytest.mark.parametrize(
    ("as_of", "kind", "start"),
    [
        (date(2026, 6, 15), "week", date(2026, 6, 15)),  # a Monday starts its own week
        (JUNE_17, "week", date(2026, 6, 15)),
        (date(2026, 6, 21), "week", date(2026, 6, 15)),  # Sunday ends the week
        (date(2026, 6, 22), "week", date(2026, 6, 22)),
        (date(2026, 1, 1), "week", date(2025, 12, 29)),  # across the new year
        (JUNE_17, "month", date(2026, 6, 1)),
        (date(2026, 5, 10), "quarter", date(2026, 4, 1)),
        (date(2026, 12, 31), "quarter", date(2026, 10, 1)),
    ],
)
def test_period_runs_from_its_first_day_to_as_of(as_of, kind, start):
    assert activity_period(as_of, kind) == ActivityPeriod(kind, start, as_of)


def test_unknown_period_is_an_error():
    with pytest.raises(ValueError, match="unknown period 'year'"):
        activity_period(JUNE_17, "year")


def test_week_counts_from_monday_to_as_of():
    interactions = [
        Interaction("x", "call", date(2026, 6, 14)),  # Sunday of the week before
        Interaction("x", "call", date(2026, 6, 15)),  # Monday
        Interaction("x", "call", date(2026, 6, 17)),  # as_of
        Interaction("x", "call", date(2026, 6, 18)),  # after as_of
    ]
    report = activity_index(interactions, JUNE_17, "week")
    assert report.period == ActivityPeriod("week", date(2026, 6, 15), JUNE_17)
    assert report.quantity == Measure(2, 15, D("1.3"))  # 10 × 2 / 15 = 1.33


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (0, 15, "0.0"),
        (10, 15, "6.7"),  # 6.666…
        (1, 8, "1.3"),  # 1.25: half up, not half even
        (1, 200, "0.1"),  # 0.05: half up
        (1, 300, "0.0"),  # 0.033
        (3, 16, "1.9"),  # 1.875
        (15, 15, "10.0"),
        (40, 15, "10.0"),  # capped
        (Fraction(9, 25), D("0.60"), "6.0"),  # 0.36 / 0.60
        (Fraction(1, 8), D("0.25"), "5.0"),
        (Fraction(1, 3), D("0.60"), "5.6"),  # 5.555…
    ],
)
def test_score(value, target, expected):
    assert score(value, target) == D(expected)
    assert str(score(value, target)) == expected


def test_seed_example():
    # quantity 7, orientation 6, efficiency 5: index 210; raising efficiency to 7 gives 294.
    assert combine_scores(D("7.0"), D("6.0"), D("5.0")) == IndexFigures(
        index=D("210.0"), lever="efficiency", what_if=D("294.0"), gain=D("0.400")
    )


def test_seed_example_from_interactions():
    # 35 interactions against a target of 50 (7.0); 21 on priority accounts, 0.60 against a
    # target of 1 (6.0); 7 followed by a result, 0.20 against a target of 0.40 (5.0).
    as_of = date(2026, 6, 30)
    interactions = [Interaction(f"acc{n}", "call", date(2026, 6, 1 + n % 28)) for n in range(35)]
    priority = {f"acc{n}" for n in range(21)}
    results = {f"acc{n}": [date(2026, 6, 2 + n % 28)] for n in range(7)}
    targets = ActivityTargets(month=50, orientation=D("1"), efficiency=D("0.40"))
    report = activity_index(
        interactions, as_of, "month", priority_accounts=priority, results=results, targets=targets
    )
    assert report.quantity == Measure(35, 50, D("7.0"))
    assert report.orientation == Measure(D("0.6"), D("1"), D("6.0"))
    assert report.efficiency == Measure(D("0.2"), D("0.40"), D("5.0"))
    assert report.figures == IndexFigures(D("210.0"), "efficiency", D("294.0"), D("0.400"))


@pytest.mark.parametrize(
    ("scores", "lever", "what_if", "gain"),
    [
        (("5", "5", "5"), "orientation", "125.0", "0.000"),  # all tied: orientation
        (("8", "2", "2"), "orientation", "128.0", "3.000"),  # orientation before efficiency
        (("4", "6", "4"), "efficiency", "144.0", "0.500"),  # efficiency before quantity
        (("4", "4", "6"), "orientation", "144.0", "0.500"),  # orientation before quantity
        (("3", "5", "7"), "quantity", "245.0", "1.333"),  # a single lowest
    ],
)
def test_lever_tie_breaking(scores, lever, what_if, gain):
    quantity, orientation, efficiency = (D(s) for s in scores)
    figures = combine_scores(quantity, orientation, efficiency)
    assert (figures.lever, figures.what_if, figures.gain) == (lever, D(what_if), D(gain))


def test_index_is_rounded_to_one_decimal():
    # 7.3 × 6.1 × 5.2 = 231.556; with efficiency at 7.3: 7.3 × 6.1 × 7.3 = 325.069.
    figures = combine_scores(D("7.3"), D("6.1"), D("5.2"))
    assert figures == IndexFigures(D("231.6"), "efficiency", D("325.1"), D("0.404"))


def test_all_zero_scores():
    # One call against a quarter target of 300 scores 0.033 → 0.0; not priority, no result.
    targets = ActivityTargets(quarter=300)
    calls = [Interaction("x", "call", JUNE_17)]
    report = activity_index(calls, JUNE_17, "quarter", targets=targets)
    assert report.quantity == Measure(1, 300, D("0.0"))
    assert report.orientation == Measure(D("0"), D("0.60"), D("0.0"))
    assert report.efficiency == Measure(D("0"), D("0.25"), D("0.0"))
    assert report.figures == IndexFigures(D("0.0"), "orientation", D("0.0"), None)


def test_empty_period():
    notes_only = [Interaction("x", "note", JUNE_17)]
    report = activity_index(notes_only, JUNE_17, "week")
    assert report.to_json() == {
        "period": {"start": "2026-06-15", "end": "2026-06-17"},
        "quantity": {"value": 0, "target": 15, "score": 0.0},
        "orientation": {"value": None, "target": 0.6, "score": 0.0},
        "efficiency": {"value": None, "target": 0.25, "score": 0.0},
        "index": 0.0,
        "lever": "orientation",
        "what_if": 0.0,
        "gain": None,
        "on_time_rate": None,
        "overdue": 0,
        "a_clients_in_cadence": None,
    }


def test_a_month_by_hand():
    interactions = [
        Interaction("p1", "call", date(2026, 6, 2)),  # priority, result on 9 June
        Interaction("p1", "email", date(2026, 6, 9)),  # priority, result the same day only
        Interaction("p2", "visit", date(2026, 6, 10)),  # priority, no result
        Interaction("c1", "meeting", date(2026, 6, 11)),  # result the next day
        Interaction("c2", "call", date(2026, 6, 12)),
        Interaction("c2", "note", date(2026, 6, 12)),  # notes don't count
        Interaction("c3", "call", date(2026, 5, 31)),  # before the month
        Interaction("c3", "call", date(2026, 6, 18)),  # after as_of
    ]
    done = [
        FollowUpDone(due=date(2026, 6, 5), done=date(2026, 6, 5)),  # on the day: on time
        FollowUpDone(due=date(2026, 6, 5), done=date(2026, 6, 8)),  # late
        FollowUpDone(due=date(2026, 6, 20), done=date(2026, 6, 10)),  # early: on time
        FollowUpDone(due=date(2026, 5, 20), done=date(2026, 5, 30)),  # done before the month
    ]
    pending = [date(2026, 6, 16), JUNE_17, date(2026, 6, 18), date(2026, 5, 1)]
    a_clients = [
        CadenceFact(date(2026, 6, 4), 14),  # 13 days: in cadence
        CadenceFact(date(2026, 6, 3), 14),  # 14 days: due
        CadenceFact(None, 14),  # never contacted: due
        CadenceFact(JUNE_17, 14),
    ]
    report = activity_index(
        interactions,
        JUNE_17,
        "month",
        priority_accounts={"p1", "p2", "p3"},
        results={"p1": [date(2026, 6, 9)], "c1": [date(2026, 6, 12)], "p3": [date(2026, 6, 3)]},
        follow_ups_done=done,
        pending_follow_up_dues=pending,
        a_clients=a_clients,
    )
    # 5 counted; 10 × 5 / 60 = 0.83. Priority 3/5 = 0.60 → 10. Results 2/5 = 0.40 → 16, capped.
    assert report.to_json() == {
        "period": {"start": "2026-06-01", "end": "2026-06-17"},
        "quantity": {"value": 5, "target": 60, "score": 0.8},
        "orientation": {"value": 0.6, "target": 0.6, "score": 10.0},
        "efficiency": {"value": 0.4, "target": 0.25, "score": 10.0},
        "index": 80.0,  # 0.8 × 10 × 10
        "lever": "quantity",
        "what_if": 1000.0,
        "gain": 11.5,  # 1000 / 80 − 1
        "on_time_rate": 0.6667,  # 2 of the 3 done in June
        "overdue": 2,  # due 16 June and 1 May; due today is not overdue
        "a_clients_in_cadence": 0.5,
    }
    assert json.loads(json.dumps(report.to_json())) == report.to_json()


QUARTER_END = date(2026, 9, 30)


@pytest.mark.parametrize(
    ("day", "result_days", "followed"),
    [
        (date(2026, 7, 1), [date(2026, 7, 1)], False),  # the same day does not count
        (date(2026, 7, 1), [date(2026, 7, 2)], True),
        (date(2026, 7, 1), [date(2026, 7, 31)], True),  # day + 30
        (date(2026, 7, 1), [date(2026, 8, 1)], False),  # day + 31
        (date(2026, 7, 1), [date(2026, 6, 30)], False),  # before the interaction
        (date(2026, 9, 20), [date(2026, 9, 30)], True),  # on as_of
        (date(2026, 9, 20), [date(2026, 10, 5)], False),  # within 30 days but after as_of
        (date(2026, 7, 1), [date(2026, 8, 15), date(2026, 7, 1)], False),
        (date(2026, 7, 1), [date(2026, 7, 15), date(2026, 6, 1), date(2026, 7, 1)], True),
        (date(2026, 7, 1), [], False),
    ],
)
def test_efficiency_window(day, result_days, followed):
    report = activity_index(
        [Interaction("x", "call", day)],
        QUARTER_END,
        "quarter",
        results={"x": result_days, "other": [date(2026, 7, 2), date(2026, 9, 21)]},
    )
    assert report.efficiency.value == (D("1") if followed else D("0"))


def test_efficiency_share_by_hand():
    interactions = [Interaction(f"a{n}", "visit", date(2026, 7, 1)) for n in range(9)]
    results = {"a0": [date(2026, 7, 2)], "a1": [date(2026, 7, 31)], "a2": [date(2026, 8, 1)]}
    report = activity_index(interactions, QUARTER_END, "quarter", results=results)
    # 2 of 9 = 0.2222; 10 × (2/9) / 0.25 = 8.888… → 8.9
    assert report.efficiency == Measure(D("0.2222"), D("0.25"), D("8.9"))


@pytest.mark.parametrize(
    "kwargs",
    [{"week": 0}, {"month": 1.5}, {"quarter": True}, {"orientation": 0}, {"efficiency": -0.1}],
)
def test_targets_must_be_positive(kwargs):
    with pytest.raises(ValueError, match="target must be"):
        ActivityTargets(**kwargs)


def test_float_target_is_read_as_typed():
    assert ActivityTargets(orientation=0.6).orientation == D("0.6")


_scores = st.integers(min_value=0, max_value=100).map(lambda tenths: D(tenths).scaleb(-1))


@given(_scores, _scores, _scores)
def test_combined_scores_properties(quantity, orientation, efficiency):
    scores = {"quantity": quantity, "orientation": orientation, "efficiency": efficiency}
    figures = combine_scores(quantity, orientation, efficiency)
    assert scores[figures.lever] == min(scores.values())
    product = quantity * orientation * efficiency
    assert figures.index == product.quantize(D("0.1"), ROUND_HALF_UP)
    assert figures.what_if >= figures.index
    assert (figures.gain is None) == (figures.index == 0)
    if figures.gain is not None:
        assert figures.gain >= 0
