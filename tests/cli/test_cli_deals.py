"""The deal commands as scripts use them: `deal add|edit|stage|won|lost|next`, `deals`,
`report pipeline`, `report whitespace`, `import deals`, `export csv deals`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.cli.deals import WHITESPACE_CSV_COLUMNS

PIPELINE_KEYS = [
    "as_of", "period", "open", "forecast", "overdue", "undated", "won", "lost", "win_rate",
    "average_won_amount", "average_cycle_days", "velocity_per_day", "qualified",
    "seed_velocity", "lost_reasons", "conversion",
]  # fmt: skip


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, capsys) -> Path:
    path = tmp_path / "p.db"
    for args in (
        ("add", "account", "Boulangerie Martin", "--stage", "hot", "--city", "Lyon"),
        ("add", "account", "Atelier Dubois", "--stage", "client"),
    ):
        assert run(capsys, "--db", str(path), *args)[0] == 0
    return path


def add_deal(capsys, db: Path, *args: str) -> str:
    code, out, err = run(capsys, "--db", str(db), "deal", "add", *args)
    assert (code, err) == (0, "")
    return out.strip()


def test_add_edit_move_win_and_list_deals(db: Path, capsys) -> None:
    base = ("--db", str(db))
    deal_id = add_deal(capsys, db, "Boulangerie", "Four à sole", "--amount", "12 000 €",
                       "--close", "2027-03-31", "--family", "Fours")  # fmt: skip
    assert len(deal_id) == 36
    code, out, _ = run(capsys, *base, "deal", "edit", deal_id[:8], "--probability", "40",
                       "--title", "Four à sole 2 portes")  # fmt: skip
    assert code == 0
    assert out.splitlines() == ["title: Four à sole → Four à sole 2 portes", "probability: — → 40"]
    assert run(capsys, *base, "deal", "edit", deal_id, "--probability", "40")[1] == (
        "nothing changed\n"
    )
    code, out, _ = run(capsys, *base, "deal", "stage", deal_id, "négociation")
    assert (code, out) == (0, "Four à sole 2 portes: qualification → negotiation\n")
    code, out, _ = run(capsys, *base, "deals", "--format", "json")
    [shown] = json.loads(out)
    assert (shown["id"], shown["amount"], shown["probability"], shown["stage"]) == (
        deal_id,
        1_200_000,
        40,
        "negotiation",
    )
    assert (shown["expected_close"], shown["family"], shown["account"]) == (
        "2027-03-31",
        "Fours",
        "Boulangerie Martin",
    )
    code, out, _ = run(capsys, *base, "deal", "won", deal_id)
    assert code == 0
    assert out.splitlines() == [
        "Four à sole 2 portes: negotiation → won",
        "Boulangerie Martin is now a client",
        "record the sale of €12,000.00 when it is invoiced",
    ]
    assert len(run(capsys, *base, "deals")[1].strip().splitlines()) == 2  # no open deal left
    code, out, _ = run(capsys, *base, "deals", "--closed", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["id"], r["stage"], r["amount"]) for r in rows] == [(deal_id, "won", "12000.00")]


def test_lose_needs_a_known_reason_and_errors_exit_2(db: Path, capsys) -> None:
    base = ("--db", str(db))
    deal_id = add_deal(capsys, db, "Atelier", "Contrat", "--amount", "900")
    code, out, err = run(capsys, *base, "deal", "lost", deal_id, "--reason", "bad luck")
    assert (code, out) == (2, "") and err.startswith("portfolio: error: ")
    assert "price, competitor" in err and err.count("\n") == 1
    code, out, _ = run(capsys, *base, "deal", "lost", deal_id, "--reason", "Concurrent")
    assert (code, out) == (0, "Contrat: qualification → lost\n")
    for args in (
        ("deal", "won", "nope"),
        ("deal", "add", "Atelier", "X", "--amount", "douze"),
        ("deal", "add", "Nobody", "X", "--amount", "12"),
        ("deal", "add", "Atelier", "X", "--amount", "12", "--stage", "won"),
    ):
        code, out, err = run(capsys, *base, *args)
        assert (code, out) == (2, ""), args
        assert err.startswith("portfolio: error: ") and err.count("\n") == 1, args
    for args in (
        ("deal", "add", "Atelier", "X", "--amount", "12", "--probability", "120"),
        ("deals", "--open", "--all"),
    ):
        with pytest.raises(SystemExit) as caught:
            main(["--db", str(db), *args])
        assert caught.value.code == 2, args
        assert capsys.readouterr().err.strip(), args


def test_a_next_action_and_the_deal_list_table(db: Path, capsys) -> None:
    base = ("--db", str(db))
    deal_id = add_deal(capsys, db, "Atelier", "Extension", "--amount", "2500", "--stage",
                       "proposal")  # fmt: skip
    code, out, _ = run(capsys, *base, "deal", "next", deal_id, "Relancer le devis", "--due", "+2d")
    assert code == 0 and len(out.strip()) == 36
    code, out, _ = run(capsys, *base, "deals", "--account", "Atelier", "--format", "json")
    [shown] = json.loads(out)
    assert shown["next_action"]["title"] == "Relancer le devis"
    code, out, _ = run(capsys, *base, "deals", "--all")
    header, line = out.strip().splitlines()[0], out.strip().splitlines()[2]
    assert header.split() == ["id", "account", "title", "stage", "amount", "prob.", "close", "days"]
    assert line.startswith(deal_id[:8]) and "Atelier Dubois" in line and "€2,500.00" in line
    assert "30%" in line


def test_report_pipeline_json_has_the_contract_keys(db: Path, capsys) -> None:
    base = ("--db", str(db))
    add_deal(capsys, db, "Atelier", "A", "--amount", "1000", "--stage", "proposal")
    add_deal(capsys, db, "Atelier", "B", "--amount", "500", "--probability", "50")
    code, out, _ = run(capsys, *base, "report", "pipeline", "--format", "json", "--period",
                       "quarter")  # fmt: skip
    figures = json.loads(out)
    assert code == 0 and list(figures) == PIPELINE_KEYS
    # 1000.00 × 30 % + 500.00 × 50 % = 550.00
    assert figures["open"] == {"count": 2, "amount": 150_000, "weighted": 55_000}
    assert figures["undated"] == {"count": 2, "amount": 150_000}
    assert len(figures["forecast"]) == 6 and figures["win_rate"] is None
    code, out, _ = run(capsys, *base, "report", "pipeline")
    assert code == 0 and "open: 2 deals, €1,500.00, weighted €550.00" in out
    with pytest.raises(SystemExit) as caught:
        main([*base, "report", "pipeline", "--as-of", "someday"])
    assert caught.value.code == 2 and "someday" in capsys.readouterr().err


SALES = """account,date,amount,product,family
A,{d},1000.00,P1,Pétrins
A,{d},500.00,F1,Fours
B,{d},3000.00,P2,Pétrins
B,{d},700.00,F1,Fours
C,{d},2000.00,P1,Pétrins
D,{d},900.00,F1,Fours
"""


def test_report_whitespace_csv_is_the_contract(tmp_path: Path, capsys) -> None:
    base = ("--db", str(tmp_path / "w.db"))
    for name in "ABCD":
        assert run(capsys, *base, "add", "account", name, "--stage", "client", "--sector",
                   "Boulangerie")[0] == 0  # fmt: skip
    from datetime import date, timedelta

    sales = tmp_path / "sales.csv"
    sales.write_text(SALES.format(d=(date.today() - timedelta(days=30)).isoformat()))
    assert run(capsys, *base, "import", "sales", str(sales))[0] == 0
    code, out, _ = run(capsys, *base, "report", "whitespace", "--format", "csv")
    lines = out.splitlines()
    assert code == 0 and lines[0] == ",".join(WHITESPACE_CSV_COLUMNS)
    assert [line.split(",")[1:] for line in lines[1:]] == [
        ["D", "Boulangerie", "Pétrins", "3", "3", "1.0000", "2000.00"],
        ["C", "Boulangerie", "Fours", "3", "3", "1.0000", "700.00"],
    ]
    code, out, _ = run(capsys, *base, "report", "whitespace", "--format", "json", "--by", "abc")
    assert code == 0 and isinstance(json.loads(out), list)
    assert run(capsys, *base, "report", "whitespace", "--by", "colour")[0] == 2


def test_import_and_export_deals(db: Path, tmp_path: Path, capsys) -> None:
    base = ("--db", str(db))
    path = tmp_path / "affaires.csv"
    path.write_text(
        "Compte;Intitulé;Montant;Étape;Clôture prévue\n"
        "Atelier Dubois;Contrat maintenance;4 800,00 €;proposition;31/01/2027\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, *base, "import", "deals", str(path), "--dry-run")
    assert code == 0 and "1 would be inserted" in out
    assert run(capsys, *base, "import", "deals", str(path))[0] == 0
    code, out, _ = run(capsys, *base, "export", "csv", "deals")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["account"], r["title"], r["amount"], r["stage"], r["expected_close"])
            for r in rows] == [
        ("Atelier Dubois", "Contrat maintenance", "4800.00", "proposal", "2027-01-31")
    ]  # fmt: skip
