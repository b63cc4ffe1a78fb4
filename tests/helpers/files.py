"""Helpers for the file tests: the sample spreadsheet files (tests/fixtures), writing CSV files in any
encoding and delimiter, and the state of a database file to prove an import wrote nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from conftest import FIXTURES

assert FIXTURES.is_dir(), FIXTURES
ACCOUNTS_FR = FIXTURES / "comptes-excel-fr.csv"
CONTACTS_LO = FIXTURES / "contacts-libreoffice.csv"
SALES_FR = FIXTURES / "ventes-excel-utf8.csv"
SALES_BAD_DATE = FIXTURES / "ventes-date-invalide.csv"


def write_csv(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    newline: str = "\r\n",
) -> Path:
    """A CSV file the way a spreadsheet writes one (cells quoted when they need it)."""

    def cell(text: str) -> str:
        if any(c in text for c in (delimiter, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text

    text = "".join(delimiter.join(cell(c) for c in row) + newline for row in rows)
    path.write_bytes(text.encode(encoding))
    return path


def db_state(path: Path) -> tuple[bytes, str]:
    """The file's bytes after a WAL checkpoint, and a full SQL dump."""
    conn = sqlite3.connect(path)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, "a connection kept the WAL busy"
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    return path.read_bytes(), dump


def rows(path: Path, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def count(path: Path, table: str, where: str = "deleted_at IS NULL") -> int:
    return rows(path, f"SELECT count(*) FROM {table} WHERE {where}")[0][0]
