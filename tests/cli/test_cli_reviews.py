"""`portfolio review`: the documents carry the numbers `report activity` and `report kpis`
print, HTML to a .html file, Markdown elsewhere or on standard output."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from portfolio_tui.cli import main

AS_OF = "2026-11-20"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def figures(html: str) -> dict[str, str]:
    root = ET.fromstring(html.split("\n", 1)[1])  # well formed, the doctype line aside
    return {tr.get("data-key", ""): tr.get("data-value", "") for tr in root.iter("tr")
            if tr.get("data-key")}  # fmt: skip


@pytest.fixture
def base(demo_db_path: Path) -> tuple[str, ...]:
    return ("--db", str(demo_db_path))


def test_week_html_matches_report_activity(base, tmp_path: Path, capsys) -> None:
    target = tmp_path / "semaine.html"
    code, out, _ = run(capsys, *base, "review", "week", "--as-of", AS_OF, "-o", str(target))
    assert (code, out.strip()) == (0, f"wrote {target}")
    html = target.read_text(encoding="utf-8")
    shown = figures(html)
    activity = json.loads(run(capsys, *base, "report", "activity", "--as-of", AS_OF,
                              "--format", "json")[1])  # fmt: skip
    assert float(shown["activity.index"]) == activity["index"]
    assert shown["activity.lever"] == activity["lever"]
    assert int(shown["activity.overdue"]) == activity["overdue"]
    assert html.count("<svg") == 2  # the scores, the interactions by kind


def test_month_html_matches_report_kpis(base, tmp_path: Path, capsys) -> None:
    target = tmp_path / "mois.html"
    assert run(capsys, *base, "review", "month", "--as-of", AS_OF, "-o", str(target))[0] == 0
    shown = figures(target.read_text(encoding="utf-8"))
    kpis = json.loads(run(capsys, *base, "report", "kpis", "--as-of", AS_OF, "--period", "month",
                          "--format", "json")[1])  # fmt: skip
    assert int(shown["kpis_month.revenue_now"]) == kpis["revenue_now"]
    assert int(shown["kpis_month.active_now"]) == kpis["active_now"]


def test_markdown_on_stdout_and_to_a_file(base, tmp_path: Path, capsys) -> None:
    code, out, _ = run(capsys, *base, "review", "quarter", "--as-of", AS_OF)
    assert code == 0 and out.startswith("# Quarterly account review\n")
    assert "## ABC and Pareto" in out and "<svg" not in out
    target = tmp_path / "trimestre.md"
    assert run(capsys, *base, "review", "quarter", "--as-of", AS_OF, "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8") == out


def test_with_a_segment(base, capsys) -> None:
    assert run(capsys, *base, "segment", "save", "Clients A", "abc=A")[0] == 0
    code, out, _ = run(capsys, *base, "review", "week", "--as-of", AS_OF, "--segment", "clients a")
    assert code == 0 and "segment clients a" in out


def test_errors_exit_2(base, tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, *base, "review", "week", "--segment", "Nope")
    assert code == 2 and "no segment named 'Nope'" in err and err.count("\n") == 1
    with pytest.raises(SystemExit) as caught:
        main([*base, "review", "year"])
    assert caught.value.code == 2
    capsys.readouterr()
    code, _, err = run(capsys, *base, "review", "week", "-o", str(tmp_path / "no" / "x.html"))
    assert code == 2 and "does not exist" in err
