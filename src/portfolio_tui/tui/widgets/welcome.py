"""The welcome on Today while the portfolio holds no account: how to start, in words, with the
keys (as the keymap binds them) — create an account, import a file, or try the demo.

The demo is never written into this file: it lives in its own database (`portfolio --demo`),
so a rep's real portfolio stays theirs. Once an account exists the welcome hides itself and
Today shows the agenda.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.widgets import Static

from portfolio_tui.i18n import _
from portfolio_tui.tui.context import portfolio_app

DEMO_COMMAND = "portfolio --demo"
# The app's keys the welcome names, by binding id, and the key when none is bound.
NEW_ACCOUNT = ("app.new_account", "A")
EXCHANGE = ("app.exchange", "6")


class Welcome(Static):
    """Shown (and the screen's agenda hidden) while the portfolio is empty: call `check()`
    after each load of the screen."""

    DEFAULT_CSS = """
    Welcome {
        height: auto;
        padding: 1 2;
        display: none;
    }
    """

    def __init__(self, *, hides: str = "#agenda", id: str | None = None) -> None:
        super().__init__(id=id)
        self.hides = hides  # the screen's widgets the welcome stands in for
        self.empty: bool | None = None  # None: not checked yet

    def check(self) -> None:
        """Ask the service whether the portfolio holds an account (in a worker)."""
        self._check()

    @work(thread=True, exclusive=True, exit_on_error=False, group="welcome")
    def _check(self) -> None:
        empty = portfolio_app(self.app).portfolio.is_empty()
        self.app.call_from_thread(self._show, empty)

    def _show(self, empty: bool) -> None:
        self.empty = empty
        if empty:
            self.update(self.text())
        self.display = empty
        for widget in self.screen.query(self.hides):
            widget.display = not empty

    def _key(self, binding: tuple[str, str]) -> str:
        binding_id, default = binding
        for active in self.screen.active_bindings.values():
            if active.binding.id == binding_id:
                return self.app.get_key_display(active.binding)
        return default

    def text(self) -> Table:
        """The welcome: a line of what this is, the three ways to start, what comes next."""
        steps = Table.grid(padding=(0, 3, 1, 0))
        steps.add_column(style="bold", no_wrap=True)
        steps.add_column(ratio=1)
        steps.add_row(
            Text(self._key(NEW_ACCOUNT)),
            Text(_("Create your first account or prospect, with its first contact.")),
        )
        steps.add_row(
            Text(self._key(EXCHANGE)),
            Text(_("Import your accounts, contacts and sales from a file (CSV, Excel, "
                   "LibreOffice) or a sync bundle: the Import/Export screen.")),
        )  # fmt: skip
        steps.add_row(
            Text(DEMO_COMMAND),
            Text(_("Try the app on a demo portfolio first: quit ({quit}) and run this command. "
                   "The demo has its own file; this portfolio is left as it is.").format(
                       quit=self._key(("app.quit", "q")))),
        )  # fmt: skip
        page = Table.grid()
        page.add_column()
        page.add_row(Text(_("Welcome. This portfolio is empty; to start:"), style="bold"))
        page.add_row(Text(""))
        page.add_row(steps)
        page.add_row(Text(_("Once it holds an account, this screen shows your day: follow-ups "
                            "due, accounts to contact, deals to close."), style="dim"))  # fmt: skip
        return page
