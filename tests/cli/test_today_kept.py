"""`portfolio today` prints what it printed before when nothing changed, read back whole (it
neither reads the agenda back nor lays out its rows again), and prints it fresh after any
write, at another terminal width, in another language or format: always what the agenda
computed from scratch prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.i18n import set_language
from portfolio_tui.service.reports import ReportCases

from conftest import open_portfolio


@pytest.fixture(autouse=True)
def _english_after() -> None:
    yield
    set_language("en")


def today(capsys, db: Path, *args: str, lang: str = "en") -> str:
    code = main(["--lang", lang, "--db", str(db), "today", *args])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return out


def from_scratch(capsys, db: Path, *args: str, lang: str = "en") -> str:
    """What `today` prints with nothing kept: the cache file gone, every value computed."""
    with open_portfolio(db) as pf:
        pf.core.cache_file.path.unlink(missing_ok=True)
    return today(capsys, db, *args, lang=lang)


def never_rendered(monkeypatch) -> None:
    """The output must come back whole: neither the agenda nor its text is made again."""
    monkeypatch.setattr(ReportCases, "agenda", lambda self: pytest.fail("agenda read again"))


def test_unchanged_book_prints_the_same_text_without_reading_the_agenda(
    demo_db_path, capsys, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "100")
    first = today(capsys, demo_db_path)
    assert "Overdue" in first
    with monkeypatch.context() as patched:
        never_rendered(patched)
        assert today(capsys, demo_db_path) == first
    as_json = today(capsys, demo_db_path, "--format", "json")  # its own text, computed
    assert json.loads(as_json)["overdue"]
    with monkeypatch.context() as patched:
        never_rendered(patched)
        assert today(capsys, demo_db_path, "--format", "json") == as_json
        assert today(capsys, demo_db_path) == first  # both kept


def test_a_write_prints_the_fresh_agenda(demo_db_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    before = json.loads(today(capsys, demo_db_path, "--format", "json"))
    follow_up = before["overdue"][0]["follow_up_id"]
    code = main(["--db", str(demo_db_path), "done", follow_up, "--outcome", "fait"])
    assert code == 0
    capsys.readouterr()
    after = today(capsys, demo_db_path, "--format", "json")
    assert follow_up not in after
    assert after == from_scratch(capsys, demo_db_path, "--format", "json")
    text = today(capsys, demo_db_path)
    assert follow_up[:8] not in text
    assert text == from_scratch(capsys, demo_db_path)


def test_each_width_and_language_has_its_own_text(demo_db_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    wide = today(capsys, demo_db_path)
    monkeypatch.setenv("COLUMNS", "70")
    narrow = today(capsys, demo_db_path)
    assert narrow != wide  # names and titles cut to the width
    assert narrow == from_scratch(capsys, demo_db_path)
    french = today(capsys, demo_db_path, lang="fr")
    assert "En retard" in french and "Overdue" not in french
    assert french == from_scratch(capsys, demo_db_path, lang="fr")
    assert today(capsys, demo_db_path) == narrow
