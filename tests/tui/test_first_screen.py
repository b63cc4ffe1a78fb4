"""The first screen comes up fast: the app is built without the database layer (SQLAlchemy is
imported by the first load's worker), Today loads once at start-up, and its agenda table draws
only what is on screen while keeping group headings out of the cursor's way."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

from routine_helpers import SIZE, build_app, press, settle, today_screen
from textual.app import App, ComposeResult

from portfolio_tui.errors import DatabaseError
from portfolio_tui.service.views import Agenda, AgendaItem
from portfolio_tui.tui.screens.base import LoadingScreen
from portfolio_tui.tui.widgets.agenda_table import EMPTY, AgendaTable, GroupHeading, row_key

TODAY = date(2026, 11, 23)


def test_the_app_is_built_and_first_painted_without_the_database_layer(tmp_path):
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from portfolio_tui.tui.app import make_app\n"
        "from portfolio_tui.domain.settings import Settings\n"
        f"app = make_app(Path({str(tmp_path / 'p.db')!r}), settings=Settings())\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'portfolio_tui.service.facade',\n"
        "                     'portfolio_tui.service.core',\n"
        "                     'portfolio_tui.store') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert not (tmp_path / "p.db").exists(), "the database is opened by the first load, not here"


async def test_today_loads_once_at_start_up_and_not_again_on_an_unchanged_book(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        today = today_screen(app)
        assert today.loads == 1  # mount and Textual's two resumes made one load
        assert today.agenda is not None and today.table.row_count > 0
        await press(pilot, "2")
        await press(pilot, "1")
        # Nothing was written: the agenda shown is current (tests/tui/test_resume_unchanged.py
        # has the showings that read again).
        assert today_screen(app).loads == 1 and today.resumes_unchanged == 1


async def test_every_data_screen_loads_once_when_first_shown(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in "2345":
            await press(pilot, key)
            screen = app.screen
            assert isinstance(screen, LoadingScreen) and screen.loaded, key
            assert screen.loads == 1, f"{type(screen).__name__} loaded {screen.loads} times"
        await press(pilot, "1")
        assert today_screen(app).loads == 1 and today_screen(app).resumes_unchanged == 1


async def test_a_file_that_is_not_a_portfolio_closes_the_app_with_the_reason(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("not a database, just notes\n" * 100)
    app = build_app(bad)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(50):
            if not app.is_running:
                break
            await pilot.pause(0.05)
    assert app.return_code == 1
    assert isinstance(app.open_error, DatabaseError)
    assert "not a portfolio database" in str(app.open_error)
    assert bad.read_text().startswith("not a database")  # untouched


# --- the agenda table on its own ------------------------------------------------------------


def _item(n: int, due_on: date | None) -> AgendaItem:
    return AgendaItem(
        account_id=f"a{n}",
        account_name=f"Account {n}",
        stage="warm",
        abc=None,
        rfm=None,
        title=f"Call {n}",
        due_on=due_on,
        due_at=None,
        days_since_contact=n,
        follow_up_id=f"f{n}" if due_on else None,
    )


def _agenda(overdue: int, upcoming: int, due: int) -> Agenda:
    return Agenda(
        TODAY,
        [_item(n, TODAY - timedelta(days=1)) for n in range(overdue)],
        [],
        [_item(1000 + n, TODAY + timedelta(days=2)) for n in range(upcoming)],
        [_item(2000 + n, None) for n in range(due)],
    )


class AgendaApp(App):
    def compose(self) -> ComposeResult:
        yield AgendaTable(id="agenda")


def _line(table: AgendaTable, y: int) -> str:
    return table.render_line(y).text


async def test_a_big_agenda_draws_only_the_lines_on_screen_and_keeps_headings_out_of_reach():
    app = AgendaApp()
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(AgendaTable)
        table.show(_agenda(3000, 3000, 4000), keep_cursor_on=None)
        await pilot.pause()
        assert table.row_count == 10_003  # three headings
        assert isinstance(table.items[0], GroupHeading)
        assert table.cursor_row == 1, "the cursor starts on the first follow-up, not its heading"
        assert "Overdue" in _line(table, 1) and "3000" in _line(table, 1)
        assert "Account 0" in _line(table, 2)
        # Only the lines drawn were rendered.
        assert len(table._cells) <= 40

        await pilot.press("up", "home")
        assert table.cursor_row == 1
        # Down over the "Next 7 days" heading (row 3001) lands on its first row, and back up
        # on the last overdue one.
        table.cursor_row = 3000
        await pilot.press("down")
        assert table.cursor_row == 3002
        await pilot.press("up")
        assert table.cursor_row == 3000
        await pilot.press("end")
        assert table.cursor_row == 10_002
        assert "Account 5999" in _line(table, table.size.height - 1)
        assert len(table._cells) <= 80


async def test_after_a_reload_the_cursor_keeps_its_row_or_its_line():
    app = AgendaApp()
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(AgendaTable)
        agenda = _agenda(3, 2, 2)
        table.show(agenda, keep_cursor_on=None)
        await pilot.pause()
        assert table.move_cursor_to("fu:f1")
        # The row is still there (somewhere else): the cursor follows it.
        table.show(_agenda(5, 2, 2), keep_cursor_on="fu:f1")
        assert row_key(table.cursor_item) == "fu:f1"
        # The last overdue row is done: the cursor stays on its line, which is now a heading,
        # so it steps on to the next row.
        table.move_cursor_to("fu:f4")
        smaller = _agenda(4, 2, 2)
        table.show(smaller, keep_cursor_on="fu:f4")
        assert row_key(table.cursor_item) == "fu:f1000"
        table.show(Agenda(TODAY, [], [], [], []), keep_cursor_on="fu:f1000")
        await pilot.pause()
        assert table.cursor_item is None
        assert EMPTY in _line(table, 1)
