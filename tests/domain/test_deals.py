"""Deal stages, probabilities, the pipeline figures and rotting, computed by hand."""

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_tui.domain.deals import (
    DEFAULT_LOST_REASONS,
    DEFAULT_PROBABILITY,
    DEFAULT_ROTTING_DAYS,
    OPEN_STAGES,
    DealError,
    DealFacts,
    DealStage,
    ForecastMonth,
    StageConversion,
    StageMove,
    Tally,
    WeightedTally,
    effective_probability,
    is_rotting,
    parse_deal_stage,
    pipeline_figures,
)

Q, P, N = DealStage.QUALIFICATION, DealStage.PROPOSAL, DealStage.NEGOTIATION
WON, LOST = DealStage.WON, DealStage.LOST

AS_OF = date(2026, 5, 15)  # quarter 2026-Q2: counted from 2026-04-01 to 2026-05-15


def deal(
    deal_id, stage, amount, created, *, probability=None, close=None, closed=None, reason=None
):
    account_id, title = f"acc-{deal_id}", f"Deal {deal_id}"
    return DealFacts(
        deal_id, account_id, title, amount, probability, stage, created, close, closed, reason
    )


def d(month, day, year=2026):
    return date(year, month, day)


DEALS = [
    # open
    deal("o1", Q, 100_000, d(1, 10), close=d(5, 20)),  # 10 % -> 10 000
    deal("o2", P, 200_000, d(4, 2), probability=45, close=d(7, 31)),  # 90 000
    deal("o3", N, 50_001, d(3, 1), close=d(3, 31)),  # 60 % -> 30 000.6, overdue
    deal("o4", N, 30_000, d(5, 15), probability=25),  # created on as_of, undated: 7 500
    deal("o5", P, 40_000, d(5, 16), close=d(6, 1)),  # created after as_of: not counted
    deal("o6", Q, 70_000, d(12, 1, 2025), close=d(11, 1)),  # 7 000, closes after the 6 months
    deal("o7", P, 15_000, d(2, 1), probability=30, close=d(10, 31)),  # 4 500, the 6th month
    # won
    deal("w1", WON, 120_000, d(2, 1), closed=d(4, 1)),  # the period's first day: 59 days
    deal("w2", WON, 60_001, d(4, 10), closed=d(5, 15)),  # on as_of: 35 days
    deal("w3", WON, 999_999, d(1, 5), closed=d(3, 31)),  # the day before the period
    deal("w4", WON, 50_000, d(5, 1), closed=d(5, 16)),  # the day after as_of
    # lost
    deal("l1", LOST, 80_000, d(3, 1), closed=d(4, 20), reason="price"),
    deal("l2", LOST, 20_000, d(4, 5), closed=d(5, 2), reason="competitor"),
    deal("l3", LOST, 10_000, d(2, 1), closed=d(5, 10)),  # no reason: "—"
    deal("l4", LOST, 5_000, d(4, 1), closed=d(4, 30), reason=" price "),
]


def mv(deal_id, from_stage, to_stage, on):
    return StageMove(deal_id, from_stage, to_stage, on)


MOVES = [
    mv("o1", None, Q, d(1, 10)),
    mv("o2", None, Q, d(4, 2)),
    mv("o2", Q, P, d(4, 20)),
    mv("o3", None, P, d(3, 1)),
    mv("o3", P, N, d(4, 10)),
    mv("o5", None, P, d(5, 16)),
    mv("w1", None, N, d(2, 1)),
    mv("w1", N, WON, d(4, 1)),
    mv("w2", None, Q, d(4, 10)),
    mv("w2", Q, WON, d(5, 15)),  # jumps over proposal and negotiation
    mv("w4", None, Q, d(5, 1)),
    mv("w4", Q, WON, d(5, 16)),  # after as_of
    mv("l1", None, P, d(3, 1)),
    mv("l1", P, LOST, d(4, 20)),
    mv("l3", Q, P, d(3, 1)),
    mv("l3", None, Q, d(2, 1)),  # out of order: sorted by date
    mv("l3", P, N, d(5, 1)),
    mv("l3", N, LOST, d(5, 10)),
    mv("ghost", Q, WON, d(4, 15)),  # a deleted deal: ignored
]


