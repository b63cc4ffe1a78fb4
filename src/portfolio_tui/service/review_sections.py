"""The sections of the reviews, built from the figures the CLI shows (the same service calls),
with every text through gettext and every number through the locale's formats."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from portfolio_tui.domain.abc import AbcResult
from portfolio_tui.domain.activity import COUNTED_KINDS, ActivityReport, Measure
from portfolio_tui.domain.deals import PipelineFigures
from portfolio_tui.domain.kpis import Kpis
from portfolio_tui.domain.projection import BookProjection
from portfolio_tui.domain.rfm import RfmScore
from portfolio_tui.formats.review_document import Bar, BarChart, Figure, Section, Table
from portfolio_tui.i18n import _
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.i18n.terms import kind_word, stage_word
from portfolio_tui.service.activity import lever_words
from portfolio_tui.service.churn import ChurnRiskReport
from portfolio_tui.store.activity_queries import DealFact

NONE = "—"
DANGER_SEGMENTS: tuple[str, ...] = ("Can't Lose Them", "At Risk", "About to Sleep")


def percent(value: float | None) -> str:
    return NONE if value is None else fmt.percent(value)


def money(cents: int, currency: str) -> str:
    return fmt.money(cents, currency)


def activity_section(report: ActivityReport, key: str = "activity") -> Section:
    data = report.to_json()
    factor_names = {
        "quantity": _("Quantity"),
        "orientation": _("Orientation"),
        "efficiency": _("Efficiency"),
    }
    figures = [
        _measure_figure(f"{key}.{name}", label, getattr(report, name), name == "quantity")
        for name, label in factor_names.items()
    ]
    lever = report.figures.lever
    gain = data["gain"]
    figures += [
        Figure(f"{key}.index", _("Activity index"), fmt.number(data["index"], 1), data["index"]),
        Figure(f"{key}.lever", _("Lever"), f"{factor_names[lever]}: {lever_words(lever)}", lever),
        Figure(f"{key}.what_if", _("Index with the lever raised"), fmt.number(data["what_if"], 1),
               data["what_if"]),
        Figure(f"{key}.gain", _("Gain"), percent(gain), gain),
        Figure(f"{key}.on_time_rate", _("Follow-ups done on time"), percent(data["on_time_rate"]),
               data["on_time_rate"]),
        Figure(f"{key}.overdue", _("Follow-ups overdue"), fmt.number(data["overdue"]),
               data["overdue"]),
        Figure(f"{key}.a_clients_in_cadence", _("A clients contacted within their cadence"),
               percent(data["a_clients_in_cadence"]), data["a_clients_in_cadence"]),
    ]  # fmt: skip
    chart = BarChart(
        f"{key}.scores",
        _("Scores out of 10"),
        tuple(_score_bar(label, getattr(report, name)) for name, label in factor_names.items()),
    )
    period = _("{start} to {end}").format(
        start=fmt.date_numeric(report.period.start), end=fmt.date_numeric(report.period.end)
    )
    return Section(key, _("Activity"), (period,), tuple(figures), (chart,))


def _score_bar(label: str, measure: Measure) -> Bar:
    return Bar(label, float(measure.score), fmt.number(measure.score, 1))


def _measure_figure(key: str, label: str, measure: Measure, is_count: bool) -> Figure:
    data = measure.to_dict()
    if is_count:
        value = fmt.number(data["value"])
        target = fmt.number(data["target"])
    else:
        value, target = percent(data["value"]), percent(data["target"])
    text = _("{value} (target {target}): score {score}").format(
        value=value, target=target, score=fmt.number(data["score"], 1)
    )
    return Figure(key, label, text, data["score"])


def interactions_section(
    interactions: Iterable[tuple[str, str]], classes: dict[str, str]
) -> Section:
    """`interactions`: (account id, kind) of the period; `classes`: ABC class by account."""
    facts = list(interactions)
    by_kind = Counter(kind for _, kind in facts)
    by_class = Counter(classes.get(account_id, NONE) for account_id, kind in facts
                       if kind in COUNTED_KINDS)  # fmt: skip
    kinds = sorted(by_kind, key=lambda k: (-by_kind[k], k))
    chart = BarChart(
        "done.by_kind",
        _("Interactions by kind"),
        tuple(Bar(kind_word(kind), by_kind[kind], fmt.number(by_kind[kind])) for kind in kinds),
    )
    table = Table(
        "done.by_class",
        _("Calls, meetings, visits and emails by ABC class"),
        (_("Class"), _("Interactions")),
        tuple((c, fmt.number(by_class[c])) for c in ("A", "B", "C", NONE) if by_class[c]),
        _("No interaction in the period."),
    )
    total = Figure("done.total", _("Interactions"), fmt.number(len(facts)), len(facts))
    return Section("done", _("What was done"), (), (total,), (chart,) if facts else (), (table,))


def stage_moves_section(moves: Sequence[tuple[date, str, str | None, str]]) -> Section:
    """`moves`: (day, account name, from stage, to stage), oldest first."""
    rows = tuple(
        (fmt.date_numeric(day), name, stage_word(before) if before else NONE, stage_word(after))
        for day, name, before, after in moves
    )
    table = Table(
        "stage_moves",
        _("Stage moves"),
        (_("Date"), _("Account"), _("From"), _("To")),
        rows,
        _("No stage move in the period."),
    )
    count = Figure("stage_moves.count", _("Stage moves"), fmt.number(len(rows)), len(rows))
    return Section("stage_moves", _("Stage moves"), (), (count,), (), (table,))


def deals_section(
    deals: Sequence[DealFact] | None, moved: int | None, start: date, end: date, currency: str
) -> Section:
    if deals is None:
        return Section("deals", _("Deals"), (_("Deals: not available yet."),))
    created = [d for d in deals if start <= d.created_on <= end]
    won = [d for d in deals if d.stage == "won" and d.closed_on and start <= d.closed_on <= end]
    lost = [d for d in deals if d.stage == "lost" and d.closed_on and start <= d.closed_on <= end]
    figures = [
        _deal_tally("deals.created", _("Created"), created, currency),
        _deal_tally("deals.won", _("Won"), won, currency),
        _deal_tally("deals.lost", _("Lost"), lost, currency),
        Figure("deals.moved", _("Stage moves of deals"),
               NONE if moved is None else fmt.number(moved), moved),
    ]  # fmt: skip
    return Section("deals", _("Deals"), (), tuple(figures))


def _deal_tally(key: str, label: str, deals: Sequence[DealFact], currency: str) -> Figure:
    amount = sum(d.amount for d in deals)
    text = f"{fmt.number(len(deals))} · {money(amount, currency)}"
    return Figure(key, label, text, len(deals))


def deals_closing_table(deals: Sequence[DealFact] | None, start: date, end: date) -> Table:
    rows = tuple(
        (fmt.date_numeric(d.expected_close), d.account_name, d.title, fmt.money(d.amount))
        for d in sorted(deals or (), key=lambda d: (d.expected_close or end, d.title))
        if d.stage in ("qualification", "proposal", "negotiation")
        and d.expected_close is not None
        and start <= d.expected_close <= end
    )
    empty = _("Deals: not available yet.") if deals is None else _("No deal closing then.")
    return Table(
        "deals.closing",
        _("Deals closing next week"),
        (_("Expected"), _("Account"), _("Deal"), _("Amount")),
        rows,
        empty,
    )


def overdue_table(rows: Sequence[tuple[date, str, str]]) -> Table:
    """`rows`: (due day, account name, title) of the follow-ups overdue at as_of."""
    return Table(
        "overdue",
        _("Overdue follow-ups"),
        (_("Due"), _("Account"), _("Follow-up")),
        tuple((fmt.date_numeric(due), name, title) for due, name, title in rows),
        _("No overdue follow-up."),
    )


def forecast_section(now: PipelineFigures | None, before: PipelineFigures | None) -> Section:
    if now is None or before is None:
        return Section("forecast", _("Deal forecast"), (_("Deal forecast: not available."),))
    figures = (
        Figure("forecast.weighted", _("Weighted open pipeline"),
               fmt.money(now.open_deals.weighted), now.open_deals.weighted),
        Figure("forecast.weighted_before", _("Weighted open pipeline a month ago"),
               fmt.money(before.open_deals.weighted), before.open_deals.weighted),
        Figure("forecast.open", _("Open deals"), fmt.number(now.open_deals.count),
               now.open_deals.count),
    )  # fmt: skip
    rows = tuple(
        (m.month, fmt.number(m.count), fmt.money(m.amount), fmt.money(m.weighted))
        for m in now.forecast
    )
    table = Table(
        "forecast.months",
        _("Forecast by month"),
        (_("Month"), _("Deals"), _("Amount"), _("Weighted")),
        rows,
    )
    return Section("forecast", _("Deal forecast"), (), figures, (), (table,))


def kpi_section(kpis: Kpis, key: str, title: str, currency: str) -> Section:
    data = kpis.to_dict()
    figures = (
        Figure(f"{key}.revenue_now", _("Revenue"), money(kpis.revenue_now, currency),
               kpis.revenue_now),
        Figure(f"{key}.revenue_before", _("Revenue, period before"),
               money(kpis.revenue_before, currency), kpis.revenue_before),
        Figure(f"{key}.active_now", _("Active clients"), fmt.number(kpis.active_now),
               kpis.active_now),
        Figure(f"{key}.active_before", _("Active clients, period before"),
               fmt.number(kpis.active_before), kpis.active_before),
        Figure(f"{key}.new_clients", _("New clients"), fmt.number(kpis.new_clients.count),
               kpis.new_clients.count),
        Figure(f"{key}.lost_clients", _("Lost clients"), fmt.number(kpis.lost_clients.count),
               kpis.lost_clients.count),
        Figure(f"{key}.retention_rate", _("Retention"), percent(kpis.retention_rate),
               data["retention_rate"]),
        Figure(f"{key}.net_revenue_retention", _("Net revenue retention"),
               percent(kpis.net_revenue_retention), data["net_revenue_retention"]),
    )  # fmt: skip
    chart = BarChart(
        f"{key}.revenue",
        _("Revenue: this period and the one before"),
        (
            Bar(kpis.period.label, kpis.revenue_now, money(kpis.revenue_now, currency)),
            Bar(kpis.previous_period.label, kpis.revenue_before,
                money(kpis.revenue_before, currency)),
        ),
    )  # fmt: skip
    note = _("{now} (to {as_of}) against {before}").format(
        now=kpis.period.label, as_of=fmt.date_numeric(kpis.as_of), before=kpis.previous_period.label
    )
    return Section(key, title, (note,), figures, (chart,))


def new_lost_tables(kpis: Kpis, currency: str) -> tuple[Table, Table]:
    def rows(group) -> tuple[tuple[str, ...], ...]:
        return tuple((a.name, money(a.amount, currency)) for a in group.accounts)

    return (
        Table("clients.new", _("New clients"), (_("Account"), _("Revenue")),
              rows(kpis.new_clients), _("None.")),
        Table("clients.lost", _("Lost clients"), (_("Account"), _("Revenue before")),
              rows(kpis.lost_clients), _("None.")),
    )  # fmt: skip


def danger_table(rows: Sequence[tuple[str, RfmScore, int]], currency: str) -> Table:
    """`rows`: (account name, RFM score, revenue) of the clients in a danger segment."""
    return Table(
        "danger",
        _("Clients in danger"),
        (_("Account"), _("RFM segment"), _("Days since last order"), _("Revenue")),
        tuple(
            (name, s.segment, fmt.number(s.recency_days), money(revenue, currency))
            for name, s, revenue in rows
        ),
        _("No client in danger."),
    )


def not_available(key: str, title: str) -> Section:
    return Section(key, title, (_("{what}: not available yet.").format(what=title),))


def abc_section(abc: AbcResult, currency: str) -> Section:
    summary = abc.summary()
    figures = (
        Figure("abc.pareto_share", _("Share of accounts making 80% of revenue"),
               percent(abc.pareto_share), abc.pareto_share),
        Figure("abc.pareto_count", _("Accounts making 80% of revenue"),
               fmt.number(abc.pareto_count), abc.pareto_count),
    )  # fmt: skip
    chart = BarChart(
        "abc.revenue",
        _("Revenue by ABC class"),
        tuple(Bar(c.abc_class, c.value, money(c.value, currency)) for c in summary),
    )
    table = Table(
        "abc.classes",
        _("ABC classes"),
        (_("Class"), _("Accounts"), _("Revenue"), _("Share")),
        tuple(
            (c.abc_class, fmt.number(c.accounts), money(c.value, currency), percent(c.share))
            for c in summary
        ),
    )
    return Section("abc", _("ABC and Pareto"), (), figures, (chart,), (table,))


def rf_grid_table(scores: Iterable[RfmScore]) -> Table:
    """Accounts per recency score (rows, 5 = most recent) and frequency score (columns)."""
    grid = Counter((s.r, s.f) for s in scores)
    rows = tuple(
        (f"R{r}", *(fmt.number(grid[(r, f)]) if grid[(r, f)] else "·" for f in range(1, 6)))
        for r in range(5, 0, -1)
    )
    return Table("rf_grid", _("R × F grid"), ("", *(f"F{f}" for f in range(1, 6))), rows)


def concentration_section(kpis: Kpis, currency: str) -> Section:
    notes = ()
    if kpis.concentration_alert:
        notes = (
            _("Alert: the top 10 accounts make {share} of revenue (above {limit}).").format(
                share=percent(kpis.top10_share), limit=percent(kpis.concentration_threshold)
            ),
        )
    figures = (
        Figure("concentration.top10_share", _("Top 10 share"), percent(kpis.top10_share),
               kpis.top10_share),
        Figure("concentration.largest_share", _("Largest account share"),
               percent(kpis.largest_share), kpis.largest_share),
        Figure("concentration.alert", _("Concentration alert"),
               _("yes") if kpis.concentration_alert else _("no"), int(kpis.concentration_alert)),
    )  # fmt: skip
    table = Table(
        "concentration.top",
        _("Top accounts"),
        (_("Account"), _("Revenue")),
        tuple((a.name, money(a.amount, currency)) for a in kpis.top_accounts),
        _("None."),
    )
    return Section("concentration", _("Concentration"), notes, figures, (), (table,))


def matrix_section(kpis: Kpis, currency: str) -> Section:
    """The segment × product family matrix; an empty cell of a segment that buys is white
    space to sell into (a segment that buys nothing is left out)."""
    m = kpis.matrix
    buying = [
        (row, cells, total)
        for row, cells, total in zip(m.rows, m.cells, m.row_totals, strict=True)
        if total
    ]
    rows = tuple(
        (row, *(money(v, currency) if v else _("white space") for v in cells),
         money(total, currency))
        for row, cells, total in buying
    )  # fmt: skip
    blanks = sum(1 for _row, cells, _total in buying for v in cells if not v)
    matrix = Table(
        "matrix",
        _("Revenue by segment and product family"),
        ("", *m.columns, _("Total")),
        rows,
        _("No revenue in the period."),
    )
    coverage = Table(
        "coverage",
        _("Coverage per segment"),
        (_("Segment"), _("Accounts"), _("Active"), _("Coverage")),
        tuple(
            (c.segment, fmt.number(c.accounts), fmt.number(c.active), percent(c.rate))
            for c in kpis.coverage
        ),
    )
    figure = Figure("matrix.white_space", _("White space cells"), fmt.number(blanks), blanks)
    return Section("matrix", _("Segments and products"), (), (figure,), (), (matrix, coverage))


def funnel_section(kpis: Kpis) -> Section:
    counts = kpis.funnel.stage_counts
    chart = BarChart(
        "funnel.stages",
        _("Accounts by stage"),
        tuple(Bar(stage_word(stage), n, fmt.number(n)) for stage, n in counts.items()),
    )
    table = Table(
        "funnel.steps",
        _("Conversion in the period"),
        (_("Step"), _("Entered"), _("Converted"), _("Rate")),
        tuple(
            (f"{stage_word(s.from_stage)} → {stage_word(s.to_stage)}", fmt.number(s.entered),
             fmt.number(s.converted), percent(s.rate))
            for s in kpis.funnel.steps
        ),
    )  # fmt: skip
    return Section("funnel", _("Funnel"), (), (), (chart,), (table,))


def churn_section(risk: ChurnRiskReport | None, currency: str, whole: bool) -> Section:
    """The revenue at risk (Σ (1 − P(alive)) × revenue of the last 12 months) and its top ten;
    `whole`: the figures cover the whole portfolio although the review is narrowed."""
    title = _("Churn risk")
    if risk is None:
        return Section("churn", title, (_("Churn risk: not available (too little history)."),))
    notes = (_("Over the whole portfolio."),) if whole else ()
    figure = Figure("churn.weighted_risk", _("Revenue at risk"), money(risk.total, currency),
                    risk.total)  # fmt: skip
    chart = BarChart(
        "churn.top",
        _("Accounts weighing most in the risk"),
        tuple(Bar(r.name, r.risk, money(r.risk, currency)) for r in risk.top),
    )
    return Section("churn", title, notes, (figure,), (chart,) if risk.top else ())


def projection_section(projection: BookProjection | None, currency: str) -> Section:
    title = _("The book in four years")
    if projection is None:
        return Section("projection", title, (_("Projection: not available (no full year)."),))
    figures = (
        Figure("projection.churn_rate", _("Clients lost a year"), percent(projection.churn_rate),
               projection.churn_rate),
        Figure("projection.new_per_year", _("New clients a year"),
               fmt.number(projection.new_per_year, 1), projection.new_per_year),
        Figure("projection.loss_in_four_years", _("Clients gone in four years without prospecting"),
               percent(projection.loss_in_four_years), projection.loss_in_four_years),
    )  # fmt: skip
    table = Table(
        "projection.years",
        _("Projected years"),
        (_("Year"), _("Clients"), _("Without new clients"), _("Revenue"), _("Without new")),
        tuple(
            (str(y.year), fmt.number(y.clients, 1), fmt.number(y.clients_without_new, 1),
             money(y.revenue, currency), money(y.revenue_without_new, currency))
            for y in projection.years
        ),
    )  # fmt: skip
    return Section("projection", title, (), figures, (), (table,))
