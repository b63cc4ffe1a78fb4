"""The base of every mode screen, and the loading protocol of the screens that show data.

`ModeScreen`: the screen of one mode (Today, Portfolio…). It reaches the app and the service
typed (`portfolio_app`, `portfolio`), reports its failed workers, and answers `refresh_data()`,
which the app calls on the screen shown after an undo, a form that saved something, an import
or a sync: the data changed, show it fresh.

`LoadingScreen[T]`: a mode screen that shows data read through the service. It implements
`load()`, run in a worker thread, which reads and returns the data without touching a widget,
and `show(data)`, run on the UI thread with what `load` returned. `prepare()` sets the screen up
on mount, before the first load. The data is loaded on mount, on `refresh_data()`, and on a
resume when what it was read from moved (a write, here or by another process, the day, the
language, the settings: `Portfolio.data_stamp()`) or what the screen asks for did
(`load_inputs()`); requests that pile up while a load is scheduled or running make one more
load at most (see `Refresher`). `loads` counts the data shown so far; `resumes_unchanged`, the
resumes that found the data shown still current.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from textual.screen import Screen
from textual.worker import Worker

from portfolio_tui.tui.bindings import translate_bindings
from portfolio_tui.tui.context import portfolio_app
from portfolio_tui.tui.failures import report_failed_worker
from portfolio_tui.tui.screens.refresher import Refresher
from portfolio_tui.tui.styles_state import mark_styled

if TYPE_CHECKING:  # the service is imported when the app first opens it
    from portfolio_tui.service import Portfolio
    from portfolio_tui.tui.app import PortfolioApp

T = TypeVar("T")


def on_fresh_data(method: Callable[..., None]) -> Callable[..., None]:
    """An action of a `LoadingScreen` that waits for a load on its way (see `when_loaded`)."""

    @functools.wraps(method)
    def wrapper(self: LoadingScreen[object], *args: object) -> None:
        self.when_loaded(functools.partial(method, self, *args))

    return wrapper


class ModeScreen(Screen[None]):
    """The screen of one mode: typed access to the app and the service."""

    def __init__(self, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        translate_bindings(self)  # its key labels in the rep's language
        mark_styled(self)  # no second parse of every style sheet at its first showing

    @property
    def portfolio_app(self) -> PortfolioApp:
        return portfolio_app(self.app)

    @property
    def portfolio(self) -> Portfolio:
        """The service (opened on first use: call it from a worker the first time)."""
        return self.portfolio_app.portfolio

    def refresh_data(self) -> None:
        """The data changed (undo, a save, an import, a sync): show it fresh."""
        raise NotImplementedError

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failed_worker(self.app, event)


class LoadingScreen(ModeScreen, Generic[T]):
    """A mode screen that loads its data in a worker: implement `load` and `show`."""

    # A load of many rows leaves many long-lived objects: collect them once it is shown.
    COLLECT_AFTER_LOAD: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        self.loads = 0  # data loaded and shown so far
        self.resumes_unchanged = 0  # resumes that found the data shown still current
        self._shown_as_of: tuple[str, object] | None = None  # the stamp of the data shown
        self._after_load: list[Callable[[], None]] = []  # actions waiting for fresh data
        # Mount and the resumes Textual sends when the mode is first shown come together:
        # the refresher makes them one load.
        self._refresher = Refresher(
            self, self._load_stamped, self._show_loaded, collect_garbage=self.COLLECT_AFTER_LOAD
        )

    # --- to implement ---------------------------------------------------------------------

    def prepare(self) -> None:
        """Set the screen up on mount, before its first load (say that it is loading)."""

    def load(self) -> T:
        """Read the data through the service, in a worker thread: touch no widget here."""
        raise NotImplementedError

    def show(self, data: T) -> None:
        """Show what `load` returned, on the UI thread."""
        raise NotImplementedError

    def load_inputs(self) -> object:
        """What `load` reads beside the book: the screen's own choices (a period, a sort, the
        account shown). Comparable with `==`; the same inputs and the same book, the same data."""
        return None

    # --- the protocol ---------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """True once data was shown."""
        return self.loads > 0

    @property
    def load_pending(self) -> bool:
        """True while a load runs, or a newer one is on its way (also during `show`)."""
        return self._refresher.running or self._refresher.scheduled

    def on_mount(self) -> None:
        self.prepare()
        self.refresh_data()

    def on_screen_resume(self) -> None:
        # Shown again (a switch, a form closed): read again only if something moved. A reload
        # costs its screen a redraw and a garbage collection (~0.3-1 s on 20,000 accounts).
        if self._still_current():
            self.resumes_unchanged += 1
        else:
            self.refresh_data()

    def _still_current(self) -> bool:
        if self._shown_as_of is None or self.load_pending:
            return False
        try:
            return self._stamp() == self._shown_as_of
        except Exception:  # the book can't be read: the reload says why (its worker fails)
            return False

    def _stamp(self) -> tuple[str, object]:
        return self.portfolio.data_stamp(), self.load_inputs()

    def _load_stamped(self) -> tuple[tuple[str, object], T]:
        # Stamped before reading: a write made during the load moves the stamp past it.
        stamp = self._stamp()
        return stamp, self.load()

    def refresh_data(self) -> None:
        """Ask for a load; what the screen shows stays until the data arrives."""
        self._refresher.request()

    def when_loaded(self, action: Callable[[], None]) -> None:
        """Run `action` on the data shown now, or, while a load is on its way, once it is
        shown: a key pressed during a load acts on what the load brings, never on stale
        data. Actions waiting run in the order asked."""
        if self.load_pending:
            self._after_load.append(action)
            return
        self.run_waiting_actions()
        action()

    def after_next_load(self, action: Callable[[], None]) -> None:
        """Run `action` once the next load is shown (a write in flight will ask for it)."""
        self._after_load.append(action)

    def run_waiting_actions(self) -> None:
        while self._after_load and not self.load_pending:
            self._after_load.pop(0)()

    def _show_loaded(self, stamped: tuple[tuple[str, object], T]) -> None:
        self._shown_as_of, data = stamped
        self.loads += 1
        self.show(data)
        self.run_waiting_actions()
        if self.loads == 1:
            self.portfolio_app.data_shown()