# parse_deal_stage, effective_probability, DealFacts


SPELLINGS = {
    Q: ["qualification", "  Qualification "],
    P: ["proposal", "proposition", "PROPOSITION"],
    N: ["negotiation", "négociation", "negociation", "NÉGOCIATION"],
    WON: ["won", "gagnée", "gagnee", "gagné", "Gagne"],
    LOST: ["lost", "perdue", "perdu"],
}


@pytest.mark.parametrize(
    ("text", "stage"), [(text, stage) for stage, texts in SPELLINGS.items() for text in texts]
)
def test_parse_deal_stage_reads_english_and_french(text, stage):
    assert parse_deal_stage(text) is stage


@pytest.mark.parametrize("text", ["", "open", "gagnant", "qualif", "won!"])
def test_parse_deal_stage_refuses_anything_else(text):
    with pytest.raises(DealError) as caught:
        parse_deal_stage(text)
    assert caught.value.code == "unknown_deal_stage"
    assert str(caught.value) == (
        f"unknown_deal_stage: {text!r} "
        "(expected one of: qualification, proposal, negotiation, won, lost)"
    )
    assert isinstance(caught.value, ValueError)


def test_constants():
    assert OPEN_STAGES == (Q, P, N)
    assert dict(DEFAULT_PROBABILITY) == {Q: 10, P: 30, N: 60, WON: 100, LOST: 0}
    reasons = ("price", "competitor", "timing", "no_budget", "no_decision", "other")
    assert reasons == DEFAULT_LOST_REASONS
    assert dict(DEFAULT_ROTTING_DAYS) == {Q: 21, P: 14, N: 10}


def test_effective_probability():
    assert effective_probability(None, Q, DEFAULT_PROBABILITY) == 10
    assert effective_probability(None, N, DEFAULT_PROBABILITY) == 60
    assert effective_probability(45, P, DEFAULT_PROBABILITY) == 45
    assert effective_probability(0, N, DEFAULT_PROBABILITY) == 0
    # a closed deal is certain or gone, whatever was typed
    assert effective_probability(40, WON, DEFAULT_PROBABILITY) == 100
    assert effective_probability(40, LOST, DEFAULT_PROBABILITY) == 0
    # the rep's own defaults; a stage they left out keeps the built-in one
    assert effective_probability(None, P, {P: 25}) == 25
    assert effective_probability(None, N, {P: 25}) == 60


def test_effective_probability_refuses_out_of_range():
    with pytest.raises(DealError, match="bad_probability: 101 is not between 0 and 100"):
        effective_probability(101, P)
    with pytest.raises(DealError, match="bad_probability: -1"):
        effective_probability(None, Q, {Q: -1})


def test_deal_facts_refuse_negative_amounts_and_bad_probabilities():
    with pytest.raises(DealError, match="bad_amount: -1 is negative"):
        deal("x", Q, -1, d(1, 1))
    with pytest.raises(DealError, match="bad_probability: 150"):
        deal("x", Q, 1, d(1, 1), probability=150)


# pipeline_figures: the full hand-computed portfolio


def test_open_pipeline():
    figures = pipeline_figures(DEALS, MOVES, AS_OF, "quarter", DEFAULT_PROBABILITY)
    # o1 o2 o3 o4 o6 o7; amounts 100 000 + 200 000 + 50 001 + 30 000 + 70 000 + 15 000
    # weighted 10 000 + 90 000 + 30 000.6 + 7 500 + 7 000 + 4 500 = 149 000.6 -> 149 001
    assert figures.open_deals == WeightedTally(6, 465_001, 149_001)


