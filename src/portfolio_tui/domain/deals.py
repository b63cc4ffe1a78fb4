"""Deals: their stages and probabilities, the pipeline figures of a period, and rotting.

A deal is *open* while its stage is qualification, proposal or negotiation. Money is integer
cents; a figure is None wherever its denominator is zero. Amounts derived from a ratio (the
weighted pipeline, averages, velocity) are computed exactly and rounded half up to the cent once.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from math import floor
from types import MappingProxyType
from typing import Any

from portfolio_tui.domain.kpis import UNSET, FunnelStep
from portfolio_tui.domain.periods import Period, period_of
from portfolio_tui.i18n import _

# Deals convert from stage to stage as accounts do: the same step, counted over deals.
StageConversion = FunnelStep


class DealStage(StrEnum):
    QUALIFICATION = "qualification"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"


OPEN_STAGES: tuple[DealStage, ...] = (
    DealStage.QUALIFICATION,
    DealStage.PROPOSAL,
    DealStage.NEGOTIATION,
)
# The order a deal travels; `lost` sits outside it.
DEAL_FUNNEL: tuple[DealStage, ...] = (*OPEN_STAGES, DealStage.WON)

DEFAULT_PROBABILITY: Mapping[DealStage, int] = MappingProxyType(
    {
        DealStage.QUALIFICATION: 10,
        DealStage.PROPOSAL: 30,
        DealStage.NEGOTIATION: 60,
        DealStage.WON: 100,
        DealStage.LOST: 0,
    }
)

DEFAULT_LOST_REASONS: tuple[str, ...] = (
    "price",
    "competitor",
    "timing",
    "no_budget",
    "no_decision",
    "other",
)

# An open deal rots after this many days without activity in its stage.
ROTTING_DAYS_QUALIFICATION = 21
ROTTING_DAYS_PROPOSAL = 14
ROTTING_DAYS_NEGOTIATION = 10
DEFAULT_ROTTING_DAYS: Mapping[DealStage, int] = MappingProxyType(
    {
        DealStage.QUALIFICATION: ROTTING_DAYS_QUALIFICATION,
        DealStage.PROPOSAL: ROTTING_DAYS_PROPOSAL,
        DealStage.NEGOTIATION: ROTTING_DAYS_NEGOTIATION,
    }
)

FORECAST_MONTHS = 6

# Every spelling parse_deal_stage reads, accents and case removed: English and French.
_STAGE_NAMES: Mapping[str, DealStage] = MappingProxyType(
    {
        **{stage.value: stage for stage in DealStage},
        "proposition": DealStage.PROPOSAL,
        "negociation": DealStage.NEGOTIATION,
        "gagnee": DealStage.WON,
        "gagne": DealStage.WON,
        "perdue": DealStage.LOST,
        "perdu": DealStage.LOST,
    }
)


class DealError(ValueError):
    """A deal value that can't be used; `code` is stable, `detail` says what was wrong."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def parse_deal_stage(text: str) -> DealStage:
    """The stage named by `text`, in English or French, any case, accents optional."""
    key = _without_accents(text.strip().casefold())
    stage = _STAGE_NAMES.get(key)
    if stage is None:
        choices = ", ".join(s.value for s in DealStage)
        raise DealError(
            "unknown_deal_stage",
            _("{text!r} (expected one of: {choices})").format(text=text, choices=choices),
        )
    return stage


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def effective_probability(
    probability: int | None,
    stage: DealStage,
    defaults: Mapping[DealStage, int] = DEFAULT_PROBABILITY,
) -> int:
    """The deal's own probability while open, else its stage's; a closed deal takes its stage's.

    A stage missing from `defaults` takes DEFAULT_PROBABILITY's value.
    """
    if probability is not None and stage in OPEN_STAGES:
        value = probability
    else:
        value = defaults.get(stage, DEFAULT_PROBABILITY[stage])
    _check_probability(value)
    return value


def _check_probability(value: int) -> None:
    if not 0 <= value <= 100:
        raise DealError(
            "bad_probability", _("{value} is not between 0 and 100").format(value=value)
        )


@dataclass(frozen=True, slots=True)
class DealFacts:
    """What the figures need to know of one deal. `amount` in cents."""

    id: str
    account_id: str
    title: str
    amount: int
    probability: int | None
    stage: DealStage
    created_on: date
    expected_close: date | None = None
    closed_on: date | None = None
    lost_reason: str | None = None
    family: str | None = None

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise DealError("bad_amount", _("{amount} is negative").format(amount=self.amount))
        if self.probability is not None:
            _check_probability(self.probability)


@dataclass(frozen=True, slots=True)
class StageMove:
    """One step of a deal's stage history; `from_stage` is None when the deal was created."""

    deal_id: str
    from_stage: DealStage | None
    to_stage: DealStage
    on: date


