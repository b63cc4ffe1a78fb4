"""`?`: the keys of the screen the rep is on, then the keys that work everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from portfolio_tui.i18n import N_, _
from portfolio_tui.tui.bindings import translate_bindings
from portfolio_tui.tui.widgets.keys_footer import KeysFooter


@dataclass(frozen=True, slots=True)
class KeyHelp:
    key: str
    description: str
    binding_id: str


def screen_keys(screen: Screen) -> tuple[list[KeyHelp], list[KeyHelp]]:
    """(the screen's own keys, the app's keys) active on `screen`, with a description."""
    own: list[KeyHelp] = []
    everywhere: list[KeyHelp] = []
    for active in screen.active_bindings.values():
        binding = active.binding
        # Only the app's own keys, which all have an id: Textual's generic ones (cursor moves
        # in a table, focus, copy) are the same everywhere and would drown them.
        if not binding.id or not binding.description or active.node not in (screen, screen.app):
            continue
        entry = KeyHelp(screen.app.get_key_display(binding), binding.description,
                        binding.id or "")  # fmt: skip
        (everywhere if active.node is screen.app else own).append(entry)
    return own, everywhere


def _table(title: str, keys: list[KeyHelp]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", box=None,
                  show_header=False, padding=(0, 2, 0, 0), expand=True)  # fmt: skip
    table.add_column("key", style="bold", no_wrap=True, min_width=8)
    table.add_column("does", ratio=1)
    table.add_column("id", style="dim", no_wrap=True)
    for entry in keys:
        table.add_row(Text(entry.key), Text(entry.description), Text(entry.binding_id))
    if not keys:
        table.add_row("", Text(_("(none)"), style="dim"), "")
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the keys; any of escape, ? or q closes it."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="help.close"),
        Binding("question_mark", "close", N_("Close"), id="help.close_again", show=False),
        Binding("q", "close", N_("Close"), id="help.close_q", show=False),
    ]

    def __init__(self, title: str, own: list[KeyHelp], everywhere: list[KeyHelp]) -> None:
        super().__init__()
        translate_bindings(self)
        self.screen_title = title
        self.own = own
        self.everywhere = everywhere

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(
                Text(_("Keys: {screen}").format(screen=self.screen_title), style="bold"),
                id="help-title",
            )
            with Horizontal(id="help-columns"):
                yield Static(
                    _table(_("On {screen}").format(screen=self.screen_title), self.own),
                    classes="help-keys",
                )
                yield Static(_table(_("Everywhere"), self.everywhere), classes="help-keys")
            yield Static(
                Text(
                    _(
                        "Date phrases: today, tomorrow 9:00, +3d, +2w, next mon, 01/12, "
                        "2026-12-01 14:30, demain, lundi. Remap keys by id under [keymap] in the "
                        "settings file (portfolio config path)."
                    ),
                    style="italic",
                ),
                id="help-hint",
            )
        yield KeysFooter()

    def action_close(self) -> None:
        self.dismiss(None)
