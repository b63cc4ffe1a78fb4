"""Today after a save (issue 8): the cursor behaves the same after done, snooze and undo
(point 11: at its place in the list, on the next row; after undo on the row restored), the
row changed shows its new state in the frame the form closes, before the reload (point 26),
and the When column has one date style (point 24). On the seeded demo, checked against the
database and the service's agenda."""

from __future__ import annotations

import re

from analysis_helpers import rows_of
from held_reloads import hold_reloads
from routine_helpers import (
    SIZE,
    build_app,
    press,
    record_deal_cells,
    settle,
    today_screen,
    type_text,
)

from portfolio_tui.tui.modals.forms import DoneForm, SnoozeForm
from portfolio_tui.tui.screens.today import TodayScreen
from portfolio_tui.tui.widgets.agenda_table import GroupHeading, agenda_groups, row_key

from conftest import open_portfolio

OVERDUE_SERIES = "Plomberie Dupont"  # its "Quarterly check-in" repeats, overdue on 16 Nov


def _keys(screen: TodayScreen) -> list[str]:
    return [row_key(r) for r in screen.table.items if not isinstance(r, GroupHeading)]


def _cursor(screen: TodayScreen) -> tuple[int, str | None]:
    return screen.table.cursor_row, screen.selected_key()


async def _on_row(pilot, screen: TodayScreen, index: int) -> str:
    """The cursor on the row at line `index`; returns its key."""
    screen.table.cursor_row = index
    await pilot.pause()
    key = screen.selected_key()
    assert key is not None and key.startswith("fu:")
    return key


def _next_key(screen: TodayScreen) -> str:
    rows = screen.table.items
    index = screen.table.cursor_row + 1
    while isinstance(rows[index], GroupHeading):
        index += 1
    return row_key(rows[index])


async def _done(pilot, next_due: str = "+2d") -> None:
    """Done with the row under the cursor, the next one in two days (in the agenda)."""
    await press(pilot, "d")
    assert isinstance(pilot.app.screen, DoneForm)
    pilot.app.screen.query_one("#f-next_due").value = next_due
    await press(pilot, "enter")


async def _snooze(pilot, phrase: str = "+3d") -> None:
    await press(pilot, "s")
    assert isinstance(pilot.app.screen, SnoozeForm)
    await type_text(pilot, phrase)
    await press(pilot, "enter")


# --- 11: the cursor after done, snooze and undo -------------------------------------------------


