"""The sales version, and the cache file where figures derived from the sales are kept.

Everything the figures, the ABC and RFM badges and the churn fit read is the `sale` table and
the accounts' names and deletions. Their *sales version* changes with every write to those:

- a new sale gets a rowid above every existing one (SQLite takes max(rowid) + 1; sales are
  never deleted but by `bulk.wipe`, which bumps the count), so max(rowid) of `sale` moves with
  every insert, at no cost per line (a trigger per inserted line doubled a 1M-line import);
- triggers (`TRIGGERS`, made by migration 3) count every other change: any update or deletion
  of a sale, any new or deleted account, an account renamed or tombstoned. They fire for every
  writer of the file: the app, an import, a sync, an undo, another process.

So along one file's history, (max rowid of sale, the count in meta) differs between any two
states of those rows, as long as nothing renumbers rowids (a VACUUM would: call `bump` after
one). Reading it costs two index look-ups.

What the agenda or the activity index read is more: follow-ups, interactions, deals, contacts,
stages. The version of such tables (`tables_version`) is built the same way (migration 4,
`TABLE_TRIGGERS`): the sales version, then per table its max rowid (inserts) and a count that
triggers move on any update or deletion in it.

A process keeps what it derived in memory under that version (`Core.fresh_caches`). For the
next process, `CacheFile` keeps it in a small SQLite file of its own, in the user's cache
folder: reading a portfolio never writes the portfolio file. There a value is stamped with the
sales version *and* the portfolio file's modification time and size (`file_stamp`): a copy of
another history put in its place (a backup restored) may reach an equal count, not an equal
modification time in nanoseconds too.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from contextlib import closing, suppress
from functools import cache
from pathlib import Path

VERSION_KEY = "sales_version"
_BUMP = (
    f"INSERT INTO meta (key, value) VALUES ('{VERSION_KEY}', '1') "
    "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
)
TRIGGER_NAMES = (
    "sales_version_sale_update",
    "sales_version_sale_delete",
    "sales_version_account_insert",
    "sales_version_account_update",
    "sales_version_account_delete",
)
_EVENTS = (
    "AFTER UPDATE ON sale",
    "AFTER DELETE ON sale",
    "AFTER INSERT ON account",
    "AFTER UPDATE OF id, name, deleted_at ON account",
    "AFTER DELETE ON account",
)
TRIGGERS = tuple(
    f"CREATE TRIGGER IF NOT EXISTS {name} {event} BEGIN {_BUMP}; END"
    for name, event in zip(TRIGGER_NAMES, _EVENTS, strict=True)
)
# Every table but `sale` (the sales version) and `meta` (where the counts are kept).
BOOK_TABLES = (
    "account", "contact", "interaction", "followup", "product", "stagechange", "segment",
    "deal", "dealstagechange",
)  # fmt: skip


def _changes_key(table: str) -> str:
    return f"changes.{table}"


TABLE_TRIGGERS = tuple(
    f"CREATE TRIGGER IF NOT EXISTS changes_{table}_{event.lower()} "
    f"AFTER {event} ON {table} BEGIN "
    f"INSERT INTO meta (key, value) VALUES ('{_changes_key(table)}', '1') "
    "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1; END"
    for table in BOOK_TABLES
    for event in ("UPDATE", "DELETE")
)
_VERSION_SQL = "SELECT (SELECT max(rowid) FROM sale), (SELECT value FROM meta WHERE key = ?)"
# The layout of the cache file (its `PRAGMA user_version`): a file of another layout is
# emptied and laid out again. A value and its stamps in two tables: stamping values again
# (`restamp`, after each write of the app) rewrites small rows, not the values' megabytes.
CACHE_LAYOUT = 2
_CACHE_TABLES = (
    "CREATE TABLE kept (name TEXT NOT NULL PRIMARY KEY, version TEXT NOT NULL, "
    "stamp TEXT NOT NULL, value_id INTEGER NOT NULL)",
    "CREATE INDEX kept_stamp ON kept (stamp)",
    "CREATE TABLE kept_value (id INTEGER PRIMARY KEY, value BLOB NOT NULL)",
    f"PRAGMA user_version = {CACHE_LAYOUT}",
)
_OLD_TABLES = ("derived", "kept", "kept_value")
_READ = (
    "SELECT v.value FROM kept AS k JOIN kept_value AS v ON v.id = k.value_id "
    "WHERE k.name = ? AND k.version = ? AND k.stamp = ?"
)
# The values of a kind kept at another version or stamp, and the one of the same name.
_REPLACED = "(substr(name, 1, ?) = ? AND (version <> ? OR stamp <> ?)) OR name = ?"
_WRITE_WAIT_S = 0.2  # a cache write waits this long at most for another process's


def create(conn: sqlite3.Connection) -> None:
    """Migration 3: the version count and its triggers."""
    conn.execute(_BUMP)
    for statement in TRIGGERS:
        conn.execute(statement)


def create_table_counts(conn: sqlite3.Connection) -> None:
    """Migration 4: the triggers counting each table's updates and deletions."""
    for statement in TABLE_TRIGGERS:
        conn.execute(statement)


