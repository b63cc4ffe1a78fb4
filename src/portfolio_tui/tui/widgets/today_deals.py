"""Today's deals section: the open deals closing this week or before, then the rotting ones,
under headings as the agenda's. Under 100 columns the account and title columns narrow and the
days in stage give way, so the stage and the amount stay on screen (80×24 included)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable

from portfolio_tui.i18n import N_, _
from portfolio_tui.i18n.terms import deal_stage_label
from portfolio_tui.service.views import DealAgendaItem
from portfolio_tui.tui.text import day_text, short_money
from portfolio_tui.tui.theme import theme_colour
from portfolio_tui.tui.widgets.deal_board import (
    ROTTING_MARK,
    days_text,
    percent_width,
    probability_text,
)

DEALS_CLOSING, DEALS_ROTTING = N_("Deals closing"), N_("Deals rotting")
NARROW = 100  # below this many columns the section takes its narrow widths


class TodayDeals(DataTable[Any]):
    """Hidden when there is no deal to show."""

    DEFAULT_CSS = """
    TodayDeals {
        height: auto;
        max-height: 9;
        overflow-x: hidden;
        border-top: solid $primary-muted;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", show_header=False, zebra_stripes=True)
        self.items: dict[str, DealAgendaItem] = {}
        self._shown: tuple[Any, ...] | None = None
        self._narrow: bool | None = None

    def on_mount(self) -> None:
        self._set_columns(self.app.size.width)

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW
        if narrow or narrow != self._narrow:
            self._set_columns(event.size.width)
            shown, self._shown = self._shown, None
            if shown is not None:
                self.show(*shown)

    def _set_columns(self, width: int) -> None:
        # The headings sit in the When column: it is as wide as the longer of them.
        when = max(16, *(cell_len(_(h)) for h in (DEALS_CLOSING, DEALS_ROTTING)))
        narrow = width < NARROW
        if narrow:
            fixed = when + 13 + 7 + percent_width()
            # What is left once each of the 6 columns has its padding and the scroll bar its 2.
            flexible = max(16, width - 2 * 6 - 2 - fixed)
            columns = ((_("When"), when), (_("Account"), flexible - flexible // 2),
                       (_("Deal"), flexible // 2), (_("Stage"), 13), (_("Amount"), 7),
                       ("%", percent_width()))  # fmt: skip
        else:
            columns = ((_("When"), when), (_("Account"), 26), (_("Deal"), max(16, 44 - when)),
                       (_("Stage"), 15), (_("Amount"), 8), ("%", percent_width()),
                       (_("Days"), 6))  # fmt: skip
        self.clear(columns=True)
        for label, column_width in columns:
            self.add_column(label, width=column_width)
        self._narrow = narrow

    def show(self, closing: list[DealAgendaItem], rotting: list[DealAgendaItem], today: date,
             settings: Any) -> None:  # fmt: skip
        # A save on Today patches the agenda and hands back the same deal lists: thousands of
        # rows on a large book (~2 s of DataTable rows) are not built again for nothing.
        if self._shown == (closing, rotting, today, settings):
            return
        self._shown = (closing, rotting, today, settings)
        self.clear()
        self.items = {}
        self.display = bool(closing or rotting)
        # Headings as the agenda's: the name, then the count, in the group's colour.
        sections = ((_(DEALS_CLOSING), "closing", "accent", closing),
                    (_(DEALS_ROTTING), "rotting", "warning", rotting))  # fmt: skip
        for heading, prefix, colour_name, items in sections:
            if not items:
                continue
            colour = theme_colour(self.app.theme_variables, colour_name)
            self.add_row(Text(heading, style=f"bold {colour}"), Text(str(len(items)), style=colour))
            for item in items:
                key = f"{prefix}:{item.deal_id}"
                self.items[key] = item
                self.add_row(*self._cells(item, today, settings), key=key)

    def _cells(self, item: DealAgendaItem, today: date, settings: Any) -> tuple[Text, ...]:
        if item.expected_close is None:
            when = Text("—")
        else:
            late = item.expected_close < today
            when = Text(day_text(item.expected_close), style="bold" if late else "")
        mark = f"{ROTTING_MARK} " if item.rotting else ""
        cells = (
            when,
            Text(item.account_name),
            Text(item.title),
            Text(mark + deal_stage_label(item.stage)),
            Text(short_money(item.amount, settings), justify="right"),
            Text(probability_text(item.probability), justify="right"),
            Text(days_text(item.days_in_stage)),
        )
        return cells[: len(self.columns)]

    def selected_item(self) -> DealAgendaItem | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.items.get(key or "")
