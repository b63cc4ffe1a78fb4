"""Read queries. Aggregates run as plain SQL on the DB-API connection: they feed the pure
analytics in `domain/` with one row per account instead of a million sales lines.

Importing this module loads no ORM: the few look-ups that hand model objects to a write
(`find_accounts`, `find_contact`, `find_follow_ups`) import SQLModel when first called."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from portfolio_tui.domain.records import AccountFigures, AccountInfo, StageMove
from portfolio_tui.domain.text import fold

if TYPE_CHECKING:
    from sqlmodel import Session

    from portfolio_tui.store.models import Account, Contact, FollowUp

# A sale without order_ref is one order per (account, day): key it by a string no
# order_ref can take (they never contain NUL).
_ORDER_KEY = (
    "CASE WHEN s.order_ref IS NULL OR s.order_ref = '' "
    "THEN char(0) || s.sold_on ELSE s.order_ref END"
)

# Driven by the accounts: one index range (account_id, sold_on) per account reads only the
# window's sales (a GROUP BY over `sale` walked every sale: 0.31 s → 0.24 s on 1M sales).
FIGURES_SQL = f"""
SELECT a.id, a.name, sum(s.amount), coalesce(sum(s.margin), 0),
       count(DISTINCT {_ORDER_KEY}), max(s.sold_on)
FROM account AS a CROSS JOIN sale AS s ON s.account_id = a.id
WHERE a.deleted_at IS NULL AND s.deleted_at IS NULL AND s.sold_on > ? AND s.sold_on <= ?
GROUP BY a.id
"""

_EPOCH = "0000-01-01"
# Account names sort case- and accent-blind ("Électricité" with the E's), then as written.
BY_NAME = "fold(name), name"


@lru_cache(maxsize=1 << 16)
def _fold_or_none(text: str | None) -> str | None:
    # Cached: a look-up folds every account name, and the names rarely change. ASCII has
    # nothing to decompose or fold but its case (a third of the time of a look-up by id).
    if text is None:
        return None
    return text.lower() if text.isascii() else fold(text)


def with_fold(conn: sqlite3.Connection) -> sqlite3.Connection:
    """`conn` with the SQL function fold(text) (domain.text.fold) registered: SQLite's own
    lower() and NOCASE only know ASCII. Cheap enough to do before every query that needs it."""
    conn.create_function("fold", 1, _fold_or_none, deterministic=True)
    return conn


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True, slots=True)
class OpenFollowUp:
    follow_up_id: str
    title: str
    due_on: date
    due_at: datetime | None  # naive UTC
    recurrence: str | None
    account_id: str
    account_name: str
    stage: str


def _naive(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def sql_instant(moment: datetime) -> str:
    """An instant in the text form SQLite holds: naive UTC with microseconds."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="microseconds")


def account_figures(
    conn: sqlite3.Connection, start_exclusive: date | None, end: date
) -> list[AccountFigures]:
    """Per-account revenue, margin, orders and last sale for start < sold_on <= end, for live
    accounts with at least one sale there."""
    lo = start_exclusive.isoformat() if start_exclusive else _EPOCH
    rows = conn.execute(FIGURES_SQL, (lo, end.isoformat()))
    return [
        AccountFigures(account_id, name, revenue, margin, orders, _day(last))
        for account_id, name, revenue, margin, orders, last in rows
    ]


def revenue_by_account(conn: sqlite3.Connection, start: date, end: date) -> dict[str, int]:
    """Revenue per account for start <= sold_on <= end (inclusive both ends)."""
    # Driven by the accounts, like FIGURES_SQL: one index range per account.
    return dict(
        conn.execute(
            "SELECT a.id, sum(s.amount) FROM account AS a CROSS JOIN sale AS s "
            "ON s.account_id = a.id WHERE s.deleted_at IS NULL "
            "AND s.sold_on >= ? AND s.sold_on <= ? GROUP BY a.id",
            (start.isoformat(), end.isoformat()),
        )
    )


