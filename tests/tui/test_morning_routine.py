"""The rep's morning, from the keyboard, on the seeded demo portfolio. Every test checks the
database afterwards through a second Portfolio, not only the screen."""

from __future__ import annotations

from datetime import date, time, timedelta

from routine_helpers import SIZE, build_app, press, select_row, settle, today_screen, type_text
from textual.widgets import DataTable, Select

from portfolio_tui.tui.modals.confirm import ConfirmModal
from portfolio_tui.tui.modals.forms import DoneForm, FollowUpForm, LogForm, SnoozeForm
from portfolio_tui.tui.screens.account import AccountScreen
from portfolio_tui.tui.screens.today import TodayScreen
from portfolio_tui.tui.widgets.date_input import DateInput
from portfolio_tui.tui.widgets.timeline import PAGE, TimelineTable

from conftest import FIXED_NOW, db_dump, open_portfolio

TODAY = FIXED_NOW.date()
NEXT_MONDAY = date(2026, 11, 30)


def _agenda_ids(pf) -> set[str]:
    agenda = pf.reports.agenda()
    return {i.follow_up_id for _, items in agenda.groups for i in items if i.follow_up_id}


def _first_with_stage(pf, stage: str) -> str:
    return next(c.account_id for c in pf.reports.pipeline() if c.stage == stage)


async def _choose(pilot, select_id: str, value: str) -> None:
    """Pick `value` in a Select from the keyboard: focus it, open it, move, enter."""
    select = pilot.app.screen.query_one(f"#{select_id}", Select)
    select.focus()
    await pilot.press("enter")
    options = [v for _, v in select._options]
    steps = options.index(value) - options.index(select.value)
    for _ in range(steps):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert select.value == value


async def test_complete_an_overdue_follow_up_with_outcome_and_next(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        item = pf.reports.agenda().overdue[0]
        suggested = pf.reports.suggested_follow_up(item.account_id)
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_row(pilot, f"fu:{item.follow_up_id}")
        await press(pilot, "d")
        form = app.screen
        assert isinstance(form, DoneForm)
        assert form.query_one("#f-next_due", DateInput).value == suggested
        await type_text(pilot, "Wants a quote for 3 sites")
        await _choose(pilot, "f-kind", "meeting")
        form.query_one("#f-next_due", DateInput).focus()
        await type_text(pilot, "next mon 9:00")
        preview = str(form.query_one("#f-next_due .date-preview").render())
        assert "Mon 30 Nov 2026 09:00" in preview
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TodayScreen)
        assert f"fu:{item.follow_up_id}" not in today_screen(app)._items

    with open_portfolio(demo_db_path) as pf:
        card = pf.reports.account_card(item.account_id)
        done = next(f for f in card.done_follow_ups if f.follow_up_id == item.follow_up_id)
        assert done.outcome == "Wants a quote for 3 sites"
        logged = [e for e in card.timeline if e.kind == "meeting" and e.text == item.title]
        assert logged and "Wants a quote for 3 sites" in logged[0].detail
        assert logged[0].at == FIXED_NOW
        nexts = [f for f in card.open_follow_ups if f.due_on == NEXT_MONDAY]
        assert nexts and nexts[0].due_at is not None and nexts[0].due_at.time() == time(9, 0)
        assert item.follow_up_id not in _agenda_ids(pf)


