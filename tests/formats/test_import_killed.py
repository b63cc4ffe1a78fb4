"""A process killed (SIGKILL) in the middle of a big sales import leaves the database as it
was before the import started."""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from helpers.files import count, db_state, rows

LINES = 300_000


def _big_sales_file(path, names: list[str]) -> None:
    rng = random.Random(5)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(["N° de commande", "Date", "Client", "Produit", "Montant HT"])
        for i in range(LINES):
            cents = rng.randint(100, 5_000_000)
            amount = f"{cents // 100:,}".replace(",", "\u00a0") + f",{cents % 100:02d} €"
            day = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2025"
            writer.writerow([f"K{i:07d}", day, rng.choice(names), f"P{i % 30}", amount])


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_during_a_big_import_leaves_the_database_unchanged(demo_db_path, tmp_path):
    names = [r[0] for r in rows(demo_db_path, "SELECT name FROM account")]
    big = tmp_path / "big.csv"
    _big_sales_file(big, names)
    before = db_state(demo_db_path)
    sales_before = count(demo_db_path, "sale")
    wal = demo_db_path.with_name(demo_db_path.name + "-wal")
    process = subprocess.Popen(
        [sys.executable, "-m", "portfolio_tui", "--db", str(demo_db_path), "import", "sales",
         str(big)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        # Writing has started once the uncommitted transaction spills pages into the WAL.
        while not (wal.exists() and wal.stat().st_size > 0):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.005)
        assert process.poll() is None, "the import finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    assert wal.stat().st_size > 0  # the killed transaction left frames behind…
    assert db_state(demo_db_path) == before  # …that recovery ignores
    assert count(demo_db_path, "sale") == sales_before
