"""The command line in French: the language chosen, help, errors and tables, and English kept."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from portfolio_tui.cli import choose_language, main
from portfolio_tui.cli.argparse_text import use_our_catalogue
from portfolio_tui.cli.parser import build_parser
from portfolio_tui.i18n import current_language, set_language

NNBSP = "\u202f"  # before : ; ! ? and inside « » (docs/glossary.md)
NBSP = "\u00a0"  # before € and %
FRENCH_USAGE = f"utilisation{NNBSP}: portfolio"
FRENCH_HELP_LINE = "afficher ce message d’aide et quitter"
FRENCH_MONEY = re.compile(rf"\d{{1,3}}(?:{NNBSP}\d{{3}})*,\d{{2}}{NBSP}€")
FRENCH_PERCENT = re.compile(rf"\d+,\d{NBSP}%")


@pytest.fixture(autouse=True)
def french_system(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A French machine; the language is process-wide, so it is English again after."""
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    yield
    set_language("en")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit:  # --help, and argparse's errors
        code = int(exit.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _parser_paths(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple]:
    yield path
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parser_paths(child, (*path, name))


def _config(language: str) -> None:
    from portfolio_tui import paths

    target = paths.config_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f'language = "{language}"\n', encoding="utf-8")


# --- which language ---------------------------------------------------------------------------


def test_the_system_locale_chooses_french(monkeypatch: pytest.MonkeyPatch) -> None:
    assert choose_language([]) == "fr"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert choose_language([]) == "en"
    monkeypatch.setenv("LC_MESSAGES", "fr_CA.UTF-8")  # before LANG
    assert choose_language([]) == "fr"
    monkeypatch.setenv("LC_ALL", "C")  # before everything
    assert choose_language([]) == "en"


def test_lang_option_and_setting_override_the_system(monkeypatch: pytest.MonkeyPatch) -> None:
    assert choose_language(["--lang", "en", "today"]) == "en"
    assert choose_language(["--lang=en"]) == "en"
    assert choose_language(["show", "--", "--lang", "en"]) == "fr"  # an argument, not the option
    _config("en")
    assert choose_language([]) == "en"
    assert choose_language(["--lang", "fr"]) == "fr"  # --lang beats the setting
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    _config("fr")
    assert choose_language([]) == "fr"
    _config("")  # empty: the system's
    assert choose_language([]) == "en"


def test_lang_en_gives_the_english_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--lang", "en", "--help")
    assert code == 0 and out.startswith("usage: portfolio")
    assert "show this help message and exit" in out and "utilisation" not in out


def test_the_setting_overrides_a_french_system(capsys: pytest.CaptureFixture[str]) -> None:
    _config("en")
    code, out, _ = run(capsys, "today", "--help")
    assert code == 0 and out.startswith("usage: portfolio today")


def test_a_broken_settings_file_still_gives_its_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _config('fr"\n[oops')  # not TOML
    code, out, err = run(capsys, "--db", str(tmp_path / "p.db"), "today")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"portfolio{NNBSP}: erreur{NNBSP}: ")
    assert "invalid TOML" in err  # the file's own error, in the system's language
    code, out, _ = run(capsys, "config", "path")  # the file can still be found to fix it
    assert code == 0 and out.strip().endswith("config.toml")


# --- help -------------------------------------------------------------------------------------