def revenue_by_account_family(
    conn: sqlite3.Connection, start: date, end: date, no_family: str
) -> dict[tuple[str, str], int]:
    rows = conn.execute(
        "SELECT a.id, coalesce(p.family, ?), sum(s.amount) FROM account AS a "
        "CROSS JOIN sale AS s ON s.account_id = a.id "
        "LEFT JOIN product AS p ON p.id = s.product_id "
        "WHERE s.deleted_at IS NULL AND s.sold_on >= ? AND s.sold_on <= ? "
        "GROUP BY a.id, coalesce(p.family, ?)",
        (no_family, start.isoformat(), end.isoformat(), no_family),
    )
    return {(account_id, family): amount for account_id, family, amount in rows}


def first_sales(conn: sqlite3.Connection, end: date) -> dict[str, date]:
    # Per account, one seek into the index (account_id, sold_on) of the live sales.
    rows = conn.execute(
        "SELECT a.id, (SELECT min(s.sold_on) FROM sale AS s WHERE s.account_id = a.id "
        "AND s.deleted_at IS NULL AND s.sold_on <= ?) FROM account AS a",
        (end.isoformat(),),
    )
    return {account_id: date.fromisoformat(first) for account_id, first in rows if first}


ACCOUNT_INFO_FIELDS = ("sector", "size_band", "city", "region", "source", "risk_level")


def account_infos(conn: sqlite3.Connection) -> list[AccountInfo]:
    columns = ", ".join(ACCOUNT_INFO_FIELDS)
    rows = with_fold(conn).execute(
        f"SELECT id, name, stage, {columns} FROM account WHERE deleted_at IS NULL "
        f"ORDER BY {BY_NAME}, id"
    )
    return [
        AccountInfo(r[0], r[1], r[2], dict(zip(ACCOUNT_INFO_FIELDS, r[3:], strict=True)))
        for r in rows
    ]


def stage_moves(conn: sqlite3.Connection, end: datetime) -> list[StageMove]:
    rows = conn.execute(
        "SELECT account_id, from_stage, to_stage, at FROM stagechange "
        "WHERE deleted_at IS NULL AND at <= ? ORDER BY at",
        (sql_instant(end),),
    )
    # The day of an ISO instant is its first ten characters (what .date() of it gives): read
    # so, without making a datetime per change. The Dashboard keeps the moves across period
    # switches: each account id, stage and day is held once, not once per change.
    held: dict[str, str] = {}
    days: dict[str, date] = {}
    moves = []
    for a, f, t, at in rows:
        day = days.get(at[:10])
        if day is None:
            day = days[at[:10]] = date.fromisoformat(at[:10])
        moves.append(StageMove(held.setdefault(a, a), f and held.setdefault(f, f),
                               held.setdefault(t, t), day))  # fmt: skip
    return moves


def last_interactions(conn: sqlite3.Connection) -> dict[str, datetime]:
    """The latest live interaction of every account that has one."""
    # Per account, the index (account_id, occurred_at) read backwards up to the first live row:
    # a GROUP BY looked up every interaction's row for its tombstone (0.12 s → 0.05 s).
    rows = conn.execute(
        "SELECT a.id, (SELECT i.occurred_at FROM interaction AS i WHERE i.account_id = a.id "
        "AND i.deleted_at IS NULL ORDER BY i.occurred_at DESC LIMIT 1) FROM account AS a"
    )
    return {account_id: datetime.fromisoformat(at) for account_id, at in rows if at is not None}


def stage_entered(conn: sqlite3.Connection) -> dict[str, datetime]:
    """When each account entered its current stage (its latest stage change)."""
    rows = conn.execute(
        "SELECT account_id, max(at) FROM stagechange WHERE deleted_at IS NULL GROUP BY account_id"
    )
    return {account_id: datetime.fromisoformat(at) for account_id, at in rows}


def next_follow_ups(conn: sqlite3.Connection) -> dict[str, tuple[date, str]]:
    """The earliest open follow-up per account: (due day, title)."""
    # One ordered pass: a correlated min() subquery per row took 12 s on 20,000 accounts.
    rows = conn.execute(
        "SELECT account_id, due_on, title FROM followup "
        "WHERE done_at IS NULL AND deleted_at IS NULL "
        "ORDER BY due_on, due_at IS NULL, due_at, title, id"
    )
    result: dict[str, tuple[date, str]] = {}
    for account_id, due_on, title in rows:
        result.setdefault(account_id, (date.fromisoformat(due_on), title))
    return result


