"""`portfolio report clv` and the churn keys of `report kpis`, as scripts use them."""

from __future__ import annotations

import csv
import io
import json
import random
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.cli.churn import CLV_CSV_COLUMNS
from portfolio_tui.store import bulk
from portfolio_tui.store.database import Database

AS_OF = "2026-11-22"
BOOKKEEPING = ("id", "created_at", "updated_at", "device_id", "clocks")
STAMPS = ("2020-01-01 00:00:00.000000", "2020-01-01 00:00:00.000000", "device", "{}")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write_book(path: Path, clients: int, seed: int = 5) -> None:
    """`clients` accounts ordering every few weeks until they stop, over three years."""
    rng = random.Random(seed)
    today = date.fromisoformat(AS_OF)
    accounts, sales = [], []
    for n in range(clients):
        account_id = f"acc-{n:03d}"
        accounts.append((account_id, *STAMPS, f"Client {n:03d}", "client", "", "", "{}"))
        day = today - timedelta(days=rng.randint(30, 1000))
        while day <= today:
            sales.append((str(uuid.uuid4()), *STAMPS, account_id, day.isoformat(), 10_000, None))
            if rng.random() < 0.15:
                break
            day += timedelta(days=rng.randint(7, 90))
    db = Database(path)
    try:
        with db.raw() as conn, conn:
            bulk.insert_rows(
                conn,
                "account",
                (*BOOKKEEPING, "name", "stage", "tags", "notes", "custom_fields"),
                accounts,
            )
            bulk.insert_rows(
                conn, "sale", (*BOOKKEEPING, "account_id", "sold_on", "amount", "order_ref"), sales
            )
    finally:
        db.dispose()


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    write_book(path, 60)
    return path


def test_clv_csv_has_the_contract_columns_and_precision(book: Path, capsys) -> None:
    code, out, err = run(
        capsys, "--db", str(book), "report", "clv", "--as-of", AS_OF, "--format", "csv"
    )
    assert code == 0 and err == ""
    rows = list(csv.reader(io.StringIO(out)))
    assert (
        tuple(rows[0])
        == CLV_CSV_COLUMNS
        == (
            "account_id",
            "name",
            "orders",
            "repeat_orders",
            "recency_weeks",
            "age_weeks",
            "p_alive",
            "expected_orders_90d",
        )
    )
    assert len(rows) == 61
    for row in rows[1:]:
        assert len(row[4].split(".")[1]) == 4 and len(row[5].split(".")[1]) == 4
        assert len(row[6].split(".")[1]) == 6 and len(row[7].split(".")[1]) == 6
        assert 0 < float(row[6]) <= 1
        assert int(row[3]) == int(row[2]) - 1
        if row[3] == "0":
            assert row[6] == "1.000000"


def test_clv_json_carries_the_fit(book: Path, capsys) -> None:
    code, out, _ = run(
        capsys,
        "--db",
        str(book),
        "report",
        "clv",
        "--as-of",
        AS_OF,
        "--penalizer",
        "0.05",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0 and data["as_of"] == AS_OF and data["penalizer"] == 0.05
    assert set(data["params"]) == {"r", "alpha", "a", "b"} and data["reason"] is None
    assert isinstance(data["log_likelihood"], float) and len(data["clients"]) == 60
    assert set(data["clients"][0]) == set(
        (
            "account_id",
            "name",
            "orders",
            "repeat_orders",
            "recency_weeks",
            "age_weeks",
            "p_alive",
            "expected_orders_90d",
        )
    )


def test_the_table_names_the_parameters(book: Path, capsys) -> None:
    code, out, _ = run(capsys, "--db", str(book), "report", "clv", "--as-of", AS_OF)
    assert code == 0 and out.startswith(f"BG/NBD at {AS_OF}: r=")
    assert "Client 0" in out and "P(alive)" in out


def test_a_book_too_small_says_so_in_one_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "small.db"
    write_book(path, 5)
    base = ("--db", str(path), "report", "clv", "--as-of", AS_OF)
    code, out, err = run(capsys, *base)
    assert code == 0 and err == "" and out.count("\n") == 1
    assert out.startswith(f"No P(alive) at {AS_OF}: fewer than 20 clients with a repeat order")
    code, out, err = run(capsys, *base, "--format", "csv")
    assert code == 0 and out == "" and err.startswith("No P(alive)")
    code, out, _ = run(capsys, *base, "--format", "json")
    data = json.loads(out)
    assert data["params"] is None and data["reason"] == "too_few_repeat_clients"
    assert data["log_likelihood"] is None and data["penalizer"] == 0.01  # the default
    assert all(c["p_alive"] is None for c in data["clients"])


def test_a_bad_penalizer_is_an_argument_error(book: Path, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--db", str(book), "report", "clv", "--penalizer", "-1"])
    assert caught.value.code == 2


def test_kpis_json_has_the_churn_keys(book: Path, capsys) -> None:
    code, out, _ = run(
        capsys, "--db", str(book), "report", "kpis", "--as-of", AS_OF, "--format", "json"
    )
    data = json.loads(out)
    assert code == 0 and isinstance(data["weighted_churn_risk"], int)
    assert len(data["churn_risk_top"]) == 10
    assert set(data["churn_risk_top"][0]) == {"account_id", "name", "risk", "share"}
    assert set(data["projection"]) == {"churn_rate", "new_per_year", "loss_in_four_years", "years"}
    assert len(data["projection"]["years"]) == 4


def test_kpis_table_ends_with_the_risk_and_the_projection(book: Path, capsys) -> None:
    code, out, _ = run(capsys, "--db", str(book), "report", "kpis", "--as-of", AS_OF)
    assert code == 0
    risk_at = out.index("Weighted churn risk (last 12 months): ")
    assert out.index("The book in four years: without prospecting, −") > risk_at
    assert "without new" in out.splitlines()[-6]  # the header of the four years