def test_root_help_is_french(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert out.startswith(FRENCH_USAGE)
    assert "Votre portefeuille clients, hors ligne, au clavier." in out
    assert f"arguments positionnels{NNBSP}:" in out and f"options{NNBSP}:" in out
    assert FRENCH_HELP_LINE in out
    assert "langue" in out and "planifier une relance" in out and "lister les affaires" in out


def _every_path() -> list[tuple[str, ...]]:
    use_our_catalogue()
    set_language("fr")
    try:
        return [path for path in _parser_paths(build_parser()) if path]
    finally:
        set_language("en")


@pytest.mark.parametrize("path", _every_path(), ids=" ".join)
def test_every_subcommand_help_is_french(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *path, "--help")
    assert code == 0
    assert out.startswith(f"{FRENCH_USAGE} {' '.join(path)}")
    assert FRENCH_HELP_LINE in out and "show this help" not in out


# The command families this task translated: each of their help texts differs from the English.
TRANSLATED_MODULES = {"accounts", "routine", "reports", "files", "sync", "setup"}
SAME_IN_BOTH = {"minutes", "abc", "id", "segment"}


def _translated_here(parser: argparse.ArgumentParser) -> bool:
    """A command of TRANSLATED_MODULES, or a group holding one."""
    handler = parser.get_default("handler")
    if handler is not None:
        module = getattr(handler, "run", handler).__module__
        return module.rsplit(".", 1)[-1] in TRANSLATED_MODULES
    return any(
        _translated_here(child)
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for child in action.choices.values()
    )


def _help_texts(language: str) -> dict[tuple[str, ...], list[str]]:
    use_our_catalogue()
    set_language(language)
    texts: dict[tuple[str, ...], list[str]] = {}

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        texts[path] = [parser.description or ""] + [a.help or "" for a in parser._actions]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    child = action.choices[choice.dest]
                    if _translated_here(child):
                        texts[path].append(choice.help or "")
                        walk(child, (*path, choice.dest))

    walk(build_parser(), ())
    set_language("en")
    return texts


def test_the_help_texts_of_the_translated_commands_all_change() -> None:
    english, french = _help_texts("en"), _help_texts("fr")
    untranslated = [
        (" ".join(path), text)
        for path, texts in english.items()
        for text, french_text in zip(texts, french[path], strict=True)
        if text and text == french_text and text not in SAME_IN_BOTH and "," not in text[:12]
    ]
    assert untranslated == [], "\n".join(map(str, untranslated))
    assert len(english) > 30  # the walk did reach the commands


# --- errors -----------------------------------------------------------------------------------


def test_unknown_account_is_a_french_error(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", str(demo_db_path), "show", "Nope")
    assert (code, out) == (2, "")
    assert err == (
        f"portfolio{NNBSP}: erreur{NNBSP}: aucun compte ne correspond à «{NNBSP}Nope{NNBSP}»\n"
    )


def test_bad_date_phrase_is_a_french_error(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = _first_account(demo_db_path, capsys)
    code, _, err = run(capsys, "--db", str(demo_db_path), "follow-up", name, "x", "--due", "bof")
    assert code == 2
    assert err == (
        f"portfolio{NNBSP}: erreur{NNBSP}: date illisible «{NNBSP}bof{NNBSP}» (essayez{NNBSP}: "
        "aujourd’hui, demain 9h, dans 3 jours, lundi prochain, 01/12/2026 14:30)\n"
    )


def test_argparse_errors_are_french(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "log")
    assert code == 2
    assert err.splitlines()[-1] == (
        f"portfolio log{NNBSP}: erreur{NNBSP}: les arguments suivants sont obligatoires{NNBSP}: "
        "kind, account, summary"
    )
    code, _, err = run(capsys, "report", "clients", "--by", "marge")
    assert code == 2 and f"choix invalide{NNBSP}: 'marge'" in err
    code, _, err = run(capsys, "--lang", "de")  # not a language we speak: English
    assert code == 2 and "invalid choice: 'de'" in err
    code, _, err = run(capsys, "today", "--bogus")
    assert code == 2 and f"arguments non reconnus{NNBSP}: --bogus" in err


# --- tables and formats -----------------------------------------------------------------------


def _first_account(db: Path, capsys: pytest.CaptureFixture[str]) -> str:
    import csv
    import io

    code, out, _ = run(capsys, "--db", str(db), "report", "clients", "--format", "csv")
    assert code == 0
    return next(csv.DictReader(io.StringIO(out)))["account_id"]


def test_client_table_is_french_with_french_amounts(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", str(demo_db_path), "report", "clients")
    assert code == 0
    header, _rule, *rows = out.splitlines()
    assert header.split() == ["compte", "étape", "CA", "abc", "rfm", "segment"]
    assert FRENCH_MONEY.search(out) and "€" not in header
    stages = {"suspect", "froid", "tiède", "chaud", "client", "perdu"}
    assert any(word in stages for row in rows for word in row.split())
    assert "warm" not in out.split() and "Champions" in out


def test_kpis_are_french_with_french_percentages(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", str(demo_db_path), "report", "kpis", "--as-of", "22/11/2026")
    assert code == 0
    assert out.startswith("Indicateurs du portefeuille, 2026 (au 2026-11-22)")
    assert FRENCH_PERCENT.search(out) and FRENCH_MONEY.search(out)
    for label in ("fidélisation", "nouveaux clients", "Entonnoir", "Couverture"):
        assert label in out


def test_machine_formats_are_the_same_in_both_languages(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("--db", str(demo_db_path))
    for args in (("report", "clients", "--format", "csv"), ("today", "--format", "json")):
        french = run(capsys, *base, *args)
        english = run(capsys, "--lang", "en", *base, *args)
        assert french == english and french[0] == 0


def test_french_stage_and_kind_names_are_read(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account = _first_account(demo_db_path, capsys)
    base = ("--db", str(demo_db_path))
    code, out, _ = run(capsys, *base, "stage", account, "chaud")
    assert code == 0 and out.strip().endswith("→ chaud")
    code, out, _ = run(capsys, *base, "stage", account, "Tiède")
    assert (code, out.strip()) == (0, "chaud → tiède")
    code, out, _ = run(capsys, *base, "log", "appel", account, "Point stock", "--force")
    assert code == 0 and out.startswith("appel noté avec ")
    code, out, _ = run(capsys, *base, "--lang", "en", "stage", account, "froid")
    assert (code, out.strip()) == (0, "warm → cold")


def test_english_system_speaks_todays_english(
    monkeypatch: pytest.MonkeyPatch, demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, out, _ = run(capsys, "--db", str(demo_db_path), "report", "clients")
    assert code == 0 and current_language() == "en"
    assert out.splitlines()[0].split() == ["account", "stage", "revenue", "abc", "rfm", "segment"]
    assert "€" in out and NNBSP not in out
    code, _, err = run(capsys, "--db", str(demo_db_path), "show", "Nope")
    assert (code, err) == (2, "portfolio: error: no account matches 'Nope'\n")
