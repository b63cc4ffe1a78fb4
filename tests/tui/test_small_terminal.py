"""Every screen works at 80×24 (issue 8, point 22): the Dashboard's panels stack, the help
fits the width and scrolls, the Import/Export placeholders are whole. Checked on the real app
and the seeded demo, from what the widgets place on screen."""

from __future__ import annotations

from analysis_helpers import analysis_app, keys
from textual.containers import VerticalScroll
from textual.widgets import Input

from portfolio_tui.tui.modals.help import HelpScreen

SMALL = (80, 24)


async def test_the_dashboard_panels_stack_at_80_columns(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SMALL) as pilot:
        await keys(pilot, "5")
        kpi = app.screen.query_one("#kpi-panel").region
        abc = app.screen.query_one("#abc-panel").region
        assert abc.y >= kpi.bottom  # below, not beside
        assert abc.x == kpi.x and abc.width == kpi.width
        assert kpi.right <= SMALL[0]


async def test_the_dashboard_panels_sit_side_by_side_at_120_columns(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await keys(pilot, "5")
        kpi = app.screen.query_one("#kpi-panel").region
        abc = app.screen.query_one("#abc-panel").region
        assert abc.y == kpi.y and abc.x >= kpi.right


async def test_the_help_fits_80_columns_and_scrolls(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SMALL) as pilot:
        await keys(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("#help-box", VerticalScroll)
        assert box.region.right <= SMALL[0]
        assert box.max_scroll_y > 0  # more keys than lines: it scrolls
        await keys(pilot, "end")
        assert box.scroll_y == box.max_scroll_y
        columns = [keys_.region for keys_ in app.screen.query(".help-keys")]
        assert columns[1].y >= columns[0].bottom  # the two lists stack


async def test_the_import_export_placeholders_are_whole_at_80_columns(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SMALL) as pilot:
        await keys(pilot, "6")
        for field in app.screen.query(Input):
            if field.placeholder and field.region.width:
                room = field.content_region.width
                assert len(field.placeholder) <= room, (field.id, field.placeholder, room)
