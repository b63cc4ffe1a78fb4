"""Quick experiments for the speed levers that live in other modules (issue 14), each against
what the code does now, in the same run on the same file. They measure a lever's size before
anyone builds it; nothing here changes the project.

    python bench/bench_levers.py            # the reference portfolio
    python bench/bench_levers.py --smoke    # a tiny portfolio, for CI (seconds)

- lazy ORM import: python + sqlite3 against python + SQLModel/SQLAlchemy, and the service;
- per-account figures kept up to date: the window's GROUP BY against reading its result back
  from a table holding it;
- UUIDv7 ids: a million inserts into a table keyed by random UUID4 text against time-ordered
  UUIDv7 text;
- one pass for ABC and RFM: the statements over `sale` that `client_report`, `agenda` and the
  dashboard's badges run, and their time against one window GROUP BY;
- the TUI keeping its working set: what each resume or save reloads now (agenda, portfolio
  rows), in process."""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from common import (
    OUT,
    Figure,
    load_average,
    measured_runs,
    median_time,
    print_table,
    ratio,
    reference_db,
    remove,
    write_json,
)
from portfolio_tui.store.queries import FIGURES_SQL

AS_OF = date(2026, 11, 22)
WINDOW = ("2025-11-22", "2026-11-22")


def import_figures(repeat: int) -> list[Figure]:
    def seconds(code: str) -> float:
        return measured_runs([sys.executable, "-c", code], repeat)[0]

    bare = seconds("import sqlite3")
    orm = seconds("import sqlite3, sqlalchemy, sqlmodel")
    service = seconds("from portfolio_tui.service import open_portfolio")
    return [
        Figure("lever_import", "python importing SQLAlchemy + SQLModel", f"{orm:.3f} s",
               f"{bare:.3f} s python importing sqlite3", ratio(orm, bare)),
        Figure("lever_import", "python importing the service (`open_portfolio`)",
               f"{service:.3f} s", f"{bare:.3f} s python importing sqlite3",
               ratio(service, bare)),
    ]  # fmt: skip


def kept_figures(db: Path, repeat: int) -> list[Figure]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        group_by, rows = median_time(lambda: conn.execute(FIGURES_SQL, WINDOW).fetchall(), repeat)
        conn.execute("CREATE TEMP TABLE kept AS " + FIGURES_SQL, WINDOW)
        kept, again = median_time(lambda: conn.execute("SELECT * FROM kept").fetchall(), repeat)
        assert sorted(rows) == sorted(again)
    finally:
        conn.close()
    return [
        Figure("lever_kept", f"per-account figures read from a table keeping them ({len(rows):,} "
               "rows)", f"{kept * 1000:.1f} ms", f"{group_by * 1000:.0f} ms the window's GROUP BY",
               ratio(kept, group_by)),
    ]  # fmt: skip


def uuid4_text(rng: random.Random) -> Iterator[str]:
    while True:
        h = f"{rng.getrandbits(128):032x}"
        yield f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def uuid7_text(rng: random.Random) -> Iterator[str]:
    """RFC 9562 version 7: 48 bits of Unix milliseconds first, then random bits."""
    while True:
        h = f"{time.time_ns() // 1_000_000:012x}{rng.getrandbits(80):020x}"
        yield f"{h[:8]}-{h[8:12]}-7{h[13:16]}-a{h[17:20]}-{h[20:]}"


def insert_seconds(ids: Callable[[random.Random], Iterator[str]], rows: int) -> float:
    path = OUT / "bench-levers-ids.db"
    remove(path.name + "*")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (id VARCHAR NOT NULL PRIMARY KEY, account_id VARCHAR, n INT)")
    rng = random.Random(1)
    made = ids(rng)
    started = time.perf_counter()
    for chunk in range(0, rows, 10_000):  # in batches, as a long run of writes would come
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO t VALUES (?, 'a', ?)",
                         ((next(made), n) for n in range(chunk, min(chunk + 10_000, rows))))  # fmt: skip
        conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    remove(path.name + "*")
    return seconds


def id_figures(rows: int) -> list[Figure]:
    v4, v7 = insert_seconds(uuid4_text, rows), insert_seconds(uuid7_text, rows)
    return [
        Figure("lever_uuid7", f"{rows:,} inserts keyed by UUIDv7 text (batches of 10,000)",
               f"{v7:.2f} s", f"{v4:.2f} s keyed by UUID4 text", ratio(v7, v4)),
    ]  # fmt: skip


def traced_calls(db: Path, repeat: int) -> list[Figure]:
    """Statements over `sale` and time of the service's read paths, on a copy of `db`."""
    from portfolio_tui.domain.settings import Settings
    from portfolio_tui.service import open_portfolio

    work = OUT / "bench-levers.db"
    shutil.copy(db, work)
    statements: list[str] = []
    group_by, _ = median_time(lambda: sqlite3.connect(work).execute(FIGURES_SQL, WINDOW).fetchall(),
                              repeat)  # fmt: skip
    figures = []
    with open_portfolio(work, settings=Settings()) as pf:
        pf.core.db.on_connect(lambda dbapi: dbapi.set_trace_callback(statements.append))
        calls = (
            ("`client_report` (report clients)", lambda: pf.reports.client_report(as_of=AS_OF)),
            ("`agenda` (Today; after every save on it)", pf.reports.agenda),
            ("`portfolio_rows` (the Portfolio screen)", pf.reports.portfolio_rows),
            ("`badges` (ABC and RFM of the window)", lambda: pf.reports.badges(pf.reports.window())),
        )  # fmt: skip

        def forget() -> None:  # no cache between runs: what a load after a sales write pays
            pf.core.data_changed()
            pf.core.cache_file.path.unlink(missing_ok=True)

        for label, call in calls:
            forget()
            statements.clear()
            call()
            over_sale = sum(" sale " in f" {s} " or "sale AS" in s for s in statements)
            seconds, _ = median_time(lambda c=call: (forget(), c()), repeat)
            figures.append(Figure("lever_one_pass", f"{label}: {over_sale} statements over "
                                  f"`sale` of {len(statements)}", f"{seconds:.3f} s",
                                  f"{group_by:.3f} s one window GROUP BY",
                                  ratio(seconds, group_by)))  # fmt: skip
    remove("bench-levers.db*")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny portfolio, for CI")
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures here (bench_all.py)")
    args = parser.parse_args()
    accounts = 200 if args.smoke else args.accounts
    repeat = 1 if args.smoke else args.repeat
    db, _ = reference_db(accounts)
    load = load_average()
    figures = import_figures(repeat) + kept_figures(db, repeat)
    figures += id_figures(20_000 if args.smoke else 1_000_000) + traced_calls(db, repeat)
    title = (f"bench_levers: {db.name}; median of {repeat}; {load} at start, "
             f"{load_average()} at end, pid {os.getpid()}")  # fmt: skip
    print_table(title, figures)
    write_json(args.json, title, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
