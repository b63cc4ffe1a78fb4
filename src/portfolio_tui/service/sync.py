"""Use cases of laptop-to-laptop sync: exporting and merging bundles (`pf.bundles`).

A sync reads every bundle whole and checks it (format, version, completeness, checksum,
tables and columns) before it opens its one write transaction; inside it, rows are parsed
batch by batch and each row is checked as it is read: every value against its column's rule
(`domain.columns`), and its id against the others of its table in that bundle (an id listed
twice is refused). One bad value refuses the whole sync: the transaction is rolled back,
nothing is written and no backup is taken. Then the rows are merged (`domain.merge`) and only
the rows the merge changes are written:

- a clock (or `updated_at`) later than now plus `sync.future_tolerance_hours` is from the
  future: it is brought back to the bundle's export time (or now, if that is later still)
  and counted, so it can't overwrite later edits nor travel on;
- a fact (sale, interaction, stage change) already held takes the bundle's tombstone and
  nothing else; a value the bundle would change is kept and reported.

The backup is copied just before the commit, through another connection: it sees the
database as it was before the sync (the transaction is not committed yet), and it is only
made when the sync has something to write, so an unchanged bundle costs reads only."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from portfolio_tui import paths
from portfolio_tui.errors import UserError
from portfolio_tui.formats import bundle as bundle_format
from portfolio_tui.formats.bundle import BundleError, BundleHeader, BundleReader
from portfolio_tui.formats.sources import MIB, regular_file
from portfolio_tui.service.core import Core
from portfolio_tui.service.sync_merge import (
    FileReport,
    Merger,
    columns_id_first,
    utc,
)
from portfolio_tui.store import sync_queries as sq

Progress = Callable[[int, int], None]  # (rows merged so far, rows in all the bundles)
BUNDLE_SUFFIX = bundle_format.SUFFIX  # for the faces, which don't import exchange/
BATCH_ROWS = 2000
MAX_BUNDLE_BYTES = 1024 * MIB  # a full bundle of the reference portfolio is ~57 MB


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
        since_utc = self._sinceutc(since)
        since_stored = (
            since_utc.replace(tzinfo=None).isoformat(sep=" ") if since_utc is not None else None
        )
        with self.core.db.raw() as conn, sq.read_snapshot(conn):
            columns = {t: columns_id_first(conn, t) for t in sq.TABLES}
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

    def _sinceutc(self, since: date | datetime | None) -> datetime | None:
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
        reader = _open_bundle(path)
        header = reader.verify()
        now = self.core.now().astimezone(UTC).replace(tzinfo=None)
        with self.core.db.raw() as conn:
            Merger(conn, None, now, now).check_columns(reader)
        try:
            exported = utc(header.exported_at)
            since = utc(header.since) if header.since is not None else None
        except ValueError as exc:
            raise BundleError(path, f"bad bundle header ({exc})", 1) from None
        counts = dict(header.counts)
        return BundleSummary(path, header.device_id, exported, since, counts, len(reader.data))

    def sync(self, bundles: Sequence[Path], progress: Progress | None = None) -> SyncReport:
        """Merge bundles from other laptops into this database, in one transaction.

        Every file is read and checked first: a bad one raises BundleError and nothing is
        written. A backup is taken before the writes are committed."""
        readers = [_open_bundle(Path(p)) for p in bundles]
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
        received = self.core.now().astimezone(UTC).replace(tzinfo=None)
        tolerance = timedelta(hours=self.core.settings.sync_future_tolerance_hours)
        # Busy, read-only, full disk: db.raw() turns SQLite's word for it into one line.
        with self.core.lock, self.core.db.raw() as conn:
            merger = Merger(conn, progress, received, received + tolerance)
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


def _open_bundle(path: Path) -> BundleReader:
    """A regular file of a sane size, read whole: a FIFO, a device or a folder is refused
    before a byte is read (a FIFO would hang, /dev/zero would read until memory runs out)."""
    if os.path.lexists(path):  # a missing file is said by the read below, as before
        regular_file(path, MAX_BUNDLE_BYTES)
    try:
        return BundleReader(path)
    except OSError as exc:
        raise BundleError(path, exc.strerror or str(exc)) from None
