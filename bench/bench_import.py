"""Spreadsheet import and export benchmarks on the reference portfolio.

    python bench/bench_import.py            # 20,000 accounts, a 1,000,000-line sales CSV
    python bench/bench_import.py --smoke    # a tiny portfolio and file, for CI (seconds)

`portfolio import sales` of a French Excel CSV (`;`, UTF-8 with BOM, day-first dates,
"12 345,67 €") into a fresh copy of the reference database, against a bare script that reads
the same file with the csv module and inserts it with executemany in one transaction into
another fresh copy (target: at most 3x). Both run as commands in the same run, on the same
file. Then the exports of the reference portfolio: accounts CSV, sales CSV, vCard, iCalendar.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from common import OUT, reference_db

HEADER = ["N° de commande", "Date", "Client", "Produit", "Famille", "Montant HT", "Marge"]

# The baseline: the least a script must do to load this file into the same schema: read it
# with the csv module, look accounts and products up by name, read amounts and dates, give
# each row an id and the bookkeeping columns, executemany in one transaction.
BARE_SCRIPT = r"""
import csv, sqlite3, sys, uuid
db, path = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db)
accounts = {name: i for i, name in conn.execute("SELECT id, name FROM account")}
products = {name: i for i, name in conn.execute("SELECT id, name FROM product")}
stamp = "2026-11-22 12:00:00.000000"

def cents(text):
    text = text.replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".")
    return round(float(text) * 100)

def rows():
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        next(reader)
        for ref, day, client, product, _family, amount, margin in reader:
            d, m, y = day.split("/")
            yield (str(uuid.uuid4()), stamp, stamp, "bench", "{}", accounts[client],
                   f"{y}-{m}-{d}", cents(amount), cents(margin) if margin else None,
                   products.get(product), ref or None, None)

with conn:
    conn.executemany(
        "INSERT INTO sale (id, created_at, updated_at, device_id, clocks, account_id, sold_on, "
        "amount, margin, product_id, order_ref, quantity) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        rows(),
    )
conn.close()
"""


def french_amount(cents: int) -> str:
    whole, fraction = divmod(cents, 100)
    return f"{whole:,}".replace(",", "\u00a0") + f",{fraction:02d}"


def write_sales_csv(db: Path, target: Path, lines: int, seed: int = 3) -> None:
    """A sales file as French Excel saves one, for the accounts and products of `db`."""
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM account WHERE deleted_at IS NULL")]
        products = conn.execute("SELECT name, family FROM product").fetchall()
    conn.close()
    rng = random.Random(seed)
    with target.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        for i in range(lines):
            cents = rng.randint(1_000, 5_000_000)
            product, family = rng.choice(products)
            day = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2024, 2026)}"
            writer.writerow([
                f"B{i:08d}", day, rng.choice(names), product, family or "",
                french_amount(cents) + " €", french_amount(cents // 3),
            ])  # fmt: skip


def fresh_copy(source: Path, name: str) -> Path:
    target = OUT / name
    for stale in OUT.glob(name + "*"):
        stale.unlink()
    shutil.copy(source, target)
    return target


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def count_sales(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        found = conn.execute("SELECT count(*) FROM sale WHERE deleted_at IS NULL").fetchone()[0]
    conn.close()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny portfolio and file, for CI")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=20_000)
    args = parser.parse_args()
    accounts = 200 if args.smoke else args.accounts
    lines = 2_000 if args.smoke else args.lines
    reference, _ = reference_db(accounts, refresh=False)
    with sqlite3.connect(reference) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    big = OUT / f"sales-{lines}.csv"
    # The file names the reference's accounts: make it again when the reference is newer.
    if not big.exists() or big.stat().st_mtime < reference.stat().st_mtime:
        write_sales_csv(reference, big, lines)
    big.read_bytes()  # in the page cache for both runs alike

    portfolio = [sys.executable, "-m", "portfolio_tui"]
    bare_db = fresh_copy(reference, "bench-import-bare.db")
    ours_db = fresh_copy(reference, "bench-import-ours.db")
    before = count_sales(ours_db)
    bare = timed([sys.executable, "-c", BARE_SCRIPT, str(bare_db), str(big)])
    ours = timed([*portfolio, "--db", str(ours_db), "import", "sales", str(big)])
    added_bare, added_ours = count_sales(bare_db) - before, count_sales(ours_db) - before
    assert added_bare == added_ours == lines, (added_bare, added_ours, lines)
    # Importing the same file again must add nothing: it only reads and compares.
    again = timed([*portfolio, "--db", str(ours_db), "import", "sales", str(big)])
    assert count_sales(ours_db) - before == lines

    exports_db = fresh_copy(reference, "bench-export.db")
    exports = {}
    for label, command, target in (
        ("accounts CSV (with figures)", ["export", "csv", "accounts"], "accounts.csv"),
        ("sales CSV", ["export", "csv", "sales"], "sales.csv"),
        ("vCard (one file)", ["export", "vcf"], "contacts.vcf"),
        ("iCalendar (open follow-ups)", ["export", "ics"], "follow-ups.ics"),
    ):
        path = OUT / f"bench-{target}"
        seconds = timed([*portfolio, "--db", str(exports_db), *command, "-o", str(path)])
        exports[label] = (seconds, path.stat().st_size)
        path.unlink()

    with sqlite3.connect(reference) as conn:
        sales = conn.execute("SELECT count(*) FROM sale").fetchone()[0]
    conn.close()
    print(f"portfolio: {accounts:,} accounts, {sales:,} sales lines; "
          f"file: {lines:,} lines, {big.stat().st_size / 2**20:,.0f} MB")  # fmt: skip
    print()
    print("| measure | portfolio-tui | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    print(f"| `portfolio import sales` ({lines:,} lines) | {ours:.1f} s | {bare:.1f} s bare "
          f"csv + executemany | {ours / bare:.2f}x | ≤ 3x |")  # fmt: skip
    print(f"| the same file imported again (adds nothing) | {again:.1f} s | | | |")
    for label, (seconds, size) in exports.items():
        print(f"| export {label} | {seconds:.1f} s | {size / 2**20:,.1f} MB | | |")
    for path in OUT.glob("bench-import-*.db*"):
        path.unlink()
    for path in OUT.glob("bench-export.db*"):
        path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
