"""The SQL of the activity index and the reviews: what happened between two instants."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from typing import NamedTuple

from portfolio_tui.store.queries import sql_instant


class InteractionFact(NamedTuple):
    account_id: str
    kind: str
    occurred_at: datetime  # naive UTC


class StageMoveFact(NamedTuple):
    account_id: str
    from_stage: str | None
    to_stage: str
    at: datetime  # naive UTC


class FollowUpFact(NamedTuple):
    account_id: str
    due_on: date
    created_at: datetime  # naive UTC
    done_at: datetime | None  # naive UTC
    title: str


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def interactions_between(
    conn: sqlite3.Connection, start: datetime, end: datetime
) -> list[InteractionFact]:
    """Live interactions with start <= occurred_at < end (naive UTC bounds)."""
    rows = conn.execute(
        "SELECT account_id, kind, occurred_at FROM interaction "
        "WHERE deleted_at IS NULL AND occurred_at >= ? AND occurred_at < ? ORDER BY occurred_at",
        (sql_instant(start), sql_instant(end)),
    ).fetchall()
    return [InteractionFact(a, k, datetime.fromisoformat(at)) for a, k, at in rows]


def last_interactions_before(conn: sqlite3.Connection, end: datetime) -> dict[str, datetime]:
    """Per account, its latest live interaction before `end` (naive UTC)."""
    # Per account, the index (account_id, occurred_at) read backwards from `end` to the first
    # live row: a GROUP BY looked up every interaction's row for its tombstone.
    rows = conn.execute(
        "SELECT a.id, (SELECT i.occurred_at FROM interaction AS i WHERE i.account_id = a.id "
        "AND i.deleted_at IS NULL AND i.occurred_at < ? ORDER BY i.occurred_at DESC LIMIT 1) "
        "FROM account AS a",
        (sql_instant(end),),
    ).fetchall()
    return {account_id: datetime.fromisoformat(at) for account_id, at in rows if at is not None}


def stage_moves_between(
    conn: sqlite3.Connection, start: datetime, end: datetime
) -> list[StageMoveFact]:
    """Live stage changes with start <= at < end, oldest first."""
    rows = conn.execute(
        "SELECT account_id, from_stage, to_stage, at FROM stagechange "
        "WHERE deleted_at IS NULL AND at >= ? AND at < ? ORDER BY at, id",
        (sql_instant(start), sql_instant(end)),
    ).fetchall()
    return [StageMoveFact(a, f, t, datetime.fromisoformat(at)) for a, f, t, at in rows]


def last_stages_before(conn: sqlite3.Connection, end: datetime) -> dict[str, str]:
    """Per account, the stage its last live stage change before `end` (naive UTC) moved it to
    (the last by time, then by id)."""
    rows = conn.execute(
        "SELECT account_id, to_stage FROM (SELECT account_id, to_stage, row_number() OVER "
        "(PARTITION BY account_id ORDER BY at DESC, id DESC) AS n FROM stagechange "
        "WHERE deleted_at IS NULL AND at < ?) WHERE n = 1",
        (sql_instant(end),),
    ).fetchall()
    return dict(rows)


def sale_days_between(conn: sqlite3.Connection, start: date, end: date) -> list[tuple[str, date]]:
    """(account id, day) of every live sale line with start <= sold_on <= end."""
    rows = conn.execute(
        "SELECT account_id, sold_on FROM sale "
        "WHERE deleted_at IS NULL AND sold_on >= ? AND sold_on <= ?",
        (start.isoformat(), end.isoformat()),
    ).fetchall()
    return [(account_id, date.fromisoformat(day)) for account_id, day in rows]


def follow_ups_created_before(conn: sqlite3.Connection, end: datetime) -> list[FollowUpFact]:
    """Live follow-ups created before `end` (naive UTC), done or not."""
    rows = conn.execute(
        "SELECT account_id, due_on, created_at, done_at, title FROM followup "
        "WHERE deleted_at IS NULL AND created_at < ? ORDER BY due_on, title",
        (sql_instant(end),),
    ).fetchall()
    return [
        FollowUpFact(
            a, date.fromisoformat(due), datetime.fromisoformat(created), _instant(done), title
        )
        for a, due, created, done, title in rows
    ]


def table_exists(conn: sqlite3.Connection, table: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    return row is not None


class DealFact(NamedTuple):
    """One live deal of a live account, as the reviews and the activity index read it."""

    deal_id: str
    account_id: str
    account_name: str
    title: str
    amount: int  # cents
    stage: str
    created_on: date
    expected_close: date | None
    closed_on: date | None


def deal_facts(conn: sqlite3.Connection) -> list[DealFact] | None:
    """Every live deal of a live account, by title; None while the `deal` table is missing."""
    if not table_exists(conn, "deal"):
        return None
    rows = conn.execute(
        "SELECT d.id, d.account_id, a.name, d.title, d.amount, d.stage, d.created_on, "
        "d.expected_close, d.closed_on FROM deal AS d JOIN account AS a ON a.id = d.account_id "
        "WHERE d.deleted_at IS NULL AND a.deleted_at IS NULL ORDER BY d.title COLLATE NOCASE, d.id"
    ).fetchall()
    return [
        DealFact(
            *row[:6],
            date.fromisoformat(row[6]),
            _day(row[7]),
            _day(row[8]),
        )
        for row in rows
    ]


def won_deal_days(
    conn: sqlite3.Connection, start: date, end: date
) -> list[tuple[str, date]] | None:
    """(account id, close day) of the live deals of live accounts won start..end (days);
    None while the `deal` table is missing."""
    if not table_exists(conn, "deal"):
        return None
    rows = conn.execute(
        "SELECT d.account_id, d.closed_on FROM deal AS d JOIN account AS a ON a.id = d.account_id "
        "WHERE d.deleted_at IS NULL AND a.deleted_at IS NULL AND d.stage = 'won' "
        "AND d.closed_on >= ? AND d.closed_on <= ? ORDER BY d.title COLLATE NOCASE, d.id",
        (start.isoformat(), end.isoformat()),
    ).fetchall()
    return [(account_id, date.fromisoformat(day)) for account_id, day in rows]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def deal_moves_between(conn: sqlite3.Connection, start: datetime, end: datetime) -> list[tuple]:
    """(deal id, account id, at) of the live deal stage changes with start <= at < end (not
    their creation); empty while the tables are missing."""
    if not table_exists(conn, "dealstagechange"):
        return []
    rows = conn.execute(
        "SELECT c.deal_id, d.account_id, c.at FROM dealstagechange AS c "
        "JOIN deal AS d ON d.id = c.deal_id WHERE c.deleted_at IS NULL AND d.deleted_at IS NULL "
        "AND c.from_stage IS NOT NULL AND c.at >= ? AND c.at < ?",
        (sql_instant(start), sql_instant(end)),
    ).fetchall()
    return [(deal_id, account_id, datetime.fromisoformat(at)) for deal_id, account_id, at in rows]
