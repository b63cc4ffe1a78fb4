"""Fixtures shared by the whole suite: a fixed clock and zone, and real database files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from portfolio_tui import service
from portfolio_tui.domain.settings import Settings
from portfolio_tui.service import Portfolio

PARIS = ZoneInfo("Europe/Paris")
# A Monday morning: the rep's week starts, with overdue work from last week.
FIXED_NOW = datetime(2026, 11, 23, 8, 30, tzinfo=PARIS)
DEMO_SEED = 7
DEMO_ACCOUNTS = 60
FIXTURES = (
    Path(__file__).resolve().parent / "fixtures"
)  # sample files reps bring (French Excel, LibreOffice)


def fixed_clock() -> datetime:
    return FIXED_NOW


def open_portfolio(path: Path, clock=fixed_clock) -> Portfolio:
    """A Portfolio on `path` with the fixed clock, Paris time and default settings."""
    return service.open_portfolio(path, clock=clock, tz=PARIS, settings=Settings())


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Nothing a test does may reach the real user's data, config or logs."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home)  # what a screen shows of the working folder is "~", on any machine
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("PORTFOLIO_DB", raising=False)
    monkeypatch.delenv("PORTFOLIO_CONFIG", raising=False)
    # The suite speaks English whatever the machine's locale (French has its own tests).
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for variable in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.db"
    with open_portfolio(path) as pf:
        pf.load_demo(accounts=DEMO_ACCOUNTS, years=3, seed=DEMO_SEED)
        with pf.db.raw() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo_db_path(_demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the seeded demo portfolio (60 accounts, 3 years, seed 7)."""
    target = tmp_path / "demo.db"
    shutil.copy(_demo_template, target)
    return target


@pytest.fixture
def empty_db_path(tmp_path: Path) -> Path:
    return tmp_path / "portfolio.db"


@pytest.fixture
def portfolio(demo_db_path: Path) -> Iterator[Portfolio]:
    with open_portfolio(demo_db_path) as pf:
        yield pf


@pytest.fixture
def empty_portfolio(empty_db_path: Path) -> Iterator[Portfolio]:
    with open_portfolio(empty_db_path) as pf:
        yield pf


def db_dump(path: Path) -> list[str]:
    """Every statement needed to rebuild the database: equal dumps mean equal contents."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()
