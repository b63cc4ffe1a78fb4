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
import sys
import time
from pathlib import Path

from common import OUT, median_time, peak_memory_mb, reference_db
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
    args = parser.parse_args()
    accounts = 200 if args.smoke else args.accounts
    repeat = 1 if args.smoke else args.repeat
    reference, _ = reference_db(accounts, refresh=args.smoke)
    with sqlite3.connect(reference) as conn:
        sales = conn.execute("SELECT count(*) FROM sale").fetchone()[0]
    conn.close()
    bundle = OUT / "bench-sync.pfbundle"
    laptop_b = second_laptop(reference, OUT / "bench-sync-b.db", "benchlaptopb")

    with open_portfolio(reference, settings=Settings()) as pf:
        export_s, summary = median_time(lambda: pf.bundles.export_bundle(bundle), repeat)
    with open_portfolio(laptop_b, settings=Settings()) as pf:
        sync_s, report = median_time(lambda: pf.bundles.sync([bundle]), repeat)
    assert not report.changed and report.backup is None, "an unchanged bundle wrote something"
    sync_cmd = [sys.executable, "-m", "portfolio_tui", "--db", str(laptop_b), "sync", str(bundle)]
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

    ratio = sync_s / export_s
    verdict = "ok" if ratio <= LIMIT else "OVER"
    print(
        f"portfolio: {accounts:,} accounts, {sales:,} sales lines, "
        f"{reference.stat().st_size / 2**20:,.0f} MB; median of {repeat} run(s)"
    )
    print()
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| bundle: rows | {summary.rows:,} | |")
    print(f"| bundle: size (gzip'd JSON Lines) | {summary.size / 2**20:,.1f} MB | |")
    print(f"| full export | {export_s:.2f} s | |")
    print(f"| sync of the unchanged full bundle | {sync_s:.2f} s | |")
    print(f"| sync / export | {ratio:.2f}x ({verdict}) | ≤ {LIMIT:g}x |")
    print(f"| peak memory of `portfolio sync` (unchanged) | {memory:.0f} MB | |")
    print(f"| first sync into an empty portfolio | {first_s:.2f} s | |")

    leftovers = [bundle, *OUT.glob("bench-sync-b.db*"), *OUT.glob("bench-sync-new.*")]
    if args.smoke:
        leftovers += OUT.glob(reference.name + "*")
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    return 0 if args.smoke or ratio <= LIMIT else 1


if __name__ == "__main__":
    raise SystemExit(main())
