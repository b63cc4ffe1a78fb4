"""The SQL of deals: look-ups by reference, the rows the figures and the board read."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the ORM look-ups import it when called: the rows below need none
    from sqlmodel import Session

    from portfolio_tui.store.models import Deal

DEAL_COLUMNS = (
    "d.id", "d.account_id", "a.name", "d.title", "d.amount", "d.probability", "d.stage",
    "d.created_on", "d.expected_close", "d.closed_on", "d.lost_reason", "d.family", "d.notes",
)  # fmt: skip
_SCOPES = {
    "open": "d.stage IN ('qualification', 'proposal', 'negotiation')",
    "closed": "d.stage IN ('won', 'lost')",
    "all": "1",
}


@dataclass(frozen=True, slots=True)
class DealRow:
    """One live deal of a live account, as stored (dates as dates, money in cents)."""

    deal_id: str
    account_id: str
    account_name: str
    title: str
    amount: int
    probability: int | None
    stage: str
    created_on: date
    expected_close: date | None
    closed_on: date | None
    lost_reason: str | None
    family: str | None
    notes: str


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _deal_row(r: tuple) -> DealRow:
    return DealRow(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], date.fromisoformat(r[7]), _day(r[8]),
        _day(r[9]), r[10], r[11], r[12] or "",
    )  # fmt: skip


def find_deals(session: Session, ref: str) -> list[Deal]:
    """Live deals whose id starts with `ref`."""
    from sqlmodel import col, select

    from portfolio_tui.store.models import Deal

    ref = ref.strip()
    if not ref:
        return []
    return list(
        session.exec(
            select(Deal).where(col(Deal.deleted_at).is_(None), col(Deal.id).startswith(ref))
        ).all()
    )


def live_deals(session: Session) -> list[Deal]:
    from sqlmodel import col, select

    from portfolio_tui.store.models import Deal

    return list(session.exec(select(Deal).where(col(Deal.deleted_at).is_(None))).all())


def deleted_deal_ids(session: Session) -> set[str]:
    """Ids of tombstoned deals: an import must not bring them back under the same id."""
    from sqlmodel import col, select

    from portfolio_tui.store.models import Deal

    return set(session.exec(select(Deal.id).where(col(Deal.deleted_at).is_not(None))).all())


def deal_rows(
    conn: sqlite3.Connection,
    scope: str = "all",
    account_id: str | None = None,
    *,
    deal_id: str | None = None,
    closed_since: date | None = None,
) -> list[DealRow]:
    """Live deals of live accounts in `scope` (open, closed, all), by close date then title;
    of one account, or the one deal, or without those closed before `closed_since`."""
    where = [_SCOPES[scope], "d.deleted_at IS NULL", "a.deleted_at IS NULL"]
    params: list[str] = []
    for clause, value in (("d.account_id = ?", account_id), ("d.id = ?", deal_id)):
        if value is not None:
            where.append(clause)
            params.append(value)
    if closed_since is not None:
        where.append("(d.closed_on IS NULL OR d.closed_on >= ?)")
        params.append(closed_since.isoformat())
    rows = conn.execute(
        f"SELECT {', '.join(DEAL_COLUMNS)} FROM deal AS d JOIN account AS a ON a.id = d.account_id "
        f"WHERE {' AND '.join(where)} "
        "ORDER BY coalesce(d.closed_on, d.expected_close, '9999-12-31'), "
        "d.title COLLATE NOCASE, d.id",
        params,
    )
    return [_deal_row(r) for r in rows]


def agenda_candidate_rows(
    conn: sqlite3.Connection, week_end: date, quiet_before: Mapping[str, str]
) -> list[DealRow]:
    """The open deals Today may show, in `deal_rows`'s order: those expected to close by
    `week_end`, and those whose stage saw no live change and whose account saw no live
    interaction from `quiet_before[stage]` (a stored instant, or a day) on; a superset of the
    rotting ones, which their cards then tell exactly."""
    quiet = "CASE d.stage WHEN 'qualification' THEN ? WHEN 'proposal' THEN ? ELSE ? END"
    limits = [quiet_before[s] for s in ("qualification", "proposal", "negotiation")]
    rows = conn.execute(
        f"SELECT {', '.join(DEAL_COLUMNS)} FROM deal AS d JOIN account AS a ON a.id = d.account_id "
        f"WHERE {_SCOPES['open']} AND d.deleted_at IS NULL AND a.deleted_at IS NULL AND "
        "(d.expected_close <= ? OR ("
        "NOT EXISTS (SELECT 1 FROM dealstagechange AS s WHERE s.deal_id = d.id "
        f"AND s.deleted_at IS NULL AND s.at >= {quiet}) AND "
        "NOT EXISTS (SELECT 1 FROM interaction AS i WHERE i.account_id = d.account_id "
        f"AND i.deleted_at IS NULL AND i.occurred_at >= {quiet}))) "
        "ORDER BY coalesce(d.closed_on, d.expected_close, '9999-12-31'), "
        "d.title COLLATE NOCASE, d.id",
        [week_end.isoformat(), *limits, *limits],
    )
    return [_deal_row(r) for r in rows]


def _ids(values: Iterable[str]) -> str:
    """`values` once each, as the JSON array `json_each` reads."""
    return json.dumps(list(dict.fromkeys(values)))


def deal_fact_rows(conn: sqlite3.Connection) -> list[tuple]:
    """(id, account id, title, amount, probability, stage, created on, expected close, closed
    on, lost reason, family) of every live deal of a live account, dates as stored."""
    return conn.execute(
        "SELECT d.id, d.account_id, d.title, d.amount, d.probability, d.stage, d.created_on, "
        "d.expected_close, d.closed_on, d.lost_reason, d.family "
        "FROM deal AS d JOIN account AS a ON a.id = d.account_id "
        "WHERE d.deleted_at IS NULL AND a.deleted_at IS NULL"
    ).fetchall()


def deal_moves(conn: sqlite3.Connection, end: datetime) -> list[tuple[str, str | None, str, str]]:
    """(deal id, from, to, stored instant) of every live stage change up to `end`, in order."""
    return list(
        conn.execute(
            "SELECT deal_id, from_stage, to_stage, at FROM dealstagechange "
            "WHERE deleted_at IS NULL AND at <= ? ORDER BY at, id",
            (end.isoformat(sep=" ", timespec="microseconds"),),
        )
    )


def deal_stage_entered(
    conn: sqlite3.Connection, deal_ids: Iterable[str] | None = None
) -> dict[str, str]:
    """When each deal (of `deal_ids`, if given) entered its current stage (its latest stage
    change), as stored."""
    # Per deal, the index (deal_id, at) read backwards to the first live change: a GROUP BY
    # looked up every change's row for its tombstone (0.32 s → 0.17 s on 140,000 changes).
    latest = (
        "(SELECT s.at FROM dealstagechange AS s WHERE s.deal_id = {deal} "
        "AND s.deleted_at IS NULL ORDER BY s.at DESC LIMIT 1)"
    )
    if deal_ids is None:
        rows = conn.execute(f"SELECT d.id, {latest.format(deal='d.id')} FROM deal AS d")
    else:
        rows = conn.execute(
            f"SELECT j.value, {latest.format(deal='j.value')} FROM json_each(?) AS j",
            (_ids(deal_ids),),
        )
    return {deal_id: at for deal_id, at in rows if at is not None}


def last_interaction_of_deal_accounts(
    conn: sqlite3.Connection, account_ids: Iterable[str] | None = None
) -> dict[str, str]:
    """The latest live interaction of every account holding an open deal, as stored; or of
    each account of `account_ids`."""
    latest = (
        "(SELECT i.occurred_at FROM interaction AS i WHERE i.account_id = {account} "
        "AND i.deleted_at IS NULL ORDER BY i.occurred_at DESC LIMIT 1)"
    )
    if account_ids is None:
        rows = conn.execute(
            f"SELECT a.id, {latest.format(account='a.id')} FROM account AS a "
            "WHERE a.id IN (SELECT account_id FROM deal WHERE deleted_at IS NULL "
            "AND stage IN ('qualification', 'proposal', 'negotiation'))"
        )
    else:
        rows = conn.execute(
            f"SELECT j.value, {latest.format(account='j.value')} FROM json_each(?) AS j",
            (_ids(account_ids),),
        )
    return {account_id: at for account_id, at in rows if at is not None}


def deal_next_actions(
    conn: sqlite3.Connection, deal_ids: Iterable[str] | None = None
) -> dict[str, tuple[str, date, str]]:
    """The earliest open follow-up linked to each deal (of `deal_ids`, if given): (follow-up
    id, due day, title)."""
    only, params = ("", ()) if deal_ids is None else (
        "AND deal_id IN (SELECT value FROM json_each(?)) ", (_ids(deal_ids),))  # fmt: skip
    rows = conn.execute(
        "SELECT deal_id, id, due_on, title FROM followup WHERE deal_id IS NOT NULL "
        f"AND done_at IS NULL AND deleted_at IS NULL {only}ORDER BY due_on, due_at, title, id",
        params,
    )
    result: dict[str, tuple[str, date, str]] = {}
    for deal_id, follow_up_id, due_on, title in rows:
        result.setdefault(deal_id, (follow_up_id, date.fromisoformat(due_on), title))
    return result


def follow_up_deals(conn: sqlite3.Connection) -> dict[str, tuple[str, int, str]]:
    """{follow-up id: (deal title, amount, stage)} of the open follow-ups linked to a deal."""
    rows = conn.execute(
        "SELECT f.id, d.title, d.amount, d.stage FROM followup AS f "
        "JOIN deal AS d ON d.id = f.deal_id "
        "WHERE f.done_at IS NULL AND f.deleted_at IS NULL AND d.deleted_at IS NULL"
    )
    return {fid: (title, amount, stage) for fid, title, amount, stage in rows}
