"""Bulk writes for generated or imported data: one executemany per table, in the caller's
transaction, no ORM objects."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence


def insert_rows(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    placeholders = ", ".join("?" * len(columns))
    cursor = conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows
    )
    return cursor.rowcount


def wipe(conn: sqlite3.Connection, tables: Sequence[str]) -> None:
    """Empty the given tables (only for regenerating a demo database)."""
    for table in tables:
        conn.execute(f"DELETE FROM {table}")
