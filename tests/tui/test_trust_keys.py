"""Keys typed ahead land where aimed; escape asks before losing typing; past and future dates
are confirmed inline (issue 8, points 2 to 5). Every test checks the database afterwards."""

from __future__ import annotations

from routine_helpers import SIZE, build_app, press, select_row, settle

from portfolio_tui.tui.modals.confirm import ConfirmModal
from portfolio_tui.tui.modals.forms import DoneForm, LogForm, SnoozeForm
from portfolio_tui.tui.screens.account import AccountScreen
from portfolio_tui.tui.screens.today import TodayScreen

from conftest import FIXED_NOW, open_portfolio


def _first_overdue(path):
    with open_portfolio(path) as pf:
        return pf.reports.agenda().overdue[0]


async def test_keys_typed_right_after_d_land_in_the_outcome(demo_db_path):
    item = _first_overdue(demo_db_path)
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_row(pilot, f"fu:{item.follow_up_id}")
        await pilot.press("d", *"sans suite")  # one burst: no pause for the form to open
        await settle(pilot)
        form = app.screen
        assert isinstance(form, DoneForm)
        assert form.text("outcome") == "sans suite"
        assert not any(isinstance(s, SnoozeForm) for s in app.screen_stack)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TodayScreen)
    with open_portfolio(demo_db_path) as pf:
        card = pf.reports.account_card(item.account_id)
        done = next(f for f in card.done_follow_ups if f.follow_up_id == item.follow_up_id)
        assert done.outcome == "sans suite"


async def test_escape_on_a_typed_form_asks_and_an_untouched_one_closes(demo_db_path):
    item = _first_overdue(demo_db_path)
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_row(pilot, f"fu:{item.follow_up_id}")
        await press(pilot, "l")
        assert isinstance(app.screen, LogForm)
        await press(pilot, "escape")
        assert isinstance(app.screen, TodayScreen)  # nothing typed: closed at once
        await press(pilot, "l")
        await pilot.press(*"Called, wants a quote")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmModal)
        await press(pilot, "n")  # keep it
        assert isinstance(app.screen, LogForm)
        assert app.screen.text("summary") == "Called, wants a quote"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TodayScreen)
        await press(pilot, "l")
        await pilot.press(*"lost")
        await press(pilot, "escape")
        await press(pilot, "y")  # discard
        assert isinstance(app.screen, TodayScreen)
    with open_portfolio(demo_db_path) as pf:
        texts = [e.text for e in pf.reports.account_card(item.account_id).timeline]
        assert "Called, wants a quote" in texts
        assert "lost" not in texts


async def test_a_past_snooze_is_refused_with_its_date_then_confirmed(demo_db_path):
    item = _first_overdue(demo_db_path)
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_row(pilot, f"fu:{item.follow_up_id}")
        await press(pilot, "s")
        form = app.screen
        assert isinstance(form, SnoozeForm)
        form.query_one("#f-until").value = "-3d"
        await press(pilot, "ctrl+s")
        assert app.screen is form  # refused inline
        error = str(form.query_one("#form-error").render())
        assert "Fri 20 Nov 2026" in error and "past" in error
        with open_portfolio(demo_db_path) as pf:
            assert pf.reports.account_card(item.account_id).open_follow_ups[0].due_on == (
                item.due_on
            )
        await press(pilot, "ctrl+s")  # the same again: confirmed
        assert isinstance(app.screen, TodayScreen)
    with open_portfolio(demo_db_path) as pf:
        dues = {f.follow_up_id: f.due_on for f in pf.reports.account_card(item.account_id)
                .open_follow_ups}  # fmt: skip
        assert dues[item.follow_up_id].isoformat() == "2026-11-20"


async def test_a_future_interaction_is_refused_then_confirmed(demo_db_path):
    item = _first_overdue(demo_db_path)
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_row(pilot, f"fu:{item.follow_up_id}")
        await press(pilot, "l")
        form = app.screen
        assert isinstance(form, LogForm)
        await pilot.press(*"Planned call")
        form.query_one("#f-at").value = "tomorrow 15:00"
        await press(pilot, "ctrl+s")
        assert app.screen is form
        assert "future" in str(form.query_one("#form-error").render())
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TodayScreen)
    with open_portfolio(demo_db_path) as pf:
        entry = next(e for e in pf.reports.account_card(item.account_id).timeline
                     if e.text == "Planned call")  # fmt: skip
        assert entry.at.date().isoformat() == "2026-11-24" and entry.at > FIXED_NOW


async def test_four_quick_stage_moves_make_four_and_six_undos_undo_six(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        account_id = next(c.account_id for c in pf.reports.pipeline() if c.stage == "suspect")
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_account(account_id)
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        await pilot.press(">", ">", ">")  # suspect → cold → warm → hot, in one burst
        await settle(pilot)
        with open_portfolio(demo_db_path) as pf:
            assert pf.resolve_account(account_id).stage == "hot"
        await pilot.press("<", "<", "<", "ctrl+z", "ctrl+z", "ctrl+z", "ctrl+z", "ctrl+z")
        await settle(pilot)
        with open_portfolio(demo_db_path) as pf:
            assert pf.resolve_account(account_id).stage == "cold"
