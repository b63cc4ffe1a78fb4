"""Invariants of the analytics over generated portfolios (hypothesis)."""

import random
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_tui.domain.abc import AbcThresholds, classify_abc
from portfolio_tui.domain.aggregate import figures_from_sales
from portfolio_tui.domain.kpis import KpiInputs, compute_kpis
from portfolio_tui.domain.periods import period_of
from portfolio_tui.domain.records import AccountFigures, AccountInfo, SaleLine, StageMove
from portfolio_tui.domain.rfm import quintile_scores, score_rfm, segment_for
from portfolio_tui.domain.window import Window

FAST = settings(max_examples=300, deadline=None)
SLOW = settings(max_examples=100, deadline=None)

AS_OF = date(2026, 6, 30)
ORDER = {"A": 0, "B": 1, "C": 2}

# few distinct names and values so that ties are common
abc_rows = st.lists(
    st.tuples(
        st.sampled_from(["Alpha", "Beta", "Gamma"]),
        st.one_of(st.integers(-50, 0), st.sampled_from([1, 5, 100]), st.integers(1, 10**9)),
    ),
    max_size=40,
).map(lambda rows: [(f"id{i:03}", name, value) for i, (name, value) in enumerate(rows)])


@st.composite
def thresholds(draw):
    a = draw(st.floats(0.05, 0.95))
    b = draw(st.floats(a, 1.0).filter(lambda b: b > a))
    return AbcThresholds(a, b)


@FAST
@given(abc_rows, thresholds())
def test_abc_invariants(rows, th):
    result = classify_abc(rows, th)
    positive = [r for r in rows if r[2] > 0]
    total = sum(r[2] for r in positive)
    ranked = result.ranked
    assert result.total == total
    assert len(ranked) == len(positive)
    assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
    # ordered by value descending, then name, then id
    keys = [(-r.value, r.name, r.account_id) for r in ranked]
    assert keys == sorted(keys)
    # classes are monotone in rank
    assert [ORDER[r.abc_class] for r in ranked] == sorted(ORDER[r.abc_class] for r in ranked)
    summary = result.summary()
    assert [s.abc_class for s in summary] == ["A", "B", "C"]
    assert sum(s.accounts for s in summary) == len(ranked)
    assert sum(s.value for s in summary) == total
    for row in rows:
        assert (result.class_of(row[0]) is None) == (row[2] <= 0)
    if total:
        a_value = summary[0].value
        assert summary[0].accounts >= 1  # the largest account always starts at 0%
        # A stops only once a share >= a is reached, A+B once a share >= b is
        assert a_value / total >= th.a
        assert (a_value + summary[1].value) / total >= th.b
        assert abs(sum(r.share for r in ranked) - 1.0) < 1e-9
    else:
        assert ranked == [] and result.pareto_count == 0 and result.pareto_share == 0.0


@FAST
@given(abc_rows)
def test_pareto_is_the_smallest_prefix_reaching_80_percent(rows):
    result = classify_abc(rows)
    values = [r.value for r in result.ranked]
    if not values:
        return
    k = result.pareto_count
    assert 1 <= k <= len(values)
    assert sum(values[:k]) / result.total >= 0.8
    assert sum(values[: k - 1]) / result.total < 0.8
    assert result.pareto_share == k / len(values)
    # with the default thresholds class A is exactly the Pareto set
    assert sum(r.abc_class == "A" for r in result.ranked) == k


