"""Today in French at 120 columns (issue 8): the deals section's headings are whole ("Affaires
à conclure", not "Affaires à concl…"), and the When column says every day one way (point 24)."""

from __future__ import annotations

import re

from french_helpers import SIZE, french_app, french_demo_copy, screen_lines
from french_helpers import speaking_french_then_english as french
from routine_helpers import settle, today_screen

from portfolio_tui.tui.widgets.today_deals import TodayDeals


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
                deals.get_row_at(i)[0].plain
                for i, row in enumerate(deals.ordered_rows)
                if row.key.value not in deals.items
            ]
            assert headings == ["Affaires à conclure", "Affaires qui s'enlisent"]
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
