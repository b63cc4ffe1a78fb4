"""The SQL of saved segments and of the account facts a segment filter reads."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # the reads below need no ORM; `segment_by_id` is for a write's session
    from sqlmodel import Session

    from portfolio_tui.store.models import Segment


class SegmentRow(NamedTuple):
    segment_id: str
    name: str
    filter_text: str


class AccountFacts(NamedTuple):
    """What a segment filter reads of an account, as stored."""

    account_id: str
    name: str
    stage: str
    sector: str | None
    city: str | None
    region: str | None
    tags: str
    nps_score: int | None


def live_segments(conn: sqlite3.Connection) -> list[SegmentRow]:
    """Every live segment, by name (ignoring case)."""
    rows = conn.execute(
        "SELECT id, name, filter_text FROM segment WHERE deleted_at IS NULL "
        "ORDER BY name COLLATE NOCASE, id"
    ).fetchall()
    return [SegmentRow(*row) for row in rows]


def segment_by_id(session: Session, segment_id: str) -> Segment | None:
    """The segment row with this id, live or tombstoned."""
    from portfolio_tui.store.models import Segment

    return session.get(Segment, segment_id)


def account_facts(conn: sqlite3.Connection) -> list[AccountFacts]:
    """The filter facts of every live account, by name."""
    rows = conn.execute(
        "SELECT id, name, stage, sector, city, region, tags, nps_score FROM account "
        "WHERE deleted_at IS NULL ORDER BY name COLLATE NOCASE, id"
    ).fetchall()
    return [AccountFacts(*row) for row in rows]
