"""Today's agenda patched from what a save wrote, shown at once while the reload runs.

After done, snooze or a log that closed a follow-up, the row the rep acted on must show its new
state in the same frame as the form closes, not after a reload of the whole agenda (a second or
two on a big portfolio). `patched` applies what the write returned to the agenda shown: rows
gone (done, closed), rows re-dated (snoozed, a series moved on to its next occurrence, the next
follow-up planned), and the account contacted or given a follow-up today (no longer due
for contact, nor at risk). The reload then shows the truth.

The cursor rule of the routine lives here too (`row_after`): after done and snooze the cursor
stays at its place in the list, on the row that came after the one acted on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from portfolio_tui.domain.text import sort_key
from portfolio_tui.service.views import Agenda, AgendaItem
from portfolio_tui.tui.widgets.agenda_table import AgendaRow, GroupHeading, row_key

UPCOMING_DAYS = 7  # the agenda's "Next 7 days"


@dataclass(frozen=True, slots=True)
class Change:
    """What one save did to Today's rows."""

    gone: frozenset[str] = frozenset()  # row keys no longer open
    dated: tuple[AgendaItem, ...] = ()  # rows (new or moved) with their new date
    contacted: str | None = None  # the account an interaction was logged for, now
    planned: str | None = None  # the account a follow-up was planned for, now

    def touches(self, account_id: str) -> bool:
        """True when `account_id` was contacted or given a follow-up: it is no longer due
        for contact, and the alert of a client at risk is cleared."""
        return account_id in (self.contacted, self.planned)


def row_after(rows: Sequence[AgendaRow], index: int) -> str | None:
    """The key of the row the cursor lands on once the row at `index` leaves its place: the
    next one that is not a heading, else the one before."""
    for probe in (*range(index + 1, len(rows)), *range(index - 1, -1, -1)):
        if not isinstance(rows[probe], GroupHeading):
            return row_key(rows[probe])
    return None


def redated(item: AgendaItem, day: date, at: time | None) -> AgendaItem:
    """`item` due on `day` (at `at`, else all day)."""
    due_at = datetime.combine(day, at) if at is not None else None
    return replace(item, due_on=day, due_at=due_at)


def _order(item: AgendaItem) -> tuple:
    """The agenda's order: by day, the timed ones first by time, then by account name."""
    timed = item.due_at is not None
    clock = item.due_at.time() if item.due_at is not None else time.min
    return (item.due_on, not timed, clock, sort_key(item.account_name))


def _kept(items: Iterable[AgendaItem], change: Change) -> list[AgendaItem]:
    moved = {row_key(i) for i in change.dated}
    kept = []
    for item in items:
        key = row_key(item)
        if key in change.gone or key in moved:
            continue
        if item.follow_up_id is None and change.touches(item.account_id):
            continue  # contacted or planned today: no longer due for contact
        if item.account_id == change.contacted:
            item = replace(item, days_since_contact=0)
        kept.append(item)
    return kept


def patched(agenda: Agenda, change: Change) -> Agenda:
    """`agenda` as it is after `change` (the reload will say the same, later)."""
    today = agenda.today
    overdue, due_today, upcoming = (
        _kept(agenda.overdue, change),
        _kept(agenda.due_today, change),
        _kept(agenda.upcoming, change),
    )
    for item in change.dated:
        if item.due_on is None or item.due_on > today + timedelta(days=UPCOMING_DAYS):
            continue
        if item.account_id == change.contacted:
            item = replace(item, days_since_contact=0)
        group = overdue if item.due_on < today else due_today if item.due_on == today else upcoming
        # Before the first row that comes after it; the rows there keep their order.
        at = next((i for i, row in enumerate(group) if _order(row) > _order(item)), len(group))
        group.insert(at, item)
    return replace(
        agenda,
        overdue=overdue,
        due_today=due_today,
        upcoming=upcoming,
        due_for_contact=_kept(agenda.due_for_contact, change),
        # A contact clears the alert of a client at risk (`ChurnCases.clients_in_danger`).
        at_risk=[r for r in agenda.at_risk if not change.touches(r.account_id)],
    )


def closed(item: AgendaItem, follow_up_id: str | None, due: tuple[date, time | None] | None,
           next_title: str | None = None) -> Change:  # fmt: skip
    """`item` done (or closed by a log): gone, or moved on to `due` when a follow-up comes
    next: the same row for a series (`follow_up_id` is the item's), else a new one planned."""
    dated: tuple[AgendaItem, ...] = ()
    if follow_up_id is not None and due is not None:
        if follow_up_id == item.follow_up_id:
            dated = (redated(item, *due),)
        else:
            title = next_title or item.title
            next_one = replace(item, follow_up_id=follow_up_id, title=title, recurring=False)
            dated = (redated(next_one, *due),)
    return Change(frozenset({row_key(item)}), dated, contacted=item.account_id)
