"""Whole rows read on the stdlib connection, without the ORM: the Account card's reads.

A `Record` carries the row's columns as attributes, typed as the models type them: the
converters come from the types the file's schema declares (DATE, DATETIME, FLOAT, BOOLEAN:
what SQLAlchemy made of the models when it created the tables), so no column is described
twice."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

Convert = Callable[[Any], Any] | None

_BY_DECLARED: dict[str, Callable[[Any], Any]] = {
    "DATE": date.fromisoformat,
    "DATETIME": datetime.fromisoformat,
    "FLOAT": float,
    "BOOLEAN": bool,
}


class Record(SimpleNamespace):
    """One row, its columns as attributes (`sale.amount`, `account.name`)."""


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, Convert]]:
    return [
        (name, _BY_DECLARED.get(declared.upper()))
        for _, name, declared, *_ in conn.execute(f'PRAGMA table_info("{table}")')
    ]


def _record(columns: Sequence[tuple[str, Convert]], values: Sequence[Any]) -> Record:
    return Record(
        **{
            name: value if convert is None or value is None else convert(value)
            for (name, convert), value in zip(columns, values, strict=True)
        }
    )


def read(conn: sqlite3.Connection, table: str, where: str, params: Sequence[Any]) -> list[Record]:
    """The rows of `table` matching `where` (its columns named `table.column`, followed by an
    ORDER BY if wanted), as records."""
    columns = _columns(conn, table)
    names = ", ".join(f'{table}."{name}"' for name, _ in columns)
    rows = conn.execute(f"SELECT {names} FROM {table} WHERE {where}", params)
    return [_record(columns, row) for row in rows]


def accounts_by_id(conn: sqlite3.Connection, ids: Sequence[str]) -> list[Record]:
    """The accounts of `ids` (live or not), in that order."""
    marks = ", ".join("?" * len(ids))
    found = {a.id: a for a in read(conn, "account", f"account.id IN ({marks})", ids)}
    return [found[i] for i in ids if i in found]


def live_account(conn: sqlite3.Connection, account_id: str) -> Record | None:
    found = read(conn, "account", "account.id = ? AND account.deleted_at IS NULL", [account_id])
    return found[0] if found else None


def account_children(
    conn: sqlite3.Connection, table: str, account_id: str, order_by: str, *, descending=True
) -> list[Record]:
    """The live rows of `table` belonging to the account, by `order_by` (a column)."""
    direction = " DESC" if descending else ""
    where = f"{table}.account_id = ? AND {table}.deleted_at IS NULL"
    return read(conn, table, f"{where} ORDER BY {table}.{order_by}{direction}", [account_id])


def account_sales_with_family(
    conn: sqlite3.Connection, account_id: str
) -> list[tuple[Record, Record | None]]:
    """The account's live sales, newest first, each with its product (None without one)."""
    sale, product = _columns(conn, "sale"), _columns(conn, "product")
    names = ", ".join([f'sale."{n}"' for n, _ in sale] + [f'product."{n}"' for n, _ in product])
    rows = conn.execute(
        f"SELECT {names} FROM sale LEFT OUTER JOIN product ON product.id = sale.product_id "
        "WHERE sale.account_id = ? AND sale.deleted_at IS NULL ORDER BY sale.sold_on DESC",
        (account_id,),
    )
    cut = len(sale)
    return [
        (_record(sale, row[:cut]), _record(product, row[cut:]) if row[cut] is not None else None)
        for row in rows
    ]


def referrals(conn: sqlite3.Connection, account_id: str) -> list[Record]:
    """The live accounts referred by the account."""
    where = "account.referred_by_id = ? AND account.deleted_at IS NULL"
    return read(conn, "account", where, [account_id])
