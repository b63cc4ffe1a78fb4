"""Holding a screen's reload on a gate, to look at the frame between a save and the fresh data
whatever the machine's speed (issue 8, point 26)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual.pilot import Pilot

from portfolio_tui.tui.screens.base import LoadingScreen


def hold_reloads(screen: LoadingScreen, *, read_first: bool = False) -> threading.Event:
    """The screen's reloads wait for the event returned (set it to let them run); with
    `read_first`, they read the database first, then wait."""
    gate = threading.Event()
    load = screen._refresher.load

    def held():
        data = load() if read_first else None
        assert gate.wait(30), "the test never let the reload run"
        return data if read_first else load()

    screen._refresher.load = held
    return gate


async def run_beside_the_held_reload(
    pilot: Pilot, done: Callable[[], bool], tries: int = 200
) -> None:
    """Let every worker but the held reload finish, frame by frame, until `done()` holds (or
    `tries` frames have passed: the test's own assertions then say what is missing)."""
    app = pilot.app
    for _ in range(tries):
        busy = [w for w in app.workers if w.group != "refresh" and not w.is_finished]
        if busy:  # (an empty list would wait for every worker, the held reload too)
            await app.workers.wait_for_complete(busy)
        await pilot.pause()
        if not busy and done():
            return
