"""`portfolio import …` and `portfolio export …` through the entry point."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import icalendar
import vobject

from helpers.files import ACCOUNTS_FR, CONTACTS_LO, SALES_BAD_DATE, SALES_FR, count, db_state
from helpers.files import write_csv as write_file
from portfolio_tui.cli import main


def run(capsys, db, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_the_shared_files(capsys, empty_db_path):
    code, out, err = run(capsys, empty_db_path, "import", "accounts", ACCOUNTS_FR)
    assert (code, err) == (0, "")
    assert "Windows-1252, delimiter ';'" in out
    assert "Raison sociale → name" in out and "Chiffre d'affaires 2025 → custom:revenue_2025" in out
    assert out.rstrip().endswith(
        f"{ACCOUNTS_FR}: 60 accounts rows: 60 inserted, 0 updated, 0 unchanged"
    )
    assert run(capsys, empty_db_path, "import", "contacts", CONTACTS_LO)[0] == 0
    code, out, _ = run(capsys, empty_db_path, "import", "sales", SALES_FR)
    assert code == 0 and "900 inserted" in out
    assert (count(empty_db_path, "account"), count(empty_db_path, "contact"),
            count(empty_db_path, "sale")) == (60, 88, 900)  # fmt: skip


def test_dry_run_lists_and_writes_nothing(capsys, demo_db_path):
    before = db_state(demo_db_path)
    code, out, err = run(capsys, demo_db_path, "import", "sales", SALES_FR, "--dry-run")
    assert (code, err) == (0, "")
    assert "  line 2: insert 2023-10-12  Hôtel Chevalier SA  23626.24" in out
    assert "new accounts: " in out and "(60 in all)" in out
    assert out.rstrip().endswith(
        "900 would be inserted, 0 would be updated, 0 unchanged (dry run: nothing written)"
    )
    assert db_state(demo_db_path) == before


def test_bad_rows_exit_2_with_one_line_each(capsys, demo_db_path, tmp_path):
    before = db_state(demo_db_path)
    code, out, err = run(capsys, demo_db_path, "import", "sales", SALES_BAD_DATE)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"portfolio: error: {SALES_BAD_DATE}: 1 row was rejected; nothing was imported",
        f"{SALES_BAD_DATE}:39: date: can't read the date '31/02/2025': February 2025 has no day 31",
    ]
    path = write_file(
        tmp_path / "bad.csv",
        [["Client", "Date", "Montant"], ["A", "x", "1"], ["B", "2026-01-01", "y"], ["C", "", ""]],
    )
    code, out, err = run(capsys, demo_db_path, "import", "sales", path)
    assert code == 2
    assert err.splitlines()[1:] == [
        f"{path}:2: date: can't read the date 'x' (expected 2026-12-01 or 01/12/2026)",
        f"{path}:3: amount: can't read the amount 'y' (try: 1234.50, 1 234,50 €, €1,234.50)",
        f"{path}:4: date: missing",
        f"{path}:4: amount: missing",
    ]
    # A dry run shows the same rejections, and also exits 2.
    code, out, err = run(capsys, demo_db_path, "import", "sales", path, "--dry-run")
    assert code == 2 and f"{path}:4: amount: missing" in err and "3 rejected" in out
    assert db_state(demo_db_path) == before


def test_map_options(capsys, empty_db_path, tmp_path):
    path = write_file(
        tmp_path / "v.csv", [["Kunde", "Datum", "Betrag"], ["Acme", "2026-01-05", "9"]]
    )
    code, _, err = run(capsys, empty_db_path, "import", "sales", path)
    assert code == 2 and err.startswith(f"portfolio: error: {path}: no column for account")
    code, _, err = run(capsys, empty_db_path, "import", "sales", path, "--map", "Kunde=client")
    assert (code, err.count("\n")) == (2, 1)
    assert "unknown field 'client' for sales" in err
    code, _, err = run(capsys, empty_db_path, "import", "sales", path, "--map", "Kunden=account")
    assert code == 2 and "has no column 'Kunden'" in err
    code, _, err = run(capsys, empty_db_path, "import", "sales", path, "--map", "nonsense")
    assert code == 2 and "'nonsense' is not COLUMN=FIELD" in err
    code, out, _ = run(capsys, empty_db_path, "import", "sales", path, "--map", "Kunde=account",
                       "--map", "Datum=date", "--map", "Betrag=amount")  # fmt: skip
    assert code == 0 and "1 inserted" in out


def test_exports(capsys, demo_db_path, tmp_path):
    target = tmp_path / "accounts.csv"
    code, out, err = run(capsys, demo_db_path, "export", "csv", "accounts", "-o", target)
    assert (code, out) == (0, "")
    assert err.startswith("60 accounts written to")
    assert len(list(csv.DictReader(io.StringIO(target.read_text(), newline="")))) == 60
    code, out, _ = run(capsys, demo_db_path, "export", "csv", "sales", "--excel")
    assert code == 0 and out.startswith("\ufeffid;account_id;account;date;amount")
    code, out, _ = run(capsys, demo_db_path, "export", "ics")
    events = icalendar.Calendar.from_ical(out).walk("VEVENT")
    assert code == 0 and len(events) > 5
    code, out, _ = run(capsys, demo_db_path, "export", "vcf")
    cards = list(vobject.readComponents(out))
    assert code == 0 and len(cards) == count(demo_db_path, "contact")
    folder = tmp_path / "vdir"
    code, _, err = run(capsys, demo_db_path, "export", "vcf", "--dir", folder)
    assert code == 0 and f"{len(cards)} cards written, 0 unchanged, 0 removed" in err
    before = db_state(demo_db_path)
    code, out, _ = run(capsys, demo_db_path, "import", "vcf", folder)
    assert code == 0 and f"0 inserted, 0 updated, {len(cards)} unchanged" in out
    assert db_state(demo_db_path) == before
    code, _, err = run(capsys, demo_db_path, "export", "csv", "sales", "-o", tmp_path / "no" / "x")
    assert code == 2 and "does not exist" in err


def test_real_subprocess(demo_db_path):
    before = db_state(demo_db_path)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "portfolio_tui", "--db", str(demo_db_path), "import", "sales",
         str(SALES_BAD_DATE)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines()[1].startswith(f"{SALES_BAD_DATE}:39: date: ")
    assert "Traceback" not in done.stderr
    assert db_state(demo_db_path) == before


def test_cli_kinds_match_the_service():
    from portfolio_tui.cli import files as cli_files
    from portfolio_tui.service import exports as portfolio_files

    assert cli_files.IMPORT_KINDS == portfolio_files.IMPORT_KINDS
    assert cli_files.EXPORT_KINDS == portfolio_files.EXPORT_KINDS


def test_vcf_dry_run_with_a_rejected_card_exits_2(capsys, empty_db_path, tmp_path):
    path = tmp_path / "x.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lone Wolf\r\nEND:VCARD\r\n")
    code, out, err = run(capsys, empty_db_path, "import", "vcf", path, "--dry-run")
    assert code == 2 and "1 rejected" in out
    assert err.splitlines()[1] == f"{path}:1: account: missing (needed for a new contact)"
