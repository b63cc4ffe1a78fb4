"""Contact cadence: how often an account should hear from the rep, and whether it is due."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date


def _default_by_class() -> dict[str, int]:
    return {"A": 14, "B": 30, "C": 90}


def _default_by_stage() -> dict[str, int]:
    return {"hot": 7, "warm": 14, "cold": 30}


@dataclass(frozen=True, slots=True)
class Cadence:
    """Contact intervals in days, per ABC class and per prospect stage."""

    by_class: Mapping[str, int] = field(default_factory=_default_by_class)
    by_stage: Mapping[str, int] = field(default_factory=_default_by_stage)

    def __post_init__(self) -> None:
        for key, days in (*self.by_class.items(), *self.by_stage.items()):
            if isinstance(days, bool) or not isinstance(days, int) or days < 1:
                raise ValueError(f"contact interval for {key!r} must be a whole number >= 1 day")


DEFAULT_CADENCE = Cadence()


def contact_interval(cadence: Cadence, abc_class: str | None, stage: str) -> int | None:
    """The shorter of the class and the stage interval that apply, or None if neither does.

    The class interval applies whatever the stage (a classed account that was just marked lost
    still has one); stages absent from `by_stage` (suspect, client, lost by default) add none.
    """
    candidates = []
    if abc_class is not None and abc_class in cadence.by_class:
        candidates.append(cadence.by_class[abc_class])
    if stage in cadence.by_stage:
        candidates.append(cadence.by_stage[stage])
    return min(candidates) if candidates else None


@dataclass(frozen=True, slots=True)
class ContactStatus:
    interval: int | None
    days_since: int | None  # None when never contacted
    due: bool
    overdue_days: int  # days past the due day; 0 when not due, due today or never contacted


def contact_status(last_contact: date | None, today: date, interval: int | None) -> ContactStatus:
    """Due when the days since the last contact reach the interval.

    An account never contacted is due as soon as it has an interval; one without an interval is
    never due.
    """
    days_since = None if last_contact is None else (today - last_contact).days
    if interval is None:
        return ContactStatus(interval, days_since, due=False, overdue_days=0)
    if days_since is None:
        return ContactStatus(interval, None, due=True, overdue_days=0)
    return ContactStatus(
        interval,
        days_since,
        due=days_since >= interval,
        overdue_days=max(0, days_since - interval),
    )
