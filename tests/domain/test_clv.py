"""BG/NBD: likelihood, P(alive), conditional expectation, fit, churn risk."""

import math
import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_tui.domain.clv import (
    DEFAULT_PENALIZER,
    DEGENERATE,
    HORIZON_90_DAYS_WEEKS,
    MIN_REPEAT_CLIENTS,
    NO_CONVERGENCE,
    TOO_FEW_REPEAT_CLIENTS,
    TOO_SHORT,
    AccountRisk,
    BgNbdParams,
    ClientHistory,
    Observation,
    client_histories,
    expected_orders,
    fit_bgnbd,
    log_likelihood,
    observation,
    p_alive,
    score_clients,
    weighted_churn_risk,
)

LN2 = math.log(2)
CDNOW = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
ONES = BgNbdParams(1.0, 1.0, 1.0, 1.0)


def draw_book(
    rng: random.Random, params: BgNbdParams, clients: int, weeks: float
) -> list[Observation]:
    """Clients drawn from the BG/NBD story, ages uniform in (0, weeks], times in whole days."""
    book = []
    for _ in range(clients):
        age = round(rng.uniform(0, weeks) * 7) / 7
        rate = rng.gammavariate(params.r, 1 / params.alpha)
        drop = rng.betavariate(params.a, params.b)
        t, x, last = 0.0, 0, 0.0
        while (t := t + rng.expovariate(rate)) <= age:
            x, last = x + 1, t
            if rng.random() < drop:
                break
        book.append(Observation(x, min(round(last * 7) / 7, age), age))
    return book


# ---- histories -----------------------------------------------------------------------------


def test_client_histories_count_one_order_per_date_and_ignore_later_ones():
    as_of = date(2026, 3, 2)
    order_days = {
        "a": [date(2026, 1, 5), date(2026, 1, 5), date(2026, 2, 2), date(2026, 4, 1)],
        "b": [date(2026, 5, 1)],  # only after as_of
        "c": [],
    }
    assert client_histories(order_days, as_of) == [
        ClientHistory("a", 3, date(2026, 1, 5), date(2026, 2, 2))
    ]


def test_observation_is_repeat_orders_and_weeks():
    history = ClientHistory("a", 3, date(2026, 1, 5), date(2026, 2, 2))
    # 28 days from first to last = 4 weeks; 56 days from first to as_of = 8 weeks
    assert observation(history, date(2026, 3, 2)) == Observation(2, 4.0, 8.0)
    assert observation(ClientHistory("b", 1, date(2026, 3, 1), date(2026, 3, 1)), date(2026, 3, 2))[
        1:
    ] == (0.0, pytest.approx(1 / 7))


# ---- the paper's formulas, by hand --------------------------------------------------------


def test_log_likelihood_by_hand_with_unit_parameters():
    # x=1, t_x=1, T=2, r=α=a=b=1:
    # B(1,2)/B(1,1) · Γ(2)·1 / (Γ(1)·3²) = ½ · 1/9 = 1/18
    # B(2,1)/B(1,1) · Γ(2)·1 / (Γ(1)·2²) = ½ · 1/4 = 1/8        L = 1/18 + 1/8 = 13/72
    assert log_likelihood(ONES, 1, 1.0, 2.0) == pytest.approx(math.log(13 / 72), rel=1e-12)


def test_log_likelihood_without_repeat_order_is_the_first_term_only():
    # x=0: B(a,b)/B(a,b) · Γ(r)α^r / (Γ(r)(α+T)^r) = (3/4)² with r=2, α=3, T=1
    params = BgNbdParams(r=2.0, alpha=3.0, a=0.5, b=4.0)
    assert log_likelihood(params, 0, 0.0, 1.0) == pytest.approx(math.log(9 / 16), rel=1e-12)


def test_log_likelihood_by_hand_with_two_repeat_orders():
    # r=0.5, α=2, a=2, b=3, x=2, t_x=1, T=4
    # B(2,5)/B(2,3) = (1/30)/(1/12) = 0.4;  Γ(2.5)/Γ(0.5) = 1.5·0.5 = 0.75;  α^r = √2
    # first  = 0.4 · 0.75 · √2 / 6^2.5
    # B(3,4)/B(2,3) = (1/60)/(1/12) = 0.2
    # second = 0.2 · 0.75 · √2 / 3^2.5
    first = 0.4 * 0.75 * math.sqrt(2) / 6**2.5
    second = 0.2 * 0.75 * math.sqrt(2) / 3**2.5
    params = BgNbdParams(r=0.5, alpha=2.0, a=2.0, b=3.0)
    assert log_likelihood(params, 2, 1.0, 4.0) == pytest.approx(math.log(first + second), rel=1e-12)


