"""Portfolio KPIs for a calendar period to date, against the period before: by default the
same span of it (like for like, see `periods.compared_span`), or the whole of it.

Every account-level figure counts live accounts only: ids in the revenue maps, first_sale,
abc_classes or stage_moves that are not in `accounts` are ignored. An account is *active* in a
period when its revenue there is positive. Ratios are None when their denominator is 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from portfolio_tui.domain.abc import ABC_CLASSES
from portfolio_tui.domain.periods import LIKE_FOR_LIKE, Period, compared_span
from portfolio_tui.domain.records import AccountInfo, StageMove
from portfolio_tui.domain.stages import FUNNEL, Stage

UNSET = "—"  # matrix row or column for a missing class, field value or product family
TOP_N = 10

_FUNNEL: tuple[str, ...] = tuple(s.value for s in FUNNEL)
_STAGES: tuple[str, ...] = tuple(s.value for s in Stage)

Segmenter = Callable[[AccountInfo], str]
Live = Mapping[str, AccountInfo]


@dataclass(frozen=True, slots=True)
class KpiInputs:
    as_of: date
    period: Period
    accounts: Sequence[AccountInfo]  # every live account
    revenue_now: Mapping[str, int]  # period.start <= date <= min(period.end, as_of)
    revenue_before: Mapping[str, int]  # inside compared_span(period, as_of, previous)
    first_sale: Mapping[str, date]  # first sale ever (<= as_of)
    revenue_by_family_now: Mapping[tuple[str, str], int]  # (account_id, family or "—")
    stage_moves: Sequence[StageMove]  # the whole history up to as_of, oldest first
    abc_classes: Mapping[str, str]  # unclassed accounts absent
    previous: str = LIKE_FOR_LIKE  # how revenue_before was taken: "like_for_like" or "full"
    lost_reasons: Mapping[str, str] = field(default_factory=dict)  # lost accounts' reasons


@dataclass(frozen=True, slots=True)
class AccountAmount:
    account_id: str
    name: str
    amount: int

    def to_dict(self) -> dict[str, Any]:
        return {"account_id": self.account_id, "name": self.name, "amount": self.amount}


@dataclass(frozen=True, slots=True)
class ClientGroup:
    """A set of accounts (new or lost clients) and their revenue, largest first."""

    count: int
    revenue: int
    accounts: tuple[AccountAmount, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "revenue": self.revenue,
            "accounts": [a.to_dict() for a in self.accounts],
        }


@dataclass(frozen=True, slots=True)
class RevenueMatrix:
    """Current-period revenue by segment (rows) and product family (columns)."""

    row_key: str  # "abc" or the AccountInfo.fields key the rows come from
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]  # cells[i][j]: rows[i] x columns[j]
    row_totals: tuple[int, ...]
    column_totals: tuple[int, ...]
    total: int

    def cell(self, row: str, column: str) -> int:
        if row not in self.rows or column not in self.columns:
            return 0
        return self.cells[self.rows.index(row)][self.columns.index(column)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "row_key": self.row_key,
            "rows": list(self.rows),
            "columns": list(self.columns),
            "cells": {
                row: dict(zip(self.columns, values, strict=True))
                for row, values in zip(self.rows, self.cells, strict=True)
            },
            "row_totals": dict(zip(self.rows, self.row_totals, strict=True)),
            "column_totals": dict(zip(self.columns, self.column_totals, strict=True)),
            "total": self.total,
        }


@dataclass(frozen=True, slots=True)
class FunnelStep:
    """Conversion between two consecutive funnel stages during the period.

    `entered`: live accounts that were in `from_stage` at some time in the period, i.e. it was
    their stage on the period's first day or it is the from or to stage of a move dated in the
    period. `converted`: those of them that, after being in `from_stage`, moved in the period to
    `to_stage` or any stage further down the funnel (a jump cold -> client converts cold -> warm).
    """

    from_stage: str
    to_stage: str
    entered: int
    converted: int
    rate: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "from_stage": self.from_stage,
            "to_stage": self.to_stage,
            "entered": self.entered,
            "converted": self.converted,
            "rate": self.rate,
        }


@dataclass(frozen=True, slots=True)
class Funnel:
    stage_counts: Mapping[str, int]  # current stage -> live accounts; every stage, in order
    steps: tuple[FunnelStep, ...]  # suspect->cold, cold->warm, warm->hot, hot->client

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage_counts": dict(self.stage_counts),
            "steps": [s.to_dict() for s in self.steps],
        }


@dataclass(frozen=True, slots=True)
class SegmentCoverage:
    segment: str
    accounts: int  # every live account of the segment, prospects included
    active: int
    rate: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "accounts": self.accounts,
            "active": self.active,
            "rate": self.rate,
        }


@dataclass(frozen=True, slots=True)
class Kpis:
    as_of: date
    period: Period
    previous_period: Period
    revenue_now: int  # all live accounts, current period up to as_of
    revenue_before: int  # all live accounts, whole previous period
    active_now: int
    active_before: int
    new_clients: ClientGroup  # first sale ever in the period; revenue in the period
    lost_clients: ClientGroup  # active before, not now; revenue in the previous period
    retained_clients: int  # active before and now
    retention_rate: float | None  # retained_clients / active_before
    net_revenue_retention: float | None  # now / before, over the accounts active before
    top_accounts: tuple[AccountAmount, ...]  # the 10 largest current revenues
    top10_share: float | None  # of the active accounts' current revenue
    largest_share: float | None
    concentration_threshold: float
    concentration_alert: bool  # top10_share > concentration_threshold
    matrix: RevenueMatrix
    funnel: Funnel
    coverage: tuple[SegmentCoverage, ...]  # per matrix row, in the same order
    comparison: str = LIKE_FOR_LIKE  # "like_for_like" or "full": what *_before covers
    compared_end: date | None = None  # the last day of the previous period compared
    # Accounts marked lost in the period, by reason ("—": none given), most first.
    lost_reasons: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values: ISO dates, cents as ints, ratios as floats or None."""
        return {
            "as_of": self.as_of.isoformat(),
            "period": _period_dict(self.period),
            "previous_period": _period_dict(self.previous_period),
            "revenue_now": self.revenue_now,
            "revenue_before": self.revenue_before,
            "active_now": self.active_now,
            "active_before": self.active_before,
            "new_clients": self.new_clients.to_dict(),
            "lost_clients": self.lost_clients.to_dict(),
            "retained_clients": self.retained_clients,
            "retention_rate": self.retention_rate,
            "net_revenue_retention": self.net_revenue_retention,
            "top_accounts": [a.to_dict() for a in self.top_accounts],
            "top10_share": self.top10_share,
            "largest_share": self.largest_share,
            "concentration_threshold": self.concentration_threshold,
            "concentration_alert": self.concentration_alert,
            "matrix": self.matrix.to_dict(),
            "funnel": self.funnel.to_dict(),
            "coverage": [c.to_dict() for c in self.coverage],
            "comparison": self.comparison,
            "compared_end": self.compared_end.isoformat() if self.compared_end else None,
            "lost_reasons": dict(self.lost_reasons),
        }


