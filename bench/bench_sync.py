"""Sync benchmarks: bundle size, full export time, and the sync of that unchanged full bundle
into a copy of the same portfolio, which must take at most twice the export time.

    python bench/bench_sync.py            # the reference portfolio: 20,000 accounts, ~1M sales
    python bench/bench_sync.py --smoke    # a tiny portfolio, for CI (seconds)

The copy gets another device id: it plays a second laptop that already holds everything.
Every ratio compares two measurements taken in the same run on the same file."""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import time
from pathlib import Path

from common import (
    OUT,
    PORTFOLIO,
    Figure,
    load_average,
    median_time,
    peak_memory_mb,
    print_table,
    ratio,
    reference_db,
    write_json,
)
from portfolio_tui.domain.settings import Settings
from portfolio_tui.service import open_portfolio

LIMIT = 2.0  # sync of an unchanged full bundle ≤ LIMIT x full export


def second_laptop(source: Path, target: Path, device_id: str) -> Path:
    """A copy of `source` under another device id."""
    for stale in target.parent.glob(target.name + "*"):
        stale.unlink()
    shutil.copy(source, target)
    with sqlite3.connect(target) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'device_id'", (device_id,))
    conn.close()
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny portfolio, for CI")
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here (bench_all.py)")
    args = parser.parse_args()
    accounts = 200 if args.smoke else args.accounts
    repeat = 1 if args.smoke else args.repeat
    source, _ = reference_db(accounts)
    load = load_average()
    with sqlite3.connect(source) as conn:
        sales = conn.execute("SELECT count(*) FROM sale").fetchone()[0]
    conn.close()
    bundle = OUT / "bench-sync.pfbundle"
    # Laptop A is a copy too: exporting a bundle writes to the file it exports.
    reference = second_laptop(source, OUT / "bench-sync-a.db", "benchlaptopa")
    laptop_b = second_laptop(source, OUT / "bench-sync-b.db", "benchlaptopb")

    with open_portfolio(reference, settings=Settings()) as pf:
        export_s, summary = median_time(lambda: pf.bundles.export_bundle(bundle), repeat)
    with open_portfolio(laptop_b, settings=Settings()) as pf:
        sync_s, report = median_time(lambda: pf.bundles.sync([bundle]), repeat)
    assert not report.changed and report.backup is None, "an unchanged bundle wrote something"
    sync_cmd = [*PORTFOLIO, "--db", str(laptop_b), "sync", str(bundle)]
    memory = peak_memory_mb(sync_cmd)

    # A new laptop: the same bundle into an empty portfolio (every row inserted), once.
    empty = OUT / "bench-sync-new.db"
    for stale in OUT.glob(empty.name + "*"):
        stale.unlink()
    with open_portfolio(empty, settings=Settings()) as pf:
        started = time.perf_counter()
        first = pf.bundles.sync([bundle])
        first_s = time.perf_counter() - started
    inserted = sum(t.inserted for t in first.files[0].tallies.values())
    assert inserted == summary.rows, "the new laptop did not receive every row"

    over = sync_s / export_s
    title = (f"bench_sync: {accounts:,} accounts, {sales:,} sales lines, "
             f"{source.stat().st_size / 2**20:,.0f} MB; median of {repeat}; {load} at start, "
             f"{load_average()} at end")  # fmt: skip
    figures = [
        Figure("sync", "bundle of the whole portfolio (rows, gzip'd JSON Lines)",
               f"{summary.rows:,} rows", f"{summary.size / 2**20:,.1f} MB"),
        Figure("sync", "full bundle export", f"{export_s:.2f} s"),
        Figure("sync", "sync of that unchanged bundle", f"{sync_s:.2f} s",
               f"{export_s:.2f} s full export", ratio(sync_s, export_s), f"≤ {LIMIT:g}x"),
        Figure("sync", "first sync into an empty portfolio", f"{first_s:.2f} s",
               f"{export_s:.2f} s full export", ratio(first_s, export_s)),
        Figure("memory", "peak memory of `portfolio sync` (unchanged bundle)", f"{memory:.0f} MB",
               target="≤ 300 MB"),
    ]  # fmt: skip
    print_table(title, figures)
    write_json(args.json, title, figures)

    leftovers = [
        bundle,
        *OUT.glob("bench-sync-[ab].db*"),
        *OUT.glob("bench-sync-*.bak"),
        *OUT.glob("bench-sync-new.*"),
    ]
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    return 0 if args.smoke or over <= LIMIT else 1


if __name__ == "__main__":
    raise SystemExit(main())
