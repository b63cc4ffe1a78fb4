"""`portfolio import … --sheet` and `portfolio export csv … --format xlsx` through the entry
point; warnings of an import shown in its report."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from openpyxl import load_workbook

from helpers.files import XLSX_FR, count, db_state, write_csv
from portfolio_tui.cli import main


def run(capsys, db, *args: object) -> tuple[int, str, str]:
    code = main(["--db", str(db), *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_a_sheet(capsys, empty_db_path):
    code, out, err = run(capsys, empty_db_path, "import", "sales", XLSX_FR, "--sheet", "Ventes")
    assert (code, err) == (0, "")
    assert out.startswith(f"{XLSX_FR}: Excel workbook, sheet 'Ventes'\ncolumns: N° de commande")
    assert count(empty_db_path, "sale") == 900
    before = db_state(empty_db_path)
    code, out, err = run(capsys, empty_db_path, "import", "sales", XLSX_FR, "--sheet", "Nope")
    assert (code, out) == (2, "")
    assert err == f"portfolio: error: {XLSX_FR}: no sheet 'Nope' (sheets: 'Ventes', 'Notes')\n"
    assert db_state(empty_db_path) == before


def test_warnings_are_in_the_report(capsys, empty_db_path, tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Raison sociale", "SIRET"], ["Azur", "987654300019"],
                                          ["Nord", "0987654300019"]])  # fmt: skip
    code, out, _ = run(capsys, empty_db_path, "import", "accounts", path, "--dry-run")
    assert code == 0
    assert (f"warning: {path}:3: legal_id: '0987654300019' has 13 digits: read as SIRET "
            "00987654300019\n") in out  # fmt: skip


def test_export_xlsx(capsys, demo_db_path, tmp_path):
    by_suffix, by_flag = tmp_path / "ventes.xlsx", tmp_path / "ventes.data"
    code, out, err = run(capsys, demo_db_path, "export", "csv", "sales", "-o", by_suffix)
    assert (code, out) == (0, "") and err.endswith(f"sales written to {by_suffix}\n")
    code, _, _ = run(capsys, demo_db_path, "export", "csv", "sales", "--format", "xlsx", "-o",
                     by_flag)  # fmt: skip
    assert code == 0
    for path in (by_suffix, by_flag):
        assert zipfile.is_zipfile(path)
        with path.open("rb") as handle:  # openpyxl wants .xlsx names, or a file
            sheet = load_workbook(handle).worksheets[0]
        assert next(sheet.iter_rows(values_only=True))[:4] == ("id", "account_id", "account",
                                                                "date")  # fmt: skip
    code, out, _ = run(capsys, demo_db_path, "export", "csv", "sales", "--format", "csv", "-o",
                       tmp_path / "plain.xlsx")  # fmt: skip
    assert code == 0 and (tmp_path / "plain.xlsx").read_text().startswith("id,account_id")


def test_xlsx_through_pipes(empty_db_path, tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "portfolio_tui", "--db", str(empty_db_path)]
    done = subprocess.run([*command, "import", "sales", "-", "--dry-run"],
                          input=XLSX_FR.read_bytes(), capture_output=True, env=env,
                          timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().startswith("<stdin>: Excel workbook, sheet 'Ventes'")
    done = subprocess.run([*command, "export", "csv", "accounts", "--format", "xlsx"],
                          capture_output=True, env=env, timeout=60)  # fmt: skip
    assert done.returncode == 0 and done.stdout.startswith(b"PK\x03\x04"), done.stderr
