"""Deals benchmarks: `report pipeline` and the deals board's data call on the reference
portfolio (20,000 accounts, ~50,000 deals), each against a bare sqlite3 read of the same rows.

    python bench/bench_deals.py            # the reference portfolio
    python bench/bench_deals.py --smoke    # a tiny portfolio, for CI (seconds)

Every ratio compares two measurements taken in the same run on the same file."""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

from common import OUT, generate_demo, median_time, reference_db
from portfolio_tui.domain.settings import Settings
from portfolio_tui.service import open_portfolio

AS_OF = date(2026, 11, 22)

# What the pipeline needs from the file, read with no model and no figure computed.
BARE_PIPELINE = (
    "SELECT d.id, d.account_id, d.title, d.amount, d.probability, d.stage, d.created_on, "
    "d.expected_close, d.closed_on, d.lost_reason, d.family FROM deal AS d "
    "JOIN account AS a ON a.id = d.account_id "
    "WHERE d.deleted_at IS NULL AND a.deleted_at IS NULL",
    "SELECT deal_id, from_stage, to_stage, at FROM dealstagechange WHERE deleted_at IS NULL "
    "ORDER BY at",
)
# What the board needs: the deals with their account, when each entered its stage, and the
# accounts' latest interaction.
BARE_BOARD = (
    "SELECT d.id, a.name, d.title, d.amount, d.probability, d.stage, d.expected_close "
    "FROM deal AS d JOIN account AS a ON a.id = d.account_id "
    "WHERE d.deleted_at IS NULL AND a.deleted_at IS NULL",
    "SELECT deal_id, max(at) FROM dealstagechange WHERE deleted_at IS NULL GROUP BY deal_id",
    "SELECT account_id, max(occurred_at) FROM interaction WHERE deleted_at IS NULL "
    "GROUP BY account_id",
)


def bare(path: Path, statements: tuple[str, ...]) -> None:
    with sqlite3.connect(path) as conn:
        for sql in statements:
            conn.execute(sql).fetchall()
    conn.close()


def pipeline_in_process(path: Path) -> None:
    with open_portfolio(path, settings=Settings()) as pf:
        json.dumps(pf.deals.pipeline_report(as_of=AS_OF, period="year").to_json())


def board_in_process(path: Path) -> None:
    with open_portfolio(path, settings=Settings()) as pf:
        pf.deals.board()


def command_seconds(args: list[str], repeat: int) -> float:
    def run() -> None:
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)

    return median_time(run, repeat)[0]


def deal_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        has_deals = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'deal'"
        ).fetchone()[0]
        count = conn.execute("SELECT count(*) FROM deal").fetchone()[0] if has_deals else 0
    conn.close()
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny portfolio, for CI")
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the reference file")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    accounts = 200 if args.smoke else args.accounts
    repeat = 2 if args.smoke else args.repeat
    path, _ = reference_db(accounts, args.regenerate or args.smoke)
    if deal_count(path) == 0:  # a reference file made before deals existed
        generate_demo(path, accounts)
    work = OUT / "bench-deals.db"  # a copy: the benchmark never writes to the reference
    shutil.copy(path, work)
    deals = deal_count(work)

    bare_pipeline, _ = median_time(lambda: bare(work, BARE_PIPELINE), repeat)
    ours_pipeline, _ = median_time(lambda: pipeline_in_process(work), repeat)
    bare_board, _ = median_time(lambda: bare(work, BARE_BOARD), repeat)
    ours_board, _ = median_time(lambda: board_in_process(work), repeat)
    command = [sys.executable, "-m", "portfolio_tui", "--db", str(work), "report", "pipeline",
               "--as-of", AS_OF.isoformat(), "--format", "json"]  # fmt: skip
    command_s = command_seconds(command, repeat)

    print(f"portfolio: {accounts:,} accounts, {deals:,} deals")
    print()
    print("| measure | portfolio-tui | bare sqlite3 | ratio |")
    print("|---|---|---|---|")
    rows = (
        ("`report pipeline` work (in process)", ours_pipeline, bare_pipeline),
        ("deals board data (in process)", ours_board, bare_board),
    )
    for name, ours, baseline in rows:
        print(f"| {name} | {ours:.3f} s | {baseline:.3f} s | {ours / baseline:.2f}x |")
    print(f"| `portfolio report pipeline --format json` command | {command_s:.3f} s | | |")
    for extra in OUT.glob("bench-deals.db*"):
        extra.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