@FAST
@given(abc_rows, st.randoms(use_true_random=False))
def test_abc_ignores_input_order(rows, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert classify_abc(shuffled) == classify_abc(rows)


def naive_scores(values):
    n = len(values)
    return [min(5, 1 + (5 * sum(w < v for w in values)) // n) for v in values]


score_values = st.lists(st.one_of(st.integers(-5, 5), st.integers(-(10**9), 10**9)), max_size=60)


@FAST
@given(score_values)
def test_quintile_scores_match_the_naive_definition(values):
    scores = quintile_scores(values)
    assert scores == naive_scores(values)
    assert all(1 <= s <= 5 for s in scores)
    for v, s in zip(values, scores, strict=True):
        for w, t in zip(values, scores, strict=True):
            if v == w:
                assert s == t
            elif v > w:
                assert s >= t


figures_lists = st.lists(
    st.tuples(
        st.integers(0, 800),  # days since the last sale
        st.integers(0, 12),  # orders (0 = outside the population)
        st.integers(-1_000, 50_000),
        st.booleans(),  # has a last sale
    ),
    max_size=50,
).map(
    lambda rows: [
        AccountFigures(
            f"id{i}", f"N{i}", revenue, 0, orders, AS_OF - timedelta(days=days) if has else None
        )
        for i, (days, orders, revenue, has) in enumerate(rows)
    ]
)


@FAST
@given(figures_lists)
def test_rfm_invariants(figures):
    scores = score_rfm(figures, AS_OF)
    population = [f for f in figures if f.orders > 0 and f.last_sale is not None]
    assert set(scores) == {f.account_id for f in population}
    by_id = {f.account_id: f for f in population}
    for account_id, s in scores.items():
        assert {s.r, s.f, s.m} <= {1, 2, 3, 4, 5}
        assert s.segment == segment_for(s.r, s.f)
        fig = by_id[account_id]
        assert s.recency_days == (AS_OF - fig.last_sale).days
        assert (s.frequency, s.monetary) == (fig.orders, fig.revenue)
    items = list(scores.values())
    for x in items:
        for y in items:
            if x.recency_days < y.recency_days:
                assert x.r >= y.r  # more recent never scores lower
            if x.frequency == y.frequency:
                assert x.f == y.f
            if x.monetary > y.monetary:
                assert x.m >= y.m
    assert [s.r for s in items] == naive_scores([-s.recency_days for s in items])


sales_lists = st.lists(
    st.builds(
        SaleLine,
        account_id=st.sampled_from(["a", "b", "c"]),
        date=st.dates(date(2024, 1, 1), date(2026, 12, 31)),
        amount=st.integers(-500, 5_000),
        margin=st.one_of(st.none(), st.integers(-100, 1_000)),
        order_ref=st.one_of(st.none(), st.sampled_from(["R1", "R2", "R3"])),
    ),
    max_size=40,
)


@FAST
@given(sales_lists, st.sampled_from([1, 6, 12, 24, None]))
def test_figures_from_sales_match_a_naive_count(sales, months):
    window = Window(AS_OF, months)
    figures = {f.account_id: f for f in figures_from_sales(sales, window, {})}
    inside = [s for s in sales if window.contains(s.date)]
    assert set(figures) == {s.account_id for s in inside}
    for account_id, fig in figures.items():
        mine = [s for s in inside if s.account_id == account_id]
        assert fig.revenue == sum(s.amount for s in mine)
        assert fig.margin == sum(s.margin or 0 for s in mine)
        assert fig.last_sale == max(s.date for s in mine)
        orders = {("ref", s.order_ref) if s.order_ref else ("day", s.date) for s in mine}
        assert fig.orders == len(orders)


@FAST
@given(st.dates(date(2000, 1, 1), date(2030, 12, 31)), st.integers(1, 36), st.integers(-2000, 0))
def test_consecutive_windows_tile(as_of, months, offset):
    w = Window(as_of, months)
    d = as_of + timedelta(days=offset)
    assert w.contains(d) == (w.start < d <= as_of)
    if d > w.previous().start:
        assert w.contains(d) != w.previous().contains(d)


STAGES = ["suspect", "cold", "warm", "hot", "client", "lost"]


@st.composite
def kpi_inputs(draw):
    rnd = random.Random(draw(st.integers(0, 2**32)))
    n = draw(st.integers(0, 25))
    period = period_of(AS_OF, draw(st.sampled_from(["year", "quarter", "month"])))
    accounts = [
        AccountInfo(f"id{i}", rnd.choice("XYZ"), rnd.choice(STAGES), {"sector": rnd.choice("pq")})
        for i in range(n)
    ]
    ids = [a.account_id for a in accounts] + ["ghost"]

    def money():
        return {k: rnd.randint(-100, 10_000) for k in ids if rnd.random() < 0.6}

    family = {(k, rnd.choice(["f1", "f2", "—"])): rnd.randint(-100, 5_000) for k in ids}
    moves = []
    for k in ids:
        stage = None
        for _ in range(rnd.randint(0, 5)):
            new = rnd.choice(STAGES)
            moves.append(StageMove(k, stage, new, AS_OF - timedelta(days=rnd.randint(0, 700))))
            stage = new
    return KpiInputs(
        as_of=AS_OF,
        period=period,
        accounts=accounts,
        revenue_now=money(),
        revenue_before=money(),
        first_sale={k: AS_OF - timedelta(days=rnd.randint(0, 1_000)) for k in ids},
        revenue_by_family_now=family,
        stage_moves=moves,
        abc_classes={k: rnd.choice("ABC") for k in ids if rnd.random() < 0.5},
    )


@SLOW
@given(kpi_inputs(), st.sampled_from(["abc", "sector", "missing"]))
def test_kpi_invariants(inputs, rows):
    k = compute_kpis(inputs, matrix_rows=rows)
    assert k.retained_clients + k.lost_clients.count == k.active_before
    assert k.retained_clients <= k.active_now
    for ratio in (k.retention_rate, k.top10_share, k.largest_share):
        assert ratio is None or 0.0 <= ratio <= 1.0
    assert (k.retention_rate is None) == (k.active_before == 0)
    assert (k.top10_share is None) == (k.active_now == 0)
    assert len(k.top_accounts) == min(10, k.active_now)
    m = k.matrix
    assert sum(m.row_totals) == sum(m.column_totals) == m.total
    assert tuple(c.segment for c in k.coverage) == m.rows
    assert sum(c.accounts for c in k.coverage) == len(inputs.accounts)
    assert sum(c.active for c in k.coverage) == k.active_now
    assert sum(k.funnel.stage_counts.values()) == len(inputs.accounts)
    for step in k.funnel.steps:
        assert 0 <= step.converted <= step.entered <= len(inputs.accounts)
    live = {a.account_id for a in inputs.accounts}
    assert m.total == sum(v for (k, _), v in inputs.revenue_by_family_now.items() if k in live)
