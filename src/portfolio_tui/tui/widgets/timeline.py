"""An account's timeline, newest first, filled a page at a time: an A account can have
thousands of sales lines, and a table of thousands of rows is slow to build and to move in."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

from portfolio_tui.i18n import _, ngettext, pgettext
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.i18n.terms import timeline_text
from portfolio_tui.service.views import TimelineEntry
from portfolio_tui.tui.context import portfolio_app

PAGE = 200
MORE_KEY = "more"


def when_text(entry: TimelineEntry) -> str:
    """ "2026-12-01 14:30" / "01/12/2026 14:30"; the day alone for a sale (sales are dated by
    day only: the time on their entry is a placeholder)."""
    day = fmt.date_numeric(entry.at)
    return day if entry.kind == "sale" else f"{day} {fmt.time_short(entry.at)}"


KIND_STYLES = {"sale": "dim", "stage": "italic"}


def kind_label(kind: str) -> str:
    """The timeline's kind column, 7 wide: "call", "meeting"… / "appel", "RDV"…"""
    labels = {
        "call": pgettext("timeline kind", "call"),
        "meeting": pgettext("timeline kind", "meeting"),
        "email": pgettext("timeline kind", "email"),
        "visit": pgettext("timeline kind", "visit"),
        "note": pgettext("timeline kind", "note"),
        "sale": pgettext("timeline kind", "sale"),
        "stage": pgettext("timeline kind", "stage"),
    }
    return labels.get(kind, kind)


class TimelineTable(DataTable):
    """`show(entries)` shows the first PAGE entries and a "… N older" row; enter on that row
    (or `show_more()`) adds the next page."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._entries: Sequence[TimelineEntry] = ()
        self._shown = 0

    def on_mount(self) -> None:
        # Fixed widths: the timeline pane is about 70 columns wide on a 120-column screen.
        self.add_column(_("When"), key="when", width=16)
        self.add_column(_("Kind"), key="kind", width=7)
        self.add_column(_("What"), key="what", width=22)
        self.add_column(_("Detail"), key="detail", width=18)

    def _detail(self, entry: TimelineEntry) -> str:
        if entry.kind != "sale":
            return entry.detail
        # Imported here: service.account_card reaches the store, which the first frame (Today)
        # must not wait for (tests/tui/test_first_screen.py).
        from portfolio_tui.service.account_card import shown_sale_detail

        return shown_sale_detail(entry.detail, portfolio_app(self.app).settings)

    @property
    def shown(self) -> int:
        return self._shown

    def show(self, entries: Sequence[TimelineEntry]) -> None:
        self._entries = entries
        self._shown = 0
        self.clear()
        if not entries:
            self.add_row(Text(_("Nothing yet: log a call with c."), style="dim"), key="empty")
            return
        self.show_more()

    def show_more(self) -> None:
        if MORE_KEY in self.rows:
            self.remove_row(MORE_KEY)
        page = self._entries[self._shown : self._shown + PAGE]
        for n, entry in enumerate(page, start=self._shown):
            style = KIND_STYLES.get(entry.kind, "")
            self.add_row(
                Text(when_text(entry), style),
                Text(kind_label(entry.kind), style=style),
                Text(
                    timeline_text(entry.kind, entry.text),
                    style=style,
                    overflow="ellipsis",
                    no_wrap=True,
                ),
                Text(self._detail(entry), style=style, overflow="ellipsis", no_wrap=True),
                key=str(n),
            )
        self._shown += len(page)
        left = len(self._entries) - self._shown
        if left > 0:
            older = ngettext(
                "… {left} older entry: enter shows {more} more",
                "… {left} older entries: enter shows {more} more",
                left,
            )
            label = Text(older.format(left=left, more=min(left, PAGE)), "italic")
            self.add_row("", "", label, key=MORE_KEY)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value == MORE_KEY:
            event.stop()
            row = self.cursor_row
            self.show_more()
            self.move_cursor(row=row)
