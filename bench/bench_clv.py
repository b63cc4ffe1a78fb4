"""`report clv` benchmark: the BG/NBD fit and the scores of every client, the orders query
against a bare sqlite3 GROUP BY of the same orders, and the whole report in process.

    python bench/bench_clv.py            # the reference portfolio: 20,000 accounts, ~1M sales
    python bench/bench_clv.py --smoke    # a tiny portfolio, for CI (seconds)

Every ratio compares two measurements taken in the same run on the same file."""

from __future__ import annotations

import argparse
import shutil
import sqlite3
from datetime import date
from pathlib import Path

from common import OUT, median_time, reference_db
from portfolio_tui.domain.clv import ClvResult, client_histories, score_clients
from portfolio_tui.domain.settings import Settings
from portfolio_tui.service import open_portfolio
from portfolio_tui.store.churn_queries import order_days, order_histories

AS_OF = date(2026, 11, 22)
FIT_TARGET_S = 2.0


# The floor: the cheapest per-client GROUP BY on the same lines (no order key, no dates parsed).
BARE_SQL = """
SELECT account_id, count(*), min(sold_on), max(sold_on) FROM sale
WHERE deleted_at IS NULL AND sold_on <= ? GROUP BY account_id
"""


def bare_group_by(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return len(conn.execute(BARE_SQL, (AS_OF.isoformat(),)).fetchall())
    finally:
        conn.close()


def our_orders(path: Path) -> dict[str, list[date]]:
    conn = sqlite3.connect(path)
    try:
        return order_days(conn, AS_OF)
    finally:
        conn.close()


def fit_and_scores(orders: dict[str, list[date]]) -> ClvResult:
    return score_clients(client_histories(orders, AS_OF), AS_OF)


def our_histories(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return len(order_histories(conn, AS_OF))
    finally:
        conn.close()


def report_in_process(path: Path, kept: bool = False) -> int:
    """`report clv` in a new process's shoes: with the fit kept from an earlier run (`kept`),
    or computed (the cache file removed first)."""
    with open_portfolio(path, settings=Settings()) as pf:
        if not kept:
            pf.core.cache_file.path.unlink(missing_ok=True)
        return len(pf.churn.clv_report(as_of=AS_OF).clients)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny portfolio, for CI")
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the reference file")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    accounts = 200 if args.smoke else args.accounts
    repeat = 1 if args.smoke else args.repeat
    path, _generation = reference_db(accounts, args.regenerate)
    work = OUT / "bench-clv.db"  # a copy: opening a portfolio may write to it
    shutil.copy(path, work)
    try:
        run(work, accounts, repeat)
    finally:
        for leftover in OUT.glob("bench-clv.db*"):
            leftover.unlink()
    return 0


def run(work: Path, accounts: int, repeat: int) -> None:
    with sqlite3.connect(work) as conn:
        sales = conn.execute("SELECT count(*) FROM sale").fetchone()[0]
    conn.close()
    bare, _accounts = median_time(lambda: bare_group_by(work), repeat)
    query, orders = median_time(lambda: our_orders(work), repeat)
    order_rows = sum(map(len, orders.values()))
    fit, result = median_time(lambda: fit_and_scores(orders), repeat)
    histories, _clients = median_time(lambda: our_histories(work), repeat)
    whole, _rows = median_time(lambda: report_in_process(work), repeat)
    kept, _rows = median_time(lambda: report_in_process(work, kept=True), repeat)
    fitted = "fitted" if result.fit.params else f"not fitted ({result.fit.reason})"
    met = "met" if fit < FIT_TARGET_S else "**not met**"
    print(f"portfolio: {accounts:,} accounts, {sales:,} sales lines, {order_rows:,} orders, "
          f"{result.fit.clients:,} clients ({result.fit.repeat_clients:,} with a repeat order), "
          f"{fitted} in {result.fit.iterations} iterations")  # fmt: skip
    print()
    print("| measure | portfolio-tui | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    print(
        f"| BG/NBD fit and scores of every client | {fit:.3f} s | | | < {FIT_TARGET_S:.0f} s, {met} |"
    )
    print(f"| orders query, one date per order (`order_days`) | {query:.3f} s | "
          f"{bare:.3f} s bare sqlite3 GROUP BY | {query / bare:.2f}x | — |")  # fmt: skip
    print(f"| orders query, one history per client (`order_histories`, what the fit reads) | "
          f"{histories:.3f} s | {bare:.3f} s bare sqlite3 GROUP BY | {histories / bare:.2f}x | — |")  # fmt: skip
    print(f"| `report clv` in process (open, query, fit, scores, names) | {whole:.3f} s | | | — |")
    print(f"| `report clv` in process, the fit kept from an earlier run | {kept:.3f} s | | | — |")


if __name__ == "__main__":
    raise SystemExit(main())