def compute_kpis(
    inputs: KpiInputs, *, concentration_alert: float = 0.40, matrix_rows: str = "abc"
) -> Kpis:
    """The KPIs of `inputs.period` up to `as_of`, against the span of the previous period
    that `inputs.previous` names (the revenue_before given must cover it).

    `matrix_rows` is "abc" (rows A, B, C, then "—" for unclassed accounts) or a key of
    AccountInfo.fields such as "sector" (rows by value, "—" for a missing or blank one).
    """
    _check_options(concentration_alert, matrix_rows)
    period = inputs.period
    end = min(period.end, inputs.as_of)
    live = {a.account_id: a for a in inputs.accounts}
    now = {k: v for k, v in inputs.revenue_now.items() if k in live}
    before = {k: v for k, v in inputs.revenue_before.items() if k in live}

    active_now = {k for k, v in now.items() if v > 0}
    active_before = {k for k, v in before.items() if v > 0}
    retained = active_now & active_before
    new = [
        k
        for k in live
        if (first := inputs.first_sale.get(k)) is not None and period.start <= first <= end
    ]
    lost = active_before - active_now

    top, top10_share, largest_share = _concentration(live, {k: now[k] for k in active_now})

    _, compared_end = compared_span(period, inputs.as_of, inputs.previous)
    segment_of = _segmenter(inputs, matrix_rows)
    matrix = _matrix(inputs, live, segment_of, matrix_rows)
    coverage = _coverage(live, active_now, segment_of, matrix.rows)

    return Kpis(
        as_of=inputs.as_of,
        period=period,
        previous_period=period.previous(),
        revenue_now=sum(now.values()),
        revenue_before=sum(before.values()),
        active_now=len(active_now),
        active_before=len(active_before),
        new_clients=_group(live, {k: now.get(k, 0) for k in new}),
        lost_clients=_group(live, {k: before[k] for k in lost}),
        retained_clients=len(retained),
        retention_rate=_ratio(len(retained), len(active_before)),
        net_revenue_retention=_ratio(
            sum(now.get(k, 0) for k in active_before), sum(before[k] for k in active_before)
        ),
        top_accounts=tuple(top[:TOP_N]),
        top10_share=top10_share,
        largest_share=largest_share,
        concentration_threshold=concentration_alert,
        concentration_alert=top10_share is not None and top10_share > concentration_alert,
        matrix=matrix,
        funnel=_funnel(inputs, live, end),
        coverage=coverage,
        comparison=inputs.previous,
        compared_end=compared_end,
        lost_reasons=_lost_reasons(inputs, live, end),
    )