def tables_version(conn: sqlite3.Connection, tables: Sequence[str]) -> str:
    """The version of what `tables` (of BOOK_TABLES) and the sales hold now: the sales version,
    then each table's max rowid and count of other changes, "<sales>/<rowid>.<count>…"."""
    if not tables:
        return sales_version(conn)
    values = conn.execute(_tables_sql(tuple(tables))).fetchone()
    return f"{sales_version(conn)}/{'.'.join(str(v or 0) for v in values)}"


@cache
def _tables_sql(tables: tuple[str, ...]) -> str:
    unknown = set(tables) - set(BOOK_TABLES)
    if unknown:
        raise ValueError(f"not tables of the book: {sorted(unknown)}")
    return "SELECT " + ", ".join(
        f"(SELECT max(rowid) FROM {table}), "
        f"(SELECT value FROM meta WHERE key = '{_changes_key(table)}')"
        for table in tables
    )


def sales_version(conn: sqlite3.Connection) -> str:
    """The sales version now: "<max rowid of sale>.<changes counted>"."""
    top, changes = conn.execute(_VERSION_SQL, (VERSION_KEY,)).fetchone()
    return f"{top or 0}.{changes or 0}"


def bump(conn: sqlite3.Connection) -> None:
    """Count one change by hand (after a VACUUM, or with the triggers set aside)."""
    conn.execute(_BUMP)


def file_stamp(db: Path) -> str:
    """The portfolio file's modification time (ns) and size, and its write-ahead log's when it
    holds anything: they tell this file's history from another's put in its place."""
    parts = []
    for path in (db, db.with_name(db.name + "-wal")):
        with suppress(OSError):
            info = path.stat()
            if info.st_size:
                parts.append(f"{info.st_mtime_ns}:{info.st_size}")
    return "/".join(parts)


class CacheFile:
    """Values derived from one portfolio, each stamped with the version it was computed at.
    Only a cache: a file that can't be read or written (missing, damaged, busy, read-only)
    reads as empty and keeps nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self, name: str, version: str, stamp: str) -> bytes | None:
        """The value kept as `name` at `version` and the portfolio file's `stamp`
        (`file_stamp`); None when there is none at those."""
        if not self.path.exists():
            return None
        try:
            with closing(sqlite3.connect(self.path, timeout=_WRITE_WAIT_S)) as conn:
                row = conn.execute(_READ, (name, version, stamp)).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else bytes(row[0])

    def write(
        self, kind: str, name: str, version: str, stamp: str, value: bytes, *, again: bool = True
    ) -> bool:
        """Keep `value` as `name` at `version` and `stamp`, dropping the values of the same
        `kind` (names starting "kind|") kept at another; False when nothing could be kept."""
        try:
            self._create()
            with closing(self._writing()) as conn, conn:
                if conn.execute("PRAGMA user_version").fetchone()[0] != CACHE_LAYOUT:
                    for table in _OLD_TABLES:
                        conn.execute(f"DROP TABLE IF EXISTS {table}")
                    for statement in _CACHE_TABLES:
                        conn.execute(statement)
                replaced = (len(kind) + 1, kind + "|", version, stamp, name)
                conn.execute(
                    f"DELETE FROM kept_value WHERE id IN (SELECT value_id FROM kept WHERE "
                    f"{_REPLACED})",
                    replaced,
                )
                conn.execute(f"DELETE FROM kept WHERE {_REPLACED}", replaced)
                value_id = conn.execute(
                    "INSERT INTO kept_value (value) VALUES (?)", (value,)
                ).lastrowid
                conn.execute(
                    "INSERT INTO kept (name, version, stamp, value_id) VALUES (?, ?, ?, ?)",
                    (name, version, stamp, value_id),
                )
        except sqlite3.DatabaseError as error:
            if type(error) is sqlite3.DatabaseError:  # damaged (not busy): start it again
                for part in ("", "-journal", "-wal", "-shm"):
                    self.path.with_name(self.path.name + part).unlink(missing_ok=True)
                return again and self.write(kind, name, version, stamp, value, again=False)
            return False
        except OSError:
            return False
        return True

    def restamp(self, before: str, after: str) -> None:
        """Stamp with the portfolio file's stamp `after` the values kept at `before`."""
        if not self.path.exists():
            return
        try:
            with closing(self._writing()) as conn, conn:
                conn.execute("UPDATE kept SET stamp = ? WHERE stamp = ?", (after, before))
        except sqlite3.Error:
            pass  # only a cache: the next start computes them again

    def _writing(self) -> sqlite3.Connection:
        """A connection to write with, without a disk sync at each commit: a restamp after each
        of the app's own writes cost ~25 ms of syncs on a save. A cache damaged by a crash of
        the system is started again (`write`)."""
        conn = sqlite3.connect(self.path, timeout=_WRITE_WAIT_S)
        conn.execute("PRAGMA synchronous=OFF")
        return conn

    def _create(self) -> None:
        """The folder (0700) and the file (0600), created private before any byte is in it."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
        os.close(fd)
