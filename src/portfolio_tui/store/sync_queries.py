"""The SQL of laptop-to-laptop sync, on the DB-API connection: rows as stored, no ORM."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from portfolio_tui.store.models import SYNCED_TABLES

# Merge order: a row's parents come before it (account, contact, product, then the rest).
TABLES: tuple[str, ...] = tuple(model.__tablename__ for model in SYNCED_TABLES)  # type: ignore[misc]
BATCH = 500  # ids per `IN (...)`: well under SQLite's variable limit
_FETCH = 5000


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def table_columns(conn: sqlite3.Connection, table: str) -> tuple[str, ...]:
    return tuple(row[1] for row in conn.execute(f"PRAGMA table_info({table})"))


def foreign_keys(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """(column, parent table) of each foreign key of `table`."""
    return [(row[3], row[2]) for row in conn.execute(f"PRAGMA foreign_key_list({table})")]


@contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Reads that all see the same committed state."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One transaction, taken for writing from the start: all of it is committed or none.

    Foreign keys are checked at commit, so rows may go in in any order within it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("PRAGMA defer_foreign_keys = ON")
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        # After some errors (a full disk) SQLite has rolled back already: a ROLLBACK then
        # fails with "no transaction is active" and would hide the error that matters.
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def _since_clause(since: str | None) -> tuple[str, tuple[Any, ...]]:
    return (" WHERE updated_at >= ?", (since,)) if since is not None else ("", ())


def count_changed(conn: sqlite3.Connection, table: str, since: str | None) -> int:
    """Rows of `table` written on or after `since` (stored form), or all of them."""
    where, params = _since_clause(since)
    return conn.execute(f"SELECT count(*) FROM {table}{where}", params).fetchone()[0]


def changed_rows(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], since: str | None
) -> Iterator[tuple[Any, ...]]:
    where, params = _since_clause(since)
    cursor = conn.execute(f"SELECT {', '.join(columns)} FROM {table}{where}", params)
    while batch := cursor.fetchmany(_FETCH):
        yield from batch


def rows_by_id(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], ids: Iterable[str]
) -> dict[str, tuple[Any, ...]]:
    """The stored rows with these ids, by id; `columns` must start with "id"."""
    assert columns[0] == "id"
    found: dict[str, tuple[Any, ...]] = {}
    select = f"SELECT {', '.join(columns)} FROM {table} WHERE id IN "
    for chunk in _chunks(list(ids)):
        sql = select + "(" + ",".join("?" * len(chunk)) + ")"
        for row in conn.execute(sql, chunk):
            found[row[0]] = row
    return found


def existing_ids(conn: sqlite3.Connection, table: str, ids: Iterable[str]) -> set[str]:
    """Which of `ids` are rows of `table` (tombstoned or not)."""
    found: set[str] = set()
    for chunk in _chunks(list(ids)):
        sql = f"SELECT id FROM {table} WHERE id IN (" + ",".join("?" * len(chunk)) + ")"
        found.update(row[0] for row in conn.execute(sql, chunk))
    return found


def upsert_rows(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert each row, or overwrite every column of the row with its id."""
    if not rows:
        return
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT(id) DO UPDATE SET {updates}",
        rows,
    )


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def required_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """Columns declared NOT NULL."""
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[3]}
