"""The base of every modal form: labelled fields, inline errors, save in a worker, escape.

A form checks what it can as the user types (date phrases), then saves through the Portfolio
service in a thread worker. A user error from the service (bad amount, unknown account,
ambiguous contact) is shown inline and nothing is saved; the form stays open. On success the
form is dismissed with a one-line summary of what was saved; escape dismisses it with None.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from portfolio_tui.errors import FutureDate, PastDate
from portfolio_tui.i18n import N_, _
from portfolio_tui.i18n.terms import field_error
from portfolio_tui.tui.bindings import translate_bindings
from portfolio_tui.tui.context import portfolio_app
from portfolio_tui.tui.failures import is_user_error, report, report_failed_worker
from portfolio_tui.tui.modals.confirm import ConfirmModal
from portfolio_tui.tui.widgets.date_input import DateInput
from portfolio_tui.tui.widgets.keys_footer import KeysFooter

if TYPE_CHECKING:  # the service is imported when the app first opens it
    from portfolio_tui.service import Portfolio
    from portfolio_tui.tui.app import PortfolioApp


SAVE_GROUP = "form-save"


class FormError(Exception):
    """A value the form itself rejects before calling the service; the message names the field
    in the current language ("sold on: …" / "date de vente : …")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field_error(field, message))
        self.field = field
        self.message = message


class FormModal(ModalScreen[str | None]):
    """Subclasses set TITLE, compose their fields in `fields()` (ids `f-<name>`), turn the
    fields into values in `collect()` and write them in `save()` (called in a worker)."""

    TITLE = N_("Form")
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="form.save"),
        Binding("escape", "cancel", N_("Cancel"), id="form.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self._saving = False
        self._typed_at_mount: dict[str, str] = {}  # each field's text once shown
        # A date refused as past or future, and the flag that allows it: saving the same
        # values again means the rep confirmed it.
        self._refused: tuple[dict[str, Any], dict[str, bool]] | None = None

    @property
    def portfolio_app(self) -> PortfolioApp:
        return portfolio_app(self.app)

    @property
    def portfolio(self) -> Portfolio:
        return self.portfolio_app.portfolio

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
            raise FormError(name, field.error or _("can't read this date"))
        return field.value.strip() or None

    def fill_if_untouched(self, name: str, text: str) -> None:
        """Put `text` (found by a worker after the form opened) in the field `name`, unless
        the rep already typed there."""
        key = f"f-{name}"
        if self.field_texts().get(key) != self._typed_at_mount.get(key):
            return
        field = self.query_one(f"#{key}")
        if isinstance(field, DateInput | Input):
            field.value = text
            text = field.value  # as shown: a date phrase in the rep's words
        self._typed_at_mount[key] = text

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            raise FormError(name, _("must not be empty"))
        return value

    # --- the form -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(Text(_(self.TITLE), style="bold"), id="form-title")
            if subtitle := self.subtitle():
                yield Static(Text(subtitle), id="form-subtitle")
            with Grid(id="form-fields"):
                yield from self.fields()
            yield Static(id="form-error")
            yield Static(
                Text(_("enter or ctrl+s saves · escape cancels"), style="italic"), id="form-hint"
            )
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#form-error").display = False
        self._typed_at_mount = self.field_texts()

    def field_texts(self) -> dict[str, str]:
        """The text of every input field, by id (what escape would lose)."""
        # A DateInput's Input has no id of its own: it goes by the DateInput's.
        return {str(f.id or (f.parent and f.parent.id)): f.value for f in self.query(Input)}

    @property
    def touched(self) -> bool:
        """True once the rep changed a field's text since the form was shown."""
        return self.field_texts() != self._typed_at_mount

    def action_cancel(self) -> None:
        if self._saving:
            return
        if not self.touched:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmModal(_("Discard what you typed?")), answered)

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
        if self._refused is not None and self._refused[0] == values:
            values = {**values, **self._refused[1]}  # saved again as it was: confirmed
        self._refused = None
        self._saving = True
        self._save_in_thread(values)

    @work(thread=True, exclusive=True, exit_on_error=False, group=SAVE_GROUP)
    def _save_in_thread(self, values: dict[str, Any]) -> str | None:
        return self.save(values)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Dismissed once the save's worker is done, not from inside it: dismissing removes the
        # form, and with it any worker of the form still finishing (it would be cancelled).
        worker = event.worker
        if worker.group != SAVE_GROUP:
            report_failed_worker(self.app, event)
        elif event.state == WorkerState.SUCCESS:
            self.dismiss(worker.result)
        elif event.state == WorkerState.ERROR and isinstance(worker.error, Exception):
            self._failed(worker.error)

    def _failed(self, error: Exception) -> None:
        self._saving = False
        if isinstance(error, PastDate | FutureDate):
            self._ask_to_confirm(error)
        elif is_user_error(error):
            self.show_error(str(error), getattr(error, "field", None))
        else:
            report(self.app, error, f"saving {type(self).__name__}")
            self.show_error(
                _("Not saved: unexpected error ({error}); see the log").format(
                    error=type(error).__name__
                )
            )

    def _ask_to_confirm(self, error: PastDate | FutureDate) -> None:
        """A date before now (a follow-up) or after now (an interaction): shown with the date
        understood; saving again unchanged saves it all the same."""
        try:
            values = self.collect()
        except FormError:
            return
        allow = "allow_past" if isinstance(error, PastDate) else "allow_future"
        self._refused = (values, {allow: True})
        self.show_error(_("{error}. ctrl+s again saves it anyway.").format(error=error))

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
