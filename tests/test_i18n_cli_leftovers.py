"""English that used to show in the French command line and on French screens: metavars, the
help of review, segment, activity and clv, errors (amounts, windows, field names, ambiguous
accounts, stages), the demo's row counts, window and risk labels, timeline dates, Textual's own
key labels. Real parser, real database; English checked unchanged where it matters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.i18n import gettext, set_language
from portfolio_tui.i18n.terms import risk_label, table_rows, window_label
from portfolio_tui.service.views import TimelineEntry
from portfolio_tui.tui.bindings import TEXTUAL_DESCRIPTIONS
from portfolio_tui.tui.widgets.timeline import when_text

NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def french_system(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    yield
    set_language("en")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit:
        code = int(exit.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "p.db"
    assert run(capsys, "--db", str(path), "add", "account", "Boulangerie Roux")[0] == 0
    assert run(capsys, "--db", str(path), "add", "account", "Boulangerie Martin")[0] == 0
    return path


def test_help_metavars_in_french_commands_kept(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "log", "--help")[1]
    assert "--outcome RÉSULTAT" in out and "--follow-up DATE_EN_MOTS" in out
    assert " compte " in out and "OUTCOME" not in out and "PHRASE" not in out
    out = run(capsys, "add", "--help")[1]
    assert "QUOI" in out and "account " in out  # the command keeps its name
    out = run(capsys, "review", "--help")[1]
    assert "-o FICHIER, --output FICHIER" in out and "the weekly" not in out
    for command in ("segment", "report clv", "report activity"):
        out = run(capsys, *command.split(), "--help")[1]
        assert "the " not in out, command
    out = run(capsys, "deals", "--help")[1]
    assert "the account" not in out and "le compte" in out
    out = run(capsys, "deal", "add", "--help")[1]
    assert "a date phrase" not in out and "lundi prochain" in out


def test_help_metavars_keep_their_english(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "--lang", "en", "log", "--help")[1]
    assert "--outcome OUTCOME" in out and "--follow-up PHRASE" in out


def test_errors_in_french(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ("--db", str(db))
    err = run(capsys, *base, "deal", "add", "Boulangerie Roux", "Pain", "--amount", "douze")[2]
    assert f"montant illisible «{NNBSP}douze{NNBSP}»" in err and "amount" not in err
    err = run(capsys, *base, "log", "call", "Boulangerie", "Bonjour")[2]
    assert f"compte «{NNBSP}Boulangerie{NNBSP}» est ambigu" in err
    err = run(capsys, *base, "log", "call", "Boulangerie Roux", " ")[2]
    assert f"résumé{NNBSP}: ne doit pas être vide" in err
    err = run(capsys, *base, "edit", "account", "Boulangerie Roux", "--nps-score", "11")[2]
    assert f"note NPS{NNBSP}: 11 n’est pas entre 0 et 10" in err
    err = run(capsys, *base, "report", "clients", "--window", "0m")[2]
    assert "fenêtre inconnue '0m'" in err
    err = run(capsys, *base, "stage", "Boulangerie Roux", "suspect")[2]
    assert "Boulangerie Roux est déjà suspect" in err


def test_the_demo_counts_its_rows_in_french(tmp_path: Path, capsys) -> None:
    out = run(capsys, "--db", str(tmp_path / "d.db"), "demo", "--accounts", "2", "--years", "1")[1]
    assert " comptes, " in out and " ventes" in out and "sale" not in out
    set_language("en")
    assert table_rows("sale", 12) == "12 sale"  # English names the tables as before


def test_window_risk_and_timeline_dates_in_french() -> None:
    set_language("fr")
    assert window_label("12m") == f"12{NBSP}mois" and window_label("all") == "tout"
    assert risk_label("low") == "faible" and risk_label("unknown") == "unknown"
    call = TimelineEntry(datetime(2026, 12, 1, 14, 30), "call", "Point")
    assert when_text(call) == "01/12/2026 14:30"
    assert when_text(TimelineEntry(datetime(2026, 12, 1, 12), "sale", "Pain")) == "01/12/2026"
    assert gettext("Scroll Left") == "Défiler à gauche"
    assert all(gettext(text) != text for text in TEXTUAL_DESCRIPTIONS)
    set_language("en")
    assert window_label("12m") == "12m" and risk_label("low") == "low"
    assert when_text(call) == "2026-12-01 14:30"


def test_the_settings_file_is_commented_in_french(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PORTFOLIO_CONFIG", str(tmp_path / "config.toml"))
    assert run(capsys, "config", "init")[0] == 0
    text = (tmp_path / "config.toml").read_text(encoding="utf-8")
    assert text.startswith("# Réglages de portfolio-tui.") and "# Alertes.\n" in text
    assert "Every key" not in text and "# [activity]" in text


def test_sale_amounts_and_deal_figures_in_french(db: Path, capsys) -> None:
    from portfolio_tui.domain.settings import Settings
    from portfolio_tui.service.account_card import shown_sale_detail

    base = ("--db", str(db))
    run(capsys, *base, "deal", "add", "Boulangerie Roux", "Four", "--amount", "12000")
    out = run(capsys, *base, "report", "pipeline")[1]
    assert f"12{NNBSP}000,00{NBSP}€" in out and "€" not in out.replace(f"{NBSP}€", "")
    assert "qualification→proposition" in out or "conversion" in out
    set_language("fr")
    shown = shown_sale_detail("€3,382.18 · Formation", Settings())
    assert shown == f"3{NNBSP}382,18{NBSP}€ · Formation"
    set_language("en")
    assert shown_sale_detail("€3,382.18 · Formation", Settings()) == "€3,382.18 · Formation"


def test_import_refusals_and_sync_tables_in_french(db: Path, tmp_path: Path, capsys) -> None:
    from portfolio_tui.i18n.terms import table_name

    sheet = tmp_path / "comptes.csv"
    sheet.write_text("name,stage\nBoulangerie Neuve,frozen\n", encoding="utf-8")
    err = run(capsys, "--db", str(db), "import", "accounts", str(sheet))[2]
    assert f"1 ligne refusée{NNBSP}; rien n’a été importé" in err
    assert "n’est pas une valeur connue pour étape" in err and "is not" not in err
    set_language("fr")
    assert table_name("stagechange") == "changement d’étape"
    set_language("en")
    assert table_name("stagechange") == "stagechange"


def test_the_review_says_kinds_and_stages_in_french(db: Path, capsys) -> None:
    base = ("--db", str(db))
    assert run(capsys, *base, "log", "call", "Boulangerie Roux", "Bonjour")[0] == 0
    assert run(capsys, *base, "stage", "Boulangerie Roux", "cold")[0] == 0
    out = run(capsys, *base, "review", "week")[1]
    assert "| appel | 1 |" in out and "| froid |" in out and "call" not in out
