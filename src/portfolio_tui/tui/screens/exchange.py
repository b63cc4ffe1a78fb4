"""The import/export screen (work in progress): spreadsheets, vCard and iCalendar."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Label


class ExchangeScreen(Screen):
    def compose(self) -> ComposeResult:
        yield Label("Import / export", id="title")
        yield Footer()

    def refresh_data(self) -> None:
        pass
