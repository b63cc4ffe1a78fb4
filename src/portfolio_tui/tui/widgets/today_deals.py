"""Today's deals section: the open deals closing this week or before, then the rotting ones,
under headings as the agenda's. Under 100 columns the account and title columns narrow and the
days in stage give way, so the stage and the amount stay on screen (80×24 included).

A `GroupedTable` as the agenda, so only the rows on screen are drawn: the reference book has
9,401 deals to show, which Textual's DataTable took 1-2 s (and tens of MB) to measure. The rows
themselves are made as they are asked for (`DealRows`), not one object a deal at each load.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

from rich.cells import cell_len
from rich.text import Text
from textual import events

from portfolio_tui.i18n import N_, _
from portfolio_tui.i18n.terms import deal_stage_label
from portfolio_tui.service.views import DealAgendaItem
from portfolio_tui.tui.text import day_text, short_money
from portfolio_tui.tui.widgets.deal_board import (
    ROTTING_MARK,
    days_text,
    percent_width,
    probability_text,
)
from portfolio_tui.tui.widgets.grouped_table import GroupedTable, GroupHeading, heading_key
from portfolio_tui.tui.widgets.virtual_table import Cell, TableColumn

DEALS_CLOSING, DEALS_ROTTING = N_("Deals closing"), N_("Deals rotting")
NARROW = 100  # below this many columns the section takes its narrow widths


@dataclass(frozen=True, slots=True)
class DealRow:
    section: str  # "closing" or "rotting": a deal can be in both
    item: DealAgendaItem


TodayDealRow = GroupHeading | DealRow


def deal_row_key(row: TodayDealRow) -> str:
    if isinstance(row, GroupHeading):
        return heading_key(row)
    return f"{row.section}:{row.item.deal_id}"


class DealRows(Sequence[TodayDealRow]):
    """ "Deals closing" and its deals, then "Deals rotting" and its deals (a group without a deal
    has no heading either), each row made when it is asked for."""

    def __init__(self, closing: Sequence[DealAgendaItem], rotting: Sequence[DealAgendaItem]):
        groups = ((DEALS_CLOSING, "closing", closing), (DEALS_ROTTING, "rotting", rotting))
        self._groups = [(GroupHeading(name, len(items)), s, items) for name, s, items in groups
                        if items]  # fmt: skip

    def __len__(self) -> int:
        return sum(1 + len(items) for _heading, _section, items in self._groups)

    @overload
    def __getitem__(self, index: int) -> TodayDealRow: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[TodayDealRow]: ...
    def __getitem__(self, index: int | slice) -> TodayDealRow | Sequence[TodayDealRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        at = index + len(self) if index < 0 else index
        for heading, section, items in self._groups:
            if at == 0:
                return heading
            if at <= len(items):
                return DealRow(section, items[at - 1])
            at -= 1 + len(items)
        raise IndexError(index)

    def __iter__(self) -> Iterator[TodayDealRow]:
        for heading, section, items in self._groups:
            yield heading
            for item in items:
                yield DealRow(section, item)


def deal_columns(width: int) -> list[TableColumn]:
    """The columns for a section `width` wide: narrow ones under `NARROW`."""
    # The headings sit in the When column: it is as wide as the longer of them.
    when = max(16, *(cell_len(_(h)) for h in (DEALS_CLOSING, DEALS_ROTTING)))
    percent = TableColumn("percent", "%", percent_width(), justify="right")
    if width < NARROW:
        fixed = when + 13 + 7 + percent_width()
        # What is left once each of the 6 columns has its space before it and the scroll bar
        # its 2, shared by the account and the title.
        flexible = max(16, width - 6 - 2 - fixed)
        return [TableColumn("when", N_("When"), when),
                TableColumn("account", N_("Account"), flexible - flexible // 2),
                TableColumn("deal", N_("Deal"), flexible // 2),
                TableColumn("stage", N_("Stage"), 13),
                TableColumn("amount", N_("Amount"), 7, justify="right"), percent]  # fmt: skip
    return [TableColumn("when", N_("When"), when), TableColumn("account", N_("Account"), 26),
            TableColumn("deal", N_("Deal"), max(16, 44 - when)),
            TableColumn("stage", N_("Stage"), 15),
            TableColumn("amount", N_("Amount"), 8, justify="right"), percent,
            TableColumn("days", N_("Days"), 6)]  # fmt: skip


class TodayDeals(GroupedTable[TodayDealRow]):
    """Hidden when there is no deal to show."""

    DEFAULT_CSS = """
    TodayDeals {
        height: auto;
        max-height: 9;
        overflow-x: hidden;
        border-top: solid $primary-muted;
    }
    """
    # Headings as the agenda's: the name, then the count, in the group's colour.
    GROUP_COLOURS = {DEALS_CLOSING: "accent", DEALS_ROTTING: "warning"}

    def __init__(self, *, id: str | None = None) -> None:
        columns = deal_columns(NARROW)  # until mounted, then at the section's width
        super().__init__(
            columns, self.cells, deal_row_key, zebra_stripes=True, show_header=False, id=id
        )
        self._shown: tuple[Any, ...] | None = None
        self.today: date | None = None
        self.settings: Any = None

    def on_mount(self) -> None:
        self.columns = deal_columns(self.app.size.width)

    def on_resize(self, event: events.Resize) -> None:
        # Before VirtualTable's own handler, which sizes the table to its columns.
        self.columns = deal_columns(event.size.width)

    def show(self, closing: list[DealAgendaItem], rotting: list[DealAgendaItem], today: date,
             settings: Any) -> None:  # fmt: skip
        # A save on Today patches the agenda and hands back the same deal lists: the cells
        # cached are not made again for nothing.
        if self._shown == (closing, rotting, today, settings):
            return
        self._shown = (closing, rotting, today, settings)
        self.today, self.settings = today, settings
        self.display = bool(closing or rotting)
        self.invalidate()  # same keys, new contents (a new stage, a new count)
        self.set_items(DealRows(closing, rotting))

    def selected_item(self) -> DealAgendaItem | None:
        row = self.cursor_item
        return row.item if isinstance(row, DealRow) else None

    def cells(self, row: TodayDealRow) -> tuple[Cell, ...]:
        if isinstance(row, GroupHeading):
            return self.heading_cells(row)
        item = row.item
        if item.expected_close is None:
            when = Text("—")
        else:
            late = self.today is not None and item.expected_close < self.today
            when = Text(day_text(item.expected_close), style="bold" if late else "")
        mark = f"{ROTTING_MARK} " if item.rotting else ""
        return (
            when,
            Text(item.account_name),
            Text(item.title),
            Text(mark + deal_stage_label(item.stage)),
            Text(short_money(item.amount, self.settings)),
            Text(probability_text(item.probability)),
            Text(days_text(item.days_in_stage)),
        )
