"""The merge run of a sync: the bundle's rows checked, compared with the stored ones by the
merge rule (`domain/merge.py`), and written in batches, parents first."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from portfolio_tui.domain.columns import RowRules, row_rules
from portfolio_tui.domain.merge import (
    Conflict,
    MergeError,
    RowShape,
    clamp_future,
    fact_rewrites,
    merge_row,
    row_label,
)
from portfolio_tui.formats import bundle as bundle_format
from portfolio_tui.formats.bundle import BundleError, BundleHeader, BundleReader, BundleValueError
from portfolio_tui.formats.sources import MIB
from portfolio_tui.store import sync_queries as sq
from portfolio_tui.store.models import APPEND_ONLY

Progress = Callable[[int, int], None]  # (rows merged so far, rows in all the bundles)
BUNDLE_SUFFIX = bundle_format.SUFFIX  # for the faces, which don't import exchange/
BATCH_ROWS = 2000
MAX_BUNDLE_BYTES = 1024 * MIB  # a full bundle of the reference portfolio is ~57 MB


@dataclass
class TableTally:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0  # in the bundle, and already as merged here (or older)


@dataclass(frozen=True)
class Orphan:
    """A row left out: it refers to a row that neither this database nor the bundles hold."""

    table: str
    row_id: str
    label: str | None
    column: str
    parent_table: str
    parent_id: str


@dataclass(frozen=True)
class KeptFact:
    """A fact held here that the bundle holds with other values: kept as it was."""

    table: str
    row_id: str
    label: str | None
    fields: tuple[str, ...]  # the fields whose values the bundle would have changed


@dataclass
class FileReport:
    path: Path
    device_id: str
    exported_at: str
    since: str | None
    own: bool  # exported from this very database
    tallies: dict[str, TableTally] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    orphans: list[Orphan] = field(default_factory=list)
    future_clocks: int = 0  # clocks and updated_at from the future, brought back
    kept_facts: list[KeptFact] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(t.inserted or t.updated for t in self.tallies.values())


def exported_time(header: BundleHeader) -> datetime:
    """When the bundle says it was exported, naive UTC (as clocks are written)."""
    return utc(header.exported_at).replace(tzinfo=None)


def utc(stamp: str) -> datetime:
    """An ISO time of a bundle header, aware UTC (a time without offset is UTC)."""
    moment = datetime.fromisoformat(stamp)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def columns_id_first(conn: sqlite3.Connection, table: str) -> tuple[str, ...]:
    columns = sq.table_columns(conn, table)
    return ("id", *(c for c in columns if c != "id"))


@dataclass
class _Write:
    row: tuple[Any, ...]
    inserted: bool
    reports: list[FileReport]


class Merger:
    """Merges bundle rows into the open transaction of `conn`, one batch at a time.

    A row whose parent (account of a contact, contact of an interaction, ...) is neither
    stored nor written yet waits in `pending`; `finish()` writes those whose parents came
    later and reports the rest as orphans. Clocks later than `limit` are clamped first."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        progress: Progress | None,
        received: datetime,
        limit: datetime,
    ) -> None:
        self.conn = conn
        self.wrote = False
        self.progress = progress
        self.received = received  # naive UTC, as stored
        self.limit = limit
        self.total = 0
        self.done = 0
        self.shapes = {
            t: RowShape(t, columns_id_first(conn, t), append_only=t in APPEND_ONLY)
            for t in sq.TABLES
        }
        self.parents: dict[str, list[tuple[int, str, str]]] = {}
        for table, shape in self.shapes.items():
            self.parents[table] = [
                (shape.index(column), column, parent)
                for column, parent in sq.foreign_keys(conn, table)
            ]
        # Ids known to be stored, in the tables other rows refer to.
        self.known: dict[str, set[str]] = {
            parent: set() for links in self.parents.values() for _, _, parent in links
        }
        self.rules: dict[str, RowRules] = {
            t: row_rules(t, s.columns) for t, s in self.shapes.items()
        }
        self.pending: dict[tuple[str, str], _Write] = {}
        self.order: dict[str, dict[str, list[int] | None]] = {}
        self.clamp_to = received

    def check_columns(self, reader: BundleReader) -> None:
        """Refuse a bundle whose tables or columns differ from this database's."""
        header = reader.header
        order: dict[str, list[int] | None] = {}
        for table, columns in header.columns.items():
            if table not in self.shapes:
                raise BundleError(
                    reader.path, f"unknown table {table!r} (a newer portfolio-tui?)", 1
                )
            mine = self.shapes[table].columns
            if set(columns) != set(mine) or len(columns) != len(mine):
                missing = sorted(set(mine) - set(columns))
                extra = sorted(set(columns) - set(mine))
                raise BundleError(
                    reader.path,
                    f"{table}: columns differ from this database's (missing {missing}, unknown "
                    f"{extra}); export and sync with the same portfolio-tui version",
                    1,
                )
            order[table] = None if tuple(columns) == mine else [columns.index(c) for c in mine]
        self.order[str(reader.path)] = order

    def merge_file(self, reader: BundleReader, report: FileReport) -> None:
        order = self.order[str(reader.path)]
        for table in reader.header.columns:
            report.tallies.setdefault(table, TableTally())
        self.clamp_to = min(exported_time(reader.header), self.received)
        seen = dict.fromkeys(reader.header.counts, 0)
        for table, batch in reader.runs(BATCH_ROWS):
            seen[table] = seen.get(table, 0) + len(batch)
            take = order[table]
            rows = [
                (line, tuple(values) if take is None else tuple(values[i] for i in take))
                for line, values in batch
            ]
            self._merge_batch(reader.path, report, table, rows)
            self.done += len(rows)
            if self.progress is not None:
                self.progress(self.done, self.total)
        if seen != reader.header.counts:
            raise BundleError(
                reader.path,
                f"rows per table {seen} differ from the header's {reader.header.counts}",
            )

    def _merge_batch(
        self, path: Path, report: FileReport, table: str, rows: list[tuple[int, tuple[Any, ...]]]
    ) -> None:
        shape = self.shapes[table]
        local = sq.rows_by_id(self.conn, table, shape.columns, {row[0] for _, row in rows})
        # A row as stored here already changes nothing; every other one is checked whole
        # (no id comes twice in a bundle, so `local` holds what each row meets).
        fresh = [(line, row) for line, row in rows if self._current(table, row[0], local) != row]
        report.tallies[table].unchanged += len(rows) - len(fresh)
        self._check_values(path, table, fresh)
        writes: list[_Write] = []
        for line, row in fresh:
            row, clamped = clamp_future(shape, row, self.limit, self.clamp_to)
            report.future_clocks += clamped
            write = self._merge_one(path, report, shape, local, line, row)
            if write is not None:
                local[row[0]] = write.row
                writes.append(write)
        self._learn_parents(table, [w.row for w in writes])
        ready = []
        for write in writes:
            if self._missing_parents(table, write.row):
                self.pending[(table, write.row[0])] = write
            else:
                ready.append(write)
        self._write(table, ready)

    def _current(
        self, table: str, row_id: str, local: dict[str, tuple[Any, ...]]
    ) -> tuple[Any, ...] | None:
        waiting = self.pending.get((table, row_id))
        return waiting.row if waiting is not None else local.get(row_id)

    def _check_values(self, path: Path, table: str, rows: list[tuple[int, tuple[Any, ...]]]):
        """Refuse the sync at the first value of `rows` its column can't hold."""
        problem = self.rules[table].first_problem([row for _, row in rows])
        if problem is not None:
            index, column, reason = problem
            line, row = rows[index]
            raise BundleValueError(path, table, column, row[0], reason, line)

    def _merge_one(
        self,
        path: Path,
        report: FileReport,
        shape: RowShape,
        local: dict[str, tuple[Any, ...]],
        line: int,
        row: tuple[Any, ...],
    ) -> _Write | None:
        """Merge one row; returns the write it needs, None when it needs none (or waits)."""
        table, row_id = shape.table, row[0]
        tally = report.tallies[table]
        waiting = self.pending.get((table, row_id))
        current = waiting.row if waiting is not None else local.get(row_id)
        if current == row:
            tally.unchanged += 1
            return None
        try:
            merged, conflicts = merge_row(shape, current, row)
        except MergeError as exc:
            raise BundleError(path, f"{table} {row_id}: {exc}", line) from None
        report.conflicts.extend(conflicts)
        if shape.append_only and current is not None:
            changed = fact_rewrites(shape, current, row)
            if changed:
                label = row_label(shape, current)
                report.kept_facts.append(KeptFact(table, row_id, label, tuple(changed)))
        if merged == current:
            tally.unchanged += 1
            return None
        if waiting is not None:
            waiting.row = merged
            if report not in waiting.reports:
                waiting.reports.append(report)
            return None
        return _Write(merged, current is None, [report])

    def _learn_parents(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        """Look up, in one query per parent table, which parents of `rows` are stored."""
        for index, _column, parent in self.parents[table]:
            unknown = {r[index] for r in rows} - self.known[parent] - {None}
            if unknown:
                self.known[parent] |= sq.existing_ids(self.conn, parent, unknown)

    def _missing_parents(
        self, table: str, row: tuple[Any, ...], also: set[tuple[str, str]] = frozenset()
    ) -> list[tuple[str, str, str]]:
        """(column, parent table, parent id) of each parent neither stored nor in `also`."""
        return [
            (column, parent, row[index])
            for index, column, parent in self.parents[table]
            if row[index] is not None
            and row[index] not in self.known[parent]
            and (parent, row[index]) not in also
        ]

    def _write(self, table: str, writes: list[_Write]) -> None:
        if not writes:
            return
        self.wrote = True
        sq.upsert_rows(self.conn, table, self.shapes[table].columns, [w.row for w in writes])
        if table in self.known:
            self.known[table].update(w.row[0] for w in writes)
        for write in writes:
            for report in write.reports:
                tally = report.tallies.setdefault(table, TableTally())
                if write.inserted:
                    tally.inserted += 1
                else:
                    tally.updated += 1

    def finish(self) -> None:
        """Write the waiting rows whose parents are now stored or waiting too (foreign keys
        are checked at commit); report the others as orphans."""
        for table in sq.TABLES:
            self._learn_parents(table, [w.row for (t, _), w in self.pending.items() if t == table])
        ready = set(self.pending)
        while blocked := {
            key for key in ready if self._missing_parents(key[0], self.pending[key].row, ready)
        }:
            ready -= blocked
        for table in sq.TABLES:
            self._write(
                table, [w for key, w in self.pending.items() if key[0] == table and key in ready]
            )
        for (table, row_id), write in self.pending.items():
            if (table, row_id) in ready:
                continue
            label = row_label(self.shapes[table], write.row)
            for column, parent, parent_id in self._missing_parents(table, write.row, ready):
                for report in write.reports:
                    report.orphans.append(Orphan(table, row_id, label, column, parent, parent_id))
        self.pending.clear()
