"""Where a follow-up falls in time: its start, a series' first and next occurrences. Shared by
the routine's use cases; every instant is aware, in the core's zone."""

from __future__ import annotations

from datetime import datetime, timedelta

from portfolio_tui.domain.dates import When
from portfolio_tui.domain.recurrence import next_in_series, next_occurrence
from portfolio_tui.errors import UserError
from portfolio_tui.i18n import _
from portfolio_tui.service.core import Core
from portfolio_tui.store.models import FollowUp

_ONE_SECOND = timedelta(seconds=1)


def due_start(core: Core, row: FollowUp) -> datetime:
    """When the follow-up on `row` is due: its time, or the local midnight of its day."""
    if row.due_at is not None:
        return core.local(row.due_at)
    return core.start_of(When(row.due_on))


def series_first(core: Core, row: FollowUp) -> datetime:
    """The series' DTSTART; a series written before `series_start` existed starts at the
    occurrence now due."""
    return core.local(row.series_start) if row.series_start else due_start(core, row)


def first_occurrence(rule: str, when: When, core: Core) -> When:
    """The series' first occurrence on or after `when` ("every monday" from a Tuesday starts
    the Monday after), so that the open row is always one of the series."""
    start = core.start_of(when)
    first = next_occurrence(rule, start - _ONE_SECOND, start)
    if first is None:
        raise UserError(
            _("the repeat {rule!r} has no occurrence from {day}").format(
                rule=rule, day=when.day.isoformat()
            )
        )
    return When(first.date(), first.time() if when.time is not None else None)


def next_of_series(core: Core, row: FollowUp) -> When | None:
    """The occurrence after the one due on `row`, counted from the series' own start (so
    COUNT and UNTIL mean what a calendar reads), strictly after now; None once it is over."""
    first = series_first(core, row)
    upcoming = next_in_series(
        row.recurrence or "",
        first=first,
        current=max(due_start(core, row), first),
        now=core.now(),
    )
    if upcoming is None:
        return None
    return When(upcoming.date(), upcoming.time() if row.due_at is not None else None)
