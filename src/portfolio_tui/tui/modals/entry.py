"""One timeline entry read whole: its date, kind, text and detail, wrapped, never cut."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from portfolio_tui.domain.text import visible
from portfolio_tui.i18n import N_, _
from portfolio_tui.i18n.terms import timeline_text
from portfolio_tui.service.views import TimelineEntry
from portfolio_tui.tui.bindings import translate_bindings
from portfolio_tui.tui.widgets.keys_footer import KeysFooter
from portfolio_tui.tui.widgets.timeline import TimelineTable, kind_label


def entry_text(entry: TimelineEntry) -> Text:
    """The entry as typed (no markup read), its control characters shown."""
    when = f"{entry.at:%Y-%m-%d}" if entry.kind == "sale" else f"{entry.at:%Y-%m-%d %H:%M}"
    text = Text(f"{when} · {kind_label(entry.kind)}\n\n", style="bold")
    text.append(visible(timeline_text(entry.kind, entry.text)))
    if entry.detail:
        text.append("\n\n")
        text.append(visible(entry.detail), style="italic")
    return text


def entry_at_cursor(
    timeline: TimelineTable, entries: Sequence[TimelineEntry]
) -> TimelineEntry | None:
    """The entry under the timeline's cursor (its rows are keyed by index); None on the
    "older" row or an empty timeline."""
    if not entries or timeline.row_count == 0:
        return None
    key = timeline.coordinate_to_cell_key(timeline.cursor_coordinate).row_key.value
    return entries[int(key)] if key and key.isdigit() and int(key) < len(entries) else None


class EntryModal(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="entry.close"),
        Binding("enter", "close", N_("Close"), id="entry.close_enter", show=False),
    ]

    def __init__(self, entry: TimelineEntry, account_name: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.entry = entry
        self.account_name = account_name

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="entry-box"):
            yield Static(Text(visible(self.account_name), style="bold"), id="entry-account")
            yield Static(entry_text(self.entry), id="entry-text")
            yield Static(Text(_("escape closes"), style="italic dim"), id="entry-hint")
        yield KeysFooter()

    def action_close(self) -> None:
        self.dismiss(None)