def test_forecast_overdue_and_undated():
    figures = pipeline_figures(DEALS, MOVES, AS_OF, "quarter", DEFAULT_PROBABILITY)
    assert figures.forecast == (
        # o1 (May) and the overdue o3: 10 000 + 30 000.6 -> 40 001
        ForecastMonth("2026-05", 2, 150_001, 40_001),
        ForecastMonth("2026-06", 0, 0, 0),  # o5 was created after as_of
        ForecastMonth("2026-07", 1, 200_000, 90_000),
        ForecastMonth("2026-08", 0, 0, 0),
        ForecastMonth("2026-09", 0, 0, 0),
        ForecastMonth("2026-10", 1, 15_000, 4_500),  # o6 closes in November: outside
    )
    assert figures.overdue == Tally(1, 50_001)
    assert figures.undated == Tally(1, 30_000)


def test_won_lost_and_rates():
    figures = pipeline_figures(DEALS, MOVES, AS_OF, "quarter", DEFAULT_PROBABILITY)
    assert figures.period.start == d(4, 1)
    assert figures.won == Tally(2, 180_001)  # w1 on the first day, w2 on as_of
    assert figures.lost == Tally(4, 115_000)
    assert figures.win_rate == pytest.approx(1 / 3)
    assert figures.average_won_amount == 90_001  # 90 000.5, half up
    assert figures.average_cycle_days == 47.0  # (59 + 35) / 2
    # 6 open x 1/3 x 90 000.5 / 47 = 180 001 / 47 = 3 829.81
    assert figures.velocity_per_day == 3_830
    # created 04-01 .. 05-15: o2 o4 w2 w4 l2 l4 (o5 was created the day after)
    assert figures.qualified == 6
    assert figures.seed_velocity == pytest.approx(2.0)


def test_lost_reasons_most_frequent_first_ties_by_name():
    figures = pipeline_figures(DEALS, MOVES, AS_OF, "quarter", DEFAULT_PROBABILITY)
    assert list(figures.lost_reasons.items()) == [("price", 2), ("competitor", 1), ("—", 1)]


def test_conversion_mirrors_the_account_funnel():
    figures = pipeline_figures(DEALS, MOVES, AS_OF, "quarter", DEFAULT_PROBABILITY)
    # paths in the period:
    #   o1 [q]  o2 [q p]  o3 [p n]  o4 [n]  o5 []  o6 [q]  o7 [p]
    #   w1 [n won]  w2 [q won]  w3 [won]  w4 [q]  l1 [p lost]  l2 [lost]  l3 [p n lost]  l4 [lost]
    assert figures.conversion == (
        StageConversion("qualification", "proposal", 5, 2, 0.4),  # o1 o2 o6 w2 w4 -> o2 w2
        StageConversion("proposal", "negotiation", 5, 2, 0.4),  # o2 o3 o7 l1 l3 -> o3 l3
        StageConversion("negotiation", "won", 4, 1, 0.25),  # o3 o4 w1 l3 -> w1
    )


def test_month_period_starts_on_the_first_of_as_of_month():
    figures = pipeline_figures(DEALS, MOVES, AS_OF, "month", DEFAULT_PROBABILITY)
    assert (figures.period.start, figures.period.end) == (d(5, 1), d(5, 31))
    assert figures.won == Tally(1, 60_001)  # w2 only; w1 closed on 04-01
    assert figures.lost == Tally(2, 30_000)  # l2 and l3
    assert figures.win_rate == pytest.approx(1 / 3)
    assert figures.average_won_amount == 60_001
    assert figures.average_cycle_days == 35.0
    # 6 x 1/3 x 60 001 / 35 = 120 002 / 35 = 3 428.63
    assert figures.velocity_per_day == 3_429
    assert figures.qualified == 2  # o4 and w4
    assert figures.open_deals == WeightedTally(6, 465_001, 149_001)  # the period plays no part


def test_year_period():
    figures = pipeline_figures(DEALS, MOVES, AS_OF, "year", DEFAULT_PROBABILITY)
    assert figures.won == Tally(3, 1_180_000)  # w1 w2 w3
    assert figures.average_cycle_days == pytest.approx((59 + 35 + 85) / 3)


