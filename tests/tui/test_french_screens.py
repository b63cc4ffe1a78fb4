"""In French, every screen (1-6), its help, the main modals and the palette show no English text
of the catalogue: the demo is written in French, and each English msgid whose French differs
(more than 3 letters, not a proper noun) must not appear as a whole word on screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from french_helpers import (
    SIZE,
    english_left,
    french_app,
    french_demo_copy,
    screen_lines,
    speaking_french_then_english,
)
from routine_helpers import press, select_row, settle
from textual.containers import VerticalScroll

from conftest import open_portfolio


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    with speaking_french_then_english():
        yield


@pytest.fixture
def french_demo_db_path(tmp_path: Path) -> Path:
    return french_demo_copy(tmp_path)


# The segment modal shows the quick filters as segment terms, a grammar of English keys
# (`abc = A and stage = suspect`) that the rep types in the CLI too.
SEGMENT_TERMS = frozenset({"stage"})
# The column-mapping hint names the app's field keys, which the mapping reads as typed.
FIELD_KEYS = frozenset({"account"})


async def _look(pilot, seen: dict[str, list[str]], name: str, allowed=frozenset()) -> None:
    await settle(pilot)
    seen[name] = english_left(screen_lines(pilot.app), allowed)


async def _modal(pilot, seen: dict[str, list[str]], name: str, *keys: str) -> None:
    """Open a modal with `keys`, look at it, close it with escape."""
    await press(pilot, *keys)
    await _look(pilot, seen, name)
    await press(pilot, "escape")


def _assert_french(seen: dict[str, list[str]]) -> None:
    assert seen, "nothing was looked at"
    left = {name: found for name, found in seen.items() if found}
    assert not left, "English left on screen:\n" + "\n".join(
        f"[{name}] {line}" for name, found in left.items() for line in found
    )


async def test_today_its_help_and_forms_speak_french(french_demo_db_path):
    with open_portfolio(french_demo_db_path) as pf:
        overdue = pf.reports.agenda().overdue[0]
    seen: dict[str, list[str]] = {}
    async with french_app(french_demo_db_path).run_test(size=SIZE) as pilot:
        await _look(pilot, seen, "today")
        await _modal(pilot, seen, "today help", "question_mark")
        for name, key in (("done", "d"), ("snooze", "s"), ("log", "l"), ("follow-up", "n")):
            await select_row(pilot, f"fu:{overdue.follow_up_id}")
            await _modal(pilot, seen, name, key)
        await _modal(pilot, seen, "palette", "ctrl+p")
    _assert_french(seen)


async def test_portfolio_and_saving_a_segment_speak_french(french_demo_db_path):
    seen: dict[str, list[str]] = {}
    async with french_app(french_demo_db_path).run_test(size=SIZE) as pilot:
        await press(pilot, "2")
        await _look(pilot, seen, "portfolio")
        await _modal(pilot, seen, "portfolio help", "question_mark")
        await press(pilot, "a", "t")  # quick filters: the status line names them
        await _look(pilot, seen, "portfolio filtered")
        await press(pilot, "ctrl+s")
        await _look(pilot, seen, "save segment", SEGMENT_TERMS)
        await press(pilot, "escape")
    _assert_french(seen)


async def test_account_and_its_forms_speak_french(french_demo_db_path):
    seen: dict[str, list[str]] = {}
    async with french_app(french_demo_db_path).run_test(size=SIZE) as pilot:
        await press(pilot, "3")
        await _look(pilot, seen, "account")
        await _modal(pilot, seen, "account help", "question_mark")
        forms = (("call", "c"), ("follow-up", "f"), ("edit", "E"), ("contact", "a"))
        for name, key in forms:
            await _modal(pilot, seen, name, key)
        await _modal(pilot, seen, "delete account", "D")
    _assert_french(seen)


async def test_pipeline_views_and_deals_speak_french(french_demo_db_path):
    seen: dict[str, list[str]] = {}
    async with french_app(french_demo_db_path).run_test(size=SIZE) as pilot:
        await press(pilot, "4")
        await _look(pilot, seen, "pipeline")
        await _modal(pilot, seen, "pipeline help", "question_mark")
        await _modal(pilot, seen, "confirm won", "right", "right", "greater_than_sign")
        await press(pilot, "m")
        await _look(pilot, seen, "potential × access")
        await press(pilot, "m", "d")
        await _look(pilot, seen, "deals board")
        await _modal(pilot, seen, "new deal", "n")
    _assert_french(seen)


async def test_dashboard_top_to_bottom_speaks_french(french_demo_db_path):
    seen: dict[str, list[str]] = {}
    async with french_app(french_demo_db_path).run_test(size=SIZE) as pilot:
        await press(pilot, "5")
        await _look(pilot, seen, "dashboard")
        body = pilot.app.screen.query_one("#dashboard-body", VerticalScroll)
        page = 1
        while body.scroll_y < body.max_scroll_y and page < 12:
            body.scroll_to(y=body.scroll_y + body.size.height, animate=False)
            page += 1
            await _look(pilot, seen, f"dashboard page {page}")
        await _modal(pilot, seen, "dashboard help", "question_mark")
    _assert_french(seen)


async def test_import_export_speaks_french(french_demo_db_path):
    seen: dict[str, list[str]] = {}
    async with french_app(french_demo_db_path).run_test(size=SIZE) as pilot:
        await press(pilot, "6")
        await _look(pilot, seen, "import/export", FIELD_KEYS)
        await _modal(pilot, seen, "import/export help", "question_mark")
    _assert_french(seen)
