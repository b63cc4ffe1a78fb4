"""Bulk writes for generated or imported data: one executemany per table, in the caller's
transaction, no ORM objects; and `bulk_load`, for loading many rows into empty tables with
their secondary indexes built once at the end instead of kept up to date row by row."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from portfolio_tui.store import derived

# A bulk load's page cache (negative: KiB), about 64 MB: the index builds sort in it. Well
# under the 300 MB a command may use.
BULK_CACHE_KIB = 65_536
_CREATE_INDEX = re.compile(r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+", re.IGNORECASE)


def insert_rows(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    placeholders = ", ".join("?" * len(columns))
    cursor = conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows
    )
    return cursor.rowcount


def wipe(conn: sqlite3.Connection, tables: Sequence[str]) -> None:
    """Empty the given tables (only for regenerating a demo database). Their triggers are
    set aside meanwhile (a trigger per deleted row would cost seconds on a million, and keeps
    SQLite from truncating), and the sales version is bumped once for them all."""
    for table in tables:
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
            (table,),
        ).fetchall()
        for name, _sql in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute(f"DELETE FROM {table}")
        for _name, sql in triggers:
            conn.execute(sql)
    derived.bump(conn)


def is_empty(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None


def secondary_indexes(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes of `table` that can be dropped and made again:
    every index but those SQLite makes for a primary key or a UNIQUE constraint."""
    return conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (table,),
    ).fetchall()


def _if_not_exists(create_sql: str) -> str:
    return _CREATE_INDEX.sub(
        lambda m: f"CREATE {m.group(1) or ''}INDEX IF NOT EXISTS ", create_sql, count=1
    )


@contextmanager
def bulk_load(conn: sqlite3.Connection, tables: Sequence[str]) -> Iterator[list[str]]:
    """Within the caller's transaction (begun here if none is open): the secondary indexes of
    those `tables` that are empty now are dropped, and built again, each in one sorted pass,
    when the block ends; yields the names of the indexes dropped. Tables holding rows keep
    their indexes (rebuilding them would cost more than it saves). The page cache is enlarged
    for the block and restored after.

    All or nothing: DDL is transactional in SQLite, so when the block raises and the caller
    rolls back, the indexes come back with the rollback; a unique index whose rows clash fails
    when it is built, which fails the block."""
    if not conn.in_transaction:
        conn.execute("BEGIN IMMEDIATE")
    dropped: list[tuple[str, str]] = []
    for table in tables:
        if is_empty(conn, table):
            dropped += secondary_indexes(conn, table)
    (cache,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        for name, _sql in dropped:
            conn.execute(f'DROP INDEX "{name}"')
        yield [name for name, _sql in dropped]
        for _name, sql in dropped:
            conn.execute(sql)
    except BaseException:
        if not conn.in_transaction:  # already rolled back or ended: the indexes must exist
            for _name, sql in dropped:
                conn.execute(_if_not_exists(sql))
        raise
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