EMPTY_JSON = {
    "as_of": "2026-05-15",
    "period": {"start": "2026-04-01", "end": "2026-06-30"},
    "open": {"count": 0, "amount": 0, "weighted": 0},
    "forecast": [
        {"month": month, "count": 0, "amount": 0, "weighted": 0}
        for month in ("2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10")
    ],
    "overdue": {"count": 0, "amount": 0},
    "undated": {"count": 0, "amount": 0},
    "won": {"count": 0, "amount": 0},
    "lost": {"count": 0, "amount": 0},
    "win_rate": None,
    "average_won_amount": None,
    "average_cycle_days": None,
    "velocity_per_day": None,
    "qualified": 0,
    "seed_velocity": None,
    "lost_reasons": {},
    "conversion": [
        {"from_stage": s, "to_stage": t, "entered": 0, "converted": 0, "rate": None}
        for s, t in (
            ("qualification", "proposal"),
            ("proposal", "negotiation"),
            ("negotiation", "won"),
        )
    ],
}


def test_no_deal():
    figures = pipeline_figures([], [], AS_OF, "quarter")
    assert figures.to_json() == EMPTY_JSON


def test_only_lost_deals():
    lost = [
        deal("a", LOST, 10_000, d(4, 1), closed=d(4, 2), reason="timing"),
        deal("b", LOST, 20_000, d(3, 1), closed=d(5, 1), reason="timing"),
    ]
    figures = pipeline_figures(lost, [], AS_OF, "quarter")
    assert figures.lost == Tally(2, 30_000)
    assert figures.won == Tally(0, 0)
    assert figures.win_rate == 0.0
    assert figures.average_won_amount is None
    assert figures.average_cycle_days is None
    assert figures.velocity_per_day is None
    assert figures.qualified == 1
    assert figures.seed_velocity == 0.0
    assert figures.lost_reasons == {"timing": 2}


def test_deal_without_expected_close_is_undated_only():
    figures = pipeline_figures([deal("a", P, 12_345, d(1, 1))], [], AS_OF, "quarter")
    assert figures.open_deals == WeightedTally(1, 12_345, 3_704)  # 3 703.5 -> 3 704
    assert figures.undated == Tally(1, 12_345)
    assert figures.overdue == Tally(0, 0)
    assert all(month.count == 0 for month in figures.forecast)


def test_overdue_means_before_as_of_month():
    deals = [
        deal("late", Q, 1_000, d(1, 1), close=d(4, 30)),  # the month before: overdue
        deal("earlier", Q, 2_000, d(1, 1), close=d(1, 2, 2025)),  # long overdue
        deal("this_month", Q, 4_000, d(1, 1), close=d(5, 1)),  # before as_of, same month
        deal("today", Q, 8_000, d(1, 1), close=AS_OF),
    ]
    figures = pipeline_figures(deals, [], AS_OF, "quarter")
    assert figures.overdue == Tally(2, 3_000)
    assert figures.forecast[0] == ForecastMonth("2026-05", 4, 15_000, 1_500)
    assert sum(month.count for month in figures.forecast[1:]) == 0


def test_forecast_months_cross_the_year():
    deals = [
        deal("a", N, 1_000, d(1, 1), close=d(1, 31, 2027)),
        deal("b", N, 2_000, d(1, 1), close=d(4, 30, 2027)),
        deal("c", N, 4_000, d(1, 1), close=d(5, 1, 2027)),  # the 7th month
    ]
    figures = pipeline_figures(deals, [], d(11, 23), "month")
    months = ["2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04"]
    assert [m.month for m in figures.forecast] == months
    assert [m.amount for m in figures.forecast] == [0, 0, 1_000, 0, 0, 2_000]
    assert [m.weighted for m in figures.forecast] == [0, 0, 600, 0, 0, 1_200]


