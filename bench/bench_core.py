"""Core benchmarks: `report clients` against a bare sqlite3 GROUP BY on the same file, the
read-only commands (`today`, `show ACCOUNT`, `report pipeline`, `report clv`) against a bare
python script that opens the file, their peak memory, and demo generation.

    python bench/bench_core.py            # the reference portfolio: 20,000 accounts, ~1M sales
    python bench/bench_core.py --smoke    # a tiny portfolio, for CI (seconds)

Every ratio compares two measurements taken in the same run on the same file. The commands are
timed after an untimed warm-up run, so they read the figures that run kept in the cache file
(`service/derived.py`), as a rep's second command of the day does; the in-process `report
clients` work is timed without them."""

from __future__ import annotations

import argparse
import io
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

from common import (
    OUT,
    PORTFOLIO,
    Figure,
    generate_demo_measured,
    load_average,
    measured_runs,
    median_time,
    print_table,
    ratio,
    reference_db,
    remove,
    sales_count,
    write_json,
)
from portfolio_tui.cli.output import client_rows_csv
from portfolio_tui.domain.settings import Settings
from portfolio_tui.service import open_portfolio
from portfolio_tui.store.queries import FIGURES_SQL

AS_OF = "2026-11-22"
START = "2025-11-22"  # 12 months before AS_OF, exclusive
COMMAND_TARGET = "≤ 0.3 s"


def bare_group_by(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(FIGURES_SQL, (START, AS_OF)).fetchall()
    conn.close()


def report_clients_in_process(path: Path) -> None:
    """The report's work as the first run after a sales write does it: the window's figures
    read from the file, not from the cache file an earlier run kept them in."""
    with open_portfolio(path, settings=Settings()) as pf:
        pf.core.cache_file.path.unlink(missing_ok=True)
        rows = pf.reports.client_report(as_of=date.fromisoformat(AS_OF))
        client_rows_csv(rows, io.StringIO())


BARE_REPORT = f"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute({FIGURES_SQL!r}, ({START!r}, {AS_OF!r})).fetchall()
"""
# The floor of any command: start python, open the file, read one row.
BARE_OPEN = """
import sqlite3, sys
sqlite3.connect(sys.argv[1]).execute("SELECT id FROM account LIMIT 1").fetchall()
"""


def some_account(path: Path) -> str:
    """The id of the account with the most sales: the fullest card `show` prints."""
    with sqlite3.connect(path) as conn:
        found = conn.execute(
            "SELECT account_id FROM sale GROUP BY account_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    conn.close()
    return str(found[0])


def report_commands() -> set[str]:
    """The `portfolio report` subcommands this version has."""
    done = subprocess.run([*PORTFOLIO, "report", "--help"], capture_output=True, text=True)
    return {word for word in ("pipeline", "clv") if f"    {word}" in done.stdout}


def command_figures(work: Path, repeat: int, warm_up: bool) -> list[Figure]:
    """Each read-only command, timed whole (median) with its peak memory, against the floor."""
    floor, _ = measured_runs([sys.executable, "-c", BARE_OPEN, str(work)], repeat, warm_up)
    floor_text = f"{floor:.3f} s bare python opening the file"
    reports = report_commands()
    commands = [
        ("today", "`portfolio today`", ["today"]),
        ("show", "`portfolio show ACCOUNT` (most sales)", ["show", some_account(work)]),
        ("pipeline", "`portfolio report pipeline --format json`",
         ["report", "pipeline", "--as-of", AS_OF, "--format", "json"]),
        ("clv", "`portfolio report clv --format csv`",
         ["report", "clv", "--as-of", AS_OF, "--format", "csv"]),
    ]  # fmt: skip
    figures, memory = [], []
    for key, label, args in commands:
        if key in ("pipeline", "clv") and key not in reports:
            figures.append(Figure(key, label, "not available"))
            continue
        command = [*PORTFOLIO, "--db", str(work), *args]
        seconds, peak = measured_runs(command, repeat, warm_up)
        target = COMMAND_TARGET if key in ("today", "show") else ""
        figures.append(Figure(key, label, f"{seconds:.3f} s", floor_text, ratio(seconds, floor),
                              target))  # fmt: skip
        memory.append(Figure("memory", f"peak memory of {label}", f"{peak:.0f} MB",
                             target="≤ 300 MB"))  # fmt: skip
    return figures + memory


def report_figures(work: Path, repeat: int, warm_up: bool) -> list[Figure]:
    bare, _ = median_time(lambda: bare_group_by(work), repeat)
    ours, _ = median_time(lambda: report_clients_in_process(work), repeat)
    report_cmd = [*PORTFOLIO, "--db", str(work), "report", "clients", "--as-of", AS_OF,
                  "--format", "csv"]  # fmt: skip
    bare_cmd = [sys.executable, "-c", BARE_REPORT, str(work)]
    bare_cmd_s, _ = measured_runs(bare_cmd, repeat, warm_up)
    report_cmd_s, memory = measured_runs(report_cmd, repeat, warm_up)
    return [
        Figure("report_clients", "`portfolio report clients --format csv`, whole command",
               f"{report_cmd_s:.3f} s", f"{bare_cmd_s:.3f} s bare python sqlite3 GROUP BY script",
               ratio(report_cmd_s, bare_cmd_s), "≤ 1.5x"),
        Figure("report_clients", "`report clients` work, in process", f"{ours:.3f} s",
               f"{bare:.3f} s bare GROUP BY, in process", ratio(ours, bare), ""),
        Figure("memory", "peak memory of `report clients`", f"{memory:.0f} MB",
               target="≤ 300 MB"),
    ]  # fmt: skip


def demo_figures(accounts: int, generated: tuple[float, float] | None) -> list[Figure]:
    if generated is None:  # timed on a scratch file, so the reference stays as it is
        scratch = OUT / "bench-core-demo.db"
        generated = generate_demo_measured(scratch, accounts)
        remove(scratch.name + "*")
    seconds, memory = generated
    label = f"`portfolio demo --accounts {accounts:,}`"
    return [
        Figure("demo", label, f"{seconds:.1f} s", target="≤ 20 s at 20,000"),
        Figure("memory", f"peak memory of {label}", f"{memory:.0f} MB", target="≤ 300 MB"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny portfolio, for CI")
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the reference file")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures here (bench_all.py)")
    args = parser.parse_args()
    accounts = 200 if args.smoke else args.accounts
    repeat = 1 if args.smoke else args.repeat
    path = reference_db(accounts)[0]
    generated = None
    if args.regenerate or args.smoke or not path.exists():
        generated = generate_demo_measured(path, accounts)
    # Work on a copy so the benchmark never writes to the reference file.
    work = OUT / "bench-core.db"
    shutil.copy(path, work)
    try:
        load = load_average()
        warm_up = not args.smoke  # CI only checks that it runs
        figures = report_figures(work, repeat, warm_up) + command_figures(work, repeat, warm_up)
        figures += demo_figures(accounts, generated)
        title = (f"bench_core: {accounts:,} accounts, {sales_count(work):,} sales lines "
                 f"({work.stat().st_size / 2**20:,.0f} MB); median of {repeat}; {load} at start, "
                 f"{load_average()} at end")  # fmt: skip
    finally:
        remove("bench-core.db*")
    print_table(title, figures)
    write_json(args.json, title, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