async def test_snooze_an_overdue_follow_up(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        item = pf.reports.agenda().overdue[1]
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_row(pilot, f"fu:{item.follow_up_id}")
        await press(pilot, "s")
        form = app.screen
        assert isinstance(form, SnoozeForm)
        assert form.query_one("#f-until", DateInput).value == "+1d"
        await type_text(pilot, "+3d")
        await press(pilot, "enter")
        assert isinstance(app.screen, TodayScreen)
        snoozed = today_screen(app)._items[f"fu:{item.follow_up_id}"]
        assert snoozed.due_on == TODAY + timedelta(days=3)

    with open_portfolio(demo_db_path) as pf:
        upcoming = {i.follow_up_id: i for i in pf.reports.agenda().upcoming}
        moved = upcoming[item.follow_up_id]
        assert moved.due_on == TODAY + timedelta(days=3)
        if item.due_at is not None:  # the time of day is kept
            assert moved.due_at is not None and moved.due_at.time() == item.due_at.time()


async def test_log_a_call_from_the_account_screen(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        item = pf.reports.agenda().overdue[0]
        calls_before = [
            e for e in pf.reports.account_card(item.account_id).timeline if e.kind == "call"
        ]
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_row(pilot, f"fu:{item.follow_up_id}")
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)
        await press(pilot, "c")
        form = app.screen
        assert isinstance(form, LogForm) and form.choice("kind") == "call"
        await type_text(pilot, "Called about the renewal")
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, AccountScreen)
        assert (
            screen.card is not None and screen.card.timeline[0].text == "Called about the renewal"
        )

    with open_portfolio(demo_db_path) as pf:
        card = pf.reports.account_card(item.account_id)
        calls = [e for e in card.timeline if e.kind == "call"]
        assert len(calls) == len(calls_before) + 1
        assert calls[0].text == "Called about the renewal" and calls[0].at == FIXED_NOW
        assert card.contact.days_since == 0


