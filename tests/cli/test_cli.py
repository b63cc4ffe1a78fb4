"""The `portfolio` command as scripts use it: exit codes, output formats, bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.cli.output import CLIENT_CSV_COLUMNS

from conftest import db_dump


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, capsys) -> Path:
    path = tmp_path / "p.db"
    for args in (
        ("add", "account", "Boulangerie Martin", "--stage", "client", "--city", "Lyon"),
        ("add", "account", "Boucherie Martin", "--stage", "warm"),
        ("add", "account", "Atelier Dubois", "--stage", "cold", "--potential", "12 000 €"),
        ("add", "contact", "Boulangerie", "Claire Petit", "--email", "claire@example.fr"),
    ):
        assert run(capsys, "--db", str(path), *args)[0] == 0
    return path


def test_add_show_log_follow_up_done_snooze_stage(db: Path, capsys) -> None:
    base = ("--db", str(db))
    code, out, _ = run(capsys, *base, "log", "call", "Boulangerie", "Talked about the quote",
                       "--contact", "Claire", "--follow-up", "+3d")  # fmt: skip
    assert code == 0 and out.count("\n") == 2 and "follow-up" in out
    follow_up_id = out.split("follow-up ")[1].strip()
    code, out, _ = run(capsys, *base, "snooze", follow_up_id[:8], "+5d")
    assert code == 0 and out.startswith("snoozed to ")
    code, out, _ = run(capsys, *base, "done", follow_up_id, "--outcome", "Signed", "--next", "+1m")
    assert code == 0 and "next follow-up" in out
    assert run(capsys, *base, "stage", "Atelier", "warm")[1].strip() == "cold → warm"
    code, out, _ = run(capsys, *base, "show", "Boulangerie")
    assert code == 0
    assert "Boulangerie Martin  [client]" in out and "Claire Petit" in out
    assert "Talked about the quote" in out and "Signed" in out
    code, out, _ = run(capsys, *base, "edit", "account", "Atelier", "--city", "Nantes")
    assert (code, out.strip()) == (0, "changed: city")


def test_today_json_lists_the_groups(db: Path, capsys) -> None:
    base = ("--db", str(db))
    run(capsys, *base, "follow-up", "Boucherie", "Send the proposal", "--due", "today 16:00",
        "--force")  # fmt: skip
    code, out, _ = run(capsys, *base, "today", "--format", "json")
    agenda = json.loads(out)
    assert code == 0
    assert set(agenda) == {
        "today", "overdue", "today_items", "upcoming", "due_for_contact",
        "deals_closing", "deals_rotting",
    }  # fmt: skip
    assert [i["title"] for i in agenda["today_items"]] == ["Send the proposal"]


def test_report_clients_csv_contract(tmp_path: Path, capsys) -> None:
    path = str(tmp_path / "p.db")
    run(capsys, "--db", path, "add", "account", "Alpha", "--stage", "client")
    run(capsys, "--db", path, "add", "account", "Prospect", "--stage", "hot")
    sales = tmp_path / "sales.csv"
    sales.write_text("account,date,amount,order_ref\nAlpha,2026-10-01,1234.5,A1\n")
    code, _, err = run(capsys, "--db", path, "import", "sales", str(sales))
    assert code == 0, err
    code, out, _ = run(capsys, "--db", path, "report", "clients", "--as-of", "2026-11-22",
                       "--format", "csv")  # fmt: skip
    assert code == 0
    table = list(csv.reader(io.StringIO(out)))
    assert tuple(table[0]) == CLIENT_CSV_COLUMNS
    alpha, prospect = table[1], table[2]
    assert alpha[1:] == ["Alpha", "client", "1234.50", "0.00", "A", "52", "1", "1234.50",
                         "1", "1", "1", "Hibernating"]  # fmt: skip
    assert prospect[1:] == ["Prospect", "hot", "0.00", "0.00", "", "", "", "", "", "", "", ""]
    code, out, _ = run(capsys, "--db", path, "report", "clients", "--as-of", "2026-11-22",
                       "--format", "json")  # fmt: skip
    assert json.loads(out)[0]["revenue"] == 123450


def test_report_kpis_json_and_table(db: Path, capsys) -> None:
    code, out, _ = run(capsys, "--db", str(db), "report", "kpis", "--format", "json")
    assert code == 0 and json.loads(out)["period"]["kind"] == "year"
    code, out, _ = run(capsys, "--db", str(db), "report", "kpis", "--period", "quarter")
    assert code == 0 and "Portfolio KPIs" in out and "Funnel" in out


BAD_INPUTS = [
    (("stage", "Atelier", "tepid"), "unknown stage 'tepid'"),
    (("follow-up", "Atelier", "Call", "--due", "someday"), "someday"),
    (("log", "call", "Bou", "x"), "ambiguous"),
    (("log", "call", "Nobody", "x"), "no account matches 'Nobody'"),
    (("report", "clients", "--window", "13x"), "13x"),
    (("edit", "account", "Atelier", "--accessibility", "9"), "accessibility"),
    (("add", "account", "X", "--potential", "lots"), "potential"),
    (("done", "ffffffff"), "no follow-up"),
    (("follow-up", "Atelier", "Call", "--due", "today", "--repeat", "FREQ=OFTEN"), "FREQ"),
    (("edit", "account", "Atelier"), "nothing to change"),
    (("report", "kpis", "--rows", "secteur"), "'secteur' is not one of abc, sector"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS, ids=[a[0][0] for a in BAD_INPUTS])
def test_bad_input_is_one_line_exit_2_and_nothing_written(db: Path, capsys, args, message) -> None:
    before = db_dump(db)
    code, _, err = run(capsys, "--db", str(db), *args)
    assert code == 2
    assert err.startswith("portfolio: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert db_dump(db) == before


def test_argument_errors_exit_2(db: Path, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--db", str(db), "report", "clients", "--as-of", "31/02/2026"])
    assert caught.value.code == 2
    assert "31/02/2026" in capsys.readouterr().err


def test_a_database_path_that_cannot_be_a_file_is_refused(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path), "today")
    assert code == 2 and "is a folder" in err
    missing = tmp_path / "no" / "such" / "p.db"
    code, _, err = run(capsys, "--db", str(missing), "today")
    assert code == 2 and "does not exist" in err
    assert not (tmp_path / "no").exists()


def test_a_newer_database_is_refused(tmp_path: Path, capsys) -> None:
    import sqlite3

    path = tmp_path / "future.db"
    sqlite3.connect(path).execute("PRAGMA user_version=99").connection.close()
    code, _, err = run(capsys, "--db", str(path), "today")
    assert code == 2 and "newer than this program" in err


def test_demo_uses_its_own_database_next_to_the_real_one(tmp_path: Path) -> None:
    real = tmp_path / "data" / "portfolio.db"
    env = {**os.environ, "PORTFOLIO_DB": str(real)}
    done = subprocess.run(
        [sys.executable, "-m", "portfolio_tui", "demo", "--accounts", "12"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert str(real.with_name("demo.db")) in done.stdout
    assert not real.exists()
    out = subprocess.run(
        [sys.executable, "-m", "portfolio_tui", "--demo", "today", "--format", "json"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert json.loads(out)["today"]
    assert not real.exists()
    again = subprocess.run(
        [sys.executable, "-m", "portfolio_tui", "demo", "--accounts", "12"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert again.returncode == 2 and "--force" in again.stderr


def test_python_dash_m_and_the_console_script_agree(tmp_path: Path) -> None:
    path = str(tmp_path / "p.db")
    done = subprocess.run([sys.executable, "-m", "portfolio_tui", "--db", path, "--help"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert "usage: portfolio" in done.stdout
    script = Path(sys.executable).with_name("portfolio")
    if script.exists():
        done = subprocess.run([str(script), "--db", path, "today"], capture_output=True,
                              text=True, check=True)  # fmt: skip
        assert done.stdout.startswith("Today, ")


def test_a_closed_pipe_ends_the_output_quietly(portfolio) -> None:
    command = (
        # Hundreds of kilobytes: more than a pipe holds, so the writer does meet the closed end.
        f"{sys.executable} -m portfolio_tui --db {portfolio.path} export csv sales | head -1"
    )
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True)
    assert done.stdout.count("\n") == 1
    assert done.stderr == ""
    assert done.returncode == 0
