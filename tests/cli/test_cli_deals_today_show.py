"""Issue 11: `today` lists the deals closing this week (or past their date) and the rotting
ones, as the Today screen does; `show ACCOUNT` lists the account's deals, open first, in its
text and in `--format json` (key "deals"). In English and French, on a real database."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.i18n import set_language

NBSP = "\u00a0"  # before € and %
NNBSP = "\u202f"  # between thousands


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _english_after() -> None:
    yield
    set_language("en")


@pytest.fixture
def db(tmp_path: Path, capsys, monkeypatch) -> Path:
    """Two accounts: Boulangerie with a deal closing today, one three days late, one in three
    months; Atelier with a proposal 60 days in its stage (rotting) and a lost deal."""
    monkeypatch.setenv("COLUMNS", "200")  # whole names and titles in the tables
    path = tmp_path / "p.db"
    base = ("--db", str(path))
    for args in (
        ("add", "account", "Boulangerie Martin", "--stage", "hot"),
        ("add", "account", "Atelier Dubois", "--stage", "client"),
        ("deal", "add", "Boulangerie", "Four à sole", "--amount", "12 000", "--close", "today"),
        ("deal", "add", "Boulangerie", "Pétrin", "--amount", "3000", "--close=-3d"),
        ("deal", "add", "Boulangerie", "Vitrine", "--amount", "5000", "--close", "+3m",
         "--stage", "proposal"),
    ):  # fmt: skip
        code, _, err = run(capsys, *base, *args)
        assert (code, err) == (0, "")
    created = (date.today() - timedelta(days=60)).isoformat()
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "account,title,amount,probability,stage,created,closed,lost_reason\n"
        f"Atelier Dubois,Maintenance,1500,,proposal,{created},,\n"
        f"Atelier Dubois,Ancien contrat,100,,lost,{created},{created},price\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, *base, "import", "deals", str(deals))
    assert (code, err) == (0, "")
    return path


def _section(out: str, heading: str) -> list[str]:
    """The table lines under `heading` (its header and rule included), to the blank line."""
    lines = out.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(heading))
    body = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        body.append(line)
    return body


def test_today_lists_the_deals_closing_and_rotting(db: Path, capsys) -> None:
    code, out, _ = run(capsys, "--db", str(db), "today")
    assert code == 0
    header, _rule, *closing = _section(out, "Deals closing (2)")
    assert header.split() == ["id", "close", "account", "title", "stage", "amount", "prob.", "days"]
    # The late one first (soonest close), marked; the one in three months is not there.
    assert "Pétrin" in closing[0] and " !" in closing[0] and "€3,000.00" in closing[0]
    assert "Four à sole" in closing[1] and "€12,000.00" in closing[1] and "10%" in closing[1]
    assert "Vitrine" not in out
    _header, _rule, rotting = _section(out, "Deals rotting (1)")
    assert "Atelier Dubois" in rotting and "Maintenance" in rotting
    assert rotting.split()[-2:] == ["30%", "60"] and "proposal" in rotting
    assert "Ancien contrat" not in out  # lost: neither closing nor rotting


def test_today_json_has_the_deals(db: Path, capsys) -> None:
    code, out, _ = run(capsys, "--db", str(db), "today", "--format", "json")
    agenda = json.loads(out)
    assert code == 0
    closing = agenda["deals_closing"]
    assert [d["title"] for d in closing] == ["Pétrin", "Four à sole"]
    assert closing[1]["amount"] == 1_200_000 and closing[1]["probability"] == 10
    assert closing[1]["expected_close"] == date.today().isoformat()
    [rotting] = agenda["deals_rotting"]
    assert (rotting["title"], rotting["account"], rotting["stage"]) == (
        "Maintenance",
        "Atelier Dubois",
        "proposal",
    )
    assert (rotting["days_in_stage"], rotting["rotting"], len(rotting["id"])) == (60, True, 36)


def test_today_without_deals_prints_no_deal_section(tmp_path: Path, capsys) -> None:
    base = ("--db", str(tmp_path / "e.db"))
    assert run(capsys, *base, "add", "account", "Seule SARL")[0] == 0
    code, out, _ = run(capsys, *base, "today")
    assert code == 0 and "Deals" not in out


def test_show_lists_the_accounts_deals_open_first(db: Path, capsys) -> None:
    code, out, _ = run(capsys, "--db", str(db), "show", "Boulangerie")
    assert code == 0
    header, _rule, *rows = _section(out, "Deals · 3 open")
    assert header.split() == ["id", "stage", "title", "amount", "prob.", "close", "days"]
    # Open deals by stage, then close date: the two qualifications (late one first), then
    # the proposal.
    assert [r.split()[1] for r in rows] == ["qualification", "qualification", "proposal"]
    assert "Pétrin" in rows[0] and "Four à sole" in rows[1] and "Vitrine" in rows[2]
    assert "€5,000.00" in rows[2] and "30%" in rows[2]
    assert out.index("Open follow-ups") < out.index("Deals · 3 open") < out.index("Timeline")
    code, out, _ = run(capsys, "--db", str(db), "show", "Atelier")
    header, _rule, *rows = _section(out, "Deals · 1 open")
    assert [r.split()[1] for r in rows] == ["proposal", "lost"]
    assert rows[0].split()[-2:] == ["60", "rotting"]
    assert "(Price)" in rows[1] and "Ancien contrat" in rows[1]


def test_show_of_an_account_without_deals_says_so(db: Path, capsys) -> None:
    base = ("--db", str(db))
    assert run(capsys, *base, "add", "account", "Neuve SAS")[0] == 0
    code, out, _ = run(capsys, *base, "show", "Neuve")
    assert code == 0
    assert _section(out, "Deals · 0 open") == ["  nothing"]


def test_show_json_has_the_deals(db: Path, capsys) -> None:
    code, out, _ = run(capsys, "--db", str(db), "show", "Atelier", "--format", "json")
    card = json.loads(out)
    assert code == 0 and card["account"]["name"] == "Atelier Dubois"
    deals = card["deals"]
    assert [(d["title"], d["stage"]) for d in deals] == [
        ("Maintenance", "proposal"),
        ("Ancien contrat", "lost"),
    ]
    assert deals[0]["amount"] == 150_000 and deals[0]["probability"] == 30
    assert deals[0]["rotting"] is True and deals[1]["lost_reason"] == "price"
    assert deals[1]["closed"] == (date.today() - timedelta(days=60)).isoformat()


def test_today_and_show_deals_in_french(db: Path, capsys) -> None:
    base = ("--lang", "fr", "--db", str(db))
    code, out, _ = run(capsys, *base, "today")
    assert code == 0
    header, _rule, *closing = _section(out, "Affaires à conclure (2)")
    assert header.split() == [
        "id", "clôture", "compte", "titre", "étape", "montant", "prob.", "jours",
    ]  # fmt: skip
    assert f"12{NNBSP}000,00{NBSP}€" in closing[1] and f"10{NBSP}%" in closing[1]
    [_h, _r, rotting] = _section(out, "Affaires enlisées (1)")
    assert "proposition" in rotting
    code, out, _ = run(capsys, *base, "show", "Atelier")
    _h, _r, *rows = _section(out, "Affaires · 1 en cours")
    assert rows[0].split()[-3:] == ["60", "en", "souffrance"] and "perdue (Prix)" in rows[1]
    french = run(capsys, *base, "show", "Atelier", "--format", "json")
    english = run(capsys, "--lang", "en", "--db", str(db), "show", "Atelier", "--format", "json")
    assert french == english
