"""Operational errors get one line naming the real cause, exit 2, database unchanged (issue
9, point 9): another command writing, a read-only file or folder, a full disk, a file that is
not a database. All on real files: a second connection holds the write lock, permissions
are real (as root, the test drops to `nobody` while it runs), and the disk fills up through
`PRAGMA max_page_count` on the portfolio's own connections."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from helpers.laptops import SharedTime, open_laptop
from portfolio_tui.cli import main
from portfolio_tui.errors import DatabaseError
from portfolio_tui.service import Portfolio
from portfolio_tui.store.database import operational_error

from conftest import db_dump, open_portfolio

BUSY = "the portfolio is busy (another portfolio command is writing); try again"
NOBODY = 65534


@contextmanager
def unprivileged() -> Iterator[None]:
    """Run the block as a user file permissions apply to (root ignores them)."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.fixture
def shared_folder(monkeypatch) -> Iterator[Path]:
    """A folder `nobody` may use (pytest's own temporary folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="portfolio-", dir="/tmp"))
    folder.chmod(0o777)
    monkeypatch.setenv("PORTFOLIO_CONFIG", str(folder / "no-config.toml"))
    yield folder
    for path in folder.rglob("*"):
        if path.is_dir():
            path.chmod(0o777)
    shutil.rmtree(folder)


def a_portfolio(path: Path) -> Path:
    with open_portfolio(path) as pf:
        account = pf.routine.add_account("Boulangerie Dupont", city="Lyon")
        pf.routine.log_interaction("call", account, "Point devis")
    return path


def on_every_connection(pf: Portfolio, pragma: str) -> None:
    """Run `pragma` on each connection the portfolio opens from now on."""
    pf.db.on_connect(lambda conn: conn.execute(pragma))


@contextmanager
def another_writer(path: Path) -> Iterator[None]:
    other = sqlite3.connect(path)
    other.execute("BEGIN IMMEDIATE")  # another portfolio command is in the middle of a write
    try:
        yield
    finally:
        other.rollback()
        other.close()


# --- busy -------------------------------------------------------------------------------------


def test_log_edit_and_import_while_another_command_writes_say_busy(tmp_path: Path) -> None:
    db = a_portfolio(tmp_path / "p.db")
    sales = tmp_path / "ventes.csv"
    sales.write_text("Client;Date;Montant\nBoulangerie Dupont;20/11/2026;120,00\n", "utf-8")
    before = db_dump(db)
    with open_portfolio(db) as pf, another_writer(db):
        on_every_connection(pf, "PRAGMA busy_timeout = 100")
        for attempt in (
            lambda: pf.routine.log_interaction("call", "Boulangerie", "Relance"),
            lambda: pf.routine.edit_account("Boulangerie", city="Annecy"),
            lambda: pf.imports.import_csv("sales", sales),
            lambda: pf.routine.record_sale("Boulangerie", date(2026, 11, 20), 100),
        ):
            with pytest.raises(DatabaseError) as caught:
                attempt()
            assert str(caught.value) == f"{db}: {BUSY}"
    assert db_dump(db) == before


def test_sync_while_another_command_writes_says_busy(tmp_path: Path) -> None:
    time = SharedTime()
    with open_laptop(tmp_path / "a.db", "aaaa", time.clock()) as a:
        a.routine.add_account("Chez A")
        bundle = a.bundles.export_bundle(tmp_path / "a.pfbundle").path
    db = a_portfolio(tmp_path / "b.db")
    before = db_dump(db)
    with open_portfolio(db) as b, another_writer(db):
        on_every_connection(b, "PRAGMA busy_timeout = 100")
        with pytest.raises(DatabaseError, match=f"^{db}: the portfolio is busy"):
            b.bundles.sync([bundle])
    assert db_dump(db) == before


def test_the_cli_says_busy_in_one_line_and_exits_2(tmp_path: Path, capsys) -> None:
    db = a_portfolio(tmp_path / "p.db")
    with another_writer(db):
        code = main(["--db", str(db), "log", "call", "Boulangerie", "Relance"])  # waits 5 s
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", f"portfolio: error: {db}: {BUSY}\n")


# --- read-only file, read-only folder -----------------------------------------------------------


def test_a_read_only_database_file_is_named_as_such(shared_folder: Path, capsys) -> None:
    db = a_portfolio(shared_folder / "p.db")
    a_portfolio(shared_folder / "warm-up.db")  # every module this needs is imported as root
    db.chmod(0o444)
    before = db.read_bytes()
    with unprivileged():
        with open_portfolio(db) as pf, pytest.raises(DatabaseError) as caught:
            pf.routine.log_interaction("call", "Boulangerie", "Relance")
        code = main(["--db", str(db), "add", "account", "Garage Petit"])
    assert str(caught.value) == (
        f"{db}: the database file is read-only (check its permissions); nothing written"
    )
    _, err = capsys.readouterr()
    assert (code, err.count("\n")) == (2, 1)
    assert "read-only" in err and "Traceback" not in err
    assert db.read_bytes() == before


def test_a_database_in_a_read_only_folder_is_not_called_a_stranger(shared_folder: Path) -> None:
    folder = shared_folder / "locked"
    folder.mkdir()
    folder.chmod(0o777)
    db = a_portfolio(folder / "p.db")
    folder.chmod(0o555)
    with unprivileged():
        with pytest.raises(DatabaseError) as opening:
            open_portfolio(db)
        with pytest.raises(DatabaseError) as creating:
            open_portfolio(folder / "new.db")
    assert str(opening.value) == (
        f"{db}: the folder {folder} is read-only: the portfolio needs to write beside its file"
    )
    assert "not a portfolio database" not in str(opening.value)
    assert str(creating.value) == f"{folder / 'new.db'}: can't create the database file " + (
        "(Permission denied)"
    )


def test_only_a_file_that_is_no_database_is_called_not_a_portfolio_database(tmp_path) -> None:
    stranger = tmp_path / "notes.db"
    stranger.write_text("Raison sociale;Ville\n" * 200, encoding="utf-8")
    with pytest.raises(DatabaseError) as caught:
        open_portfolio(stranger)
    assert str(caught.value) == f"{stranger}: not a portfolio database (not an SQLite file)"


# --- full disk --------------------------------------------------------------------------------


def test_a_full_disk_during_sync_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    time = SharedTime()
    with open_laptop(tmp_path / "a.db", "aaaa", time.clock()) as a:
        a.load_demo(accounts=40, years=1, seed=3)
        bundle = a.bundles.export_bundle(tmp_path / "a.pfbundle").path
    db = a_portfolio(tmp_path / "b.db")
    before = db_dump(db)
    with open_portfolio(db) as b:
        with b.db.raw() as conn:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
        on_every_connection(b, f"PRAGMA max_page_count = {pages + 8}")
        with pytest.raises(DatabaseError) as caught:
            b.bundles.sync([bundle])
        assert str(caught.value) == (
            f"{db}: the disk is full; nothing written (free some space and try again)"
        )
        assert b.resolve_account("Boulangerie").city == "Lyon"  # still usable
    assert db_dump(db) == before
    assert list(tmp_path.glob("b.sync-*.bak")) == []


def test_a_full_disk_during_a_log_is_one_line_too(tmp_path: Path) -> None:
    db = a_portfolio(tmp_path / "p.db")
    with open_portfolio(db) as pf:
        with pf.db.raw() as conn:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
        on_every_connection(pf, f"PRAGMA max_page_count = {pages}")
        with pytest.raises(DatabaseError, match="the disk is full; nothing written"):
            pf.routine.log_interaction("call", "Boulangerie", "x" * 100_000)


def test_errors_that_are_bugs_are_not_disguised(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.db")
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("SELECT * FROM nowhere")
    assert operational_error(tmp_path / "x.db", caught.value) is None
    conn.execute("CREATE TABLE t (x NOT NULL)")
    with pytest.raises(sqlite3.IntegrityError) as integrity:
        conn.execute("INSERT INTO t VALUES (NULL)")
    assert operational_error(tmp_path / "x.db", integrity.value) is None
    conn.close()
