"""`portfolio segment save|list|delete` and `--segment` on the reports and exports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from portfolio_tui.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def base(tmp_path: Path, capsys) -> tuple[str, ...]:
    base = ("--db", str(tmp_path / "p.db"))
    for args in (
        ("add", "account", "Maçonnerie Roux", "--stage", "client", "--sector", "BTP",
         "--city", "Lyon"),
        ("add", "account", "Charpente Blanc", "--stage", "client", "--sector", "btp",
         "--city", "lyon"),
        ("add", "account", "Carrelage Petit", "--stage", "client", "--sector", "BTP",
         "--city", "Paris"),
        ("add", "contact", "Maçonnerie", "Marc Roux", "--email", "marc@roux.fr"),
        ("add", "contact", "Charpente", "Chloé Blanc"),
        ("add", "contact", "Carrelage", "Paul Petit"),
    ):  # fmt: skip
        assert run(capsys, *base, *args)[0] == 0, args
    return base


def test_save_list_delete(base, capsys) -> None:
    code, out, _ = run(capsys, *base, "segment", "save", "BTP Lyon à risque", "sector=BTP",
                       "and", "city=Lyon")  # fmt: skip
    assert (code, out.strip()) == (0, "saved BTP Lyon à risque: sector = BTP and city = Lyon "
                                      "(2 accounts)")  # fmt: skip
    code, out, _ = run(capsys, *base, "segment", "list", "--format", "json")
    assert json.loads(out) == [
        {"name": "BTP Lyon à risque", "filter": "sector = BTP and city = Lyon", "accounts": 2}
    ]
    code, out, _ = run(capsys, *base, "segment", "list")
    assert out == "BTP Lyon à risque      2  sector = BTP and city = Lyon\n"
    assert run(capsys, *base, "segment", "delete", "btp lyon a risque")[1] == (
        "deleted BTP Lyon à risque\n"
    )
    assert json.loads(run(capsys, *base, "segment", "list", "--format", "json")[1]) == []


def test_bad_terms_exit_2_naming_them(base, capsys) -> None:
    code, _, err = run(capsys, *base, "segment", "save", "x", "colour=red")
    assert code == 2 and "unknown field 'colour'" in err and err.count("\n") == 1
    code, _, err = run(capsys, *base, "segment", "save", "x", "stage=hotter")
    assert code == 2 and "unknown stage 'hotter'" in err
    code, _, err = run(capsys, *base, "segment", "delete", "nope")
    assert code == 2 and "no segment named 'nope'" in err


def test_segment_on_reports_and_exports(base, tmp_path: Path, capsys) -> None:
    assert run(capsys, *base, "segment", "save", "BTP Lyon", "sector=BTP and city=Lyon")[0] == 0
    code, out, _ = run(capsys, *base, "report", "clients", "--segment", "BTP Lyon", "--format",
                       "json")  # fmt: skip
    assert code == 0
    assert sorted(r["name"] for r in json.loads(out)) == ["Charpente Blanc", "Maçonnerie Roux"]
    code, out, _ = run(capsys, *base, "report", "kpis", "--segment", "BTP Lyon", "--format",
                       "json")  # fmt: skip
    assert code == 0 and json.loads(out)["funnel"]["stage_counts"]["client"] == 2
    vcf = tmp_path / "btp.vcf"
    assert run(capsys, *base, "export", "vcf", "--segment", "BTP Lyon", "-o", str(vcf))[0] == 0
    text = vcf.read_text(encoding="utf-8")
    assert text.count("BEGIN:VCARD") == 2 and "Paul Petit" not in text
    target = tmp_path / "accounts.csv"
    code, _, _ = run(capsys, *base, "export", "csv", "accounts", "--segment", "BTP Lyon", "-o",
                     str(target))  # fmt: skip
    with target.open(encoding="utf-8", newline="") as handle:
        names = sorted(row["name"] for row in csv.DictReader(handle))
    assert (code, names) == (0, ["Charpente Blanc", "Maçonnerie Roux"])
    code, _, err = run(capsys, *base, "export", "vcf", "--segment", "Nope")
    assert code == 2 and "no segment named" in err