def contact_names(conn: sqlite3.Connection) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for account_id, name in conn.execute(
        "SELECT account_id, name FROM contact WHERE deleted_at IS NULL ORDER BY name"
    ):
        result.setdefault(account_id, []).append(name)
    return result


def live_accounts(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    conn.row_factory = sqlite3.Row
    try:
        return (
            with_fold(conn)
            .execute(f"SELECT * FROM account WHERE deleted_at IS NULL ORDER BY {BY_NAME}, id")
            .fetchall()
        )
    finally:
        conn.row_factory = None


# --- look-ups by reference -----------------------------------------------------------------


# By id, legal id or name as written: indexed, no fold.
_FIND_EXACT_SQL = """
SELECT id, CASE WHEN id = :ref THEN 0 WHEN legal_id = :ref THEN 1 ELSE 2 END AS rank
FROM account WHERE deleted_at IS NULL AND (id = :ref OR legal_id = :ref OR name = :ref)
ORDER BY rank, id
"""
# Then one pass over the accounts, each match ranked: 3 name ignoring case and accents, 4
# prefix of the name (same) or of the id; fold() is cached, so the pass costs little more
# than reading the names.
_FIND_SQL = f"""
SELECT id, CASE WHEN id = :ref THEN 0 WHEN legal_id = :ref THEN 1 WHEN name = :ref THEN 2
                WHEN folded = :folded THEN 3 ELSE 4 END AS rank
FROM (SELECT id, legal_id, name, fold(name) AS folded FROM account WHERE deleted_at IS NULL)
WHERE id = :ref OR legal_id = :ref OR name = :ref OR substr(folded, 1, :n) = :folded
      OR substr(id, 1, :m) = :ref
ORDER BY rank, {BY_NAME}, id LIMIT 20
"""


def find_account_ids(conn: sqlite3.Connection, ref: str) -> list[str]:
    """Ids of the live accounts matching `ref`: by id, legal id or exact name, then by name
    ignoring case and accents ("electricite" finds "Électricité"), else by prefix of the name
    (same) or the id; only the best kind of match. More than one means an ambiguous one."""
    ref = ref.strip()
    folded = fold(ref)
    params = {"ref": ref, "folded": folded, "n": len(folded), "m": len(ref)}
    found = conn.execute(_FIND_EXACT_SQL, params).fetchall()
    if not found:
        found = with_fold(conn).execute(_FIND_SQL, params).fetchall()
    return [account_id for account_id, rank in found if rank == found[0][1]]


def find_accounts(session: Session, ref: str) -> list[Account]:
    """The accounts `find_account_ids` finds, as models for a write."""
    from portfolio_tui.store.models import Account

    conn = session.connection().connection.driver_connection
    accounts = [session.get(Account, i) for i in find_account_ids(conn, ref)]  # type: ignore[arg-type]
    return [a for a in accounts if a is not None]


def find_contact(session: Session, account_id: str, name: str) -> list[Contact]:
    from sqlmodel import col, select

    from portfolio_tui.store.models import Contact

    rows = session.exec(
        select(Contact).where(
            Contact.account_id == account_id,
            col(Contact.deleted_at).is_(None),
            col(Contact.name).ilike(name.strip() + "%"),
        )
    ).all()
    exact = [c for c in rows if c.name.lower() == name.strip().lower()]
    return exact or list(rows)


def find_follow_ups(session: Session, ref: str) -> list[FollowUp]:
    from sqlmodel import col, select

    from portfolio_tui.store.models import FollowUp

    ref = ref.strip()
    return list(
        session.exec(
            select(FollowUp).where(
                col(FollowUp.deleted_at).is_(None), col(FollowUp.id).startswith(ref)
            )
        ).all()
    )


def open_follow_ups(conn: sqlite3.Connection, until: date) -> list[OpenFollowUp]:
    """Open follow-ups of live accounts due on or before `until`: by day, then by time (the
    all-day ones after the timed ones), then by account name."""
    rows = with_fold(conn).execute(
        "SELECT f.id, f.title, f.due_on, f.due_at, f.recurrence, a.id, a.name, a.stage "
        "FROM followup AS f JOIN account AS a ON a.id = f.account_id "
        "WHERE f.done_at IS NULL AND f.deleted_at IS NULL AND a.deleted_at IS NULL "
        "AND f.due_on <= ? "
        "ORDER BY f.due_on, f.due_at IS NULL, f.due_at, fold(a.name), a.name, f.id",
        (until.isoformat(),),
    )
    return [
        OpenFollowUp(fid, title, date.fromisoformat(due_on), _naive(due_at), rule, aid, name, stage)
        for fid, title, due_on, due_at, rule, aid, name, stage in rows
    ]


def accounts_with_open_follow_up(conn: sqlite3.Connection) -> set[str]:
    return {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT account_id FROM followup WHERE done_at IS NULL AND deleted_at IS NULL"
        )
    }


