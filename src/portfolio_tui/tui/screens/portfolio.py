"""Portfolio: every account in one table, filtered as you type, quick filters, any sort.

`/` focuses the filter (name, city, sector, tags, contact names; every word must match);
`a`, `t` and `g` cycle the ABC class, stage and RFM segment filters; `x` clears them; `s`
cycles the sort column and `S` reverses it (or click a header); enter opens the account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Input, Static

from portfolio_tui.domain.abc import ABC_CLASSES
from portfolio_tui.domain.rfm import SEGMENTS
from portfolio_tui.i18n import N_
from portfolio_tui.service.views import PortfolioRow
from portfolio_tui.tui.badges import abc_badge, rfm_badge, stage_badge
from portfolio_tui.tui.screens.base import LoadingScreen
from portfolio_tui.tui.screens.portfolio_filter import (
    SORT_CYCLE,
    SORTS,
    STAGES,
    Filters,
    PortfolioView,
    cycle,
)
from portfolio_tui.tui.text import whole_money
from portfolio_tui.tui.theme import theme_colour
from portfolio_tui.tui.widgets.virtual_table import TableColumn, VirtualTable

COLUMNS = (
    TableColumn("name", "Account", None, min_width=20),
    TableColumn("stage", "Stage", 7),
    TableColumn("abc", "ABC", 4, "center"),
    TableColumn("rfm", "RFM", 24),
    TableColumn("revenue", "Revenue", 14, "right"),
    TableColumn("last", "Last contact", 12),
    TableColumn("next", "Next follow-up", 14),
)


def _day(day: date | None, missing: str = "—") -> str:
    return f"{day:%Y-%m-%d}" if day else missing


class PortfolioScreen(LoadingScreen[tuple[PortfolioView, str]]):
    TITLE = N_("Portfolio")
    CSS_PATH = "portfolio.tcss"
    AUTO_FOCUS = "#portfolio-table"
    BINDINGS = [
        Binding("slash", "focus_filter", N_("Filter"), id="portfolio.filter"),
        Binding("a", "cycle_abc", N_("ABC"), id="portfolio.abc"),
        Binding("t", "cycle_stage", N_("Stage"), id="portfolio.stage"),
        Binding("g", "cycle_segment", N_("Segment"), id="portfolio.segment"),
        Binding("x", "clear_filters", N_("Clear filters"), id="portfolio.clear"),
        Binding("s", "cycle_sort", N_("Sort"), id="portfolio.sort"),
        Binding("S", "reverse_sort", N_("Reverse sort"), id="portfolio.reverse"),
        Binding("enter", "open", N_("Open"), id="portfolio.open"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: PortfolioView | None = None
        self.filters = Filters()
        self.sort_column = "revenue"
        self.descending = True
        self.window_label = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="portfolio-top"):
            yield Static(id="portfolio-title")
            yield Static(id="portfolio-status")
        # A direct child of the screen: inside a container, each Input.Changed reached the
        # screen's handler one frame later (~30 ms more per keystroke).
        yield Input(
            placeholder="/ to filter: name, city, sector, tags, contacts", id="portfolio-filter"
        )
        table: VirtualTable[PortfolioRow] = VirtualTable(
            COLUMNS,
            self._cells,
            lambda row: row.account_id,
            empty_text="No account matches. Press x to clear the filters.",
            id="portfolio-table",
        )
        yield table
        yield Footer(compact=True)

    @property
    def table(self) -> VirtualTable[PortfolioRow]:
        return self.query_one("#portfolio-table", VirtualTable)

    # --- data: the rows, reloaded in a worker; filters, sort and cursor stay ---------------

    def prepare(self) -> None:
        self.table.loading = True
        self.table.set_sort_indicator(self.sort_column, self.descending)
        self._show_title()
        self._show_status()

    def load(self) -> tuple[PortfolioView, str]:
        portfolio = self.portfolio
        rows = portfolio.reports.portfolio_rows()
        window = portfolio.reports.window().label
        return PortfolioView(rows, self.sort_column, self.descending), window

    def show(self, loaded: tuple[PortfolioView, str]) -> None:
        view, window_label = loaded
        if (view.sort_column, view.descending) != (self.sort_column, self.descending):
            view.sort_by(self.sort_column, self.descending)  # the sort changed while loading
        self.view = view
        self.window_label = window_label
        self.table.columns[4] = replace(COLUMNS[4], label=f"Revenue {window_label}")
        self.table.invalidate()
        self._show_rows(view.set_filters(self.filters))
        self._show_title()
        self.table.loading = False

    def _show_rows(self, rows: Sequence[PortfolioRow]) -> None:
        self.table.set_items(rows)
        self._show_status()

    def _cells(self, row: PortfolioRow) -> tuple[Text | str, ...]:
        return (
            Text(row.name),
            stage_badge(row.stage),
            abc_badge(row.abc),
            rfm_badge(row.rfm),
            whole_money(row.revenue, self.portfolio.settings) if row.revenue else "—",
            _day(row.last_contact, "never"),
            self._next_cell(row.next_follow_up),
        )

    def _next_cell(self, day: date | None) -> Text:
        if day is None:
            return Text("—", style="dim")
        today = self.portfolio.today()
        if day < today:
            return Text(_day(day), style=f"bold {theme_colour(self.app.theme_variables, 'error')}")
        if day == today:
            colour = theme_colour(self.app.theme_variables, "warning")
            return Text(_day(day), style=f"bold {colour}")
        return Text(_day(day))

    def _show_title(self) -> None:
        title = Text("Portfolio", style="bold")
        if self.view is None:
            title.append("  loading…", style="italic")
        else:
            title.append(f"  {len(self.view.all_rows):,} accounts", style="")
            if self.window_label:
                title.append(f" · revenue over {self.window_label}", style="dim")
        self.query_one("#portfolio-title", Static).update(title)

    def _show_status(self) -> None:
        """What is shown, after every keystroke: one line of fixed size, so no layout pass."""
        total = len(self.view.all_rows) if self.view else 0
        shown = self.table.row_count
        status = Text()
        if self.filters.active:
            status.append(f"{shown:,} of {total:,}", style="bold")
            status.append(" · " + " · ".join(self.filters.describe()))
        else:
            status.append(f"all {total:,}", style="dim")
        label = SORTS[self.sort_column][0]
        status.append(f" · sorted by {label} {'▼' if self.descending else '▲'}", style="dim")
        self.query_one("#portfolio-status", Static).update(status, layout=False)

    # --- filters --------------------------------------------------------------------------

    def _set_filters(self, filters: Filters) -> None:
        self.filters = filters
        if self.view is not None:
            self._show_rows(self.view.set_filters(filters))
        else:
            self._show_status()

    @on(Input.Changed, "#portfolio-filter")
    def _text_changed(self, event: Input.Changed) -> None:
        self._set_filters(replace(self.filters, text=event.value))

    @on(Input.Submitted, "#portfolio-filter")
    def _text_submitted(self, event: Input.Submitted) -> None:
        self.table.focus()

    def action_focus_filter(self) -> None:
        self.query_one("#portfolio-filter", Input).focus()

    def action_cycle_abc(self) -> None:
        self._set_filters(replace(self.filters, abc=cycle(self.filters.abc, ABC_CLASSES)))

    def action_cycle_stage(self) -> None:
        self._set_filters(replace(self.filters, stage=cycle(self.filters.stage, STAGES)))

    def action_cycle_segment(self) -> None:
        self._set_filters(replace(self.filters, segment=cycle(self.filters.segment, SEGMENTS)))

    def action_clear_filters(self) -> None:
        self.query_one("#portfolio-filter", Input).value = ""
        self._set_filters(Filters())

    def key_escape(self) -> None:
        if self.focused is self.query_one("#portfolio-filter", Input):
            self.table.focus()

    # --- sort -----------------------------------------------------------------------------

    def _sort(self, column: str, descending: bool | None = None) -> None:
        if descending is None:
            descending = SORTS[column][2]
        self.sort_column, self.descending = column, descending
        self.table.set_sort_indicator(column, descending)
        if self.view is not None:
            self.table.set_items(self.view.sort_by(column, descending))
        self._show_status()

    def action_cycle_sort(self) -> None:
        i = SORT_CYCLE.index(self.sort_column) if self.sort_column in SORT_CYCLE else -1
        self._sort(SORT_CYCLE[(i + 1) % len(SORT_CYCLE)])

    def action_reverse_sort(self) -> None:
        self._sort(self.sort_column, not self.descending)

    @on(VirtualTable.HeaderClicked, "#portfolio-table")
    def _header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        if event.column_key == self.sort_column:
            self._sort(self.sort_column, not self.descending)
        else:
            self._sort(event.column_key)

    # --- open -----------------------------------------------------------------------------

    @on(VirtualTable.Selected, "#portfolio-table")
    def _selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self.table.cursor_item
        if row is None:
            self.notify("No account selected.")
            return
        self.portfolio_app.open_account(row.account_id)
