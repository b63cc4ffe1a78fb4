"""The rep's activity and the segments in the app (issue 13): the "My activity" panel of the
Dashboard and its week/month/quarter key, the reviews written from the palette, and the
Portfolio filter saved as a segment, cycled on Portfolio and narrowing the Dashboard. What is
shown is checked against the service on the seeded demo; the panel's text against a week
worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from analysis_helpers import SIZE, analysis_app, keys, plain, static_text, wait_idle
from textual.command import CommandPalette
from textual.widgets import Input

from portfolio_tui.domain.activity import Interaction, activity_index
from portfolio_tui.service.activity import lever_words
from portfolio_tui.tui.modals.help import screen_keys
from portfolio_tui.tui.modals.segment import SaveSegmentForm
from portfolio_tui.tui.screens.dashboard import DashboardScreen
from portfolio_tui.tui.screens.portfolio import PortfolioScreen
from portfolio_tui.tui.widgets.activity_panel import ActivityPanel, activity_table

from conftest import open_portfolio

NEW_KEYS = {
    "portfolio.p_alive": "p",
    "portfolio.saved_segment": "G",
    "portfolio.save_segment": "^s",
    "dashboard.activity": "a",
    "dashboard.saved_segment": "G",
}


def dashboard(pilot) -> DashboardScreen:
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen) and screen.data is not None
    return screen


def panel_text(screen: DashboardScreen) -> str:
    return plain(screen.query_one(ActivityPanel).content, width=114)


# --- the panel's text, for a week worked out by hand -----------------------------------------


def test_activity_panel_of_a_week_worked_out_by_hand():
    """Monday 23 to Wednesday 25 November: six calls (target 15: quantity 10 × 6 / 15 = 4.0),
    three on priority accounts (50 % against 60 %: 8.3), one followed by a sale two days later
    (17 % against 25 %: 6.7). Index 4.0 × 8.3 × 6.7 = 222.4; the lever is quantity, the lowest;
    raised to the best score, 8.3 × 8.3 × 6.7 = 461.6, a gain of 461.6 / 222.4 − 1 = +107.6 %."""
    monday = date(2026, 11, 23)
    calls = [Interaction(f"acct{i}", "call", monday) for i in range(6)]
    report = activity_index(
        calls,
        date(2026, 11, 25),
        "week",
        priority_accounts={"acct0", "acct1", "acct2"},
        results={"acct5": [date(2026, 11, 25)]},
    )
    assert (report.figures.index, report.figures.lever) == (Decimal("222.4"), "quantity")
    text = plain(activity_table(report, lever_words("quantity")), width=110)
    assert [line.rstrip() for line in text.splitlines()] == [
        "Quantity     ████······  4.0    6 / 15   Index 222.4 = 4.0 × 8.3 × 6.7",
        "Orientation  ████████··  8.3 50% / 60%   Lever quantity: more contacts: calls, meetings,"
        " visits and emails",
        "Efficiency   ██████▌···  6.7 17% / 25%   What if quantity at 8.3: index 461.6 (gain"
        " +107.6%)",
    ]


# --- the Dashboard panel and its period key --------------------------------------------------


async def test_activity_panel_shows_the_services_week_month_and_quarter(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        expected = {p: pf.activity.activity_report(p) for p in ("week", "month", "quarter")}
    month = expected["month"].figures
    assert (month.index, month.lever, month.what_if, month.gain) == (
        Decimal("950.0"),
        "orientation",
        Decimal("1000.0"),
        Decimal("0.053"),
    )
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "5")
        screen = dashboard(pilot)
        for period in ("week", "month", "quarter", "week"):
            report = expected[period]
            shown = screen.query_one(ActivityPanel).report
            assert shown is not None and shown.to_json() == report.to_json()
            title = static_text(screen, "#activity-title")
            assert f"My activity · {period} from {report.period.start:%a %-d %b}" in title
            text = panel_text(screen)
            assert f"Index {report.figures.index:.1f}" in text.replace(",", "")
            assert f"Lever {report.figures.lever}: " in text
            assert lever_words(report.figures.lever)[:30] in text
            assert f"index {report.figures.what_if:,.1f}" in text
            gain = report.figures.gain
            assert f"(gain {'—' if gain is None else f'+{gain * 100:.1f}%'})" in text
            await keys(pilot, "a")
        assert screen.activity_period == "month"


# --- reviews from the palette -----------------------------------------------------------------


async def run_palette_command(pilot, words: str) -> None:
    await keys(pilot, "ctrl+p")
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*words)
    await pilot.pause(0.3)
    await keys(pilot, "enter")


async def test_reviews_are_written_from_the_palette_where_the_notification_says(demo_db_path):
    folder = demo_db_path.parent  # no documents folder: next to the database
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_idle(pilot)
        await run_palette_command(pilot, "weekly review")
        await wait_idle(pilot)
        weekly = folder / "review-week-2026-11-23.html"
        assert weekly.is_file()
        assert any(f"Review written: {weekly}" in str(n.message) for n in app._notifications)

        documents = Path.home() / "Documents"  # HOME is the test's own folder
        documents.mkdir()
        await run_palette_command(pilot, "quarterly review")
        await wait_idle(pilot)
        quarterly = documents / "review-quarter-2026-11-23.html"
        assert quarterly.is_file()
        assert any(f"Review written: {quarterly}" in str(n.message) for n in app._notifications)
    with open_portfolio(demo_db_path) as pf:
        assert weekly.read_text(encoding="utf-8") == pf.reviews.review_text("week", html=True)
        assert quarterly.read_text(encoding="utf-8") == pf.reviews.review_text("quarter", html=True)


# --- segments: save the filter, cycle them, narrow the Dashboard ------------------------------


async def test_save_the_filter_as_a_segment_cycle_it_and_narrow_the_dashboard(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "2")
        screen = app.screen
        assert isinstance(screen, PortfolioScreen)
        await keys(pilot, "ctrl+s")  # no quick filter: nothing to save
        assert any("Nothing to save" in str(n.message) for n in app._notifications)
        assert not isinstance(app.screen, SaveSegmentForm)

        await keys(pilot, "a", "t", "t", "t", "t", "t")  # class A, stage client
        kept = [row.account_id for row in screen.table.items]
        await keys(pilot, "ctrl+s")
        form = app.screen
        assert isinstance(form, SaveSegmentForm)
        assert form.terms == "abc = A and stage = client"
        await pilot.press(*"Grands comptes")
        await keys(pilot, "enter")
        assert app.screen is screen
        assert any("Segment saved: Grands comptes" in str(n.message) for n in app._notifications)

        await keys(pilot, "x", "G")
        assert [row.account_id for row in screen.table.items] == kept
        status = plain(screen.query_one("#portfolio-status").content)
        assert "saved segment Grands comptes" in status
        await keys(pilot, "G")  # the only one: back to every account
        assert screen.filters.saved is None and screen.table.row_count == 60

        await keys(pilot, "5", "G")
        board = dashboard(pilot)
        assert board.data.segment == "Grands comptes"
        assert "segment Grands comptes" in static_text(board, "#dashboard-title")
    with open_portfolio(demo_db_path) as pf:
        segment = pf.segments.get("grands comptes")
        assert segment.filter_text == "abc = A and stage = client"
        ids = pf.segments.account_ids("Grands comptes")
        assert sorted(ids) == sorted(kept) and len(ids) == 11
        kpis = pf.reports.kpi_report(segment="Grands comptes")
        activity = pf.activity.activity_report("week", accounts=ids)
    assert board.data.kpis.to_dict() == kpis.to_dict()
    assert board.data.activity.to_json() == activity.to_json()


async def test_saving_leaves_the_typed_text_out_and_says_so(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "2", "slash")
        await pilot.press(*"lyon")
        await keys(pilot, "enter", "p", "ctrl+s")
        form = app.screen
        assert isinstance(form, SaveSegmentForm)
        assert form.terms == "p_alive < 0.5"
        subtitle = static_text(form, "#form-subtitle")
        assert "p_alive < 0.5" in subtitle
        assert "The text “lyon” is left out" in subtitle
        assert form.query_one("#f-name", Input).value == ""


async def test_new_keys_are_in_the_footer_the_help_and_the_palette(demo_db_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        for mode_key, prefix in (("2", "portfolio."), ("5", "dashboard.")):
            await keys(pilot, mode_key)
            screen = app.screen
            own, _everywhere = screen_keys(screen)
            ids = {k.binding_id: k.key for k in own}
            descriptions = {k.binding_id: k.description for k in own}
            for binding_id, key in NEW_KEYS.items():
                if binding_id.startswith(prefix):
                    assert ids[binding_id] == key
                    shown = next(
                        b.binding
                        for b in screen.active_bindings.values()
                        if b.binding.id == binding_id
                    )
                    assert shown.show
            await keys(pilot, "ctrl+p")
            palette = app.screen
            assert isinstance(palette, CommandPalette)
            await pilot.pause(0.3)
            options = palette.query_one("CommandList")
            prompts = {
                str(options.get_option_at_index(i).prompt).splitlines()[0]
                for i in range(options.option_count)
            }
            for binding_id in NEW_KEYS:
                if binding_id.startswith(prefix):
                    assert descriptions[binding_id] in prompts
            assert "Write the weekly review" in prompts
            await keys(pilot, "escape")
