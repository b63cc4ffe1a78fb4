"""Every write goes through a Writer: it stamps timestamps, device and per-field clocks, and
records a before-image of each change so the Portfolio can undo it.

A field's clock is set when an update writes it. A field never updated since the row was
created has no clock: every replica holding the row holds that same first value, and any
later edit wins over it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # the Writer is handed its session: importing it loads no ORM
    from sqlmodel import Session

    from portfolio_tui.store.models import Synced

T = TypeVar("T", bound="Synced")


def clock_stamp(at: datetime, device_id: str) -> str:
    """Stamps read "<naive UTC ISO>|<device>" and compare as strings: by time, then device."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return f"{at.isoformat(timespec='microseconds')}|{device_id}"


@dataclass
class RowChange:
    """One row written: `before` is None for an insert, else the previous values of the
    fields that changed."""

    model: type[Synced]
    row_id: str
    before: dict[str, Any] | None


@dataclass
class ChangeSet:
    label: str
    changes: list[RowChange] = field(default_factory=list)


class Writer:
    def __init__(self, session: Session, device_id: str, now: datetime, label: str) -> None:
        self.session = session
        self.device_id = device_id
        self.now = now  # naive UTC, as stored
        self.changeset = ChangeSet(label)

    def insert(self, row: T) -> T:
        row.created_at = row.created_at or self.now
        row.updated_at = self.now
        row.device_id = self.device_id
        row.clocks = "{}"
        self.session.add(row)
        self.changeset.changes.append(RowChange(type(row), row.id, None))
        return row

    def update(self, row: T, **values: Any) -> dict[str, Any]:
        """Set the fields that differ; returns {field: old value} of what changed."""
        before = {k: getattr(row, k) for k, v in values.items() if getattr(row, k) != v}
        if not before:
            return {}
        clocks = json.loads(row.clocks or "{}")
        stamp = clock_stamp(self.now, self.device_id)
        for name in before:
            setattr(row, name, values[name])
            clocks[name] = stamp
        row.clocks = json.dumps(clocks, sort_keys=True)  # canonical, as sync writes them
        row.updated_at = self.now
        row.device_id = self.device_id
        self.session.add(row)
        self.changeset.changes.append(RowChange(type(row), row.id, before))
        return before

    def delete(self, row: Synced) -> None:
        """Tombstone: rows are never removed, so a sync can carry the deletion."""
        if row.deleted_at is None:
            self.update(row, deleted_at=self.now)

    def revert(self, changeset: ChangeSet) -> None:
        """Write the inverse of `changeset`, newest change first, as new writes."""
        for change in reversed(changeset.changes):
            row = self.session.get(change.model, change.row_id)
            if row is None:
                continue
            if change.before is None:
                self.delete(row)
            else:
                self.update(row, **change.before)