def test_weighted_is_rounded_once_on_the_total():
    # three deals of 5 cents at 10 %: 0.5 each; rounded each they would give 3, once 1.5 -> 2
    deals = [deal(f"x{i}", Q, 5, d(1, 1), close=d(5, 31)) for i in range(3)]
    figures = pipeline_figures(deals, [], AS_OF, "month")
    assert figures.open_deals == WeightedTally(3, 15, 2)
    assert figures.forecast[0].weighted == 2


def test_custom_probabilities():
    deals = [deal("a", Q, 10_000, d(1, 1)), deal("b", P, 10_000, d(1, 1), probability=50)]
    figures = pipeline_figures(deals, [], AS_OF, "month", {Q: 20})
    assert figures.open_deals.weighted == 2_000 + 5_000


def test_same_day_won_deal_gives_no_velocity():
    deals = [deal("a", WON, 10_000, d(5, 2), closed=d(5, 2)), deal("b", Q, 1_000, d(1, 1))]
    figures = pipeline_figures(deals, [], AS_OF, "month")
    assert figures.average_cycle_days == 0.0
    assert figures.velocity_per_day is None
    assert figures.win_rate == 1.0
    assert figures.seed_velocity == 1.0


def test_no_open_deal_gives_zero_velocity():
    deals = [deal("a", WON, 10_000, d(5, 2), closed=d(5, 12))]
    figures = pipeline_figures(deals, [], AS_OF, "month")
    assert figures.velocity_per_day == 0


def test_same_day_moves_keep_their_order():
    deals = [deal("a", N, 1_000, d(4, 3))]
    moves = [mv("a", None, Q, d(4, 3)), mv("a", Q, P, d(4, 8)), mv("a", P, N, d(4, 8))]
    figures = pipeline_figures(deals, moves, AS_OF, "quarter")
    assert [(c.entered, c.converted) for c in figures.conversion] == [(1, 1), (1, 1), (1, 0)]


def test_stage_on_the_period_first_day_counts_as_entered():
    # in proposal since February, moved back to qualification in the period: entered, not gone on
    deals = [deal("a", Q, 1_000, d(2, 1))]
    moves = [mv("a", None, P, d(2, 1)), mv("a", P, Q, d(4, 5))]
    figures = pipeline_figures(deals, moves, AS_OF, "quarter")
    assert [(c.entered, c.converted) for c in figures.conversion] == [(1, 0), (1, 0), (0, 0)]


def test_to_json_is_plain_json():
    figures = pipeline_figures(DEALS, MOVES, AS_OF, "quarter", DEFAULT_PROBABILITY)
    data = json.loads(json.dumps(figures.to_json()))
    assert list(data) == list(EMPTY_JSON)
    assert data["open"] == {"count": 6, "amount": 465_001, "weighted": 149_001}
    assert data["forecast"][0] == {
        "month": "2026-05",
        "count": 2,
        "amount": 150_001,
        "weighted": 40_001,
    }
    assert data["overdue"] == {"count": 1, "amount": 50_001}
    assert data["win_rate"] == pytest.approx(1 / 3)
    assert data["average_won_amount"] == 90_001
    assert data["velocity_per_day"] == 3_830
    assert data["lost_reasons"] == {"price": 2, "competitor": 1, "—": 1}
    assert data["conversion"][2] == {
        "from_stage": "negotiation",
        "to_stage": "won",
        "entered": 4,
        "converted": 1,
        "rate": 0.25,
    }


# is_rotting

TODAY = date(2026, 5, 15)


@pytest.mark.parametrize(("stage", "limit"), [(Q, 21), (P, 14), (N, 10)])
def test_rotting_after_more_than_the_stage_days(stage, limit):
    open_deal = deal("a", stage, 1_000, d(1, 1))
    for days, rotting in ((limit, False), (limit + 1, True)):
        quiet_since = TODAY - timedelta(days=days)
        assert is_rotting(open_deal, None, quiet_since, TODAY, DEFAULT_ROTTING_DAYS) is rotting
        assert is_rotting(open_deal, quiet_since, d(1, 1), TODAY, DEFAULT_ROTTING_DAYS) is rotting