@dataclass(frozen=True, slots=True)
class Tally:
    count: int
    amount: int

    def to_dict(self) -> dict[str, int]:
        return {"count": self.count, "amount": self.amount}


@dataclass(frozen=True, slots=True)
class WeightedTally:
    count: int
    amount: int
    weighted: int  # Σ amount × probability / 100, rounded once on the total

    def to_dict(self) -> dict[str, int]:
        return {"count": self.count, "amount": self.amount, "weighted": self.weighted}


@dataclass(frozen=True, slots=True)
class ForecastMonth:
    month: str  # "YYYY-MM"
    count: int
    amount: int
    weighted: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "count": self.count,
            "amount": self.amount,
            "weighted": self.weighted,
        }


@dataclass(frozen=True, slots=True)
class PipelineFigures:
    as_of: date
    period: Period  # counted from period.start to as_of
    open_deals: WeightedTally
    forecast: tuple[ForecastMonth, ...]  # six months from as_of's month
    overdue: Tally  # open, expected close before as_of's month (also in forecast[0])
    undated: Tally  # open, no expected close
    won: Tally  # closed in the period
    lost: Tally
    win_rate: float | None
    average_won_amount: int | None
    average_cycle_days: float | None
    velocity_per_day: int | None  # cents per day
    qualified: int  # deals created in the period
    seed_velocity: float | None
    lost_reasons: Mapping[str, int]  # most frequent first; "—" for a missing reason
    conversion: tuple[StageConversion, ...]  # qualification->proposal->negotiation->won

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready values: ISO dates, cents as ints, rates as floats or None."""
        return {
            "as_of": self.as_of.isoformat(),
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "open": self.open_deals.to_dict(),
            "forecast": [month.to_dict() for month in self.forecast],
            "overdue": self.overdue.to_dict(),
            "undated": self.undated.to_dict(),
            "won": self.won.to_dict(),
            "lost": self.lost.to_dict(),
            "win_rate": self.win_rate,
            "average_won_amount": self.average_won_amount,
            "average_cycle_days": self.average_cycle_days,
            "velocity_per_day": self.velocity_per_day,
            "qualified": self.qualified,
            "seed_velocity": self.seed_velocity,
            "lost_reasons": dict(self.lost_reasons),
            "conversion": [step.to_dict() for step in self.conversion],
        }


def pipeline_figures(
    deals: Sequence[DealFacts],
    moves: Sequence[StageMove],
    as_of: date,
    period_kind: str,
    defaults: Mapping[DealStage, int] = DEFAULT_PROBABILITY,
) -> PipelineFigures:
    """The pipeline as of `as_of`, and what happened from the start of its period to `as_of`.

    `deals` are every live deal; moves of other deals are ignored.
    """
    period = period_of(as_of, period_kind)
    start = period.start
    open_deals = [d for d in deals if d.stage in OPEN_STAGES and d.created_on <= as_of]
    won = _closed_between(deals, DealStage.WON, start, as_of)
    lost = _closed_between(deals, DealStage.LOST, start, as_of)
    forecast, overdue, undated = _forecast(open_deals, as_of, defaults)

    win_rate = _ratio(len(won), len(won) + len(lost))
    average_won = _ratio(sum(d.amount for d in won), len(won))
    cycle_days = _ratio(sum(_cycle_days(d) for d in won), len(won))
    velocity: Fraction | None = None
    if win_rate is not None and average_won is not None and cycle_days:
        velocity = len(open_deals) * win_rate * average_won / cycle_days
    qualified = sum(1 for d in deals if start <= d.created_on <= as_of)

    return PipelineFigures(
        as_of=as_of,
        period=period,
        open_deals=_weighted(open_deals, defaults),
        forecast=forecast,
        overdue=overdue,
        undated=undated,
        won=_tally(won),
        lost=_tally(lost),
        win_rate=_as_float(win_rate),
        average_won_amount=_as_cents(average_won),
        average_cycle_days=_as_float(cycle_days),
        velocity_per_day=_as_cents(velocity),
        qualified=qualified,
        seed_velocity=_as_float(None if win_rate is None else qualified * win_rate),
        lost_reasons=_lost_reasons(lost),
        conversion=_conversion(deals, moves, start, as_of),
    )


def _ratio(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def _as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _as_cents(value: Fraction | None) -> int | None:
    return None if value is None else round_half_up(value)


def round_half_up(value: Fraction) -> int:
    """`value` to the nearest integer, halves upwards (12.5 -> 13)."""
    return floor(value + Fraction(1, 2))


def _cycle_days(deal: DealFacts) -> int:
    assert deal.closed_on is not None  # only closed deals are passed
    return (deal.closed_on - deal.created_on).days


def _closed_between(
    deals: Iterable[DealFacts], stage: DealStage, start: date, end: date
) -> list[DealFacts]:
    return [
        d
        for d in deals
        if d.stage == stage and d.closed_on is not None and start <= d.closed_on <= end
    ]


def _tally(deals: Sequence[DealFacts]) -> Tally:
    return Tally(len(deals), sum(d.amount for d in deals))


def _weighted(deals: Sequence[DealFacts], defaults: Mapping[DealStage, int]) -> WeightedTally:
    total = sum(d.amount * effective_probability(d.probability, d.stage, defaults) for d in deals)
    return WeightedTally(
        len(deals), sum(d.amount for d in deals), round_half_up(Fraction(total, 100))
    )


def _forecast(
    open_deals: Sequence[DealFacts], as_of: date, defaults: Mapping[DealStage, int]
) -> tuple[tuple[ForecastMonth, ...], Tally, Tally]:
    """The forecast months, then the overdue and the undated open deals."""
    months = _months_from(as_of, FORECAST_MONTHS)
    by_month: dict[date, list[DealFacts]] = {month: [] for month in months}
    overdue: list[DealFacts] = []
    undated: list[DealFacts] = []
    for deal in open_deals:
        close = deal.expected_close
        if close is None:
            undated.append(deal)
        elif close < months[0]:
            overdue.append(deal)
            by_month[months[0]].append(deal)
        elif (month := close.replace(day=1)) in by_month:
            by_month[month].append(deal)
    forecast = tuple(_forecast_month(m, by_month[m], defaults) for m in months)
    return forecast, _tally(overdue), _tally(undated)


def _forecast_month(
    month: date, deals: Sequence[DealFacts], defaults: Mapping[DealStage, int]
) -> ForecastMonth:
    total = _weighted(deals, defaults)
    return ForecastMonth(f"{month:%Y-%m}", total.count, total.amount, total.weighted)


def _months_from(day: date, count: int) -> list[date]:
    """The first days of `count` calendar months, from `day`'s month on."""
    index = day.year * 12 + day.month - 1
    return [date((index + i) // 12, (index + i) % 12 + 1, 1) for i in range(count)]


def _lost_reasons(lost: Iterable[DealFacts]) -> dict[str, int]:
    counts = Counter((d.lost_reason or "").strip() or UNSET for d in lost)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _conversion(
    deals: Iterable[DealFacts], moves: Iterable[StageMove], start: date, end: date
) -> tuple[StageConversion, ...]:
    """Mirrors the account funnel of domain/kpis.py, on the deal funnel."""
    moves_of: dict[str, list[StageMove]] = defaultdict(list)
    for move in moves:
        moves_of[move.deal_id].append(move)
    funnel = tuple(s.value for s in DEAL_FUNNEL)
    steps = list(pairwise(funnel))
    entered = dict.fromkeys(steps, 0)
    converted = dict.fromkeys(steps, 0)
    for deal in deals:
        path = _stages_in_period(deal, moves_of.get(deal.id, []), start, end)
        for step in steps:
            source, target = step
            if source not in path:
                continue
            entered[step] += 1
            further = funnel[funnel.index(target) :]
            if any(stage in further for stage in path[path.index(source) + 1 :]):
                converted[step] += 1
    return tuple(
        StageConversion(
            s, t, entered[s, t], converted[s, t], _as_float(_ratio(converted[s, t], entered[s, t]))
        )
        for s, t in steps
    )


def _stages_in_period(deal: DealFacts, moves: list[StageMove], start: date, end: date) -> list[str]:
    """The stages a deal went through from `start` to `end`, in order."""
    moves = sorted(moves, key=lambda m: m.on)  # stable: same-day moves keep the input order
    earlier = [m for m in moves if m.on < start]
    current: DealStage | None
    if earlier:
        current = earlier[-1].to_stage
    elif moves:
        current = moves[0].from_stage  # None: the deal was created later
    else:
        # No history: it has always been where it is, since it was created.
        current = deal.stage if deal.created_on <= end else None
    path = [current] if current is not None else []
    for move in moves:
        if start <= move.on <= end:
            if move.from_stage is not None and (not path or path[-1] != move.from_stage):
                path.append(move.from_stage)
            path.append(move.to_stage)
    return [str(stage) for stage in path]


def is_rotting(
    deal: DealFacts,
    last_activity: date | None,
    entered_stage_on: date,
    today: date,
    rotting_days_by_stage: Mapping[DealStage, int] = DEFAULT_ROTTING_DAYS,
) -> bool:
    """An open deal with no activity for more than its stage's number of days in that stage.

    Activity before the deal entered its stage does not count. A stage missing from
    `rotting_days_by_stage` takes DEFAULT_ROTTING_DAYS's value.
    """
    if deal.stage not in OPEN_STAGES:
        return False
    limit = rotting_days_by_stage.get(deal.stage, DEFAULT_ROTTING_DAYS[deal.stage])
    quiet_since = entered_stage_on
    if last_activity is not None and last_activity > quiet_since:
        quiet_since = last_activity
    return (today - quiet_since).days > limit
