"""`portfolio report activity` and `portfolio stage --at`, on a portfolio built by hand.

The week of Monday 16 to Friday 20 November 2026: Warm (warm) call 16, Cold (cold) call 17 and
email 19, Hot (hot) visit 18; Cold moved to warm on the 18th at 10:00 (`stage --at`).
Quantity 4 → 10 × 4/15 = 2.67 → 2.7. Priority at as_of: Warm, Hot, and Cold (warm since the
18th): 4/4 → 10. Results: Cold's move on the 18th follows its call of the 17th: 1/4 = 0.25 →
10. Index 2.7 × 10 × 10 = 270.0, lever quantity, what_if 1000.0, gain 1000/270 − 1 = 2.704.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portfolio_tui.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, capsys) -> Path:
    path = tmp_path / "p.db"
    base = ("--db", str(path))
    for args in (
        ("add", "account", "Warm", "--stage", "warm"),
        ("add", "account", "Cold", "--stage", "cold"),
        ("add", "account", "Hot", "--stage", "hot"),
        ("log", "call", "Warm", "first call", "--at", "2026-11-16 09:00"),
        ("log", "call", "Cold", "first call", "--at", "2026-11-17 09:00"),
        ("log", "visit", "Hot", "a visit", "--at", "2026-11-18 15:00"),
        ("log", "email", "Cold", "the quote", "--at", "2026-11-19 11:00"),
        ("log", "note", "Hot", "a note", "--at", "2026-11-19 12:00"),
    ):
        assert run(capsys, *base, *args)[0] == 0, args
    code, out, _ = run(capsys, *base, "stage", "Cold", "warm", "--at", "2026-11-18 10:00")
    assert (code, out.strip()) == (0, "cold → warm")
    return path


def test_report_activity_json_by_hand(db: Path, capsys) -> None:
    code, out, err = run(capsys, "--db", str(db), "report", "activity", "--as-of", "2026-11-20",
                         "--format", "json")  # fmt: skip
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "period": {"start": "2026-11-16", "end": "2026-11-20"},
        "quantity": {"value": 4, "target": 15, "score": 2.7},
        "orientation": {"value": 1.0, "target": 0.6, "score": 10.0},
        "efficiency": {"value": 0.25, "target": 0.25, "score": 10.0},
        "index": 270.0,
        "lever": "quantity",
        "what_if": 1000.0,
        "gain": 2.704,
        "on_time_rate": None,
        "overdue": 0,
        "a_clients_in_cadence": None,
    }


def test_report_activity_table(db: Path, capsys) -> None:
    code, out, _ = run(capsys, "--db", str(db), "report", "activity", "--as-of", "20/11/2026")
    assert code == 0
    assert out.startswith("Activity 2026-11-16 to 2026-11-20\n")
    assert "270.0" in out and "lever        quantity: more contacts" in out
    assert "gain 270.4%" in out


def test_month_and_quarter_periods(db: Path, capsys) -> None:
    base = ("--db", str(db), "report", "activity", "--as-of", "2026-11-20", "--format", "json")
    month = json.loads(run(capsys, *base, "--period", "month")[1])
    assert month["period"] == {"start": "2026-11-01", "end": "2026-11-20"}
    assert month["quantity"] == {"value": 4, "target": 60, "score": 0.7}
    quarter = json.loads(run(capsys, *base, "--period", "quarter")[1])
    assert quarter["period"]["start"] == "2026-10-01"
    assert quarter["quantity"]["target"] == 180


def test_bad_input_exits_2(db: Path, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--db", str(db), "report", "activity", "--period", "year"])
    assert caught.value.code == 2 and "invalid choice" in capsys.readouterr().err
    code, _, err = run(capsys, "--db", str(db), "stage", "Hot", "client", "--at", "someday")
    assert code == 2 and err.count("\n") == 1
