"""Today's deals section on a large book (the reference portfolio shows 9,401 deals): drawing it
asks for the cells of the rows on screen only, whatever the number of deals, and the keys still
reach every deal: End goes to the last one and enter opens its account; the cursor steps over
the headings, and tab goes from the agenda to the deals and back."""

from __future__ import annotations

from dataclasses import replace

from routine_helpers import SIZE, build_app, press, record_deal_cells, settle, today_screen

from portfolio_tui.tui.screens.account import AccountScreen
from portfolio_tui.tui.widgets.agenda_table import AgendaTable
from portfolio_tui.tui.widgets.grouped_table import GroupHeading
from portfolio_tui.tui.widgets.today_deals import DealRow, TodayDeals

CLOSING, ROTTING = 3000, 2000
LAST_TITLE = "[bold]Last[/bold] deal"  # shown as typed, not as markup


async def test_thousands_of_deals_draw_only_the_rows_on_screen(demo_db_path, monkeypatch):
    made = record_deal_cells(monkeypatch)
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = today_screen(app)
        agenda = screen.agenda
        assert agenda is not None and agenda.deals_closing and agenda.deals_rotting
        seen = agenda.deals_closing + agenda.deals_rotting
        many = [replace(seen[i % len(seen)], deal_id=f"many-{i}") for i in range(CLOSING + ROTTING)]
        target = agenda.deals_rotting[0]  # a real account, to open
        many[-1] = replace(many[-1], title=LAST_TITLE, account_id=target.account_id,
                           account_name=target.account_name)  # fmt: skip
        deals = screen.query_one(TodayDeals)
        made.clear()
        deals.show(many[:CLOSING], many[CLOSING:], agenda.today, screen.portfolio.settings)
        await settle(pilot)
        assert deals.row_count == CLOSING + ROTTING + 2  # and the two headings
        on_screen = deals.scrollable_content_region.height
        assert 0 < on_screen <= 8  # max-height 9, with the border
        assert 0 < len(made) <= on_screen

        assert isinstance(screen.focused, AgendaTable)
        await press(pilot, "tab")
        assert screen.focused is deals
        await press(pilot, "home")
        assert deals.cursor_row == 1  # not on the heading
        await press(pilot, "end")
        assert deals.cursor_row == deals.row_count - 1
        assert deals.selected_item() == many[-1]
        assert len(made) <= 2 * on_screen  # the first rows, then the last ones
        lines = [deals.render_line(y).text for y in range(deals.size.height)]
        assert LAST_TITLE in lines[-1]

        first_rotting = CLOSING + 2
        assert isinstance(deals.items[first_rotting - 1], GroupHeading)
        deals.cursor_row = first_rotting
        await press(pilot, "up")  # over the "Deals rotting" heading
        assert deals.cursor_row == CLOSING
        row = deals.cursor_item
        assert isinstance(row, DealRow) and row.section == "closing"
        await press(pilot, "shift+tab")
        assert isinstance(screen.focused, AgendaTable)
        await press(pilot, "tab", "end", "enter")
        account = app.screen
        assert isinstance(account, AccountScreen)
        assert account.card is not None and account.card.account.account_id == target.account_id