async def test_after_done_the_cursor_stays_in_place_on_the_next_row(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = today_screen(app)
        done = await _on_row(pilot, screen, 3)
        after = _next_key(screen)
        await _done(pilot)
        assert app.screen is screen
        assert done not in _keys(screen)
        assert _cursor(screen) == (3, after)


async def test_after_done_on_a_series_the_cursor_stays_in_place_not_on_the_series(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = today_screen(app)
        index = next(i for i, r in enumerate(screen.table.items) if getattr(r, "recurring", False))
        series = await _on_row(pilot, screen, index)
        after = _next_key(screen)
        await _done(pilot)
        assert screen.table.index_of(series) != index  # moved on to its next occurrence
        assert _cursor(screen) == (index, after)
    (row,) = rows_of(demo_db_path, "SELECT done_at, due_on FROM followup WHERE id = ?", series[3:])
    assert row[0] is None and row[1] > "2026-11-23"  # one series, still open, later


async def test_after_snooze_the_cursor_stays_in_place_on_the_next_row(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = today_screen(app)
        snoozed = await _on_row(pilot, screen, 2)
        after = _next_key(screen)
        await _snooze(pilot, "+3d")
        assert snoozed in _keys(screen)  # now in the next 7 days
        assert screen.table.index_of(snoozed) > 2
        assert _cursor(screen) == (2, after)


async def test_undo_puts_the_cursor_on_the_row_it_brings_back(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = today_screen(app)
        # Done, then undo: the follow-up is back at its place, and the cursor on it.
        done = await _on_row(pilot, screen, 4)
        await _done(pilot)
        await press(pilot, "ctrl+z")
        assert _cursor(screen) == (4, done)
        # Snooze, then undo: the same.
        snoozed = await _on_row(pilot, screen, 2)
        await _snooze(pilot, "+2d")
        assert screen.selected_key() != snoozed
        await press(pilot, "ctrl+z")
        assert _cursor(screen) == (2, snoozed)
        # Two actions, two undos: the cursor on the first row acted on, both back.
        first = await _on_row(pilot, screen, 1)
        await _done(pilot)
        second = screen.selected_key()
        await _snooze(pilot, "+4d")
        await press(pilot, "ctrl+z")
        assert screen.selected_key() == second
        await press(pilot, "ctrl+z")
        assert _cursor(screen) == (1, first)
        shown = _keys(screen)
    with open_portfolio(demo_db_path) as pf:
        keys = [row_key(i) for _, items in agenda_groups(pf.reports.agenda()) for i in items]
    assert keys == shown  # all undone: the agenda as it was


# --- 26: the row changed shows its new state before the reload ----------------------------------


async def _until_closed(pilot, screen: TodayScreen) -> None:
    """Wait for the form's save and the form gone, not for the (held) reload."""
    app = pilot.app
    for _ in range(100):
        saving = [w for w in app.workers if w.group == "form-save"]
        if saving:  # (an empty list would wait for every worker, the held reload too)
            await app.workers.wait_for_complete(saving)
        await pilot.pause()
        if app.screen is screen:
            return
    raise AssertionError("the form did not close")


async def test_done_shows_the_row_gone_before_the_reload(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = today_screen(app)
        done = await _on_row(pilot, screen, 1)
        after = _next_key(screen)
        account = screen.selected_item().account_id
        loads = screen.loads
        await press(pilot, "d")
        gate = hold_reloads(screen)
        await pilot.press("enter")
        await _until_closed(pilot, screen)
        assert screen.loads == loads and screen.load_pending  # the reload is held
        assert done not in _keys(screen)
        assert _cursor(screen) == (1, after)
        # The account was contacted just now: its rows say so.
        rows = [r for r in screen.table.items if getattr(r, "account_id", None) == account]
        assert all(r.days_since_contact == 0 for r in rows)
        patched = _keys(screen)
        gate.set()
        await settle(pilot)
        assert screen.loads == loads + 1
        assert _keys(screen) == patched  # the reload agrees with what was shown at once


async def test_snooze_shows_the_new_date_before_the_reload(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = today_screen(app)
        snoozed = await _on_row(pilot, screen, 1)
        await press(pilot, "s")
        await type_text(pilot, "+2d")
        gate = hold_reloads(screen)
        await pilot.press("enter")
        await _until_closed(pilot, screen)
        assert screen.load_pending
        item = screen.table.items[screen.table.index_of(snoozed)]
        assert str(item.due_on) == "2026-11-25"
        assert screen.table.index_of(snoozed) > screen.table.index_of("group:Next 7 days")
        patched = _keys(screen)
        gate.set()
        await settle(pilot)
        assert _keys(screen) == patched


async def test_a_reload_begun_before_a_save_never_shows_the_old_rows(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = today_screen(app)
        done = await _on_row(pilot, screen, 1)
        await press(pilot, "d")
        gate = hold_reloads(screen, read_first=True)
        screen.refresh_data()  # a reload reading the agenda before the save: held
        for _ in range(100):
            await pilot.pause()
            if screen._refresher.running:
                break
        assert screen._refresher.running
        await pilot.press("enter")
        await _until_closed(pilot, screen)
        shown = []
        screen.show = lambda agenda, show=screen.show: (shown.append(agenda), show(agenda))
        gate.set()
        await settle(pilot)
        assert shown, "the reload after the save was shown"
        for agenda in shown:
            assert done not in [row_key(i) for _, items in agenda.groups for i in items]
        assert done not in _keys(screen)


# --- 24: one date style in the When column -------------------------------------------------------

DAY = r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
WHEN = re.compile(rf"^{DAY}( \d{{4}})?( \d\d:\d\d)?$")


async def test_the_when_column_has_one_date_style(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = today_screen(app)
        whens = [
            screen.table.cells(r)[0].plain
            for r in screen.table.items
            if getattr(r, "due_on", None) is not None
        ]
        assert len(whens) > 20
        assert [w for w in whens if not WHEN.match(w)] == []
        # The Account screen's follow-ups say their day the same way.
        await press(pilot, "enter")
        table = app.screen.query_one("#follow-ups")
        dues = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
        assert dues and [d for d in dues if not WHEN.match(d)] == []


async def test_a_call_logged_on_a_client_at_risk_clears_its_row_before_the_reload(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = today_screen(app)
        (risk,) = [k for k in (row_key(r) for r in screen.table.items) if k.startswith("risk:")]
        assert screen.table.move_cursor_to(risk)
        await pilot.pause()
        await press(pilot, "l")
        await type_text(pilot, "Point sur les commandes")
        gate = hold_reloads(screen)
        await pilot.press("ctrl+s")
        await _until_closed(pilot, screen)
        assert screen.load_pending and risk not in _keys(screen)
        gate.set()
        await settle(pilot)
        assert risk not in _keys(screen)  # the reload agrees: the alert is cleared


async def test_a_follow_up_planned_for_an_account_due_for_contact_clears_its_row_at_once(
    demo_db_path,
):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = today_screen(app)
        due = next(k for k in _keys(screen) if k.startswith("acct:"))
        assert screen.table.move_cursor_to(due)
        await pilot.pause()
        await press(pilot, "n")
        gate = hold_reloads(screen)
        await pilot.press("ctrl+s")  # the title and the date proposed from the cadence
        await _until_closed(pilot, screen)
        assert screen.load_pending and due not in _keys(screen)
        gate.set()
        await settle(pilot)
        assert due not in _keys(screen)
        (planned,) = rows_of(
            demo_db_path,
            "SELECT count(*) FROM followup WHERE account_id = ? AND done_at IS NULL",
            due[5:],
        )
        assert planned[0] == 1


async def test_a_row_acted_on_again_is_not_taken_for_one_an_undo_brought_back(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = today_screen(app)
        snoozed = await _on_row(pilot, screen, 1)  # due Wed 11 Nov
        await _snooze(pilot, "+2d")
        assert screen.table.move_cursor_to(snoozed)
        await pilot.pause()
        after = _next_key(screen)
        # Snoozed back to the day it had (in the past: saved once confirmed), not undone.
        await press(pilot, "s")
        await type_text(pilot, "-12d")
        await press(pilot, "enter")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        assert str(screen.table.items[screen.table.index_of(snoozed)].due_on) == "2026-11-11"
        assert screen.selected_key() == after  # the rule of snooze, not the rule of undo


async def test_a_snooze_leaves_the_deals_section_as_it_is(demo_db_path, monkeypatch):
    """The deals a snooze cannot change are not built again (thousands of rows on a large
    book cost seconds): the section's rows are the very same before and after the patch, and
    no cell of theirs is made again."""
    from portfolio_tui.tui.widgets.today_deals import TodayDeals

    made = record_deal_cells(monkeypatch)
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = today_screen(app)
        deals = screen.query_one(TodayDeals)
        assert deals.row_count and made  # the rows on screen drawn
        rows, made[:] = deals.items, []
        await _on_row(pilot, screen, 1)
        await press(pilot, "s")
        await type_text(pilot, "+2d")
        gate = hold_reloads(screen)
        await pilot.press("enter")
        await _until_closed(pilot, screen)
        assert screen.load_pending
        assert deals.items is rows and made == []
        gate.set()
        await settle(pilot)
        assert deals.items is rows and made == []  # the reload brought the same deals