async def test_move_a_prospect_cold_to_warm_to_hot(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        account_id = _first_with_stage(pf, "cold")
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_account(account_id)
        await settle(pilot)
        await press(pilot, "greater_than_sign")
        assert app.screen.card.account.stage == "warm"  # type: ignore[attr-defined]
        await press(pilot, "greater_than_sign")
        assert app.screen.card.account.stage == "hot"  # type: ignore[attr-defined]

    with open_portfolio(demo_db_path) as pf:
        card = pf.reports.account_card(account_id)
        assert card.account.stage == "hot"
        moves = [e.text for e in card.timeline if e.kind == "stage"]
        assert moves[:2] == ["warm → hot", "cold → warm"]


async def test_winning_a_hot_prospect_asks_first(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        account_id = _first_with_stage(pf, "hot")
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_account(account_id)
        await settle(pilot)
        before = db_dump(demo_db_path)
        await press(pilot, "greater_than_sign")
        assert isinstance(app.screen, ConfirmModal)
        await press(pilot, "n")
        assert db_dump(demo_db_path) == before
        await press(pilot, "greater_than_sign", "y")
        assert app.screen.card.account.stage == "client"  # type: ignore[attr-defined]
        await press(pilot, "less_than_sign")
        assert app.screen.card.account.stage == "hot"  # type: ignore[attr-defined]

    with open_portfolio(demo_db_path) as pf:
        moves = [e.text for e in pf.reports.account_card(account_id).timeline if e.kind == "stage"]
        assert moves[:2] == ["client → hot", "hot → client"]


def _state(pf, account_ids):
    """What the rep sees: the agenda and the cards of the accounts worked on."""
    return pf.reports.agenda(), [pf.reports.account_card(a) for a in account_ids]


async def test_undo_goes_back_one_step_at_a_time(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        agenda = pf.reports.agenda()
        done_item, snoozed_item = agenda.overdue[0], agenda.overdue[1]
        prospect = _first_with_stage(pf, "cold")
        accounts = [done_item.account_id, snoozed_item.account_id, prospect]
        states = [_state(pf, accounts)]
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        async def step(*keys: str, text: str | None = None) -> None:
            await press(pilot, *keys)
            if text is not None:
                await type_text(pilot, text)
                await press(pilot, "enter")
            with open_portfolio(demo_db_path) as pf:
                states.append(_state(pf, accounts))
            assert states[-1] != states[-2], f"{keys} changed nothing"

        await select_row(pilot, f"fu:{done_item.follow_up_id}")
        await step("d", text="Done and dusted")
        await select_row(pilot, f"fu:{snoozed_item.follow_up_id}")
        await step("s", text="+2d")
        app.open_account(prospect)
        await settle(pilot)
        await step("c", text="First call")
        await step("greater_than_sign")

        for expected in reversed(states[:-1]):
            await press(pilot, "ctrl+z")
            with open_portfolio(demo_db_path) as pf:
                assert _state(pf, accounts) == expected
        labels = [str(n.message) for n in app._notifications if "Undone" in str(n.message)]
        assert labels[0].startswith("Undone: ")
        await press(pilot, "ctrl+z")
        assert any(n.message == "Nothing to undo." for n in app._notifications)


async def test_done_or_snooze_on_a_due_for_contact_row_explains(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        item = pf.reports.agenda().due_for_contact[0]
    before = db_dump(demo_db_path)
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_row(pilot, f"acct:{item.account_id}")
        await press(pilot, "d")
        assert isinstance(app.screen, TodayScreen)
        await press(pilot, "s")
        assert isinstance(app.screen, TodayScreen)
        messages = [str(n.message) for n in app._notifications]
        assert any("no follow-up to mark done" in m and "press l" in m.lower() for m in messages)
        assert any("nothing to snooze" in m.lower() and "press n" in m.lower() for m in messages)
    assert db_dump(demo_db_path) == before


async def test_plan_a_follow_up_for_an_account_due_for_contact(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        item = pf.reports.agenda().due_for_contact[0]
        suggested = pf.reports.suggested_follow_up(item.account_id)
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_row(pilot, f"acct:{item.account_id}")
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, FollowUpForm)
        assert form.query_one("#f-due", DateInput).value == suggested
        await type_text(pilot, "Book the annual review")
        form.query_one("#f-due", DateInput).focus()
        await type_text(pilot, "tomorrow 10:00")
        await press(pilot, "enter")
        assert isinstance(app.screen, TodayScreen)

    with open_portfolio(demo_db_path) as pf:
        agenda = pf.reports.agenda()
        assert item.account_id not in {i.account_id for i in agenda.due_for_contact}
        planned = [i for i in agenda.upcoming if i.account_id == item.account_id]
        assert [(p.title, p.due_on) for p in planned] == [
            ("Book the annual review", TODAY + timedelta(days=1))
        ]


async def test_log_an_email_from_today_with_a_follow_up(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        item = pf.reports.agenda().due_for_contact[1]
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_row(pilot, f"acct:{item.account_id}")
        await press(pilot, "l")
        form = app.screen
        assert isinstance(form, LogForm)
        await _choose(pilot, "f-kind", "email")
        form.query_one("#f-summary").focus()
        await type_text(pilot, "Sent the catalogue")
        form.query_one("#f-follow_up", DateInput).focus()
        await type_text(pilot, "+1w")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TodayScreen)

    with open_portfolio(demo_db_path) as pf:
        card = pf.reports.account_card(item.account_id)
        assert (card.timeline[0].kind, card.timeline[0].text) == ("email", "Sent the catalogue")
        assert [f.due_on for f in card.open_follow_ups] == [TODAY + timedelta(days=7)]


async def test_edit_the_account_and_add_a_contact(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        account_id = _first_with_stage(pf, "warm")
        card = pf.reports.account_card(account_id)
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_account(account_id)
        await settle(pilot)
        await press(pilot, "E")
        form = app.screen
        form.query_one("#f-city").focus()
        await type_text(pilot, "Lyon")
        form.query_one("#f-accessibility").focus()
        await type_text(pilot, "5")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountScreen)

        await press(pilot, "a")
        await type_text(pilot, "Jeanne Martin")
        app.screen.query_one("#f-email").focus()
        await type_text(pilot, "jeanne@example.com")
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)

    with open_portfolio(demo_db_path) as pf:
        after = pf.reports.account_card(account_id)
        assert (after.account.city, after.account.accessibility) == ("Lyon", 5)
        assert after.account.name == card.account.name  # untouched fields kept
        assert after.account.potential == card.account.potential
        added = [c for c in after.contacts if c.name == "Jeanne Martin"]
        assert added and added[0].email == "jeanne@example.com"


async def test_a_long_timeline_is_shown_a_page_at_a_time(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        account_id = pf.reports.badges()[0].ranked[0].account_id
        have = len(pf.reports.account_card(account_id).timeline)
        for n in range(PAGE * 2 + 50 - have):
            pf.routine.record_sale(account_id, TODAY - timedelta(days=n % 300), 10_000 + n)
        total = len(pf.reports.account_card(account_id).timeline)
    assert total >= PAGE * 2 + 50
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        table = app.screen.query_one(TimelineTable)
        assert table.shown == PAGE and table.row_count == PAGE + 1
        table.focus()
        table.move_cursor(row=PAGE)
        await press(pilot, "enter")
        assert table.shown == PAGE * 2 and table.row_count == PAGE * 2 + 1
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.query_one("#timeline", DataTable).cursor_row == PAGE
