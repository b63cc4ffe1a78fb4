"""Snapshots of every screen in French at 120x36, on the seeded demo written in French (seed 7)
with the fixed clock and Paris time. Update with
`pytest tests/tui/test_snapshots_french.py --snapshot-update`, then look at the SVGs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from french_helpers import SIZE, french_app, french_demo_copy, speaking_french_then_english
from routine_helpers import press, settle
from textual.widgets import Input


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    with speaking_french_then_english():
        yield


@pytest.fixture
def french_demo_db_path(tmp_path: Path) -> Path:
    return french_demo_copy(tmp_path)


def _after(*keys: str):
    """A run_before: press `keys`, then stop the input cursors blinking (a stable picture)."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        await press(pilot, *keys)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await settle(pilot)

    return run_before


def _compare(snap_compare, db_path, *keys: str) -> bool:
    return snap_compare(french_app(db_path), terminal_size=SIZE, run_before=_after(*keys))


def test_today(snap_compare, french_demo_db_path):
    assert _compare(snap_compare, french_demo_db_path)


def test_help_on_today(snap_compare, french_demo_db_path):
    assert _compare(snap_compare, french_demo_db_path, "question_mark")


def test_done_form(snap_compare, french_demo_db_path):
    assert _compare(snap_compare, french_demo_db_path, "d")


def test_portfolio(snap_compare, french_demo_db_path):
    assert _compare(snap_compare, french_demo_db_path, "2")


def test_account(snap_compare, french_demo_db_path):
    assert _compare(snap_compare, french_demo_db_path, "3")


def test_pipeline(snap_compare, french_demo_db_path):
    assert _compare(snap_compare, french_demo_db_path, "4", "right", "down")


def test_pipeline_potential_access(snap_compare, french_demo_db_path):
    assert _compare(snap_compare, french_demo_db_path, "4", "m")


def test_dashboard(snap_compare, french_demo_db_path):
    assert _compare(snap_compare, french_demo_db_path, "5")


def test_import_export(snap_compare, french_demo_db_path):
    assert _compare(snap_compare, french_demo_db_path, "6")


def test_deals_board(snap_compare, french_demo_db_path):
    assert _compare(snap_compare, french_demo_db_path, "4", "d")