def new_device_id() -> str:
    return uuid.uuid4().hex[:12]


def device_id(conn: sqlite3.Connection) -> str | None:
    """This file's device id, if it has one yet."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
    return row[0] if row else None


def ensure_device_id(conn: sqlite3.Connection, candidate: str) -> str:
    """The device id, `candidate` written first when there is none (in the caller's
    transaction; another process writing one first wins)."""
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('device_id', ?)", (candidate,))
    return device_id(conn) or candidate


def count_accounts(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM account WHERE deleted_at IS NULL").fetchone()[0]


def account_names_stages(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(id, name, stage) of every live account, in no particular order."""
    return conn.execute("SELECT id, name, stage FROM account WHERE deleted_at IS NULL").fetchall()


def account_list_fields(conn: sqlite3.Connection) -> list[tuple]:
    """(id, name, stage, city, sector, tags) of every live account, by name."""
    return (
        with_fold(conn)
        .execute(
            "SELECT id, name, stage, city, sector, tags FROM account WHERE deleted_at IS NULL "
            f"ORDER BY {BY_NAME}, id"
        )
        .fetchall()
    )


def pipeline_accounts(conn: sqlite3.Connection) -> list[tuple]:
    """(id, name, stage, potential, accessibility) of prospects, clients and lost accounts."""
    return (
        with_fold(conn)
        .execute(
            "SELECT id, name, stage, potential, accessibility FROM account "
            f"WHERE deleted_at IS NULL ORDER BY potential DESC, {BY_NAME}, id"
        )
        .fetchall()
    )


_SEARCH_SQL = f"""
SELECT a.id, a.name FROM account AS a
WHERE a.deleted_at IS NULL AND (
    instr(fold(a.name), :text) OR instr(fold(coalesce(a.city, '')), :text)
    OR instr(replace(coalesce(a.legal_id, ''), ' ', ''), :digits)
    OR EXISTS (SELECT 1 FROM contact AS c WHERE c.account_id = a.id
               AND c.deleted_at IS NULL AND instr(fold(c.name), :text)))
ORDER BY {BY_NAME}, a.id LIMIT :limit
"""


def search_account_names(conn: sqlite3.Connection, text: str, limit: int) -> list[tuple[str, str]]:
    """(id, name) of live accounts whose name, city or a contact's name contains `text`
    (case and accents ignored), or whose legal id (SIRET, spaces ignored) contains it; by name."""
    digits = "".join(text.split())
    params = {"text": fold(text.strip()), "digits": digits or None, "limit": limit}
    return with_fold(conn).execute(_SEARCH_SQL, params).fetchall()


def lost_reasons(conn: sqlite3.Connection) -> dict[str, str]:
    """The reason of every live lost account that has one."""
    return dict(
        conn.execute(
            "SELECT id, lost_reason FROM account WHERE deleted_at IS NULL AND stage = 'lost' "
            "AND lost_reason IS NOT NULL"
        )
    )


def series_starts(conn: sqlite3.Connection) -> dict[str, datetime]:
    """The DTSTART (naive UTC) of every live recurring follow-up that has one."""
    rows = conn.execute(
        "SELECT id, series_start FROM followup WHERE deleted_at IS NULL "
        "AND recurrence IS NOT NULL AND series_start IS NOT NULL"
    )
    return {follow_up_id: datetime.fromisoformat(start) for follow_up_id, start in rows}
