"""The database file: creation, pragmas, migrations, backups."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from portfolio_tui.errors import DatabaseError
from portfolio_tui.store.database import SCHEMA_VERSION, Database


def test_new_file_is_private_and_migrated(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    db = Database(path)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert db.migration_backup is None
        with db.raw() as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
            assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        assert {"account", "contact", "interaction", "followup", "product", "sale"} <= tables
        assert {"stagechange", "meta"} <= tables
    finally:
        db.dispose()


def test_reopening_a_current_file_takes_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    Database(path).dispose()
    again = Database(path)
    again.dispose()
    assert again.migration_backup is None
    assert list(tmp_path.glob("*.bak")) == []


def test_an_existing_older_file_is_backed_up_before_migrating(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE legacy (x)")
        conn.execute("INSERT INTO legacy VALUES (42)")
    conn.close()
    db = Database(path)
    db.dispose()
    assert db.migration_backup is not None and db.migration_backup.exists()
    assert stat.S_IMODE(db.migration_backup.stat().st_mode) == 0o600
    with sqlite3.connect(db.migration_backup) as copy:
        assert copy.execute("SELECT x FROM legacy").fetchall() == [(42,)]
        assert copy.execute("PRAGMA user_version").fetchone()[0] == 0
    copy.close()


def test_a_newer_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer than this program"):
        Database(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not a portfolio database"):
        Database(path)
    assert path.read_bytes() == before


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    db = Database(tmp_path / "p.db")
    try:
        with db.raw() as conn, pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO contact (id, created_at, updated_at, device_id, clocks, account_id,"
                " name) VALUES ('c', '2026-01-01', '2026-01-01', 'd', '{}', 'missing', 'x')"
            )
    finally:
        db.dispose()
