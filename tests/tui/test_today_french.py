"""Today in French at 120 columns (issue 8): the deals section's headings are whole ("Affaires
à conclure", not "Affaires à concl…"), and the When column says every day one way (point 24)."""

from __future__ import annotations

import re

from french_helpers import SIZE, french_app, french_demo_copy, screen_lines
from french_helpers import speaking_french_then_english as french
from routine_helpers import press, select_row, settle, today_screen

from portfolio_tui.tui.modals.forms import SnoozeForm
from portfolio_tui.tui.widgets.date_input import DateInput
from portfolio_tui.tui.widgets.today_deals import DealRow, TodayDeals


async def _loaded(pilot) -> None:
    """Settled, with the agenda shown (the first load opens the database: on a busy machine
    it can start after a few frames)."""
    for _ in range(50):
        await settle(pilot)
        if today_screen(pilot.app).loaded:
            return
    raise AssertionError("Today never loaded")


# "lun. 30 nov.", "mer. 2 déc. 09:00", "jeu. 31 déc. 2026".
FRENCH_DAY = re.compile(r"^[a-zé]{3}\. \d{1,2} [a-zéû]{3,5}\.?( \d{4})?( \d\d:\d\d)?$")


async def test_the_deals_headings_are_whole_in_french(tmp_path):
    with french():
        app = french_app(french_demo_copy(tmp_path))
        async with app.run_test(size=SIZE) as pilot:
            await _loaded(pilot)
            deals = today_screen(app).query_one(TodayDeals)
            deals.focus()  # the section scrolls to show both headings
            await settle(pilot)
            headings = [  # the rows that are no deal
                deals.cells(row)[0].plain for row in deals.items if not isinstance(row, DealRow)
            ]
            assert headings == ["Affaires à conclure", "Affaires enlisées"]
            text = "\n".join(screen_lines(app))
            assert "Affaires à conclure" in text and "…" not in text.split("Affaires à")[1][:12]


async def test_the_when_column_has_one_date_style_in_french(tmp_path):
    with french():
        app = french_app(french_demo_copy(tmp_path))
        async with app.run_test(size=SIZE) as pilot:
            await _loaded(pilot)
            table = today_screen(app).table
            whens = [
                table.cells(r)[0].plain
                for r in table.items
                if getattr(r, "due_on", None) is not None
            ]
            assert len(whens) > 20
            assert [w for w in whens if not FRENCH_DAY.match(w)] == []


async def test_the_snooze_form_proposes_its_phrase_in_french(tmp_path):
    with french():
        app = french_app(french_demo_copy(tmp_path))
        async with app.run_test(size=SIZE) as pilot:
            await _loaded(pilot)
            screen = today_screen(app)
            item = screen.agenda.overdue[0]
            await select_row(pilot, f"fu:{item.follow_up_id}")
            await press(pilot, "s")
            assert isinstance(app.screen, SnoozeForm)
            field = app.screen.query_one("#f-until", DateInput)
            assert field.value == "+1j" and field.is_valid  # read as one day, as "+1d"


async def test_nothing_to_snooze_is_said_in_french(tmp_path):
    with french():
        app = french_app(french_demo_copy(tmp_path))
        async with app.run_test(size=SIZE) as pilot:
            await _loaded(pilot)
            screen = today_screen(app)
            item = next(i for i in screen.agenda.due_for_contact if i.follow_up_id is None)
            await select_row(pilot, f"acct:{item.account_id}")
            await press(pilot, "s")
            await press(pilot, "d")
            notes = [(n.title, n.message) for n in app._notifications]
            assert notes[-2][0] == "Rien à reporter", notes
            assert notes[-1][0] == "Rien de prévu"
            assert all(item.account_name in message for _title, message in notes[-2:])
