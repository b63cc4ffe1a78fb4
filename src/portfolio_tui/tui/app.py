"""The app: modes (one screen each), global keys, theme, keymap, undo and error reporting.

The service (`app.portfolio`) is opened on first use, by the first screen's loading worker;
its reads need no ORM. Once a screen has shown its first data, a background worker imports
what the first write needs (SQLAlchemy, SQLModel: ~0.35 s), so that a save does not wait.

Every mode screen is a `screens.base.ModeScreen` (the loading protocol is there); the app
calls `refresh_data()` on the one shown after an undo and after a modal form saved something.
`app.open_account(id)` shows the Account screen for that account.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.worker import Worker

from portfolio_tui import paths
from portfolio_tui.domain.settings import Settings
from portfolio_tui.errors import USER_ERRORS
from portfolio_tui.i18n import N_, _, resolve_language, set_language
from portfolio_tui.tui.bindings import translate_bindings
from portfolio_tui.tui.commands import AccountSearch, PortfolioCommands, system_commands
from portfolio_tui.tui.failures import (
    crash_console,
    report,
    report_failed_worker,
    save_crash_log,
)
from portfolio_tui.tui.modals.form import FormModal
from portfolio_tui.tui.modals.help import HelpScreen, screen_keys
from portfolio_tui.tui.modals.new_account import NewAccountForm
from portfolio_tui.tui.screens.account import AccountScreen, best_account
from portfolio_tui.tui.screens.base import ModeScreen
from portfolio_tui.tui.screens.dashboard import DashboardScreen
from portfolio_tui.tui.screens.pipeline import PipelineScreen
from portfolio_tui.tui.screens.portfolio import PortfolioScreen
from portfolio_tui.tui.screens.today import TodayScreen
from portfolio_tui.tui.styles_state import StyledApp

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio

SCREENS_GROUP = Binding.Group(N_("Screens"), compact=True)
# (mode, key, title), in key order.
SCREEN_SWITCHES: list[tuple[str, str, str]] = [
    ("today", "1", N_("Today")),
    ("portfolio", "2", N_("Portfolio")),
    ("account", "3", N_("Account")),
    ("pipeline", "4", N_("Pipeline")),
    ("dashboard", "5", N_("Dashboard")),
    ("exchange", "6", N_("Import/Export")),
]


# (cadence, palette command): the reviews a rep hands their manager (`pf.reviews`).
REVIEW_COMMANDS: list[tuple[str, str]] = [
    ("week", N_("Write the weekly review")),
    ("month", N_("Write the monthly review")),
    ("quarter", N_("Write the quarterly review")),
]


def _exchange_screen() -> Screen:
    # Imported when first shown: it reaches the file formats, and through them SQLModel, which
    # the first frame should not wait for.
    from portfolio_tui.tui.screens.exchange import ExchangeScreen

    return ExchangeScreen()


LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"


class PortfolioApp(StyledApp):
    TITLE = N_("Portfolio")
    # Every screen's style sheet, read once at the start: a screen's own CSS_PATH made Textual
    # parse every style sheet again and restyle every widget of every screen when the screen
    # first opened (~0.15 s for the Portfolio). The rules name their screen.
    CSS_PATH: ClassVar[list[str]] = [
        "app.tcss",
        "screens/today.tcss",
        "screens/portfolio.tcss",
        "screens/account.tcss",
        "screens/pipeline.tcss",
        "screens/dashboard.tcss",
        "screens/exchange.tcss",
        "modals/forms.tcss",
        "modals/dialogs.tcss",
    ]
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
        Binding("ctrl+z", "undo", N_("Undo"), id="app.undo"),
        Binding("A", "new_account", N_("New account…"), id="app.new_account"),
        Binding("question_mark", "help", N_("Help"), id="app.help"),
        # Not in the key list of the footer: Textual's Footer shows it on its right edge.
        Binding(
            "ctrl+p", "command_palette", N_("Palette"), id="app.palette", priority=True, show=False
        ),
        Binding("ctrl+t", "toggle_theme", N_("Theme"), id="app.theme"),
        Binding("q", "quit", N_("Quit"), id="app.quit"),
    ]

    def __init__(
        self,
        open_portfolio: Callable[[], Portfolio],
        settings: Settings,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.title = _(self.TITLE)
        self.error_console = crash_console()  # Textual prints a crash's traceback on it
        self._open_portfolio = open_portfolio
        self._portfolio: Portfolio | None = None
        self._portfolio_lock = threading.Lock()
        self.open_error: BaseException | None = None  # why the database could not be opened
        self.settings = settings
        self.clock = clock  # None: the system clock
        self.current_account_id: str | None = None
        self._undos_asked = 0  # ctrl+z pressed and not yet undone: each undoes one step
        self._undoing = False
        self._read_ahead_started = False  # rows read, the ORM imported, after a first load
        self._theme_problem: str | None = None
        if self.get_theme(settings.theme) is None:
            self._theme_problem = _("theme: no theme named {theme}; using {fallback}").format(
                theme=repr(settings.theme), fallback=DARK_THEME
            )
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

    def review_commands(self) -> list[tuple[str, str]]:
        return REVIEW_COMMANDS

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
            self.call_from_thread(self.notify, _("No account yet."))
            return
        self.call_from_thread(self.open_account, account_id)

    def open_account(self, account_id: str) -> None:
        """Show the Account screen for `account_id`."""
        self.current_account_id = account_id
        shown = self.screen_stack[0]  # the mode's screen, under any modal
        if self.current_mode == "account" and isinstance(shown, ModeScreen):
            shown.refresh_data()
        else:
            self.switch_mode("account")

    def action_new_account(self) -> None:
        """A new account or prospect with its first contact; opened once saved."""
        form = NewAccountForm()

        def created(_summary: str) -> None:
            if form.created_id is not None:
                self.open_account(form.created_id)

        self.open_form(form, created)

    def action_pick_account(self) -> None:
        self.push_screen(CommandPalette(providers=[AccountSearch], placeholder=_("Open account…")))

    def action_command_palette(self) -> None:
        """Textual's palette, its placeholder in the rep's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            placeholder = _("Search for commands…")
            self.push_screen(CommandPalette(id="--command-palette", placeholder=placeholder))

    def search_themes(self) -> None:
        self.push_screen(
            CommandPalette(providers=[ThemeProvider], placeholder=_("Search for themes…"))
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands (Theme, Quit, Screenshot…) in the rep's language; Keys is `?`."""
        return system_commands(super().get_system_commands(screen), self.action_help)

    def action_help(self) -> None:
        own, everywhere = screen_keys(self.screen)
        title = _(self.screen.TITLE) if self.screen.TITLE else self.current_mode.title()
        self.push_screen(HelpScreen(title, own, everywhere))

    # --- writes ---------------------------------------------------------------------------

    def write_review(self, cadence: str) -> None:
        """Write the review of `cadence` (week, month, quarter) as HTML, narrowed to the saved
        segment the Dashboard shows, if any; a notification says where the file is."""
        shown = self.screen_stack[0]  # the mode's screen, under any modal
        segment = shown.segment if isinstance(shown, DashboardScreen) else None
        self._write_review(cadence, segment)

    @work(thread=True, exit_on_error=False, group="review")
    def _write_review(self, cadence: str, segment: str | None) -> None:
        pf = self.portfolio
        path = paths.review_folder(pf.path) / paths.review_file_name(cadence, pf.today())
        written = pf.reviews.write_review(path, cadence, segment=segment)
        message = _("Review written: {path}").format(path=written)
        if segment:
            message += " · " + _("segment {name}").format(name=segment)
        self.call_from_thread(self.notify, message, markup=False)

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
        """The data changed: the screen shown (not a modal) shows it fresh."""
        if isinstance(self.screen, ModeScreen):
            self.screen.refresh_data()

    def action_undo(self) -> None:
        # Quick presses queue up and run one after the other, each undoing one step.
        self._undos_asked += 1
        if not self._undoing:
            self._undoing = True
            self._undo()

    @work(thread=True, exit_on_error=False, group="undo")
    def _undo(self) -> None:
        try:
            label = self.portfolio.undo()
        except BaseException:
            self.call_from_thread(self._undo_failed)
            raise
        self.call_from_thread(self._undone, label)

    def _undo_failed(self) -> None:
        self._undos_asked, self._undoing = 0, False

    def _undone(self, label: str | None) -> None:
        self._undos_asked -= 1
        if label is None:
            self._undo_failed()
            self.notify(_("Nothing to undo."))
        else:
            self.notify(_("Undone: {label}").format(label=label), markup=False)
            if self._undos_asked > 0:
                self._undo()
            else:
                self._undoing = False
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
        self._save_theme(self.theme)

    @work(thread=True, exclusive=True, exit_on_error=False, group="theme")
    def _save_theme(self, theme: str) -> None:
        """Remember the theme in the settings file, for the next start."""
        from portfolio_tui.config import save_theme

        try:
            save_theme(paths.config_file(), theme)
        except USER_ERRORS as error:
            self.call_from_thread(self.notify, str(error), severity="warning", markup=False)

    # --- errors ---------------------------------------------------------------------------

    def report_error(self, error: BaseException, context: str = "") -> None:
        report(self, error, context)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failed_worker(self, event)

    def data_shown(self) -> None:
        """A screen has shown its first data: in the background (once), now that it no
        longer delays a load, read the Portfolio's rows, so that the Portfolio opens with them
        (~0.3 s for 20,000 rows; opened sooner, its load waits for this one instead of reading
        them too), then import what the first write needs."""
        if not self._read_ahead_started:
            self._read_ahead_started = True
            self._read_ahead()

    @work(thread=True, exit_on_error=False, group="read-ahead")
    def _read_ahead(self) -> None:
        with contextlib.suppress(Exception):  # read ahead: the Portfolio's load reports it
            self.portfolio.reports.portfolio_rows()
        self.portfolio.prepare_writes()
        # What that imported (the ORM's modules, classes, tables) lives as long as the app: set
        # it aside with what the last load left (`refresher.collect_and_freeze`, which the next
        # load's collection undoes), or each full collection walks it again, ~45 ms landing on
        # a keystroke. A freeze is a splice of lists, no walk.
        gc.freeze()

    def save_crash_log(self) -> Path | None:
        """After the app exited on a bug no handler caught: keep the traceback Textual printed
        in the log file. Returns the file, or None when there was no such bug."""
        try:
            return save_crash_log(self.error_console)
        except OSError:
            return None  # the traceback is on stderr all the same


def make_app(
    db_path: Path,
    *,
    clock: Callable[[], datetime] | None = None,
    tz: tzinfo | None = None,
    settings: Settings | None = None,
    language: str | None = None,
) -> PortfolioApp:
    """The app on the database at `db_path`; the CLI and the tests both build it here.

    It speaks `language`, else the settings' `language`, else English (`run` and the CLI pass
    what `--lang` and the environment chose): set before any screen or key label is built."""
    if settings is None:
        from portfolio_tui.config import load_settings

        settings = load_settings(paths.config_file())
    chosen: Settings = settings
    set_language(resolve_language(chosen.language, language, {}))

    def open_portfolio() -> Portfolio:
        from portfolio_tui.service import open_portfolio, system_clock

        return open_portfolio(db_path, clock=clock or system_clock, tz=tz, settings=chosen)

    return PortfolioApp(open_portfolio, chosen, clock)


def run(db_path: Path, language: str | None = None) -> int:
    """The app on `db_path`, in `language`, else the setting's, else the environment's."""
    if language is None:
        from portfolio_tui.config import load_settings

        setting = load_settings(paths.config_file()).language
        language = resolve_language(setting, None, os.environ)
    app = make_app(db_path, language=language)
    try:
        app.run()
    finally:
        app.close_portfolio()
        app.save_crash_log()
    if app.open_error is not None:
        raise app.open_error
    return app.return_code or 0
