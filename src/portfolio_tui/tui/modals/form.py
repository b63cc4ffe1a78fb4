"""The base of every modal form: labelled fields, inline errors, save in a worker, escape.

A form checks what it can as the user types (date phrases), then saves through the Portfolio
service in a thread worker. A user error from the service (bad amount, unknown account,
ambiguous contact) is shown inline and nothing is saved; the form stays open. On success the
form is dismissed with a one-line summary of what was saved; escape dismisses it with None.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, Select, Static

from portfolio_tui.tui.failures import is_user_error, report
from portfolio_tui.tui.widgets.date_input import DateInput


class FormError(Exception):
    """A value the form itself rejects before calling the service."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field.replace('_', ' ')}: {message}")
        self.field = field


class FormModal(ModalScreen[str | None]):
    """Subclasses set TITLE, compose their fields in `fields()` (ids `f-<name>`), turn the
    fields into values in `collect()` and write them in `save()` (called in a worker)."""

    TITLE = "Form"
    CSS_PATH = "forms.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._saving = False

    # --- to implement ---------------------------------------------------------------------

    def subtitle(self) -> str:
        return ""

    def fields(self) -> ComposeResult:
        raise NotImplementedError
        yield

    def collect(self) -> dict[str, Any]:
        """The values to save; raises FormError for a value the form rejects itself."""
        raise NotImplementedError

    def save(self, values: dict[str, Any]) -> str | None:
        """Write `values` through the service (in a worker thread); returns the summary."""
        raise NotImplementedError

    # --- helpers for subclasses -----------------------------------------------------------

    @staticmethod
    def row(label: str, widget: Widget) -> ComposeResult:
        yield Label(label, classes="form-label")
        yield widget

    def text(self, name: str) -> str:
        return self.query_one(f"#f-{name}", Input).value.strip()

    def choice(self, name: str) -> str | None:
        value = self.query_one(f"#f-{name}", Select).value
        return None if value is Select.NULL else str(value)

    def phrase(self, name: str) -> str | None:
        """The text of a DateInput, checked; None when it is empty (and may be)."""
        field = self.query_one(f"#f-{name}", DateInput)
        if not field.is_valid:
            raise FormError(name, field.error or "can't read this date")
        return field.value.strip() or None

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            raise FormError(name, "must not be empty")
        return value

    # --- the form -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(Text(self.TITLE, style="bold"), id="form-title")
            if subtitle := self.subtitle():
                yield Static(Text(subtitle), id="form-subtitle")
            with Grid(id="form-fields"):
                yield from self.fields()
            yield Static(id="form-error")
            yield Static(
                Text("enter or ctrl+s saves · escape cancels", style="italic"), id="form-hint"
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#form-error").display = False

    def action_cancel(self) -> None:
        if not self._saving:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        if self._saving:
            return
        self._clear_error()
        try:
            values = self.collect()
        except FormError as error:
            self.show_error(str(error), error.field)
            return
        self._saving = True
        self._save_in_thread(values)

    @work(thread=True, exclusive=True, exit_on_error=False, group="form-save")
    def _save_in_thread(self, values: dict[str, Any]) -> None:
        try:
            summary = self.save(values)
        except Exception as error:
            self.app.call_from_thread(self._failed, error)
        else:
            self.app.call_from_thread(self.dismiss, summary)

    def _failed(self, error: Exception) -> None:
        self._saving = False
        if is_user_error(error):
            self.show_error(str(error), getattr(error, "field", None))
        else:
            report(self.app, error, f"saving {type(self).__name__}")
            self.show_error(f"Not saved: unexpected error ({type(error).__name__}); see the log")

    def show_error(self, message: str, field: str | None = None) -> None:
        box = self.query_one("#form-error", Static)
        box.update(Text(message))
        box.display = True
        if field:
            for widget in self.query(f"#f-{field}"):
                widget.add_class("-invalid")
                widget.focus()

    def _clear_error(self) -> None:
        self.query_one("#form-error").display = False
        for widget in self.query("#form-fields > .-invalid"):
            if not isinstance(widget, DateInput):
                widget.remove_class("-invalid")
