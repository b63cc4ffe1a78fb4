"""The Portfolio screen on the seeded demo: every account, filter as you type, quick filters,
sort, open. Expected rows come from the database through the service, not from the screen."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from analysis_helpers import SIZE, analysis_app, keys, table_lines, wait_idle
from textual.widgets import Input

from portfolio_tui.domain.rfm import SEGMENTS
from portfolio_tui.domain.text import sort_key
from portfolio_tui.service.views import PortfolioRow
from portfolio_tui.tui.screens.account import AccountScreen
from portfolio_tui.tui.screens.portfolio import PortfolioScreen
from portfolio_tui.tui.screens.portfolio_filter import (
    STAGES,
    Filters,
    PortfolioView,
    cycle,
    sort_rows,
)
from portfolio_tui.tui.widgets.virtual_table import VirtualTable

from conftest import db_dump, open_portfolio


def service_rows(db_path) -> list[PortfolioRow]:
    with open_portfolio(db_path) as pf:
        return pf.reports.portfolio_rows()


def matching(rows, *words: str) -> set[str]:
    """Ids of the rows whose name, city, sector, tags or a contact contain every word."""

    def fields(r: PortfolioRow) -> str:
        return " ".join([r.name, r.city or "", r.sector or "", r.tags, *r.contacts]).lower()

    return {r.account_id for r in rows if all(w.lower() in fields(r) for w in words)}


def shown_ids(screen: PortfolioScreen) -> list[str]:
    return [row.account_id for row in screen.table.items]


async def open_portfolio_screen(pilot) -> PortfolioScreen:
    await keys(pilot, "2")
    screen = pilot.app.screen
    assert isinstance(screen, PortfolioScreen)
    assert screen.view is not None, "rows not loaded"
    return screen


async def type_filter(pilot, text: str) -> None:
    """Type `text` at the end of the filter, focusing it with `/` first when needed."""
    field = pilot.app.screen.query_one("#portfolio-filter", Input)
    if pilot.app.screen.focused is not field:
        await keys(pilot, "slash")
    assert pilot.app.screen.focused is field
    for char in text:
        await pilot.press("space" if char == " " else char)
    await wait_idle(pilot)


# --- the screen -------------------------------------------------------------------------------


async def test_every_account_is_listed_with_its_badges_revenue_and_dates(demo_db_path):
    rows = service_rows(demo_db_path)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio_screen(pilot)
        assert screen.table.row_count == len(rows) == 60
        assert set(shown_ids(screen)) == {r.account_id for r in rows}
        # Default order: revenue, largest first.
        revenues = [r.revenue for r in screen.table.items]
        assert revenues == sorted(revenues, reverse=True)
        lines = table_lines(screen.table)
        header = lines[0]
        for label in ("Account", "Stage", "ABC", "RFM", "Revenue 12m ▼", "Last contact"):
            assert label in header
        top = screen.table.items[0]
        assert top.abc == "A" and top.rfm is not None
        first = lines[1]
        assert top.name in first
        assert f"{top.rfm.code} {top.rfm.segment}" in first
        assert " A " in first
        assert f"€{round(top.revenue / 100):,}" in first
        assert top.last_contact is not None and f"{top.last_contact:%Y-%m-%d}" in first
        title = str(screen.query_one("#portfolio-title").content)
        assert "60 accounts" in title and "12m" in title


async def test_typing_narrows_rows_to_the_matching_accounts(demo_db_path):
    rows = service_rows(demo_db_path)
    before = db_dump(demo_db_path)
    city = next(r.city for r in rows if r.city)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio_screen(pilot)
        await type_filter(pilot, city[:3].lower())
        assert set(shown_ids(screen)) == matching(rows, city[:3])
        await type_filter(pilot, city[3:].lower())
        expected = matching(rows, city)
        assert 0 < len(expected) < len(rows)
        assert set(shown_ids(screen)) == expected
        status = str(screen.query_one("#portfolio-status").content)
        assert f"{len(expected)} of 60" in status
        # A second word narrows further; backspace widens again.
        sector = next(r.sector for r in rows if r.city == city and r.sector)
        await type_filter(pilot, f" {sector[:4]}")
        assert set(shown_ids(screen)) == matching(rows, city, sector[:4])
        for _ in range(len(sector[:4]) + 1):
            await pilot.press("backspace")
        await wait_idle(pilot)
        assert set(shown_ids(screen)) == expected
        # Enter leaves the filter for the table, which then has the keys.
        await keys(pilot, "enter")
        assert screen.focused is screen.table
    assert db_dump(demo_db_path) == before


async def test_filter_matches_contact_names_and_tags(demo_db_path):
    rows = service_rows(demo_db_path)
    with_contact = next(
        r for r in rows if r.contacts and r.contacts[0].split()[-1].lower() not in r.name.lower()
    )
    surname = with_contact.contacts[0].split()[-1]
    tagged = next(r for r in rows if r.tags)
    tag = tagged.tags.split(",")[0].strip()
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio_screen(pilot)
        await type_filter(pilot, surname)
        assert with_contact.account_id in shown_ids(screen)
        assert set(shown_ids(screen)) == matching(rows, surname)
        await keys(pilot, "escape")  # back to the table, the filter stays
        assert screen.focused is screen.table
        assert set(shown_ids(screen)) == matching(rows, surname)
        await keys(pilot, "x")
        assert screen.query_one("#portfolio-filter", Input).value == ""
        assert screen.table.row_count == len(rows)
        await type_filter(pilot, tag)
        assert tagged.account_id in shown_ids(screen)
        assert set(shown_ids(screen)) == matching(rows, tag)


async def test_nothing_matches_shows_an_empty_table_with_a_hint(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio_screen(pilot)
        await type_filter(pilot, "zzqxw")
        assert screen.table.row_count == 0
        assert "No account matches" in table_lines(screen.table)[1]
        await keys(pilot, "enter", "enter")  # nothing to open: a notice, no crash
        assert isinstance(app.screen, PortfolioScreen)


async def test_quick_filters_cycle_class_stage_and_segment(demo_db_path):
    rows = service_rows(demo_db_path)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio_screen(pilot)
        for abc in ("A", "B", "C"):
            await keys(pilot, "a")
            assert set(shown_ids(screen)) == {r.account_id for r in rows if r.abc == abc}
            assert f"class {abc}" in str(screen.query_one("#portfolio-status").content)
        await keys(pilot, "a")  # back to all classes
        assert screen.table.row_count == len(rows)

        await keys(pilot, "t")  # suspect
        assert screen.filters.stage == "suspect"
        assert set(shown_ids(screen)) == {r.account_id for r in rows if r.stage == "suspect"}
        while screen.filters.stage != "client":
            await keys(pilot, "t")
        await keys(pilot, "a")  # clients of class A
        assert set(shown_ids(screen)) == {
            r.account_id for r in rows if r.stage == "client" and r.abc == "A"
        }
        await keys(pilot, "x")
        assert screen.filters == Filters() and screen.table.row_count == len(rows)

        await keys(pilot, "g")
        segment = SEGMENTS[0]
        assert screen.filters.segment == segment
        assert set(shown_ids(screen)) == {
            r.account_id for r in rows if r.rfm is not None and r.rfm.segment == segment
        }
        assert f"segment {segment}" in str(screen.query_one("#portfolio-status").content)


async def test_sort_key_cycles_columns_and_reverses_and_headers_sort_on_click(demo_db_path):
    rows = service_rows(demo_db_path)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio_screen(pilot)
        await keys(pilot, "s")  # revenue → name
        assert screen.sort_column == "name" and not screen.descending
        names = [r.name for r in screen.table.items]
        assert names == sorted((r.name for r in rows), key=sort_key)
        await keys(pilot, "S")
        assert [r.name for r in screen.table.items] == names[::-1]
        assert "Account ▼" in table_lines(screen.table)[0]

        # Click the "Last contact" header: most recent first, never-contacted last.
        table = screen.query_one("#portfolio-table", VirtualTable)
        widths = table._column_widths(table.scrollable_content_region.width)
        x = sum(w + 1 for w in widths[:5]) + 2
        await pilot.click("#portfolio-table", offset=(x, 0))
        await wait_idle(pilot)
        assert screen.sort_column == "last" and screen.descending
        days = [r.last_contact for r in screen.table.items]
        known = [d for d in days if d is not None]
        assert known == sorted(known, reverse=True)
        assert days[len(known) :] == [None] * (len(days) - len(known))
        await pilot.click("#portfolio-table", offset=(x, 0))  # again: reversed
        await wait_idle(pilot)
        assert screen.sort_column == "last" and not screen.descending


async def test_enter_opens_the_account_under_the_cursor(demo_db_path):
    rows = service_rows(demo_db_path)
    target = sorted(rows, key=lambda r: -r.revenue)[3]
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio_screen(pilot)
        await keys(pilot, "down", "down", "down")
        assert screen.table.cursor_item.account_id == target.account_id
        await keys(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)
        assert app.current_account_id == target.account_id
        # Back on the Portfolio, the cursor is still on that account.
        await keys(pilot, "2")
        assert app.screen.table.cursor_item.account_id == target.account_id


async def test_the_filter_survives_a_reload_after_undo(demo_db_path):
    rows = service_rows(demo_db_path)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_portfolio_screen(pilot)
        await keys(pilot, "a")
        expected = {r.account_id for r in rows if r.abc == "A"}
        screen.refresh_data()
        await wait_idle(pilot)
        assert set(shown_ids(screen)) == expected


# --- the model behind it (no app) -----------------------------------------------------------


def _synthetic(n: int, seed: int = 3) -> list[PortfolioRow]:
    rng = random.Random(seed)
    words = ["lyon", "paris", "nantes", "bois", "metal", "agro", "santé", "vip", "salon"]
    rows = []
    for i in range(n):
        rows.append(
            PortfolioRow(
                account_id=f"id{i:05d}",
                name=f"Société {rng.choice(words)} {i}",
                stage=rng.choice(STAGES),
                abc=rng.choice(["A", "B", "C", None]),
                rfm=None,
                revenue=rng.randrange(0, 10**7),
                last_contact=rng.choice([None, date(2026, 1, 1 + i % 28)]),
                next_follow_up=None,
                next_follow_up_title=None,
                city=rng.choice(words),
                sector=rng.choice(words),
                tags=rng.choice(["", "vip", "salon-2025"]),
                contacts=(f"Jean {rng.choice(words).title()}",),
            )
        )
    return rows


def test_growing_text_filters_the_previous_result_and_gives_the_same_rows():
    rows = _synthetic(3000)
    view = PortfolioView(rows)
    for text in ("l", "ly", "lyo", "lyon", "lyon ", "lyon m", "lyon me", "lyon", "ly", ""):
        shown = view.set_text(text)
        fresh = PortfolioView(rows)
        assert shown == fresh.set_text(text), text
        assert {r.account_id for r in shown} == matching(rows, *text.split())


def test_quick_filters_combine_with_text():
    rows = _synthetic(2000)
    view = PortfolioView(rows)
    filters = Filters(text="bois", abc="B", stage="warm")
    shown = view.set_filters(filters)
    assert shown and all(r.abc == "B" and r.stage == "warm" for r in shown)
    assert {r.account_id for r in shown} == {
        r.account_id for r in rows if r.abc == "B" and r.stage == "warm"
    } & matching(rows, "bois")
    assert view.set_filters(replace(filters, abc=None, stage=None)) == PortfolioView(rows).set_text(
        "bois"
    )


def test_sort_keeps_missing_values_last_in_both_directions():
    rows = _synthetic(500)
    for descending in (False, True):
        ordered = sort_rows(rows, "abc", descending)
        classes = [r.abc for r in ordered]
        known = [c for c in classes if c is not None]
        assert known == sorted(known, reverse=descending)
        assert classes[len(known) :] == [None] * (len(classes) - len(known))


def test_cycle_goes_through_every_choice_then_all():
    assert [cycle(v, ("A", "B")) for v in (None, "A", "B")] == ["A", "B", None]


async def test_help_and_footer_list_every_key_of_the_analysis_screens(demo_db_path):
    from portfolio_tui.tui.modals.help import HelpScreen
    from portfolio_tui.tui.screens.dashboard import DashboardScreen
    from portfolio_tui.tui.screens.pipeline import PipelineScreen

    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        for key, screen_type in (("2", PortfolioScreen), ("4", PipelineScreen),
                                 ("5", DashboardScreen)):  # fmt: skip
            await keys(pilot, key)
            screen = app.screen
            assert isinstance(screen, screen_type)
            ids = {b.id for b in screen_type.BINDINGS}
            assert all(ids) and all(b.description for b in screen_type.BINDINGS)
            visible = {b.id for b in screen_type.BINDINGS if b.show}
            # The Pipeline has two views, prospects and deals (d): each shows its own keys.
            views = [{i for i in visible if not i.startswith("deals.")}]
            if screen_type is PipelineScreen:
                views.append({i for i in visible if i.startswith("deals.")} | {"pipeline.deals"})
            for n, view in enumerate(views):
                if n:
                    await keys(pilot, "d")
                shown_in_footer = {
                    active.binding.id
                    for active in screen.active_bindings.values()
                    if active.binding.show
                }
                assert view <= shown_in_footer, view - shown_in_footer
                await keys(pilot, "question_mark")
                assert isinstance(app.screen, HelpScreen)
                listed = {k.binding_id for k in app.screen.own}
                assert view <= listed, view - listed
                await keys(pilot, "escape")
            assert set().union(*views) == visible
