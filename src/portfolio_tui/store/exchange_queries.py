"""SQL for spreadsheet, vCard and iCalendar exchange: what imports match against, the staging
table a bulk import goes through, and the rows exports write."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from portfolio_tui.domain.records import BOOKKEEPING

if TYPE_CHECKING:  # the ORM look-ups below import it when called (an import's matching)
    from sqlmodel import Session

    from portfolio_tui.store.models import Account, Contact

# --- records matched by an import ------------------------------------------------------------


def live_accounts(session: Session) -> list[Account]:
    from sqlmodel import col, select

    from portfolio_tui.store.models import Account

    return list(session.exec(select(Account).where(col(Account.deleted_at).is_(None))).all())


def live_contacts(session: Session) -> list[Contact]:
    from sqlmodel import col, select

    from portfolio_tui.store.models import Contact

    return list(session.exec(select(Contact).where(col(Contact.deleted_at).is_(None))).all())


def deleted_ids_orm(session: Session, model: type[Account] | type[Contact]) -> set[str]:
    """Ids of tombstoned rows: an import must not bring them back under the same id."""
    from sqlmodel import col, select

    return set(session.exec(select(model.id).where(col(model.deleted_at).is_not(None))).all())


def account_keys(conn: sqlite3.Connection) -> list[tuple[str, str | None, str]]:
    """(id, legal_id, name) of every live account."""
    return conn.execute(
        "SELECT id, legal_id, name FROM account WHERE deleted_at IS NULL"
    ).fetchall()


def contact_keys(conn: sqlite3.Connection) -> list[tuple[str, str, str, str | None]]:
    """(id, account_id, name, email) of every live contact."""
    return conn.execute(
        "SELECT id, account_id, name, email FROM contact WHERE deleted_at IS NULL"
    ).fetchall()


def product_keys(conn: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    """(id, name, family) of every live product."""
    return conn.execute(
        "SELECT id, name, family FROM product WHERE deleted_at IS NULL ORDER BY created_at, id"
    ).fetchall()


# --- bulk import of facts (sales, interactions) through a staging table -------------------------


@dataclass(frozen=True)
class FactTable:
    """An append-only table a bulk import writes: its data columns, and the columns that say
    two rows are the same fact (compared with IS, through `compare` when given)."""

    table: str
    columns: tuple[str, ...]  # after the bookkeeping columns
    key: tuple[str, ...]
    compare: dict[str, str]  # column → SQL function applied on both sides before comparing


SALES = FactTable(
    "sale",
    ("account_id", "sold_on", "amount", "margin", "product_id", "order_ref", "quantity"),
    ("account_id", "sold_on", "amount", "margin", "product_id", "order_ref", "quantity"),
    {},
)
INTERACTIONS = FactTable(
    "interaction",
    (
        "account_id",
        "contact_id",
        "kind",
        "occurred_at",
        "duration_minutes",
        "summary",
        "outcome",
    ),
    ("account_id", "kind", "occurred_at", "summary"),
    # Instants are stored with or without microseconds depending on who wrote them.
    {"occurred_at": "datetime"},
)
STAGING = "temp.import_staging"


def create_staging(conn: sqlite3.Connection, fact: FactTable) -> None:
    """A temporary table for the rows of one import: line, whether the file gave the id,
    the id, then the fact's columns. It lives in the temp database, so staging rows writes
    nothing to the portfolio file."""
    conn.execute(f"DROP TABLE IF EXISTS {STAGING}")
    conn.execute(
        f"CREATE TABLE {STAGING} (line INTEGER NOT NULL, given INTEGER NOT NULL, "
        f"id TEXT NOT NULL, {', '.join(fact.columns)})"
    )


def stage(conn: sqlite3.Connection, fact: FactTable, rows: Iterable[Sequence[object]]) -> None:
    width = 3 + len(fact.columns)
    conn.executemany(f"INSERT INTO {STAGING} VALUES ({', '.join('?' * width)})", rows)


def drop_staging(conn: sqlite3.Connection) -> None:
    conn.execute(f"DROP TABLE IF EXISTS {STAGING}")


def _same(fact: FactTable, a: str, b: str, columns: Sequence[str]) -> str:
    parts = []
    for c in columns:
        fn = fact.compare.get(c)
        left, right = (f"{fn}({a}.{c})", f"{fn}({b}.{c})") if fn else (f"{a}.{c}", f"{b}.{c}")
        parts.append(f"{left} IS {right}")
    return " AND ".join(parts)


def _new_rows_sql(fact: FactTable) -> str:
    """The staged rows to insert, in file order. A row whose id the file gave is new when no
    row has that id. Other rows are counted per key: the n-th staged row with a key is new
    when the table holds fewer than n live rows with that key, so re-importing a file adds
    nothing and two identical lines in one file stay two facts."""
    key = ", ".join(fact.key)
    return f"""
    SELECT s.* FROM {STAGING} AS s
    WHERE s.given AND NOT EXISTS (SELECT 1 FROM {fact.table} AS x WHERE x.id = s.id)
    UNION ALL
    SELECT s.line, s.given, s.id, {", ".join("s." + c for c in fact.columns)} FROM (
        SELECT *, row_number() OVER (PARTITION BY {key} ORDER BY line) AS n
        FROM {STAGING} WHERE NOT given
    ) AS s
    WHERE s.n > (
        SELECT count(*) FROM {fact.table} AS x
        WHERE x.deleted_at IS NULL AND x.account_id = s.account_id
          AND {_same(fact, "x", "s", fact.key)}
    )
    """


def count_new(conn: sqlite3.Connection, fact: FactTable) -> int:
    return conn.execute(f"SELECT count(*) FROM ({_new_rows_sql(fact)})").fetchone()[0]


def first_new_lines(conn: sqlite3.Connection, fact: FactTable, limit: int) -> list[tuple]:
    """(line, *columns) of the first `limit` rows an import would insert."""
    return conn.execute(
        f"SELECT line, {', '.join(fact.columns)} FROM ({_new_rows_sql(fact)}) "
        "ORDER BY line LIMIT ?",
        (limit,),
    ).fetchall()


def id_conflicts(conn: sqlite3.Connection, fact: FactTable) -> list[tuple[int, str, str]]:
    """(line, id, why) of staged rows whose given id is already used by another fact, or
    given twice in the file."""
    differ = f"NOT ({_same(fact, 'x', 's', fact.columns)})"
    clashes = conn.execute(
        f"SELECT s.line, s.id FROM {STAGING} AS s JOIN {fact.table} AS x ON x.id = s.id "
        f"WHERE s.given AND {differ} ORDER BY s.line"
    ).fetchall()
    twice = conn.execute(
        f"SELECT max(line), id, min(line) FROM {STAGING} WHERE given "
        "GROUP BY id HAVING count(*) > 1 ORDER BY 1"
    ).fetchall()
    return [
        (line, row_id, f"{row_id} is already a {fact.table} with other values; "
         f"{fact.table}s are facts and an import does not edit them")
        for line, row_id in clashes
    ] + [
        (line, row_id, f"{row_id} is also the id of line {first}")
        for line, row_id, first in twice
    ]  # fmt: skip


def insert_new(conn: sqlite3.Connection, fact: FactTable, stamp: str, device_id: str) -> int:
    """Insert the staged rows that are new; returns how many."""
    columns = ", ".join((*BOOKKEEPING, *fact.columns))
    cursor = conn.execute(
        f"INSERT INTO {fact.table} ({columns}) "
        f"SELECT id, ?, ?, ?, '{{}}', {', '.join(fact.columns)} "
        f"FROM ({_new_rows_sql(fact)})",
        (stamp, stamp, device_id),
    )
    return cursor.rowcount


def _text_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def insert_facts(
    conn: sqlite3.Connection,
    fact: FactTable,
    staged: Iterable[Sequence[object]],
    stamp: str,
    device_id: str,
) -> int:
    """Insert staging tuples (line, given, id, *columns) straight into the fact table, without
    the staging table; returns how many. The line and the given flag are bound and unused
    (numbered parameters), so the tuples need no copying."""
    columns = ", ".join((*BOOKKEEPING, *fact.columns))
    constants = f"{_text_literal(stamp)}, {_text_literal(stamp)}, {_text_literal(device_id)}"
    values = ", ".join(f"?{i}" for i in range(4, 4 + len(fact.columns)))
    cursor = conn.executemany(
        f"INSERT INTO {fact.table} ({columns}) VALUES (?3, {constants}, '{{}}', {values})",
        staged,
    )
    return cursor.rowcount


# --- exports ---------------------------------------------------------------------------------


def export_contacts(conn: sqlite3.Connection) -> list[tuple]:
    """(id, account_id, account name, name, role, email, phone, preferred_channel, updated_at)
    of live contacts of live accounts, by account then name."""
    return conn.execute(
        "SELECT c.id, c.account_id, a.name, c.name, c.role, c.email, c.phone, "
        "c.preferred_channel, c.updated_at FROM contact AS c "
        "JOIN account AS a ON a.id = c.account_id "
        "WHERE c.deleted_at IS NULL AND a.deleted_at IS NULL "
        "ORDER BY a.name COLLATE NOCASE, a.id, c.name COLLATE NOCASE, c.id"
    ).fetchall()


def export_sales(conn: sqlite3.Connection) -> Iterator[tuple]:
    """(id, account_id, account name, sold_on, amount, margin, product, family, order_ref,
    quantity) of live sales of live accounts, by date; streamed."""
    return conn.execute(
        "SELECT s.id, s.account_id, a.name, s.sold_on, s.amount, s.margin, p.name, p.family, "
        "s.order_ref, s.quantity FROM sale AS s JOIN account AS a ON a.id = s.account_id "
        "LEFT JOIN product AS p ON p.id = s.product_id "
        "WHERE s.deleted_at IS NULL AND a.deleted_at IS NULL ORDER BY s.sold_on, s.id"
    )


def export_interactions(conn: sqlite3.Connection) -> Iterator[tuple]:
    """(id, account_id, account name, contact_id, contact name, kind, occurred_at,
    duration_minutes, summary, outcome), by time; streamed."""
    return conn.execute(
        "SELECT i.id, i.account_id, a.name, i.contact_id, c.name, i.kind, i.occurred_at, "
        "i.duration_minutes, i.summary, i.outcome FROM interaction AS i "
        "JOIN account AS a ON a.id = i.account_id "
        "LEFT JOIN contact AS c ON c.id = i.contact_id "
        "WHERE i.deleted_at IS NULL AND a.deleted_at IS NULL ORDER BY i.occurred_at, i.id"
    )


def export_follow_ups(conn: sqlite3.Connection, open_only: bool) -> list[tuple]:
    """(id, account_id, account name, contact name, title, due_on, due_at, recurrence,
    done_at, outcome, updated_at, contact phone, contact email), by due day."""
    where = " AND f.done_at IS NULL" if open_only else ""
    return conn.execute(
        "SELECT f.id, f.account_id, a.name, c.name, f.title, f.due_on, f.due_at, f.recurrence, "
        "f.done_at, f.outcome, f.updated_at, c.phone, c.email FROM followup AS f "
        "JOIN account AS a ON a.id = f.account_id "
        "LEFT JOIN contact AS c ON c.id = f.contact_id "
        f"WHERE f.deleted_at IS NULL AND a.deleted_at IS NULL{where} "
        "ORDER BY f.due_on, f.due_at, f.id"
    ).fetchall()


def last_interaction_details(conn: sqlite3.Connection) -> dict[str, tuple]:
    """{account_id: (kind, occurred_at, summary, outcome)} of each account's latest
    interaction."""
    rows = conn.execute(
        "SELECT account_id, kind, occurred_at, summary, outcome FROM ("
        "  SELECT *, row_number() OVER (PARTITION BY account_id "
        "    ORDER BY occurred_at DESC, id) AS n "
        "  FROM interaction WHERE deleted_at IS NULL) WHERE n = 1"
    )
    return {r[0]: r[1:] for r in rows}


def account_card_fields(conn: sqlite3.Connection) -> dict[str, tuple]:
    """{account_id: (name, stage, city, tags, custom_fields)} of live accounts."""
    rows = conn.execute(
        "SELECT id, name, stage, city, tags, custom_fields FROM account WHERE deleted_at IS NULL"
    )
    return {r[0]: r[1:] for r in rows}


def contact_ids(conn: sqlite3.Connection, deleted: bool) -> set[str]:
    condition = "IS NOT NULL" if deleted else "IS NULL"
    return {r[0] for r in conn.execute(f"SELECT id FROM contact WHERE deleted_at {condition}")}
