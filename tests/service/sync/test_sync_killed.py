"""A sync killed in the middle of its write leaves the database exactly as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import db_dump, open_portfolio


@pytest.fixture(scope="module")
def big_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle of ~110,000 rows from another laptop: 1,500 accounts, three years of sales."""
    folder = tmp_path_factory.mktemp("other-laptop")
    with open_portfolio(folder / "other.db") as other:
        other.load_demo(accounts=1500, years=3, seed=5)
        return other.bundles.export_bundle(folder / "big.pfbundle").path


def _portfolio_with_its_own_data(path: Path) -> list[str]:
    with open_portfolio(path) as pf:
        pf.load_demo(accounts=40, years=2, seed=9)
        pf.routine.add_account("Client du jour", city="Lyon")
    return db_dump(path)


def _sync_command(db: Path, bundle: Path) -> list[str]:
    return [sys.executable, "-m", "portfolio_tui", "--db", str(db), "sync", str(bundle)]


@pytest.mark.parametrize("wal_bytes", [1_000_000, 8_000_000], ids=["early", "later"])
def test_a_sync_killed_while_writing_changes_nothing(
    tmp_path: Path, big_bundle: Path, wal_bytes: int
) -> None:
    db = tmp_path / "portfolio.db"
    before = _portfolio_with_its_own_data(db)
    wal = db.with_name(db.name + "-wal")

    sync = subprocess.Popen(
        _sync_command(db, big_bundle), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    # The transaction's pages spill into the write-ahead log as it goes: once it has grown
    # this much, the sync is in the middle of writing.
    while sync.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > wal_bytes:
            break
        time.sleep(0.002)
    assert sync.poll() is None, "the sync ended before it could be killed"
    os.kill(sync.pid, signal.SIGKILL)
    sync.communicate()
    assert sync.returncode == -signal.SIGKILL

    assert db_dump(db) == before
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()

    # The database still works, and the same sync run to its end brings the rows in.
    done = subprocess.run(_sync_command(db, big_bundle), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "backup of the database before the sync" in done.stdout
    assert db_dump(db) != before
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM account").fetchone()[0] == 40 + 1 + 1500
    finally:
        conn.close()
