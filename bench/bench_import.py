"""Spreadsheet import and export benchmarks.

    python bench/bench_import.py            # a 1,000,000-line sales CSV; the reference portfolio
    python bench/bench_import.py --smoke    # a tiny file and portfolio, for CI (seconds)

`portfolio import sales` of a French Excel CSV (`;`, UTF-8 with BOM, day-first dates,
"12 345,67 €") into an empty portfolio (every client and product is new), against a bare
script that reads the same file with the csv module and inserts it with executemany in one
transaction into one plain table with the sale table's columns, in another empty file. Both
run as commands in the same run, on the same file. Then the same file imported again (it must
add nothing), and the exports of the reference portfolio: accounts CSV, sales CSV, vCard,
iCalendar.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import (
    OUT,
    PORTFOLIO,
    Figure,
    load_average,
    measured_run,
    print_table,
    ratio,
    reference_db,
    remove,
    sales_count,
    write_json,
)

HEADER = ["N° de commande", "Date", "Client", "Produit", "Famille", "Montant HT", "Marge"]

# The baseline: the least a script must do to load this file: read it with the csv module,
# give each client and product an id on first sight, read amounts and dates, give each row an
# id and the bookkeeping columns, executemany in one transaction into one plain table (no
# index, no constraint) with the columns of the sale table.
BARE_SCRIPT = r"""
import csv, sqlite3, sys, uuid
db, path = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db)
conn.execute(
    "CREATE TABLE sale (id, created_at, updated_at, device_id, deleted_at, clocks, account_id, "
    "sold_on, amount, margin, product_id, order_ref, quantity)"
)
accounts, products = {}, {}
stamp = "2026-11-22 12:00:00.000000"

def cents(text):
    text = text.replace(" ", "").replace(" ", "").replace("€", "").replace(",", ".")
    return round(float(text) * 100)

def key(names, name):
    found = names.get(name)
    if found is None:
        found = names[name] = str(uuid.uuid4())
    return found

def rows():
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        next(reader)
        for ref, day, client, product, _family, amount, margin in reader:
            d, m, y = day.split("/")
            yield (str(uuid.uuid4()), stamp, stamp, "bench", None, "{}", key(accounts, client),
                   f"{y}-{m}-{d}", cents(amount), cents(margin) if margin else None,
                   key(products, product) if product else None, ref or None, None)

with conn:
    conn.executemany("INSERT INTO sale VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows())
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
    remove(name + "*")
    shutil.copy(source, target)
    return target


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def plain_rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        found = conn.execute("SELECT count(*) FROM sale").fetchone()[0]
    conn.close()
    return int(found)


def import_figures(big: Path, lines: int, repeat: int) -> list[Figure]:
    """Into an empty portfolio, against the bare script into an empty file, `repeat` times
    in turn (bare, ours, bare, ours…: a slow spell of the machine falls on both), medians
    compared; then the same file again."""
    bare_db, ours_db = OUT / "bench-import-bare.db", OUT / "bench-import-ours.db"
    command = [*PORTFOLIO, "--db", str(ours_db), "import", "sales", str(big)]
    bares, ours, memory = [], [], 0.0
    for _ in range(repeat):
        remove("bench-import-*.db*")
        bares.append(timed([sys.executable, "-c", BARE_SCRIPT, str(bare_db), str(big)]))
        seconds, peak = measured_run(command)
        ours.append(seconds)
        memory = max(memory, peak)
        assert plain_rows(bare_db) == sales_count(ours_db) == lines
    bare, first = statistics.median(bares), statistics.median(ours)
    # Importing the same file again must add nothing: it only reads and compares.
    again = timed(command)
    assert sales_count(ours_db) == lines
    remove("bench-import-*.db*")
    label = f"`portfolio import sales`, {lines:,} lines into an empty portfolio"
    runs = f"median of {repeat}, in turn" if repeat > 1 else "one run"
    return [
        Figure("import", label, f"{first:.1f} s ({runs})",
               f"{bare:.1f} s csv module + executemany into one plain table", ratio(first, bare),
               "≤ 2x"),
        Figure("import", "the same file imported again (adds nothing)", f"{again:.1f} s",
               f"{first:.1f} s first import", ratio(again, first)),
        Figure("memory", "peak memory of `portfolio import sales`", f"{memory:.0f} MB",
               target="≤ 300 MB"),
    ]  # fmt: skip


def export_figures(reference: Path) -> list[Figure]:
    exports_db = fresh_copy(reference, "bench-export.db")
    figures = []
    for label, command, target in (
        ("accounts CSV (with figures)", ["export", "csv", "accounts"], "accounts.csv"),
        ("sales CSV", ["export", "csv", "sales"], "sales.csv"),
        ("vCard (one file)", ["export", "vcf"], "contacts.vcf"),
        ("iCalendar (open follow-ups)", ["export", "ics"], "follow-ups.ics"),
    ):
        path = OUT / f"bench-{target}"
        seconds = timed([*PORTFOLIO, "--db", str(exports_db), *command, "-o", str(path)])
        size = path.stat().st_size / 2**20
        figures.append(Figure("export", f"`portfolio export` {label}", f"{seconds:.1f} s",
                              f"{size:,.2f} MB written"))  # fmt: skip
        path.unlink()
    remove("bench-export.db*")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny portfolio and file, for CI")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="imports timed (median)")
    parser.add_argument("--json", type=Path, help="also write the figures here (bench_all.py)")
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
    load = load_average()
    figures = import_figures(big, lines, 1 if args.smoke else args.repeat)
    figures += export_figures(reference)
    title = (f"bench_import: a {lines:,}-line file ({big.stat().st_size / 2**20:,.0f} MB); "
             f"exports of {reference.name} ({sales_count(reference):,} sales); {load} at start, "
             f"{load_average()} at end")  # fmt: skip
    print_table(title, figures)
    write_json(args.json, title, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
