"""The version of the book (`store/derived.tables_version` of every table) moves with any
insert, update or deletion in any table of the portfolio, by anyone (plain SQL here, as another
program would write), and with nothing else: reading never moves it."""

from __future__ import annotations

import sqlite3

import pytest

from portfolio_tui.store import derived
from portfolio_tui.store.database import SCHEMA_VERSION, Database

from conftest import open_portfolio

TABLES = ("sale", *derived.BOOK_TABLES)


def book_version(conn: sqlite3.Connection) -> str:
    return derived.tables_version(conn, derived.BOOK_TABLES)


def _conn(path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=OFF")  # rows copied as they are, whatever they point to
    return conn


@pytest.mark.parametrize("table", TABLES)
def test_an_insert_an_update_and_a_deletion_each_move_it(demo_db_path, table):
    with open_portfolio(demo_db_path) as pf:
        pf.segments.save("Clients A", "abc = A")  # the demo has no saved segment
    conn = _conn(demo_db_path)
    seen = [book_version(conn)]
    rowid, row_id = conn.execute(f"SELECT rowid, id FROM {table} ORDER BY rowid LIMIT 1").fetchone()
    columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
    copied = ", ".join(f"{c} || 'x'" if c in ("id", "name") else c for c in columns)
    conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {copied} FROM {table} "
                 "WHERE rowid = ?", (rowid,))  # fmt: skip
    seen.append(book_version(conn))
    conn.execute(f"UPDATE {table} SET id = id WHERE rowid = ?", (rowid,))
    seen.append(book_version(conn))
    conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id + "x",))
    seen.append(book_version(conn))
    assert len(set(seen)) == 4, seen
    conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert book_version(conn) == seen[-1]
    conn.close()


def test_the_version_of_some_tables_moves_with_those_only(demo_db_path):
    open_portfolio(demo_db_path).close()
    conn = _conn(demo_db_path)
    deals = derived.tables_version(conn, ["deal", "dealstagechange"])
    follow_ups = derived.tables_version(conn, ["followup"])
    conn.execute("UPDATE followup SET title = title || '!' WHERE rowid = 1")
    assert derived.tables_version(conn, ["deal", "dealstagechange"]) == deals
    assert derived.tables_version(conn, ["followup"]) != follow_ups
    conn.execute("UPDATE sale SET amount = amount + 1 WHERE rowid = 1")  # the sales: all move
    assert derived.tables_version(conn, ["deal", "dealstagechange"]) != deals
    assert derived.tables_version(conn, []) == derived.sales_version(conn)  # the sales alone
    with pytest.raises(ValueError, match="meta"):
        derived.tables_version(conn, ["meta"])
    conn.close()


def test_a_file_of_an_earlier_schema_gains_it(demo_db_path):
    conn = _conn(demo_db_path)
    for statement in derived.TABLE_TRIGGERS:
        conn.execute("DROP TRIGGER " + statement.split()[5])
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION - 1}")
    conn.close()
    Database(demo_db_path)  # migrated on opening
    conn = _conn(demo_db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert {s.split()[5] for s in derived.TABLE_TRIGGERS} <= triggers
    before = book_version(conn)
    conn.execute("UPDATE followup SET title = title || '!' WHERE rowid = 1")
    assert book_version(conn) != before
    conn.close()
