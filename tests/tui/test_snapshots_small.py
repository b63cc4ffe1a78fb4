"""Snapshots of every screen at 80×24 (issue 8, point 22), in English and in French, on the
seeded demo with the fixed clock and Paris time: what a rep sees on a small terminal, with
the Dashboard's panels and the help's lists stacked. Update with
`pytest tests/tui/test_snapshots_small.py --snapshot-update`, then look at the SVGs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from analysis_helpers import analysis_app
from french_helpers import french_app, french_demo_copy, speaking_french_then_english
from routine_helpers import press, settle
from textual.widgets import Input

SMALL = (80, 24)
SCREENS = {
    "today": (),
    "help": ("question_mark",),
    "portfolio": ("2",),
    "account": ("3",),
    "pipeline": ("4",),
    "deals_board": ("4", "d"),
    "dashboard": ("5",),
    "import_export": ("6",),
}


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    with speaking_french_then_english():
        yield


def _after(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await press(pilot, *keys)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("screen", list(SCREENS))
def test_english(snap_compare, demo_db_path: Path, screen: str) -> None:
    app = analysis_app(demo_db_path)
    assert snap_compare(app, terminal_size=SMALL, run_before=_after(*SCREENS[screen]))


@pytest.mark.parametrize("screen", list(SCREENS))
def test_french(snap_compare, tmp_path: Path, screen: str) -> None:
    app = french_app(french_demo_copy(tmp_path))
    assert snap_compare(app, terminal_size=SMALL, run_before=_after(*SCREENS[screen]))
