"""What a sync prints (issue 9, point 4): past a screenful, conflicts are summarised, and
`portfolio sync --all-conflicts` lists them all; stored text is shown safely."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.laptops import SharedTime, open_laptop
from portfolio_tui.cli import main
from portfolio_tui.service.sync_text import SHOWN_LINES, quote, summarised

CONFLICTS = 25


@pytest.fixture
def conflicting(tmp_path: Path) -> tuple[Path, Path]:
    """B's database and a bundle from A in which 25 accounts have another city."""
    time = SharedTime()
    a = open_laptop(tmp_path / "a.db", "aaaa", time.clock())
    b = open_laptop(tmp_path / "b.db", "bbbb", time.clock())
    accounts = [a.routine.add_account(f"Client {i:02}", city="Lyon") for i in range(CONFLICTS)]
    b.bundles.sync([a.bundles.export_bundle(tmp_path / "first.pfbundle").path])
    time.advance()
    for account in accounts:
        a.routine.edit_account(account, city="Annecy")
        b.routine.edit_account(account, city="Grenoble")
    bundle = a.bundles.export_bundle(tmp_path / "a.pfbundle").path
    a.close()
    b.close()
    return tmp_path / "b.db", bundle


def test_conflicts_past_a_screenful_are_summarised(conflicting, capsys) -> None:
    db, bundle = conflicting
    assert main(["--db", str(db), "sync", str(bundle)]) == 0
    out = capsys.readouterr().out
    assert f"conflicts resolved ({CONFLICTS}), the later edit kept:" in out
    assert out.count(" city: here ") == SHOWN_LINES
    rest = CONFLICTS - SHOWN_LINES
    assert f"    … and {rest} more; `portfolio sync --all-conflicts` lists them all\n" in out


def test_all_conflicts_lists_every_one(conflicting, capsys) -> None:
    db, bundle = conflicting
    assert main(["--db", str(db), "sync", "--all-conflicts", str(bundle)]) == 0
    out = capsys.readouterr().out
    assert out.count(" city: here ") == CONFLICTS
    assert "more;" not in out


def test_a_short_list_is_shown_whole() -> None:
    assert summarised([1, 2], str) == ["1", "2"]
    many = list(range(SHOWN_LINES + 3))
    assert summarised(many, str, hint="see all")[-1] == "    … and 3 more; see all"
    assert len(summarised(many, str, every=True)) == SHOWN_LINES + 3


def test_stored_text_is_shown_with_its_control_characters_visible() -> None:
    assert quote("Dupont\x1b]0;pwned\x07") == '"Dupont␛]0;pwned␇"'
