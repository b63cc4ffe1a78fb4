"""Snapshots of Today, Account, Help and every modal form at 120x36 on the seeded demo
portfolio (seed 7) with the fixed clock. `pytest --snapshot-update` rewrites them; look at the
report before committing."""

from __future__ import annotations

from routine_helpers import SIZE, build_app, press, select_row, settle
from textual.widgets import Input

from conftest import open_portfolio


def _navigate(demo_db_path, *keys: str, on: str = "overdue", account: bool = False, typed=()):
    """A run_before: select the first row of the `on` agenda group (or open its account),
    press `keys`, type `typed` (text for the focused input), and stop the input cursors
    blinking so the picture is stable."""
    with open_portfolio(demo_db_path) as pf:
        item = getattr(pf.reports.agenda(), on)[0]

    async def run_before(pilot) -> None:
        await settle(pilot)
        if account:
            pilot.app.open_account(item.account_id)
            await settle(pilot)
        else:
            key = f"fu:{item.follow_up_id}" if item.follow_up_id else f"acct:{item.account_id}"
            await select_row(pilot, key)
        await press(pilot, *keys)
        for text in typed:
            focused = pilot.app.screen.focused
            assert isinstance(focused, Input)
            focused.value = text
            await press(pilot, "tab")
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await settle(pilot)

    return run_before


def _compare(snap_compare, demo_db_path, run_before) -> bool:
    return snap_compare(build_app(demo_db_path), terminal_size=SIZE, run_before=run_before)


def test_today(snap_compare, demo_db_path):
    assert _compare(snap_compare, demo_db_path, _navigate(demo_db_path))


def test_account(snap_compare, demo_db_path):
    assert _compare(snap_compare, demo_db_path, _navigate(demo_db_path, account=True))


def test_best_account(snap_compare, demo_db_path):
    assert _compare(snap_compare, demo_db_path, _navigate(demo_db_path, "3"))


def test_help_on_today(snap_compare, demo_db_path):
    assert _compare(snap_compare, demo_db_path, _navigate(demo_db_path, "question_mark"))


def test_help_on_account(snap_compare, demo_db_path):
    run_before = _navigate(demo_db_path, "question_mark", account=True)
    assert _compare(snap_compare, demo_db_path, run_before)


def test_done_form(snap_compare, demo_db_path):
    run_before = _navigate(demo_db_path, "d", typed=["Wants a quote"])
    assert _compare(snap_compare, demo_db_path, run_before)


def test_snooze_form_with_an_error(snap_compare, demo_db_path):
    run_before = _navigate(demo_db_path, "s", typed=["next blursday"])
    assert _compare(snap_compare, demo_db_path, run_before)


def test_log_form(snap_compare, demo_db_path):
    run_before = _navigate(demo_db_path, "c", account=True)
    assert _compare(snap_compare, demo_db_path, run_before)


def test_follow_up_form(snap_compare, demo_db_path):
    run_before = _navigate(demo_db_path, "n", on="due_for_contact")
    assert _compare(snap_compare, demo_db_path, run_before)


def test_edit_account_form_with_an_error(snap_compare, demo_db_path):
    run_before = _navigate(demo_db_path, "E", account=True)

    async def then_a_bad_value(pilot) -> None:
        await run_before(pilot)
        pilot.app.screen.query_one("#f-accessibility", Input).value = "9"
        await press(pilot, "ctrl+s")

    assert _compare(snap_compare, demo_db_path, then_a_bad_value)


def test_add_contact_form(snap_compare, demo_db_path):
    run_before = _navigate(demo_db_path, "a", account=True)
    assert _compare(snap_compare, demo_db_path, run_before)
