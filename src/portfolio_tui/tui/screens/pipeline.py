"""The Pipeline screen (work in progress)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label


class PipelineScreen(Screen):
    def compose(self) -> ComposeResult:
        yield Label("Pipeline", id="title")
        yield DataTable(id="table")
        yield Footer()

    def refresh_data(self) -> None:
        pass