def _check_options(concentration_alert: float, matrix_rows: str) -> None:
    if not 0 <= concentration_alert <= 1:
        raise ValueError(f"concentration alert must be between 0 and 1, not {concentration_alert}")
    if not matrix_rows:
        raise ValueError("matrix rows need a field name or 'abc'")


def _concentration(
    live: Live, active: Mapping[str, int]
) -> tuple[list[AccountAmount], float | None, float | None]:
    """The active accounts largest first, the top 10's share and the largest one's."""
    top = _largest_first(live, active)
    total = sum(active.values())
    top10_share = _ratio(sum(a.amount for a in top[:TOP_N]), total)
    return top, top10_share, _ratio(top[0].amount, total) if top else None


def _lost_reasons(inputs: KpiInputs, live: Live, end: date) -> dict[str, int]:
    """Live accounts now lost whose last move to lost falls in the period, by reason."""
    lost_on: dict[str, date] = {}
    for move in inputs.stage_moves:
        if move.to_stage == "lost" and move.account_id in live:
            lost_on[move.account_id] = max(move.on, lost_on.get(move.account_id, move.on))
    counts: dict[str, int] = defaultdict(int)
    for account_id, on in lost_on.items():
        if live[account_id].stage == "lost" and inputs.period.start <= on <= end:
            counts[inputs.lost_reasons.get(account_id) or UNSET] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] == UNSET, kv[0])))


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _period_dict(period: Period) -> dict[str, str]:
    return {
        "kind": period.kind,
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }


def _largest_first(live: Live, amounts: Mapping[str, int]) -> list[AccountAmount]:
    rows = [AccountAmount(k, live[k].name, v) for k, v in amounts.items()]
    rows.sort(key=lambda a: (-a.amount, a.name, a.account_id))
    return rows


def _group(live: Live, amounts: Mapping[str, int]) -> ClientGroup:
    return ClientGroup(len(amounts), sum(amounts.values()), tuple(_largest_first(live, amounts)))


def _segmenter(inputs: KpiInputs, matrix_rows: str) -> Segmenter:
    if matrix_rows == "abc":
        return lambda account: inputs.abc_classes.get(account.account_id) or UNSET

    def by_field(account: AccountInfo) -> str:
        value = account.fields.get(matrix_rows)
        return value.strip() if value and value.strip() else UNSET

    return by_field


