"""The activity index of a period: quantity × orientation × efficiency, and the lever to pull.

For a period (`week` from Monday, `month` or `quarter` from its first day, each up to as_of):

- quantity: interactions of kind call, meeting, visit or email in the period (notes don't count);
- orientation: the share of them on a priority account (A clients, hot and warm prospects);
- efficiency: the share of them followed by a result on the same account (a forward stage
  change, a won deal or a sale) *strictly after* the interaction's day and at most 30 days
  after it, and not after as_of. With dates only, a same-day result may as well have come
  before the interaction, so the same day does not count.

Each figure scores min(10, 10 × value / target), rounded half up to one decimal from the exact
ratio. The index is the product of the three scores; the lever is the lowest score (ties go to
orientation, then efficiency, then quantity); what_if is the index with the lever raised to the
highest score. With no interaction the shares are None and score 0.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import floor
from types import MappingProxyType
from typing import Any

from portfolio_tui.domain.cadence import contact_status
from portfolio_tui.domain.periods import period_of

ACTIVITY_PERIODS: tuple[str, ...] = ("week", "month", "quarter")
COUNTED_KINDS: frozenset[str] = frozenset({"call", "meeting", "visit", "email"})
RESULT_WINDOW_DAYS = 30
# The lever's tie order: the first of these among the lowest scores.
LEVER_ORDER: tuple[str, ...] = ("orientation", "efficiency", "quantity")

_MAX_SCORE = 10
_TENTH = Decimal("0.1")
_SHARE_PLACES = Decimal("0.0001")
_GAIN_PLACES = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class Interaction:
    account_id: str
    kind: str
    day: date


@dataclass(frozen=True, slots=True)
class FollowUpDone:
    """A follow-up marked done on `done`, which was due on `due`."""

    due: date
    done: date


@dataclass(frozen=True, slots=True)
class CadenceFact:
    """An A client's last contact (None if never) and its contact interval in days."""

    last_contact: date | None
    interval: int


@dataclass(frozen=True, slots=True)
class ActivityTargets:
    week: int = 15
    month: int = 60
    quarter: int = 180
    orientation: Decimal = Decimal("0.60")
    efficiency: Decimal = Decimal("0.25")

    def __post_init__(self) -> None:
        for name in ("week", "month", "quarter"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"the {name} target must be a whole number >= 1, got {value!r}")
        for name in ("orientation", "efficiency"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                raise ValueError(f"the {name} target must be a number, got {value!r}")
            if isinstance(value, int | float):  # 0.6 as typed, not its binary approximation
                value = Decimal(str(value))
                object.__setattr__(self, name, value)
            if not value.is_finite() or value <= 0:
                raise ValueError(f"the {name} target must be positive, got {value!r}")

    def quantity(self, period: str) -> int:
        return int(getattr(self, period))


DEFAULT_TARGETS = ActivityTargets()


@dataclass(frozen=True, slots=True)
class ActivityPeriod:
    kind: str
    start: date
    end: date  # inclusive: as_of


@dataclass(frozen=True, slots=True)
class Measure:
    """One factor: its value (a count, or a share rounded to 4 decimals, None without
    interactions), its target and its score out of 10."""

    value: int | Decimal | None
    target: int | Decimal
    score: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": None if self.value is None else _number(self.value),
            "target": _number(self.target),
            "score": float(self.score),
        }


@dataclass(frozen=True, slots=True)
class IndexFigures:
    index: Decimal
    lever: str  # "quantity" | "orientation" | "efficiency"
    what_if: Decimal
    gain: Decimal | None  # what_if / index - 1, rounded to 3 decimals; None when index is 0