def test_p_alive_by_hand():
    # 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) = 1 / (1 + 1 · (3/2)²) = 4/13,
    # which is also the first term of the likelihood over L: (1/18) / (13/72)
    assert p_alive(ONES, 1, 1.0, 2.0) == pytest.approx(4 / 13, rel=1e-12)
    # a=2: 1 / (1 + 2/1 · 9/4) = 2/11
    assert p_alive(BgNbdParams(1.0, 1.0, 2.0, 1.0), 1, 1.0, 2.0) == pytest.approx(2 / 11)


def test_p_alive_is_one_without_a_repeat_order():
    assert p_alive(CDNOW, 0, 0.0, 52.0) == 1.0


def test_expected_orders_by_hand_when_a_is_one():
    # r=a=b=1, x=0: p ~ Beta(1,1) uniform, u = t/(α+T) = 2/2 = 1, P(alive) = 1:
    # E = ∫₀¹ (1 − (1+pu)⁻¹)/p dp = ∫₀¹ u/(1+pu) dp = ln(1+u) = ln 2 (eq. 10 is 0/0 there)
    assert expected_orders(ONES, 2.0, 0, 0.0, 1.0) == pytest.approx(LN2, rel=1e-12)


def test_expected_orders_by_hand_from_eq_10():
    # r=1, α=1, a=2, b=1, x=0, T=1, t=2: z = 2/4 = ½, ₂F₁(1,1;2;z) = −ln(1−z)/z = 2 ln 2
    # E = (a+b+x−1)/(a−1) · [1 − (1−z)^r · ₂F₁] = 2 · (1 − ½ · 2 ln 2) = 2(1 − ln 2)
    params = BgNbdParams(1.0, 1.0, 2.0, 1.0)
    assert expected_orders(params, 2.0, 0, 0.0, 1.0) == pytest.approx(2 * (1 - LN2), rel=1e-12)


def test_expected_orders_by_hand_with_a_repeat_order():
    # r=1, α=1, a=2, b=1, x=1, t_x=1, T=2, t=3: z = 3/6 = ½
    # ₂F₁(2,2;3;z) = 2 Σ (n+1)/(n+2) zⁿ = 2[1/(1−z) − (−ln(1−z) − z)/z²] = 8 − 8 ln 2
    # bracket = 1 − (½)² (8 − 8 ln 2) = 2 ln 2 − 1;  (a+b+x−1)/(a−1) = 3
    # denominator 1 + 2/1 · (3/2)² = 11/2          E = 3 (2 ln 2 − 1) · 2/11
    params = BgNbdParams(1.0, 1.0, 2.0, 1.0)
    expected = (12 * LN2 - 6) / 11
    assert expected_orders(params, 3.0, 1, 1.0, 2.0) == pytest.approx(expected, rel=1e-12)


def test_expected_orders_of_the_paper_cdnow_example():
    # Fader, Hardie & Lee's CDNOW example (their spreadsheet, also lifetimes' test): x=2,
    # t_x=30.43, T=38.86, 39 weeks ahead with the published parameters: 1.226
    assert expected_orders(CDNOW, 39.0, 2, 30.43, 38.86) == pytest.approx(1.226, abs=5e-4)


# ---- the expectation against other ways of computing it ----------------------------------


def expectation_by_integration(
    params: BgNbdParams, t: float, x: int, t_x: float, T: float
) -> float:
    """P(alive) · E[(1 − e^(−λpt))/p] over the posterior λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x):
    λ integrates in closed form, p by tanh-sinh quadrature (p = 1/(1 + e^(−π·sinh s))), which
    takes the p^(a−1) and (1−p)^(b+x−1) end-point singularities in its stride."""
    shape, u = params.r + x, t / (params.alpha + T)
    a, b = params.a, params.b + x
    step = 1 / 256
    total = 0.0
    for k in range(-6 * 256, 6 * 256 + 1):
        s = k * step
        y = math.pi * math.sinh(s)
        p, q = 1 / (1 + math.exp(-y)), 1 / (1 + math.exp(y))  # p and 1 − p, both precise
        if p == 0 or q == 0:
            continue
        dp = math.pi * math.cosh(s) * p * q
        ratio = -math.expm1(-shape * math.log1p(p * u)) / p  # (1 − (1+pu)^−shape) / p
        total += ratio * p ** (a - 1) * q ** (b - 1) * dp
    beta = math.exp(math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b))
    return p_alive(params, x, t_x, T) * total * step / beta