def _ordered(labels: set[str], first: tuple[str, ...] = ()) -> tuple[str, ...]:
    """`first` in its order, then the rest alphabetically, the "—" bucket last."""
    rest = sorted(labels - set(first) - {UNSET}, key=lambda s: (s.casefold(), s))
    return (*first, *rest, *((UNSET,) if UNSET in labels else ()))


def _matrix(
    inputs: KpiInputs, live: Live, segment_of: Segmenter, matrix_rows: str
) -> RevenueMatrix:
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for (account_id, family), cents in inputs.revenue_by_family_now.items():
        if account_id in live:
            sums[segment_of(live[account_id]), family or UNSET] += cents
    segments = {segment_of(a) for a in live.values()} | {row for row, _ in sums}
    rows = _ordered(segments, ABC_CLASSES if matrix_rows == "abc" else ())
    columns = _ordered({column for _, column in sums})
    cells = tuple(tuple(sums.get((r, c), 0) for c in columns) for r in rows)
    return RevenueMatrix(
        row_key=matrix_rows,
        rows=rows,
        columns=columns,
        cells=cells,
        row_totals=tuple(sum(line) for line in cells),
        column_totals=tuple(sum(line[j] for line in cells) for j in range(len(columns))),
        total=sum(sums.values()),
    )


def _coverage(
    live: Live, active_now: set[str], segment_of: Segmenter, rows: tuple[str, ...]
) -> tuple[SegmentCoverage, ...]:
    accounts: dict[str, int] = defaultdict(int)
    active: dict[str, int] = defaultdict(int)
    for account_id, account in live.items():
        segment = segment_of(account)
        accounts[segment] += 1
        active[segment] += account_id in active_now
    return tuple(
        SegmentCoverage(s, accounts[s], active[s], _ratio(active[s], accounts[s])) for s in rows
    )


def _funnel(inputs: KpiInputs, live: Live, end: date) -> Funnel:
    counts = dict.fromkeys(_STAGES, 0)
    for account in live.values():
        counts[str(account.stage)] = counts.get(str(account.stage), 0) + 1
    ordered_counts = {s: counts[s] for s in _ordered(set(counts), _STAGES)}

    moves: dict[str, list[StageMove]] = defaultdict(list)
    for move in inputs.stage_moves:
        if move.account_id in live:
            moves[move.account_id].append(move)

    steps = list(pairwise(_FUNNEL))
    entered = dict.fromkeys(steps, 0)
    converted = dict.fromkeys(steps, 0)
    for account_id, account in live.items():
        path = _stages_in_period(account, moves.get(account_id, []), inputs.period.start, end)
        for step in steps:
            source, target = step
            if source not in path:
                continue
            entered[step] += 1
            further = _FUNNEL[_FUNNEL.index(target) :]
            if any(stage in further for stage in path[path.index(source) + 1 :]):
                converted[step] += 1
    return Funnel(
        stage_counts=ordered_counts,
        steps=tuple(
            FunnelStep(s, t, entered[s, t], converted[s, t], _ratio(converted[s, t], entered[s, t]))
            for s, t in steps
        ),
    )


def _stages_in_period(
    account: AccountInfo, moves: list[StageMove], start: date, end: date
) -> list[str]:
    """The stages an account went through from `start` to `end`, in order."""
    moves = sorted(moves, key=lambda m: m.on)  # stable: same-day moves keep the input order
    earlier = [m for m in moves if m.on < start]
    if earlier:
        current: str | None = earlier[-1].to_stage
    elif moves:
        current = moves[0].from_stage  # None: the account was created later
    else:
        current = str(account.stage)  # no history: it has always been where it is
    path = [current] if current is not None else []
    for move in moves:
        if start <= move.on <= end:
            if move.from_stage is not None and (not path or path[-1] != move.from_stage):
                path.append(move.from_stage)
            path.append(move.to_stage)
    return [str(stage) for stage in path]
