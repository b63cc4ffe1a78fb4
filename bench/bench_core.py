"""Core benchmarks: `report clients` against a bare sqlite3 GROUP BY on the same file, its
peak memory, and demo generation time.

    python bench/bench_core.py            # the reference portfolio: 20,000 accounts, ~1M sales
    python bench/bench_core.py --smoke    # a tiny portfolio, for CI (seconds)

Every ratio compares two measurements taken in the same run on the same file."""

from __future__ import annotations

import argparse
import io
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from common import OUT, generate_demo, median_time, peak_memory_mb, reference_db
from portfolio_tui.cli.output import client_rows_csv
from portfolio_tui.domain.settings import Settings
from portfolio_tui.service import open_portfolio
from portfolio_tui.store.queries import FIGURES_SQL

AS_OF = "2026-11-22"
START = "2025-11-22"  # 12 months before AS_OF, exclusive


def bare_group_by(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(FIGURES_SQL, (START, AS_OF)).fetchall()
    conn.close()


def report_clients_in_process(path: Path) -> None:
    from datetime import date

    with open_portfolio(path, settings=Settings()) as pf:
        rows = pf.reports.client_report(as_of=date.fromisoformat(AS_OF))
        client_rows_csv(rows, io.StringIO())


BARE_SCRIPT = f"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute({FIGURES_SQL!r}, ({START!r}, {AS_OF!r})).fetchall()
"""


def command_seconds(args: list[str], repeat: int) -> float:
    return median_time(lambda: subprocess.run(args, check=True, stdout=subprocess.DEVNULL), repeat)[
        0
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny portfolio, for CI")
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the reference file")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    accounts = 200 if args.smoke else args.accounts
    repeat = 2 if args.smoke else args.repeat
    path, generation = reference_db(accounts, args.regenerate or args.smoke)
    if generation is None:  # timed on a scratch file, so the reference stays as it is
        scratch = OUT / "bench-core-demo.db"
        generation = generate_demo(scratch, accounts)
        for extra in OUT.glob(scratch.name + "*"):
            extra.unlink()
    with sqlite3.connect(path) as conn:
        sales = conn.execute("SELECT count(*) FROM sale").fetchone()[0]
    conn.close()
    # Work on a copy so the benchmark never writes to the reference file.
    work = OUT / "bench-core.db"
    shutil.copy(path, work)

    bare, _ = median_time(lambda: bare_group_by(work), repeat)
    ours, _ = median_time(lambda: report_clients_in_process(work), repeat)
    report_cmd = [sys.executable, "-m", "portfolio_tui", "--db", str(work), "report", "clients",
                  "--as-of", AS_OF, "--format", "csv"]  # fmt: skip
    bare_cmd_s = command_seconds([sys.executable, "-c", BARE_SCRIPT, str(work)], repeat)
    report_cmd_s = command_seconds(report_cmd, repeat)
    memory = peak_memory_mb(report_cmd)

    print(
        f"portfolio: {accounts:,} accounts, {sales:,} sales lines ({work.stat().st_size / 2**20:,.0f} MB)"
    )
    print()
    print("| measure | portfolio-tui | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    print(
        f"| `report clients` work (in process) | {ours:.3f} s | {bare:.3f} s bare GROUP BY | {ours / bare:.2f}x | ≤ 2x (goal 1.5x) |"
    )
    print(
        f"| `portfolio report clients --format csv` command | {report_cmd_s:.3f} s | {bare_cmd_s:.3f} s bare script | {report_cmd_s / bare_cmd_s:.2f}x | — |"
    )
    print(f"| peak memory of `report clients` | {memory:.0f} MB | | | ≤ 300 MB |")
    print(f"| `portfolio demo --accounts {accounts}` (generation) | {generation:.1f} s | | | |")
    work.unlink()
    for extra in OUT.glob("bench-core.db-*"):
        extra.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
