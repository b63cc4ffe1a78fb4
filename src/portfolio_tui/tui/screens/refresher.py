"""Load a screen's data in a thread worker, merging the requests that pile up.

A `LoadingScreen` is asked for fresh data on mount, on every resume (Textual sends two when a
mode is first shown), after undo and after writes. On 20,000 accounts a load takes a second or two,
so running one per request would stack them up on the GIL. Here a request while a load is
scheduled is dropped (the scheduled one will read the newest state) and a request while one runs
makes exactly one more run once it is done. Results are shown on the UI thread.

A result read before a newer request (a write, an undo) is stale: once the screen shows
something, it is dropped and the run the request asked for shows the fresh one. The first
result is shown all the same, so a screen never waits two loads for its first data.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Generic, TypeVar

from textual.dom import DOMNode

T = TypeVar("T")


class Refresher(Generic[T]):
    def __init__(
        self,
        node: DOMNode,
        load: Callable[[], T],
        show: Callable[[T], None],
        *,
        group: str = "refresh",
        collect_garbage: bool = True,
    ) -> None:
        self.node = node
        self.load = load  # runs in a worker thread
        self.show = show  # runs on the UI thread
        self.group = group
        self.collect_garbage = collect_garbage
        self.wanted = 0  # requests so far
        self.running = False
        self.scheduled = False
        self.shown = 0  # results shown so far

    def request(self) -> None:
        """Ask for fresh data (UI thread)."""
        self.wanted += 1
        if not self.running and not self.scheduled:
            self.scheduled = True
            self.node.call_after_refresh(self._start)

    def _start(self) -> None:
        self.scheduled = False
        if self.running:
            return
        self.running = True
        generation = self.wanted
        self.node.run_worker(
            lambda: self._work(generation),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group=self.group,
            name=f"{type(self.node).__name__}.refresh",
        )

    def _work(self, generation: int) -> None:
        try:
            result = self.load()
        except BaseException:
            self.node.app.call_from_thread(self._failed)
            raise  # the worker fails: the node's on_worker_state_changed reports it
        self.node.app.call_from_thread(self._done, result, generation)

    def _done(self, result: T, generation: int) -> None:
        self.running = False
        stale = generation != self.wanted
        if stale:
            self._start()  # asked again meanwhile: `running` stays True while `show` runs
            if self.shown:
                return  # read before the newest write: the run just started shows it
        self.shown += 1
        self.show(result)
        # A load and its showing allocate tens of thousands of long-lived objects (rows, badges,
        # indexes); left alone, the next full garbage collection (~0.1-0.2 s at 20,000
        # accounts) lands on a keystroke a few seconds later. Run it now, once the result is
        # painted, and freeze what survives it (see collect_and_freeze).
        if self.collect_garbage:
            self.node.call_after_refresh(collect_and_freeze)

    def _failed(self) -> None:
        self.running = False


def collect_and_freeze() -> None:
    """A full collection, then every object that survived it set aside (`gc.freeze`): the
    automatic collections until the next load walk only the objects made since, instead of
    the whole book again in the middle of someone's typing. Each call unfreezes first, so what
    a load left behind is collected at the next one, as a plain `gc.collect` would."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
