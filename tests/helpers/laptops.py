"""Laptops for the sync tests: real portfolio files with chosen device ids and a shared clock
that the test moves forward, plus a canonical dump of everything a sync carries."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from portfolio_tui.service import Portfolio

from conftest import FIXED_NOW, open_portfolio

SYNCED = (
    "account",
    "contact",
    "product",
    "deal",
    "interaction",
    "followup",
    "sale",
    "stagechange",
    "segment",
    "dealstagechange",
)


class SharedTime:
    """The world's time. Each laptop reads it through its own clock, which may run a few
    seconds off (`skew`), so two laptops can stamp the very same instant."""

    def __init__(self, start: datetime = FIXED_NOW) -> None:
        self.now = start

    def advance(self, seconds: float = 1) -> None:
        self.now += timedelta(seconds=seconds)

    def clock(self, skew: float = 0) -> Callable[[], datetime]:
        return lambda: self.now + timedelta(seconds=skew)


def open_laptop(path: Path, device_id: str, clock: Callable[[], datetime]) -> Portfolio:
    """A portfolio file whose device id is `device_id`."""
    pf = open_portfolio(path, clock)
    with pf.db.raw() as conn, conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'device_id'", (device_id,))
    pf.close()
    pf = open_portfolio(path, clock)
    assert pf.device_id == device_id
    return pf


def synced_dump(path: Path) -> dict[str, list[tuple]]:
    """Every row and column of every synced table, in id order: what replicas must share."""
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in SYNCED}
    finally:
        conn.close()


def live_ids(pf: Portfolio, table: str) -> list[str]:
    with pf.db.raw() as conn:
        rows = conn.execute(f"SELECT id FROM {table} WHERE deleted_at IS NULL ORDER BY id")
        return [r[0] for r in rows]


def row_of(pf: Portfolio, table: str, row_id: str) -> dict:
    with pf.db.raw() as conn:
        cursor = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        names = [d[0] for d in cursor.description]
        found = cursor.fetchone()
    assert found is not None, f"no {table} {row_id}"
    return dict(zip(names, found, strict=True))