@dataclass(frozen=True, slots=True)
class ActivityReport:
    period: ActivityPeriod
    quantity: Measure
    orientation: Measure
    efficiency: Measure
    figures: IndexFigures
    on_time_rate: Decimal | None  # follow-ups done on or before their due day / done
    overdue: int  # open follow-ups due before as_of
    a_clients_in_cadence: Decimal | None  # None without A clients

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready values: ISO dates, scores and shares as floats, None where empty."""
        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "quantity": self.quantity.to_dict(),
            "orientation": self.orientation.to_dict(),
            "efficiency": self.efficiency.to_dict(),
            "index": float(self.figures.index),
            "lever": self.figures.lever,
            "what_if": float(self.figures.what_if),
            "gain": None if self.figures.gain is None else float(self.figures.gain),
            "on_time_rate": _optional_float(self.on_time_rate),
            "overdue": self.overdue,
            "a_clients_in_cadence": _optional_float(self.a_clients_in_cadence),
        }


def activity_period(as_of: date, kind: str = "week") -> ActivityPeriod:
    """The period of `kind` containing as_of, from its first day (a Monday for a week) to as_of."""
    if kind == "week":
        return ActivityPeriod(kind, as_of - timedelta(days=as_of.weekday()), as_of)
    if kind in ("month", "quarter"):
        return ActivityPeriod(kind, period_of(as_of, kind).start, as_of)
    raise ValueError(f"unknown period {kind!r} (expected one of: {', '.join(ACTIVITY_PERIODS)})")


def score(value: Fraction | int, target: Fraction | Decimal | int) -> Decimal:
    """min(10, 10 × value / target), rounded half up to one decimal from the exact ratio."""
    exact = min(Fraction(_MAX_SCORE), _MAX_SCORE * Fraction(value) / Fraction(target))
    tenths = floor(exact * 10 + Fraction(1, 2))
    return Decimal(tenths).scaleb(-1)


def combine_scores(quantity: Decimal, orientation: Decimal, efficiency: Decimal) -> IndexFigures:
    """The index, its lever and what raising the lever to the best score would give."""
    scores = {"quantity": quantity, "orientation": orientation, "efficiency": efficiency}
    lever = min(LEVER_ORDER, key=lambda name: scores[name])  # min keeps the first of ties
    index = _product(scores.values())
    raised = {**scores, lever: max(scores.values())}
    what_if = _product(raised.values())
    gain = None if index == 0 else (what_if / index - 1).quantize(_GAIN_PLACES, ROUND_HALF_UP)
    return IndexFigures(index=index, lever=lever, what_if=what_if, gain=gain)


def activity_index(
    interactions: Iterable[Interaction],
    as_of: date,
    period: str = "week",
    *,
    priority_accounts: Collection[str] = frozenset(),
    results: Mapping[str, Iterable[date]] = MappingProxyType({}),
    follow_ups_done: Iterable[FollowUpDone] = (),
    pending_follow_up_dues: Iterable[date] = (),
    a_clients: Iterable[CadenceFact] = (),
    targets: ActivityTargets = DEFAULT_TARGETS,
) -> ActivityReport:
    """The activity report of the period of `period` kind ending at as_of.

    `results` holds, per account, the days of its results (forward stage changes, won deals,
    sales); `pending_follow_up_dues` the due days of the follow-ups still to do.
    """
    span = activity_period(as_of, period)
    counted = [
        i for i in interactions if i.kind in COUNTED_KINDS and span.start <= i.day <= span.end
    ]
    result_days = {account: sorted(days) for account, days in results.items()}
    oriented = sum(1 for i in counted if i.account_id in priority_accounts)
    effective = sum(1 for i in counted if _followed_by_result(i, result_days, as_of))
    quantity_target = targets.quantity(period)
    quantity = Measure(len(counted), quantity_target, score(len(counted), quantity_target))
    orientation = _share_measure(oriented, len(counted), targets.orientation)
    efficiency = _share_measure(effective, len(counted), targets.efficiency)
    return ActivityReport(
        period=span,
        quantity=quantity,
        orientation=orientation,
        efficiency=efficiency,
        figures=combine_scores(quantity.score, orientation.score, efficiency.score),
        on_time_rate=on_time_rate(follow_ups_done, span),
        overdue=sum(1 for due in pending_follow_up_dues if due < as_of),
        a_clients_in_cadence=a_clients_in_cadence(a_clients, as_of),
    )


def on_time_rate(done: Iterable[FollowUpDone], span: ActivityPeriod) -> Decimal | None:
    """Of the follow-ups done in the period, the share done on or before their due day."""
    in_period = [f for f in done if span.start <= f.done <= span.end]
    on_time = sum(1 for f in in_period if f.done <= f.due)
    return _share(on_time, len(in_period))


def a_clients_in_cadence(a_clients: Iterable[CadenceFact], as_of: date) -> Decimal | None:
    """The share of A clients not yet due for contact at as_of (never contacted: due)."""
    facts = list(a_clients)
    in_cadence = sum(
        1 for fact in facts if not contact_status(fact.last_contact, as_of, fact.interval).due
    )
    return _share(in_cadence, len(facts))


def _followed_by_result(
    interaction: Interaction, result_days: Mapping[str, Sequence[date]], as_of: date
) -> bool:
    days = result_days.get(interaction.account_id, ())
    first_after = bisect_right(days, interaction.day)  # strictly after the interaction's day
    if first_after == len(days):
        return False
    last_allowed = min(interaction.day + timedelta(days=RESULT_WINDOW_DAYS), as_of)
    return days[first_after] <= last_allowed


def _share_measure(part: int, whole: int, target: Decimal) -> Measure:
    if whole == 0:
        return Measure(None, target, Decimal("0.0"))
    return Measure(_share(part, whole), target, score(Fraction(part, whole), target))


def _share(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_SHARE_PLACES, ROUND_HALF_UP)


def _product(scores: Iterable[Decimal]) -> Decimal:
    result = Decimal(1)
    for value in scores:
        result *= value
    return result.quantize(_TENTH, ROUND_HALF_UP)


def _number(value: int | Decimal) -> int | float:
    return value if isinstance(value, int) else float(value)


def _optional_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
