"""Bulk loads into empty tables (store/bulk.py), before and after `bulk_load`: the same rows
into the same fresh portfolio schema, with the indexes kept up to date row by row, against
with the secondary indexes dropped and built once at the end. Each load is checked: same rows,
the same indexes after, and a failed load leaves the indexes in place.

    python bench/bench_bulk.py            # 1,000,000 sales lines, 20,000 accounts
    python bench/bench_bulk.py --smoke    # 20,000 lines, for CI (seconds)

- demo-like: accounts then sales through `insert_rows` (what `load_demo` does);
- import-like: sales staged in the temp table, then `insert_new` (what `import sales` does
  after it has read the file), into a portfolio holding only the accounts."""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from common import OUT, Figure, load_average, print_table, ratio, remove, write_json
from portfolio_tui.domain.records import BOOKKEEPING
from portfolio_tui.store import bulk
from portfolio_tui.store import exchange_queries as xq
from portfolio_tui.store.database import Database

STAMP = "2026-11-22 12:00:00.000000"
ACCOUNT_COLUMNS = (*BOOKKEEPING, "name", "stage", "tags", "notes", "custom_fields")
SALE_COLUMNS = (*BOOKKEEPING, *xq.SALES.columns)
Loader = Callable[[sqlite3.Connection, list[str], int], None]


def account_rows(ids: list[str]) -> Iterator[tuple]:
    for n, i in enumerate(ids):
        yield (i, STAMP, STAMP, "bench", "{}", f"Account {n:06d}", "client", "", "", "{}")


def fact_values(ids: list[str], lines: int, seed: int = 5) -> Iterator[tuple]:
    """The sale columns after the bookkeeping ones: account, day, amount, margin, product,
    order ref, quantity."""
    rng = random.Random(seed)
    for n in range(lines):
        day = f"{rng.randint(2024, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        amount = rng.randint(1_000, 5_000_000)
        yield (rng.choice(ids), day, amount, amount // 3, None, f"B{n:08d}", None)


def sale_ids(lines: int) -> Iterator[str]:
    return (f"{n:032x}" for n in random.Random(9).sample(range(2**62), lines))


def demo_like(conn: sqlite3.Connection, ids: list[str], lines: int) -> None:
    bulk.insert_rows(conn, "account", ACCOUNT_COLUMNS, account_rows(ids))
    rows = ((i, STAMP, STAMP, "bench", "{}", *v) for i, v in zip(
        sale_ids(lines), fact_values(ids, lines), strict=True))  # fmt: skip
    bulk.insert_rows(conn, "sale", SALE_COLUMNS, rows)


def import_like(conn: sqlite3.Connection, ids: list[str], lines: int) -> None:
    xq.create_staging(conn, xq.SALES)
    staged = ((n, 0, i, *v) for n, (i, v) in enumerate(zip(
        sale_ids(lines), fact_values(ids, lines), strict=True)))  # fmt: skip
    xq.stage(conn, xq.SALES, staged)
    assert xq.insert_new(conn, xq.SALES, STAMP, "bench") == lines
    xq.drop_staging(conn)


def fresh_portfolio(name: str) -> Path:
    remove(name + "*")
    path = OUT / name
    Database(path).dispose()  # the schema, migrated, and nothing else
    return path


def indexes(conn: sqlite3.Connection) -> list[tuple]:
    return sorted(
        conn.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'")
    )


def timed_load(load: Loader, accounts: int, lines: int, with_bulk: bool, prefill: bool) -> float:
    """Seconds of one load (commit included) into a fresh portfolio; checks what it wrote."""
    path = fresh_portfolio("bench-bulk.db")
    ids = [f"a{n:031x}" for n in random.Random(7).sample(range(2**62), accounts)]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    before = indexes(conn)
    if prefill:  # the import-like load finds the accounts there
        conn.execute("BEGIN")
        bulk.insert_rows(conn, "account", ACCOUNT_COLUMNS, account_rows(ids))
        conn.execute("COMMIT")
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    scope: AbstractContextManager = (
        bulk.bulk_load(conn, ["account", "sale"]) if with_bulk else nullcontext()
    )
    with scope:
        load(conn, ids, lines)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    assert conn.execute("SELECT count(*) FROM sale").fetchone()[0] == lines
    assert indexes(conn) == before, "the indexes differ after the load"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    remove("bench-bulk.db*")
    return seconds


def check_rollback() -> None:
    """A load that fails inside `bulk_load` leaves the schema as it was."""
    path = fresh_portfolio("bench-bulk-rollback.db")
    conn = sqlite3.connect(path, isolation_level=None)
    before = indexes(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        with bulk.bulk_load(conn, ["sale"]) as dropped:
            assert dropped == ["ix_sale_account_date"], dropped
            raise RuntimeError("a bad row")
    except RuntimeError:
        conn.execute("ROLLBACK")
    assert indexes(conn) == before, "a failed bulk load lost an index"
    conn.close()
    remove("bench-bulk-rollback.db*")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a small load, for CI")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--json", type=Path, help="also write the figures here (bench_all.py)")
    args = parser.parse_args()
    lines, accounts = (20_000, 400) if args.smoke else (args.lines, args.accounts)
    OUT.mkdir(exist_ok=True)
    check_rollback()
    load = load_average()
    figures = []
    for label, loader, prefill in (
        ("demo-like: accounts then sales, `insert_rows`", demo_like, False),
        ("import-like: staged sales, `insert_new`, into an empty sale table", import_like, True),
    ):
        kept = timed_load(loader, accounts, lines, with_bulk=False, prefill=prefill)
        built = timed_load(loader, accounts, lines, with_bulk=True, prefill=prefill)
        figures.append(Figure("bulk", f"{label}, indexes built after (`bulk_load`)",
                              f"{built:.2f} s", f"{kept:.2f} s indexes kept up to date",
                              ratio(built, kept)))  # fmt: skip
    title = (f"bench_bulk: {lines:,} sales lines, {accounts:,} accounts, into a fresh "
             f"portfolio; {load} at start, {load_average()} at end")  # fmt: skip
    print_table(title, figures)
    write_json(args.json, title, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