def expectation_by_eq_10(params: BgNbdParams, t: float, x: int, t_x: float, T: float) -> float:
    """Eq. 10 as printed, 2F1 summed term by term (only for z well below 1)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + T + t)
    big_a, big_b, big_c = r + x, b + x, a + b + x - 1
    term, hyp = 1.0, 1.0
    for n in range(5000):
        term *= (big_a + n) * (big_b + n) / ((big_c + n) * (n + 1)) * z
        hyp += term
    bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp
    return (a + b + x - 1) / (a - 1) * bracket * p_alive(params, x, t_x, T)


@pytest.mark.parametrize(
    ("params", "t", "x", "t_x", "T"),
    [
        (CDNOW, 39.0, 2, 30.43, 38.86),
        (CDNOW, HORIZON_90_DAYS_WEEKS, 0, 0.0, 20.0),
        (CDNOW, HORIZON_90_DAYS_WEEKS, 7, 50.0, 60.0),
        (BgNbdParams(1.5, 8.0, 0.5, 5.0), HORIZON_90_DAYS_WEEKS, 12, 140.0, 150.0),
        (BgNbdParams(2.0, 4.0, 3.0, 0.7), 26.0, 3, 10.0, 12.0),
    ],
)
def test_expected_orders_matches_integration_and_eq_10(params, t, x, t_x, T):
    value = expected_orders(params, t, x, t_x, T)
    assert value == pytest.approx(expectation_by_integration(params, t, x, t_x, T), rel=1e-9)
    assert value == pytest.approx(expectation_by_eq_10(params, t, x, t_x, T), rel=1e-9)


@pytest.mark.parametrize(
    ("params", "x", "t_x", "T"),
    [
        # z = t/(α+T+t) ≈ 0.996 and 0.990: the printed series would need thousands of terms
        (BgNbdParams(0.5, 0.05, 0.7, 2.5), 0, 0.0, 0.0),
        (BgNbdParams(0.5, 0.05, 0.7, 2.5), 3, 0.1, 0.08),
        (BgNbdParams(3.0, 0.1, 1.4, 0.6), 25, 0.02, 0.03),
    ],
)
def test_expected_orders_where_z_is_near_one(params, x, t_x, T):
    t = HORIZON_90_DAYS_WEEKS
    assert t / (params.alpha + T + t) > 0.98
    value = expected_orders(params, t, x, t_x, T)
    assert value == pytest.approx(expectation_by_integration(params, t, x, t_x, T), rel=1e-9)


def test_expected_orders_is_continuous_through_a_equal_one():
    at_one = expected_orders(BgNbdParams(0.7, 3.0, 1.0, 2.0), 12.0, 4, 20.0, 30.0)
    for a in (1 - 1e-9, 1 + 1e-9, 1 - 1e-6, 1 + 1e-6):
        near = expected_orders(BgNbdParams(0.7, 3.0, a, 2.0), 12.0, 4, 20.0, 30.0)
        assert near == pytest.approx(at_one, rel=1e-5)


# ---- fitting -------------------------------------------------------------------------------


def test_fit_recovers_the_parameters_of_a_synthetic_book():
    true = BgNbdParams(r=0.8, alpha=6.0, a=0.9, b=3.0)
    book = draw_book(random.Random(0), true, 10_000, weeks=156)
    fit = fit_bgnbd(book)
    assert fit.reason is None and fit.params is not None
    params = fit.params
    assert params.r == pytest.approx(true.r, rel=0.12)
    assert params.alpha == pytest.approx(true.alpha, rel=0.12)
    assert params.a == pytest.approx(true.a, rel=0.15)
    assert params.b == pytest.approx(true.b, rel=0.15)
    assert params.a / (params.a + params.b) == pytest.approx(true.a / (true.a + true.b), rel=0.06)
    assert fit.clients == 10_000
    assert fit.repeat_clients == sum(obs.x > 0 for obs in book)
    assert fit.log_likelihood == pytest.approx(
        math.fsum(log_likelihood(params, *obs) for obs in book), rel=1e-9
    )


def test_fit_of_a_small_book_gives_probabilities_close_to_the_true_ones():
    true = BgNbdParams(r=1.5, alpha=8.0, a=0.5, b=5.0)
    book = draw_book(random.Random(3), true, 150, weeks=156)
    fit = fit_bgnbd(book)
    assert fit.params is not None
    gaps = [abs(p_alive(fit.params, *obs) - p_alive(true, *obs)) for obs in book]
    assert sum(gaps) / len(gaps) < 0.03


def test_fit_is_a_maximum_of_the_penalised_likelihood():
    book = draw_book(random.Random(5), BgNbdParams(1.0, 5.0, 1.2, 4.0), 300, weeks=104)
    fit = fit_bgnbd(book, penalizer=0.0)
    assert fit.params is not None

    def total(params: BgNbdParams) -> float:
        return math.fsum(log_likelihood(params, *obs) for obs in book)

    best = total(fit.params)
    assert best == pytest.approx(fit.log_likelihood, rel=1e-12)
    p = fit.params
    for factor in (0.99, 1.01):
        for moved in (
            BgNbdParams(p.r * factor, p.alpha, p.a, p.b),
            BgNbdParams(p.r, p.alpha * factor, p.a, p.b),
            BgNbdParams(p.r, p.alpha, p.a * factor, p.b),
            BgNbdParams(p.r, p.alpha, p.a, p.b * factor),
        ):
            assert total(moved) < best


def test_fit_is_deterministic_and_does_not_depend_on_the_order_of_clients():
    book = draw_book(random.Random(8), BgNbdParams(0.8, 6.0, 0.9, 3.0), 3000, weeks=156)
    assert fit_bgnbd(book) == fit_bgnbd(list(reversed(book)))


def test_penalizer_pulls_the_parameters_towards_zero():
    book = draw_book(random.Random(2), BgNbdParams(1.5, 8.0, 0.5, 5.0), 200, weeks=104)
    plain, penalised = fit_bgnbd(book, penalizer=0.0), fit_bgnbd(book, penalizer=10.0)
    assert plain.params is not None and penalised.params is not None
    assert penalised.params.b < plain.params.b
    assert penalised.log_likelihood < plain.log_likelihood
    assert DEFAULT_PENALIZER == 0.01


def test_too_few_repeat_clients_give_no_parameters():
    book = [Observation(1, 5.0, 20.0)] * (MIN_REPEAT_CLIENTS - 1) + [Observation(0, 0.0, 9.0)] * 50
    fit = fit_bgnbd(book)
    assert (fit.params, fit.log_likelihood, fit.reason) == (None, None, TOO_FEW_REPEAT_CLIENTS)
    assert (fit.clients, fit.repeat_clients) == (69, 19)
    assert fit_bgnbd([]).reason == TOO_FEW_REPEAT_CLIENTS


def test_a_book_born_today_is_too_short():
    fit = fit_bgnbd([Observation(2, 0.0, 0.0)] * 30)
    assert (fit.params, fit.reason) == (None, TOO_SHORT)


def test_a_search_cut_short_gives_no_parameters():
    book = draw_book(random.Random(1), BgNbdParams(0.8, 6.0, 0.9, 3.0), 200, weeks=156)
    fit = fit_bgnbd(book, max_iterations=3)
    assert (fit.params, fit.reason, fit.iterations) == (None, NO_CONVERGENCE, 3)


def test_a_book_where_nobody_ever_leaves_is_degenerate():
    # every client ordered 5 times, the last within a week of as_of: the best a runs off to 0
    book = [Observation(5, 50.0 - k / 7, 50.0) for k in range(30)]
    assert fit_bgnbd(book).reason == DEGENERATE


@pytest.mark.parametrize(
    "obs",
    [
        Observation(1, 10.0, 5.0),  # last order after as_of
        Observation(0, 2.0, 5.0),  # a recency without a repeat order
        Observation(-1, 0.0, 5.0),
        Observation(1, math.nan, 5.0),
        Observation(1, 1.0, math.inf),
    ],
)
def test_an_impossible_observation_is_refused(obs):
    with pytest.raises(ValueError, match="not a BG/NBD observation"):
        fit_bgnbd([obs])


# ---- scoring -------------------------------------------------------------------------------


def synthetic_histories(clients: int, as_of: date) -> list[ClientHistory]:
    book = draw_book(random.Random(4), BgNbdParams(1.0, 5.0, 0.8, 3.0), clients, weeks=104)
    histories = []
    for k, (x, t_x, T) in enumerate(book):
        first = date.fromordinal(as_of.toordinal() - round(T * 7))
        last = date.fromordinal(first.toordinal() + round(t_x * 7))
        histories.append(ClientHistory(f"acc{k:03}", x + 1, first, last))
    return histories


def test_score_clients_gives_each_client_its_row():
    as_of = date(2026, 6, 30)
    histories = synthetic_histories(200, as_of)
    result = score_clients(histories, as_of)
    assert result.fit.params is not None
    assert [row.account_id for row in result.clients] == [h.account_id for h in histories]
    for history, row in zip(histories, result.clients, strict=True):
        x, t_x, T = observation(history, as_of)
        assert (row.orders, row.repeat_orders, row.recency_weeks, row.age_weeks) == (
            history.orders,
            x,
            t_x,
            T,
        )
        assert row.p_alive == p_alive(result.fit.params, x, t_x, T)
        assert row.expected_orders_90d == expected_orders(result.fit.params, 90 / 7, x, t_x, T)
        if x == 0:
            assert row.p_alive == 1.0


def test_score_clients_without_a_fit_gives_no_probabilities():
    as_of = date(2026, 6, 30)
    histories = synthetic_histories(12, as_of)
    result = score_clients(histories, as_of)
    assert result.fit.reason == TOO_FEW_REPEAT_CLIENTS
    assert len(result.clients) == 12
    assert all(row.p_alive is None and row.expected_orders_90d is None for row in result.clients)


# ---- churn risk ----------------------------------------------------------------------------


def test_weighted_churn_risk_by_hand():
    p_alive_by_account = {"a": 0.25, "b": 0.5, "c": 1.0, "d": 0.9}
    revenue = {"a": 10_000, "b": 333, "c": 5_000, "d": -100, "e": 1_000}
    # a: 0.75 × 10,000 = 7,500; b: 0.5 × 333 = 166.5; c: nothing at risk; d: no revenue;
    # e: no P(alive). Total 7,666.5 → 7,667 cents (rounded once, half up).
    total, top = weighted_churn_risk(p_alive_by_account, revenue)
    assert total == 7_667
    assert top == [
        AccountRisk("a", 7_500, pytest.approx(7_500 / 7_666.5)),
        AccountRisk("b", 167, pytest.approx(166.5 / 7_666.5)),
    ]


def test_weighted_churn_risk_rounds_the_total_once_and_keeps_ten():
    # 12 accounts of 0.4 cent at risk each: 4.8 cents in all → 5, although each rounds to 0
    p_alive_by_account = {f"k{n:02}": 0.6 for n in range(12)}
    revenue = dict.fromkeys(p_alive_by_account, 1)
    total, top = weighted_churn_risk(p_alive_by_account, revenue)
    assert total == 5
    assert [risk.account_id for risk in top] == [f"k{n:02}" for n in range(10)]  # ties by id
    assert all(risk.risk_cents == 0 for risk in top)
    assert top[0].share == pytest.approx(1 / 12)


def test_weighted_churn_risk_of_nothing():
    assert weighted_churn_risk({}, {}) == (0, [])


# ---- properties ----------------------------------------------------------------------------

parameters = st.builds(
    BgNbdParams,
    r=st.floats(0.05, 5.0),
    alpha=st.floats(0.1, 50.0),
    a=st.floats(0.05, 5.0),
    b=st.floats(0.05, 10.0),
)


@settings(max_examples=300, deadline=None)
@given(
    parameters,
    st.integers(0, 30),
    st.floats(0.0, 100.0),
    st.floats(0.0, 100.0),
    st.floats(0.01, 50.0),
)
def test_p_alive_is_a_probability_that_falls_with_age(params, x, t_x, waited, later):
    t_x = t_x if x > 0 else 0.0
    T = t_x + waited
    alive = p_alive(params, x, t_x, T)
    assert 0.0 < alive <= 1.0
    assert p_alive(params, x, t_x, T + later) <= alive
    if x == 0:
        assert alive == 1.0


@settings(max_examples=200, deadline=None)
@given(
    parameters,
    st.integers(0, 30),
    st.floats(0.0, 100.0),
    st.floats(0.0, 100.0),
    st.floats(0.1, 52.0),
    st.floats(0.1, 52.0),
)
def test_expected_orders_are_finite_and_grow_with_the_horizon(params, x, t_x, waited, t, more):
    t_x = t_x if x > 0 else 0.0
    T = t_x + waited
    soon = expected_orders(params, t, x, t_x, T)
    assert 0.0 <= soon < math.inf
    assert expected_orders(params, t + more, x, t_x, T) >= soon * (1 - 1e-9)
