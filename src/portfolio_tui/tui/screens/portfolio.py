"""Portfolio: every account in one table, filtered as you type, quick filters, any sort.

`/` focuses the filter (name, city, sector, tags, contact names; every word must match);
`a`, `t` and `g` cycle the ABC class, stage and RFM segment filters; `x` clears them; `s`
cycles the sort column and `S` reverses it (or click a header); enter opens the account.
`p` keeps the clients the churn model gives a P(alive) below 50 %, then 25 %; `G` cycles the
saved segments (their accounts read through the service); ctrl+s saves the quick filters as a
segment (the text has no segment field: it is left out, and the modal says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from portfolio_tui.domain.abc import ABC_CLASSES
from portfolio_tui.domain.rfm import SEGMENTS
from portfolio_tui.errors import NotFound
from portfolio_tui.i18n import N_, _, ngettext
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.i18n.terms import window_label
from portfolio_tui.service.views import PortfolioRow
from portfolio_tui.tui.badges import abc_badge, rfm_badge, stage_badge
from portfolio_tui.tui.modals.segment import SaveSegmentForm
from portfolio_tui.tui.screens.base import LoadingScreen, on_fresh_data
from portfolio_tui.tui.screens.portfolio_filter import (
    SORT_CYCLE,
    SORTS,
    STAGES,
    Filters,
    PortfolioView,
    SavedFilter,
    cycle,
    next_threshold,
)
from portfolio_tui.tui.text import whole_money
from portfolio_tui.tui.theme import theme_colour
from portfolio_tui.tui.widgets.keys_footer import KeysFooter
from portfolio_tui.tui.widgets.virtual_table import TableColumn, VirtualTable

COLUMNS = (
    TableColumn("name", N_("Account"), None, min_width=20, narrow=16),
    TableColumn("stage", N_("Stage"), 7),
    TableColumn("abc", "ABC", 4, "center"),
    TableColumn("rfm", "RFM", 24, narrow=4),  # at 80 columns the code only ("554…")
    TableColumn("revenue", N_("Revenue"), 14, "right", narrow=12),
    TableColumn("last", N_("Last contact"), 12),
    TableColumn("next", N_("Next follow-up"), 14),
    TableColumn("p_alive", "P(alive)", 9, "right", narrow=0),  # on the card at 80 columns
)


# The footer shows each group as its keys and one label: it had no room left for every key.
QUICK_FILTERS = Binding.Group(N_("Quick filters"), compact=True)
SAVED_SEGMENTS = Binding.Group(N_("Segments"), compact=True)


def _day(day: date | None, missing: str = "—") -> str:
    return fmt.date_numeric(day) if day else missing  # 2026-12-01 / 01/12/2026


@dataclass(frozen=True, slots=True)
class PortfolioLoad:
    view: PortfolioView
    window_label: str
    saved_asked: str | None = None  # the saved segment the load read again, by name
    saved: SavedFilter | None = None  # what it holds now; None when it was deleted


class PortfolioScreen(LoadingScreen[PortfolioLoad]):
    TITLE = N_("Portfolio")
    AUTO_FOCUS = "#portfolio-table"
    BINDINGS = [
        # Priority: run when the key arrives, so that the keys typed right behind it (one
        # burst from the terminal) are routed to the filter, never to the table's shortcuts.
        Binding("slash", "focus_filter", N_("Filter"), id="portfolio.filter", priority=True),
        Binding("a", "cycle_abc", N_("ABC"), id="portfolio.abc", group=QUICK_FILTERS),
        Binding("t", "cycle_stage", N_("Stage"), id="portfolio.stage", group=QUICK_FILTERS),
        Binding("g", "cycle_segment", N_("Segment"), id="portfolio.segment", group=QUICK_FILTERS),
        Binding(
            "p",
            "cycle_p_alive",
            N_("P(alive) below 50 %, 25 %"),
            id="portfolio.p_alive",
            group=QUICK_FILTERS,
        ),
        Binding(
            "G",
            "cycle_saved_segment",
            N_("Saved segment"),
            id="portfolio.saved_segment",
            group=SAVED_SEGMENTS,
        ),
        Binding(
            "ctrl+s",
            "save_segment",
            N_("Save as segment"),
            id="portfolio.save_segment",
            group=SAVED_SEGMENTS,
        ),
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
            placeholder=_("/ to filter: name, city, sector, tags, contacts"), id="portfolio-filter"
        )
        table: VirtualTable[PortfolioRow] = VirtualTable(
            COLUMNS,
            self._cells,
            lambda row: row.account_id,
            empty_text=_("No account matches. Press x to clear the filters."),
            id="portfolio-table",
        )
        yield table
        yield KeysFooter()

    @property
    def table(self) -> VirtualTable[PortfolioRow]:
        return self.query_one("#portfolio-table", VirtualTable)

    # --- data: the rows, reloaded in a worker; filters, sort and cursor stay ---------------

    def prepare(self) -> None:
        self.table.loading = True
        self.table.set_sort_indicator(self.sort_column, self.descending)
        self._show_title()
        self._show_status()

    def load_inputs(self) -> object:
        saved = self.filters.saved
        return self.sort_column, self.descending, None if saved is None else saved.name

    def load(self) -> PortfolioLoad:
        portfolio = self.portfolio
        rows = portfolio.reports.portfolio_rows()
        window = window_label(portfolio.reports.window().label)
        view = PortfolioView(rows, self.sort_column, self.descending)
        saved = self.filters.saved
        if saved is None:
            return PortfolioLoad(view, window)
        # A write may have moved accounts in or out of the segment: read it again.
        return PortfolioLoad(view, window, saved.name, self._read_saved(saved.name))

    def _read_saved(self, name: str) -> SavedFilter | None:
        """The saved segment `name` with its accounts now; None once deleted (in a worker)."""
        try:
            segment = self.portfolio.segments.get(name)
        except NotFound:
            return None
        ids = self.portfolio.reports.segment_accounts(segment.name)
        return SavedFilter(segment.name, segment.filter_text, ids or frozenset())

    def show(self, loaded: PortfolioLoad) -> None:
        view, window_label = loaded.view, loaded.window_label
        saved = self.filters.saved
        if saved is not None and loaded.saved_asked == saved.name:
            if loaded.saved is None:
                self.notify(_("The saved segment {name} no longer exists.").format(
                    name=saved.name), markup=False)  # fmt: skip
            self.filters = replace(self.filters, saved=loaded.saved)
        if (view.sort_column, view.descending) != (self.sort_column, self.descending):
            view.sort_by(self.sort_column, self.descending)  # the sort changed while loading
        self.view = view
        self.window_label = window_label
        self.table.columns[4] = replace(
            COLUMNS[4], label=_("Revenue {window}").format(window=window_label)
        )
        self.table.invalidate()
        self._show_rows(view.set_filters(self.filters))
        self._show_title()
        self.table.loading = False
        self.table.remove_class("-stale")

    def refresh_data(self) -> None:
        """Asked for fresh rows (back from a screen that may have saved, an undo): the rows
        shown are dimmed until they come, never passed off as current."""
        super().refresh_data()
        if self.view is not None:
            self.table.add_class("-stale")

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
            _day(row.last_contact, _("never")),
            self._next_cell(row.next_follow_up),
            self._p_alive_cell(row.p_alive),
        )

    def _p_alive_cell(self, p_alive: float | None) -> Text:
        """P(alive) as a percentage, in the error colour below 50 %; "—" without a model."""
        if p_alive is None:
            return Text("—", style="dim")
        style = theme_colour(self.app.theme_variables, "error") if p_alive < 0.5 else ""
        return Text(fmt.percent(p_alive, 0), style=style)

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
        title = Text(_("Portfolio"), style="bold")
        if self.view is None:
            title.append("  " + _("loading…"), style="italic")
        else:
            count = len(self.view.all_rows)
            accounts = ngettext("{count} account", "{count} accounts", count)
            title.append("  " + accounts.format(count=fmt.number(count)), style="")
            if self.window_label:
                over = _("revenue over {window}").format(window=self.window_label)
                title.append(f" · {over}", style="dim")
        self.query_one("#portfolio-title", Static).update(title)

    def _show_status(self) -> None:
        """What is shown, after every keystroke: one line of fixed size, so no layout pass."""
        total = len(self.view.all_rows) if self.view else 0
        shown = self.table.row_count
        status = Text()
        if self.filters.active:
            shown_of = _("{shown} of {total}").format(
                shown=fmt.number(shown), total=fmt.number(total)
            )
            status.append(shown_of, style="bold")
            status.append(" · " + " · ".join(self.filters.describe()))
        else:
            status.append(_("all {total}").format(total=fmt.number(total)), style="dim")
        sorted_by = _("sorted by {column}").format(column=_(SORTS[self.sort_column][0]))
        status.append(f" · {sorted_by} {'▼' if self.descending else '▲'}", style="dim")
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_filter" and isinstance(self.focused, Input):
            return None  # shown dimmed; the key is typed into the field
        return True

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#portfolio-filter", Input))  # now, not on a later message

    def action_cycle_abc(self) -> None:
        self._set_filters(replace(self.filters, abc=cycle(self.filters.abc, ABC_CLASSES)))

    def action_cycle_stage(self) -> None:
        self._set_filters(replace(self.filters, stage=cycle(self.filters.stage, STAGES)))

    def action_cycle_segment(self) -> None:
        self._set_filters(replace(self.filters, segment=cycle(self.filters.segment, SEGMENTS)))

    def action_cycle_p_alive(self) -> None:
        below = next_threshold(self.filters.p_alive_below)
        self._set_filters(replace(self.filters, p_alive_below=below))

    @on_fresh_data
    def action_cycle_saved_segment(self) -> None:
        self._next_saved_segment(self.filters.saved.name if self.filters.saved else None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="saved-segment")
    def _next_saved_segment(self, current: str | None) -> None:
        names = [segment.name for segment in self.portfolio.segments.list()]
        if not names:
            message = _("No saved segment yet: ctrl+s saves the quick filters as one.")
            self.app.call_from_thread(self.notify, message)
            return
        name = cycle(current if current in names else None, names)
        saved = self._read_saved(name) if name else None
        self.app.call_from_thread(self._set_saved, saved)

    def _set_saved(self, saved: SavedFilter | None) -> None:
        self._set_filters(replace(self.filters, saved=saved))

    def action_save_segment(self) -> None:
        terms = self.filters.segment_terms()
        if not terms:
            self.notify(_("Nothing to save: narrow the list with a, t, g, p or G first "
                          "(the text after / has no segment field)."))  # fmt: skip
            return
        saved = self.filters.saved
        form = SaveSegmentForm(" and ".join(terms), name=saved.name if saved else "",
                               left_out=self.filters.text.strip())  # fmt: skip
        self.portfolio_app.open_form(form)

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
            self.notify(_("No account selected."))
            return
        self.portfolio_app.open_account(row.account_id)
