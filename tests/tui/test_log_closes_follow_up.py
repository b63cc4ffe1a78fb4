"""The log form closes a follow-up due and plans the next one (issue 8, point 17): a call,
meeting or visit logged on an account with an open follow-up due today or before offers, in
the same form, to close it (the one the cursor was on, else the most overdue) and to plan the
next: one save, one undo step. On the seeded demo; every test reads the database."""

from __future__ import annotations

from analysis_helpers import rows_of
from routine_helpers import SIZE, build_app, press, settle, today_screen, type_text
from textual.widgets import Select

from portfolio_tui.tui.modals.forms import LogForm
from portfolio_tui.tui.screens.account import AccountScreen

from conftest import open_portfolio

OPEN = "SELECT id, title, due_on FROM followup WHERE account_id = ? AND done_at IS NULL "
OPEN += "AND deleted_at IS NULL ORDER BY due_on, id"
INTERACTIONS = "SELECT count(*) FROM interaction WHERE account_id = ? AND deleted_at IS NULL"


def _open_of(db, account_id: str) -> list[tuple]:
    return rows_of(db, OPEN, account_id)


def _interactions(db, account_id: str) -> int:
    return rows_of(db, INTERACTIONS, account_id)[0][0]


async def _log_on_row(pilot, index: int) -> tuple[LogForm, str, str]:
    """`l` on Today's row at `index` (a follow-up); returns the form, the account and the
    follow-up's id."""
    screen = today_screen(pilot.app)
    screen.table.cursor_row = index
    await pilot.pause()
    item = screen.selected_item()
    assert item is not None and item.follow_up_id is not None
    await press(pilot, "l")
    form = pilot.app.screen
    assert isinstance(form, LogForm)
    return form, item.account_id, item.follow_up_id


def _shown(form: LogForm, name: str) -> bool:
    return bool(form.query_one(f"#f-{name}").display)


def _date_label(form: LogForm) -> str:
    """The label of the date field: "Next follow-up" while closing, else "Follow up"."""
    fields = list(form.query_one("#form-fields").children)
    label = fields[fields.index(form.query_one("#f-follow_up")) - 1]
    return str(label.content)


async def test_a_call_closes_the_follow_up_and_plans_the_next_in_one_undo_step(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form, account, follow_up = await _log_on_row(pilot, 1)
        before = _open_of(demo_db_path, account)
        calls = _interactions(demo_db_path, account)
        assert _shown(form, "close") and _date_label(form) == "Next follow-up"
        assert form.query_one("#f-close", Select).value == follow_up  # the row's, by default
        assert form.query_one("#f-follow_up").value  # proposed from the cadence
        assert not form.touched  # proposed, not typed: escape would close at once
        await type_text(pilot, "Rappel fait, devis accepté")
        form.query_one("#f-follow_up").value = "+3d"
        await press(pilot, "ctrl+s")
        assert app.screen is today_screen(app)
        after = _open_of(demo_db_path, account)
        assert follow_up not in [r[0] for r in after]  # closed
        (title,) = [r[1] for r in before if r[0] == follow_up]
        (new,) = [r for r in after if r[0] not in {b[0] for b in before}]
        assert new[1:] == (title, "2026-11-26")  # the next one, same title, in three days
        assert _interactions(demo_db_path, account) == calls + 1
        assert f"fu:{follow_up}" not in [k for k in today_screen(app)._items]
        await press(pilot, "ctrl+z")  # one step undoes all of it
        assert _open_of(demo_db_path, account) == before
        assert _interactions(demo_db_path, account) == calls
        assert today_screen(app).selected_key() == f"fu:{follow_up}"


async def test_leave_it_open_logs_without_closing(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form, account, follow_up = await _log_on_row(pilot, 1)
        before = _open_of(demo_db_path, account)
        await type_text(pilot, "Pas joignable")
        form.query_one("#f-close", Select).clear()  # "(leave it open)"
        await pilot.pause()
        assert _date_label(form) == "Follow up"
        assert form.query_one("#f-follow_up").value == ""  # the proposed next date went too
        await press(pilot, "ctrl+s")
        assert app.screen is today_screen(app)
        assert _open_of(demo_db_path, account) == before  # still open, nothing planned
        assert f"fu:{follow_up}" in today_screen(app)._items


async def test_an_email_does_not_offer_to_close(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form, account, _follow_up = await _log_on_row(pilot, 1)
        before = _open_of(demo_db_path, account)
        form.query_one("#f-kind", Select).value = "email"
        await pilot.pause()
        assert not _shown(form, "close") and _date_label(form) == "Follow up"
        await type_text(pilot, "Devis envoyé")  # focus stayed in Summary
        await press(pilot, "ctrl+s")
        assert _open_of(demo_db_path, account) == before


async def test_keys_typed_at_once_land_in_summary(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = today_screen(app)
        screen.table.cursor_row = 1
        await pilot.pause()
        # `l` and the summary at once, while the form reads the follow-ups it can close.
        await pilot.press("l", *"Rappel fait")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LogForm)
        assert form.query_one("#f-summary").value == "Rappel fait"
        assert _shown(form, "close")


async def test_a_date_the_rep_typed_is_never_replaced_by_the_proposed_one(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form, _account, follow_up = await _log_on_row(pilot, 1)
        close = form.query_one("#f-close", Select)
        close.clear()  # leave it open: the proposed next date goes
        await pilot.pause()
        form.query_one("#f-follow_up").focus()
        await type_text(pilot, "+5d")
        close.value = follow_up  # close it after all: the date typed is the next one's
        await pilot.pause()
        assert form.query_one("#f-follow_up").value == "+5d"
        assert _date_label(form) == "Next follow-up"


async def test_a_next_date_in_the_past_is_refused_inline_then_confirmed(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form, account, follow_up = await _log_on_row(pilot, 1)
        before = _open_of(demo_db_path, account)
        await type_text(pilot, "Rappel fait")
        form.query_one("#f-follow_up").value = "-2d"
        await press(pilot, "ctrl+s")
        assert app.screen is form  # refused, nothing saved
        assert "Sat 21 Nov 2026" in str(form.query_one("#form-error").content)
        assert _open_of(demo_db_path, account) == before
        await press(pilot, "ctrl+s")  # again, unchanged: the rep confirms
        assert app.screen is not form
        after = _open_of(demo_db_path, account)
        assert follow_up not in [r[0] for r in after]
        assert "2026-11-21" in [r[2] for r in after]


async def test_from_the_account_screen_the_most_overdue_is_closed_by_default(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        account = next(
            a.account_id
            for a in pf.reports.portfolio_rows()
            if len(pf.reports.closable_follow_ups(a.account_id)) > 1
        )
        closable = pf.reports.closable_follow_ups(account)
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_account(account)
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        await press(pilot, "c")
        form = app.screen
        assert isinstance(form, LogForm)
        select = form.query_one("#f-close", Select)
        assert select.value == closable[0].follow_up_id  # the most overdue
        assert len(select._options) == len(closable) + 1  # and "(leave it open)"
