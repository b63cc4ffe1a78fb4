"""After a load the Refresher collects the garbage and freezes what survives, so automatic
collections between loads skip the loaded rows; what a load leaves behind is still collected
at the next one."""

from __future__ import annotations

import gc
import weakref

from portfolio_tui.tui.screens.refresher import collect_and_freeze


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the garbage collector frees it


def test_survivors_are_frozen_and_collected_after_the_next_load():
    try:
        kept = _Node()
        collect_and_freeze()
        assert gc.get_freeze_count() > 0
        watch = weakref.ref(kept)
        del kept  # left behind by the load just shown: frozen, so not collected meanwhile
        gc.collect()
        assert watch() is not None
        collect_and_freeze()  # the next load's
        assert watch() is None
    finally:
        gc.unfreeze()
