"""Every form refuses bad input inline and saves nothing; escape saves nothing either.

Each test opens one form, tries each bad value (the form stays open, the error names the
field, the database dump is unchanged), then fills in good values and presses escape."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from routine_helpers import SIZE, build_app, press, select_row, settle, type_text
from textual.widgets import Input, Static

from portfolio_tui.tui.modals.form import FormModal
from portfolio_tui.tui.modals.forms import (
    AddContactForm,
    DoneForm,
    EditAccountForm,
    FollowUpForm,
    LogForm,
    SnoozeForm,
)
from portfolio_tui.tui.screens.account import AccountScreen
from portfolio_tui.tui.screens.today import TodayScreen
from portfolio_tui.tui.widgets.date_input import DateInput

from conftest import db_dump, open_portfolio


@dataclass(frozen=True)
class Bad:
    fields: dict[str, str]  # field name → text typed (others keep their starting value)
    error: str  # part of the inline error
    marked: str | None  # the field shown as invalid, if the error names one


@dataclass(frozen=True)
class Case:
    key: str  # the key that opens the form: on Today (d s l n) or on the Account screen
    form: type[FormModal]
    bad: tuple[Bad, ...]
    good: dict[str, str]  # valid values, typed before escape


CASES = {
    "done": Case(
        "d",
        DoneForm,
        (
            Bad({"next_due": "someday soon"}, "can't read the date 'someday soon'", "next_due"),
            Bad({"next_due": "31/02"}, "there is no 31 February", "next_due"),
        ),
        {"outcome": "Great call", "next_due": "+2d"},
    ),
    "snooze": Case(
        "s",
        SnoozeForm,
        (
            Bad({"until": ""}, "a date is needed", "until"),
            Bad({"until": "next blursday"}, "can't read the date 'next blursday'", "until"),
        ),
        {"until": "+5d"},
    ),
    "log": Case(
        "l",
        LogForm,
        (
            Bad({"summary": ""}, "summary: must not be empty", "summary"),
            Bad({"summary": "Hi", "duration": "ten"}, "'ten' is not minutes", "duration"),
            Bad({"summary": "Hi", "at": "32/13"}, "there is no month 13", "at"),
            Bad(
                {"summary": "Hi", "follow_up": "later"}, "can't read the date 'later'", "follow_up"
            ),
        ),
        {"summary": "Quick call", "follow_up": "+1w"},
    ),
    "follow_up": Case(
        "n",
        FollowUpForm,
        (
            Bad({"title": ""}, "title: must not be empty", "title"),
            Bad({"due": "the day after never"}, "can't read the date", "due"),
            Bad({"recurrence": "FREQ=SOMETIMES"}, "can't use the recurrence", None),
        ),
        {"title": "Call back", "due": "tomorrow 9:00"},
    ),
    "edit": Case(
        "E",
        EditAccountForm,
        (
            Bad({}, "nothing changed", "name"),
            Bad({"name": ""}, "name: must not be empty", "name"),
            Bad({"accessibility": "9"}, "accessibility: 9 is not between 1 and 5", "accessibility"),
            Bad({"potential": "lots"}, "can't read the amount 'lots'", "potential"),
            Bad({"nps_date": "yesterday"}, "'yesterday' is not a date", "nps_date"),
            Bad({"source": "magic"}, "'magic' is not one of", "source"),
            Bad({"referred_by": "No Such Account Anywhere"}, "no account matches", None),
        ),
        {"city": "Paris", "tags": "vip"},
    ),
    "contact": Case(
        "a",
        AddContactForm,
        (
            Bad({"name": ""}, "name: must not be empty", "name"),
            Bad({"name": "Jo", "email": "not-an-email"}, "is not an email address", "email"),
        ),
        {"name": "Jo Smith", "email": "jo@example.com"},
    ),
}
ACCOUNT_KEYS = {"E", "a"}


def _field_text(form: FormModal, name: str) -> str:
    widget = form.query_one(f"#f-{name}")
    return widget.value  # type: ignore[attr-defined]


async def _type_into(pilot, form: FormModal, name: str, text: str) -> None:
    form.query_one(f"#f-{name}").focus()
    await type_text(pilot, text)


async def _open(pilot, app, demo_db_path, key: str) -> FormModal:
    with open_portfolio(demo_db_path) as pf:
        item = pf.reports.agenda().overdue[0]
    if key in ACCOUNT_KEYS:
        app.open_account(item.account_id)
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
    else:
        await select_row(pilot, f"fu:{item.follow_up_id}")
    await press(pilot, key)
    form = app.screen
    assert isinstance(form, FormModal)
    return form


@pytest.mark.parametrize("name", list(CASES))
async def test_bad_input_saves_nothing_and_escape_neither(demo_db_path, name):
    case = CASES[name]
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await _open(pilot, app, demo_db_path, case.key)
        assert isinstance(form, case.form)
        before = db_dump(demo_db_path)
        for bad in case.bad:
            start = {field: _field_text(form, field) for field in bad.fields}
            for field, text in bad.fields.items():
                await _type_into(pilot, form, field, text)
            await press(pilot, "ctrl+s")
            assert app.screen is form, f"{bad} closed the form"
            error = form.query_one("#form-error", Static)
            assert error.display and bad.error in str(error.render()), str(error.render())
            if bad.marked:
                assert form.query_one(f"#f-{bad.marked}").has_class("-invalid")
            assert db_dump(demo_db_path) == before, f"{bad} wrote something"
            for field, text in start.items():
                await _type_into(pilot, form, field, text)

        for field, text in case.good.items():
            await _type_into(pilot, form, field, text)
        await press(pilot, "escape")
        assert not isinstance(app.screen, FormModal)
    assert db_dump(demo_db_path) == before


async def test_a_fixed_value_saves_and_clears_the_error(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await _open(pilot, app, demo_db_path, "E")
        fixed = "2" if _field_text(form, "accessibility") != "2" else "3"
        await _type_into(pilot, form, "accessibility", "9")
        await press(pilot, "ctrl+s")
        assert form.query_one("#form-error").display
        account_id = form.account_id
        await _type_into(pilot, form, "accessibility", fixed)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountScreen)
    with open_portfolio(demo_db_path) as pf:
        assert pf.reports.account_card(account_id).account.accessibility == int(fixed)


async def test_date_field_shows_the_parsed_date_as_you_type(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await _open(pilot, app, demo_db_path, "s")
        field = form.query_one("#f-until", DateInput)
        preview = field.query_one(".date-preview", Static)
        assert "Tue 24 Nov 2026" in str(preview.render())  # +1d from Monday 23 Nov
        field.focus()
        await pilot.pause()
        field.input.value = ""
        for key, shown in (
            ("t", "can't read the date 't'"),
            ("o", "can't read the date 'to'"),
            ("m", "can't read the date 'tom'"),
        ):
            await pilot.press(key)
            assert shown in str(preview.render()) and field.has_class("-invalid")
        await pilot.press(*"orrow 9h")
        assert str(preview.render()).startswith("→ Tue 24 Nov 2026 09:00")
        assert not field.has_class("-invalid") and field.when is not None
        assert isinstance(field.input, Input)
        await press(pilot, "escape")  # something was typed: the form asks before discarding it
        await press(pilot, "y")
        assert isinstance(app.screen, TodayScreen)