def test_activity_before_the_stage_does_not_count():
    open_deal = deal("a", N, 1_000, d(1, 1))
    # in negotiation for 11 days, last activity 30 days ago: rotting
    assert is_rotting(open_deal, d(4, 15), d(5, 4), TODAY)
    # last activity 3 days ago: fresh
    assert not is_rotting(open_deal, d(5, 12), d(5, 4), TODAY)


def test_closed_deals_never_rot():
    won = deal("a", WON, 1_000, d(1, 1), closed=d(1, 2))
    lost = deal("b", LOST, 1_000, d(1, 1), closed=d(1, 2))
    assert not is_rotting(won, None, d(1, 2), TODAY)
    assert not is_rotting(lost, None, d(1, 2), TODAY)


def test_rotting_days_of_the_rep():
    open_deal = deal("a", P, 1_000, d(1, 1))
    assert is_rotting(open_deal, None, d(5, 10), TODAY, {P: 4})
    assert not is_rotting(open_deal, None, d(5, 10), TODAY, {P: 5})
    # a stage left out keeps the built-in number of days
    assert not is_rotting(open_deal, None, d(5, 10), TODAY, {Q: 1})


# properties

DAYS = st.integers(0, 700).map(lambda n: date(2025, 6, 1) + timedelta(days=n))


@st.composite
def deals_strategy(draw):
    count = draw(st.integers(0, 25))
    result = []
    for i in range(count):
        stage = draw(st.sampled_from(list(DealStage)))
        created = draw(DAYS)
        result.append(
            DealFacts(
                id=f"d{i}",
                account_id="acc",
                title="t",
                amount=draw(st.one_of(st.integers(0, 10**9), st.sampled_from([0, 1, 5, 50]))),
                probability=draw(st.one_of(st.none(), st.integers(0, 100))),
                stage=stage,
                created_on=created,
                expected_close=draw(st.one_of(st.none(), DAYS)),
                closed_on=None if stage in OPEN_STAGES else draw(DAYS),
                lost_reason=draw(st.sampled_from([None, "price", "other"])),
            )
        )
    return result


@st.composite
def moves_strategy(draw, deals):
    result = []
    for item in deals:
        stages = draw(st.lists(st.sampled_from(list(DealStage)), max_size=4))
        previous = None
        for stage in stages:
            result.append(StageMove(item.id, previous, stage, draw(DAYS)))
            previous = stage
    return result


@settings(max_examples=100, deadline=None)
@given(st.data(), DAYS, st.sampled_from(["month", "quarter", "year"]))
def test_pipeline_invariants(data, as_of, period_kind):
    deals = data.draw(deals_strategy())
    moves = data.draw(moves_strategy(deals))
    figures = pipeline_figures(deals, moves, as_of, period_kind)
    open_deals = figures.open_deals
    assert 0 <= open_deals.weighted <= open_deals.amount
    for month in figures.forecast:
        assert 0 <= month.weighted <= month.amount
    assert len(figures.forecast) == 6
    dated_count = sum(m.count for m in figures.forecast)
    dated_amount = sum(m.amount for m in figures.forecast)
    assert dated_count + figures.undated.count <= open_deals.count
    assert dated_amount + figures.undated.amount <= open_deals.amount
    assert sum(m.weighted for m in figures.forecast) <= open_deals.weighted + 6
    assert figures.overdue.count <= figures.forecast[0].count
    assert figures.overdue.amount <= figures.forecast[0].amount
    if figures.win_rate is None:
        assert figures.won.count == figures.lost.count == 0
    else:
        assert 0 <= figures.win_rate <= 1
    assert sum(figures.lost_reasons.values()) == figures.lost.count
    for step in figures.conversion:
        assert 0 <= step.converted <= step.entered
        assert step.rate is None or 0 <= step.rate <= 1
    json.dumps(figures.to_json())
