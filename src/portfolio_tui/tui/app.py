"""The app: modes (one screen each), global keys, theme, keymap, undo and error reporting.

The service (`app.portfolio`) is opened on first use, by the first screen's loading worker:
importing it (SQLAlchemy, SQLModel) takes ~0.4 s that the first frame does not wait for.

Screen protocol: a mode screen has `refresh_data()`, a thread worker that (re)loads its data
and touches the UI only through `app.call_from_thread` or `post_message`; it is called on
mount and on resume, and by the app after an undo and after a modal form saved something.
`app.open_account(id)` shows the Account screen for that account.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from portfolio_tui import paths
from portfolio_tui.domain.settings import Settings
from portfolio_tui.errors import USER_ERRORS
from portfolio_tui.tui.commands import AccountSearch, PortfolioCommands
from portfolio_tui.tui.failures import ReportingWorkerManager, log_failure, report
from portfolio_tui.tui.modals.form import FormModal
from portfolio_tui.tui.modals.help import HelpScreen, screen_keys
from portfolio_tui.tui.screens.account import AccountScreen, best_account
from portfolio_tui.tui.screens.dashboard import DashboardScreen
from portfolio_tui.tui.screens.pipeline import PipelineScreen
from portfolio_tui.tui.screens.portfolio import PortfolioScreen
from portfolio_tui.tui.screens.today import TodayScreen

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio

SCREENS_GROUP = Binding.Group("Screens", compact=True)
# (mode, key, title), in key order.
SCREEN_SWITCHES: list[tuple[str, str, str]] = [
    ("today", "1", "Today"),
    ("portfolio", "2", "Portfolio"),
    ("account", "3", "Account"),
    ("pipeline", "4", "Pipeline"),
    ("dashboard", "5", "Dashboard"),
    ("exchange", "6", "Import/Export"),
]


def _exchange_screen() -> Screen:
    # Imported when first shown: it reaches the file formats, and through them SQLModel, which
    # the first frame should not wait for.
    from portfolio_tui.tui.screens.exchange import ExchangeScreen

    return ExchangeScreen()


LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"


class PortfolioApp(App[int]):
    TITLE = "Portfolio"
    CSS_PATH = "app.tcss"
    MODES: ClassVar[dict[str, str | Callable[[], Screen]]] = {
        "today": TodayScreen,
        "portfolio": PortfolioScreen,
        "account": AccountScreen,
        "pipeline": PipelineScreen,
        "dashboard": DashboardScreen,
        "exchange": _exchange_screen,
    }
    DEFAULT_MODE = "today"
    COMMANDS = App.COMMANDS | {PortfolioCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        *(
            Binding(key, f"show_screen('{mode}')", title, id=f"app.{mode}", group=SCREENS_GROUP)
            for mode, key, title in SCREEN_SWITCHES
        ),
        Binding("ctrl+z", "undo", "Undo", id="app.undo"),
        Binding("question_mark", "help", "Help", id="app.help"),
        # Not in the key list of the footer: Textual's Footer shows it on its right edge.
        Binding(
            "ctrl+p", "command_palette", "Palette", id="app.palette", priority=True, show=False
        ),
        Binding("ctrl+t", "toggle_theme", "Theme", id="app.theme"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        open_portfolio: Callable[[], Portfolio],
        settings: Settings,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self._workers = ReportingWorkerManager(self)
        self._open_portfolio = open_portfolio
        self._portfolio: Portfolio | None = None
        self._portfolio_lock = threading.Lock()
        self.open_error: BaseException | None = None  # why the database could not be opened
        self.settings = settings
        self.clock = clock  # None: the system clock
        self.current_account_id: str | None = None
        self._theme_problem: str | None = None
        if self.get_theme(settings.theme) is None:
            self._theme_problem = f"theme: no theme named {settings.theme!r}; using {DARK_THEME}"
            self.theme = DARK_THEME
        else:
            self.theme = settings.theme

    @property
    def portfolio(self) -> Portfolio:
        """The service, opened on first use (from any thread; once)."""
        with self._portfolio_lock:
            if self._portfolio is None:
                try:
                    self._portfolio = self._open_portfolio()
                except USER_ERRORS as error:  # not a portfolio file, a newer schema…
                    # Nothing can be shown: quit, and `run` reports it as the CLI reports errors.
                    self.open_error = error
                    self.call_later(self.exit, return_code=1)  # thread-safe: posts a message
                    raise
            return self._portfolio

    def close_portfolio(self) -> None:
        with self._portfolio_lock:
            if self._portfolio is not None:
                self._portfolio.close()

    def on_mount(self) -> None:
        self.set_keymap(dict(self.settings.keymap))
        if self._theme_problem:
            self.notify(self._theme_problem, severity="warning", markup=False)

    def screen_switches(self) -> list[tuple[str, str, str]]:
        return SCREEN_SWITCHES

    # --- screens --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_screen" and parameters and parameters[0] == self.current_mode:
            return None  # shown, greyed out: we are there
        return True

    def action_show_screen(self, mode: str) -> None:
        self.show_screen(mode)

    def show_screen(self, mode: str) -> None:
        if mode == "account" and self.current_account_id is None:
            self._open_best_account()
            return
        self.switch_mode(mode)

    @work(thread=True, exit_on_error=False, group="open-account")
    def _open_best_account(self) -> None:
        account_id = best_account(self.portfolio)
        if account_id is None:
            self.call_from_thread(self.notify, "No account yet.")
            return
        self.call_from_thread(self.open_account, account_id)

    def open_account(self, account_id: str) -> None:
        """Show the Account screen for `account_id`."""
        self.current_account_id = account_id
        if self.current_mode == "account":
            self.screen_stack[0].refresh_data()  # type: ignore[attr-defined]
        else:
            self.switch_mode("account")

    def action_pick_account(self) -> None:
        self.push_screen(CommandPalette(providers=[AccountSearch], placeholder="Open account…"))

    def action_help(self) -> None:
        own, everywhere = screen_keys(self.screen)
        title = getattr(self.screen, "TITLE", None) or self.current_mode.title()
        self.push_screen(HelpScreen(str(title), own, everywhere))

    # --- writes ---------------------------------------------------------------------------

    def open_form(self, form: FormModal, on_saved: Callable[[str], None] | None = None) -> None:
        """Push a modal form; when it saved something, tell the rep and refresh the screen."""

        def done(summary: str | None) -> None:
            if summary is None:
                return
            self.notify(summary, markup=False)
            self.refresh_screen()
            if on_saved is not None:
                on_saved(summary)

        self.push_screen(form, done)

    def refresh_screen(self) -> None:
        refresh = getattr(self.screen, "refresh_data", None)
        if refresh is not None:
            refresh()

    def action_undo(self) -> None:
        self._undo()

    @work(thread=True, exclusive=True, exit_on_error=False, group="undo")
    def _undo(self) -> None:
        label = self.portfolio.undo()
        self.call_from_thread(self._undone, label)

    def _undone(self, label: str | None) -> None:
        if label is None:
            self.notify("Nothing to undo.")
            return
        self.notify(f"Undone: {label}", markup=False)
        self.refresh_screen()

    # --- look -----------------------------------------------------------------------------

    def action_toggle_theme(self) -> None:
        """Dark ↔ light; the theme of the settings stands for its side."""
        preferred = self.get_theme(self.settings.theme)
        if self.current_theme.dark:
            self.theme = preferred.name if preferred and not preferred.dark else LIGHT_THEME
        else:
            self.theme = preferred.name if preferred and preferred.dark else DARK_THEME
        self.refresh_screen()

    # --- errors ---------------------------------------------------------------------------

    def report_error(self, error: BaseException, context: str = "") -> None:
        report(self, error, context)

    def _handle_exception(self, error: Exception) -> None:
        # A bug got past every handler and Textual is about to exit: keep its traceback.
        with suppress(OSError):
            log_failure(error, "unhandled")
        super()._handle_exception(error)


def make_app(
    db_path: Path,
    *,
    clock: Callable[[], datetime] | None = None,
    tz: tzinfo | None = None,
    settings: Settings | None = None,
) -> PortfolioApp:
    """The app on the database at `db_path`; the CLI and the tests both build it here."""
    if settings is None:
        from portfolio_tui.config import load_settings

        settings = load_settings(paths.config_file())
    chosen: Settings = settings

    def open_portfolio() -> Portfolio:
        from portfolio_tui.service import open_portfolio, system_clock

        return open_portfolio(db_path, clock=clock or system_clock, tz=tz, settings=chosen)

    return PortfolioApp(open_portfolio, chosen, clock)


def run(db_path: Path) -> int:
    app = make_app(db_path)
    try:
        app.run()
    finally:
        app.close_portfolio()
    if app.open_error is not None:
        raise app.open_error
    return app.return_code or 0
