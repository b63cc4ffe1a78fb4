"""The footer of every screen: Textual's, laid out again only when the keys it shows changed.

Textual's Footer rebuilds itself (a widget per key, each styled again) at every signal that the
bindings may have changed: the focus moving, a table's loading state, an action's availability
checked again, the screen resumed. Opening the Portfolio sent four in a row, each rebuilding the
same 24 keys (~0.1 s each on the 2-core machine, with the rows loading beside it). This footer
takes the signals of one refresh together and rebuilds only when what it would show differs
(the same keys, in the same look, from the same bindings), and not while its screen is hidden:
leaving Today rebuilt Today's footer for the keys a screen without focus has, before the
Portfolio could open. It looks again when its screen is shown.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

__all__ = ["KeysFooter"]


class KeysFooter(Footer):
    def __init__(self, *, compact: bool = True) -> None:
        super().__init__(compact=compact)
        self._shown: Hashable = None  # what the last compose laid out
        self._asked = False  # a look at the bindings is on its way

    def compose(self) -> ComposeResult:
        self._shown = self._what_it_shows()
        yield from super().compose()

    def on_mount(self) -> None:  # beside Footer's own, which Textual calls too
        self.app.screen_change_signal.subscribe(self, self._screen_shown)

    def on_unmount(self) -> None:
        self.app.screen_change_signal.unsubscribe(self)

    def _screen_shown(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.bindings_changed(screen)

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or self._asked:
            return
        if self.is_attached and screen is self.screen:
            self._asked = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._asked = False
        if not (self.is_attached and self.screen.is_current):
            return  # looked at again when the screen is shown
        if self._what_it_shows() != self._shown:
            await self.recompose()

    def _what_it_shows(self) -> Hashable:
        """Everything `Footer.compose` reads of the bindings it shows, in order: the focused
        table's arrows (not shown) may come and go without a new layout."""
        if not self._bindings_ready:
            return None
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple(
            (key, binding.action, binding.description, binding.group, binding.tooltip, enabled,
             tooltip, self.app.get_key_display(binding))
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )  # fmt: skip
