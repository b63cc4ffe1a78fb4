"""Use cases of laptop-to-laptop sync: exporting and merging bundles. Part of the Portfolio
service (a base class of `Portfolio`), kept apart to keep modules small.

A sync reads every bundle whole and checks it (format, version, completeness, checksum,
tables and columns) before it opens its one write transaction; inside it, rows are merged
batch by batch (`exchange.merge`) and only the rows the merge changes are written. A row
found bad in there (an empty required field, a bad clock) rolls everything back.

The backup is copied just before the commit, through another connection: it sees the
database as it was before the sync (the transaction is not committed yet), and it is only
made when the sync has something to write, so an unchanged bundle costs reads only."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portfolio_tui import paths
from portfolio_tui.domain.merge import Conflict, MergeError, RowShape, merge_row, row_label
from portfolio_tui.errors import UserError
from portfolio_tui.formats import bundle as bundle_format
from portfolio_tui.formats.bundle import BundleError, BundleHeader, BundleReader
from portfolio_tui.service.core import Core
from portfolio_tui.store import sync_queries as sq

if TYPE_CHECKING:
    pass

Progress = Callable[[int, int], None]  # (rows merged so far, rows in all the bundles)
BUNDLE_SUFFIX = bundle_format.SUFFIX  # for the faces, which don't import exchange/
BATCH_ROWS = 2000


@dataclass(frozen=True)
class BundleSummary:
    path: Path
    device_id: str
    exported_at: datetime  # aware, UTC
    since: datetime | None  # aware, UTC
    counts: dict[str, int]
    size: int  # bytes

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


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

    @property
    def changed(self) -> bool:
        return any(t.inserted or t.updated for t in self.tallies.values())


@dataclass
class SyncReport:
    files: list[FileReport]
    backup: Path | None  # the copy taken before writing; None when nothing was written

    @property
    def changed(self) -> bool:
        return any(f.changed for f in self.files)


class SyncCases:
    """Sync bundles: export, inspect, merge."""

    core: Core

    def __init__(self, core: Core) -> None:
        self.core = core

    # --- export -----------------------------------------------------------------------------

    def default_bundle_name(self) -> str:
        stamp = self.core.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return f"{self.core.device_id}-{stamp}{bundle_format.SUFFIX}"

    def export_bundle(
        self, target: Path | None = None, since: date | datetime | None = None
    ) -> BundleSummary:
        """Write the rows written on or after `since` (all rows without it) to one bundle file.

        `target` defaults to `<device id>-<UTC time>.pfbundle` in the current directory; a
        directory gets that name inside it. A date means midnight local time."""
        exported = self.core.now().astimezone(UTC)
        if target is None:
            target = Path.cwd() / self.default_bundle_name()
        elif Path(target).is_dir():
            target = Path(target) / self.default_bundle_name()
        target = Path(target)
        since_utc = self._since_utc(since)
        since_stored = (
            since_utc.replace(tzinfo=None).isoformat(sep=" ") if since_utc is not None else None
        )
        with self.core.db.raw() as conn, sq.read_snapshot(conn):
            columns = {t: _columns_id_first(conn, t) for t in sq.TABLES}
            counts = {t: sq.count_changed(conn, t, since_stored) for t in sq.TABLES}
            header = BundleHeader(
                device_id=self.core.device_id,
                exported_at=exported.isoformat(),
                since=since_utc.isoformat() if since_utc is not None else None,
                schema=sq.schema_version(conn),
                columns=columns,
                counts=counts,
            )
            size = bundle_format.write_bundle(
                target,
                header,
                ((t, sq.changed_rows(conn, t, columns[t], since_stored)) for t in sq.TABLES),
            )
        return BundleSummary(target, self.core.device_id, exported, since_utc, counts, size)

    def _since_utc(self, since: date | datetime | None) -> datetime | None:
        if since is None:
            return None
        if not isinstance(since, datetime):
            since = datetime.combine(since, time(0))
        if since.tzinfo is None:
            since = since.replace(tzinfo=self.core.now().tzinfo)
        return since.astimezone(UTC)

    # --- sync -------------------------------------------------------------------------------

    def inspect_bundle(self, path: Path) -> BundleSummary:
        """The header of one bundle, checked as `sync` checks it before writing (format,
        version, completeness, checksum, tables and columns against this database).

        Writes nothing. Raises BundleError naming the file when sync would refuse it."""
        path = Path(path)
        try:
            reader = BundleReader(path)
        except OSError as exc:
            raise BundleError(path, exc.strerror or str(exc)) from None
        header = reader.verify()
        with self.core.db.raw() as conn:
            _Merger(conn, None).check_columns(reader)
        try:
            exported = _utc(header.exported_at)
            since = _utc(header.since) if header.since is not None else None
        except ValueError as exc:
            raise BundleError(path, f"bad bundle header ({exc})", 1) from None
        counts = dict(header.counts)
        return BundleSummary(path, header.device_id, exported, since, counts, len(reader.data))

    def sync(self, bundles: Sequence[Path], progress: Progress | None = None) -> SyncReport:
        """Merge bundles from other laptops into this database, in one transaction.

        Every file is read and checked first: a bad one raises BundleError and nothing is
        written. A backup is taken before the writes are committed."""
        readers = [BundleReader(Path(p)) for p in bundles]
        for reader in readers:
            reader.verify()
        reports = [
            FileReport(
                path=r.path,
                device_id=r.header.device_id,
                exported_at=r.header.exported_at,
                since=r.header.since,
                own=r.header.device_id == self.core.device_id,
            )
            for r in readers
        ]
        backup = None
        with self.core.lock, self.core.db.raw() as conn:
            merger = _Merger(conn, progress)
            for reader in readers:
                merger.check_columns(reader)
            try:
                with sq.write_transaction(conn):
                    merger.total = sum(r.header.total for r in readers)
                    for reader, report in zip(readers, reports, strict=True):
                        merger.merge_file(reader, report)
                    merger.finish()
                    if merger.wrote:
                        stamp = self.core.now().astimezone(UTC).strftime("%Y%m%dT%H%M%S")
                        backup = self.core.db.backup_to(
                            paths.backup_path(self.core.path, "sync", stamp)
                        )
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
                raise UserError(
                    f"{self.core.path} is busy (another program is writing to it); try again"
                ) from None
            except sqlite3.IntegrityError as exc:
                # The merge checks what the schema requires; this is the last line of defence.
                names = ", ".join(str(r.path) for r in readers)
                raise UserError(
                    f"{names}: rows this database refuses ({exc}); nothing written"
                ) from None
        result = SyncReport(reports, backup)
        if result.changed:
            # Undoing a change made before the sync could silently overwrite what it brought.
            self.core.undo_stack.clear()
            self.core.data_changed()
        return result


def _utc(stamp: str) -> datetime:
    """An ISO time of a bundle header, aware UTC (a time without offset is UTC)."""
    moment = datetime.fromisoformat(stamp)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _columns_id_first(conn: sqlite3.Connection, table: str) -> tuple[str, ...]:
    columns = sq.table_columns(conn, table)
    return ("id", *(c for c in columns if c != "id"))


@dataclass
class _Write:
    row: tuple[Any, ...]
    inserted: bool
    reports: list[FileReport]


class _Merger:
    """Merges bundle rows into the open transaction of `conn`, one batch at a time.

    A row whose parent (account of a contact, contact of an interaction, ...) is neither
    stored nor written yet waits in `pending`; `finish()` writes those whose parents came
    later and reports the rest as orphans."""

    def __init__(self, conn: sqlite3.Connection, progress: Progress | None) -> None:
        self.conn = conn
        self.wrote = False
        self.progress = progress
        self.total = 0
        self.done = 0
        self.shapes = {t: RowShape(t, _columns_id_first(conn, t)) for t in sq.TABLES}
        self.required: dict[str, list[int]] = {}
        self.parents: dict[str, list[tuple[int, str, str]]] = {}
        for table, shape in self.shapes.items():
            required = sq.required_columns(conn, table)
            self.required[table] = [i for i, c in enumerate(shape.columns) if c in required]
            self.parents[table] = [
                (shape.index(column), column, parent)
                for column, parent in sq.foreign_keys(conn, table)
            ]
        # Ids known to be stored, in the tables other rows refer to.
        self.known: dict[str, set[str]] = {
            parent: set() for links in self.parents.values() for _, _, parent in links
        }
        self.pending: dict[tuple[str, str], _Write] = {}
        self.order: dict[str, dict[str, list[int] | None]] = {}

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
        tally = report.tallies[table]
        for line, row in rows:
            if type(row[0]) is not str or not row[0]:
                raise BundleError(path, f"{table}: id {row[0]!r} is not an id", line)
        local = sq.rows_by_id(self.conn, table, shape.columns, {row[0] for _, row in rows})
        writes: list[_Write] = []
        for line, row in rows:
            row_id = row[0]
            waiting = self.pending.get((table, row_id))
            current = waiting.row if waiting is not None else local.get(row_id)
            if current == row:
                tally.unchanged += 1
                continue
            self._check_required(path, table, row, line)
            try:
                merged, conflicts = merge_row(shape, current, row)
            except MergeError as exc:
                raise BundleError(path, f"{table} {row_id}: {exc}", line) from None
            report.conflicts.extend(conflicts)
            if merged == current:
                tally.unchanged += 1
                continue
            if waiting is not None:
                waiting.row = merged
                if report not in waiting.reports:
                    waiting.reports.append(report)
                continue
            local[row_id] = merged
            writes.append(_Write(merged, current is None, [report]))
        self._learn_parents(table, [w.row for w in writes])
        ready = []
        for write in writes:
            if self._missing_parents(table, write.row):
                self.pending[(table, write.row[0])] = write
            else:
                ready.append(write)
        self._write(table, ready)

    def _check_required(self, path: Path, table: str, row: tuple[Any, ...], line: int) -> None:
        for i in self.required[table]:
            if row[i] is None:
                column = self.shapes[table].columns[i]
                raise BundleError(path, f"{table} {row[0]}: {column} must not be empty", line)

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
