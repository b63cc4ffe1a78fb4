"""Every screen works at 80×24 (issue 8, point 22): Today keeps "To do", "Last" and the deals'
amounts, the Portfolio's dates are whole, the Dashboard's panels stack, the help fits the
width and scrolls, the Import/Export placeholders are whole. Checked on the real app
and the seeded demo, from what the widgets place on screen."""

from __future__ import annotations

import re

from analysis_helpers import analysis_app, keys, table_lines
from french_helpers import french_app, french_demo_copy, speaking_french_then_english
from textual.containers import VerticalScroll
from textual.widgets import Input

from portfolio_tui.tui.modals.help import HelpScreen
from portfolio_tui.tui.widgets.virtual_table import VirtualTable

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


def _screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_today_keeps_to_do_last_and_the_deals_amounts_at_80_columns(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SMALL) as pilot:
        await keys(pilot, "1")
        lines = _screen_lines(app)
        header = next(line for line in lines if line.lstrip().startswith("When"))
        assert "To do" in header and header.rstrip().endswith("Last")
        assert any(line.rstrip().endswith(("yesterday", "ago", "never")) for line in lines)
        deal_rows = [line for line in lines if line.rstrip().endswith("%")]
        assert deal_rows and all("€" in line for line in deal_rows)  # stage, amount, %


async def test_the_portfolio_dates_are_whole_at_80_columns(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SMALL) as pilot:
        await keys(pilot, "2")
        table = app.screen.query_one(VirtualTable)
        lines = table_lines(table)
        assert "Last contact" in lines[0] and "Next follow-up" in lines[0]
        assert table.max_scroll_x == 0  # nothing beyond the right edge
        dated = [line for line in lines[1:] if re.search(r"\d{4}-\d{2}-\d{2}\s*$", line)]
        assert dated  # the last column ends with a whole date


async def test_wide_terminals_keep_every_column_at_their_width(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await keys(pilot, "2")
        header = table_lines(app.screen.query_one(VirtualTable))[0]
        assert "P(alive)" in header
        await keys(pilot, "1")
        lines = _screen_lines(app)
        assert any("Potential Loyalists" in line for line in lines)  # RFM names whole
        assert any(line.rstrip().endswith("d") and "%" in line for line in lines)  # Days


async def test_the_import_export_placeholders_are_whole_in_french_at_80_columns(tmp_path):
    with speaking_french_then_english():
        app = french_app(french_demo_copy(tmp_path))
        async with app.run_test(size=SMALL) as pilot:
            await keys(pilot, "6")
            for field in app.screen.query(Input):
                if field.placeholder and field.region.width:
                    room = field.content_region.width
                    assert len(field.placeholder) <= room, (field.id, field.placeholder, room)
