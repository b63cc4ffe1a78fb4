"""Whether a new screen's styles are up to date, told to Textual (Textual 8's bookkeeping).

Textual counts the changes of the style sheet (a theme set) and keeps on each screen the count
it was styled at; a mode screen made after a change carries no count, so at its first showing
Textual parses every style sheet again and restyles every screen (~0.2 s for the Portfolio).
Yet a new screen's widgets are styled as they mount, with the style sheet as it stands: when no
change of it is still waiting to be applied, the screen is up to date, and is marked so here.
"""

from __future__ import annotations

import contextlib

from textual._context import active_app
from textual.app import App, ScreenStackError
from textual.screen import Screen

__all__ = ["StyledApp", "mark_styled"]


class StyledApp(App[int]):
    """An app that knows whether its style sheet is applied as it stands."""

    _css_applied_at = -1

    def refresh_css(self, animate: bool = True) -> None:
        super().refresh_css(animate)
        self._css_applied_at = self._css_update_count
        # The first screen, not mounted yet at the first refresh, is styled as it mounts;
        # Textual leaves it marked out of date, and coming back to it parsed everything again.
        with contextlib.suppress(ScreenStackError):
            self.screen._css_update_count = self._css_update_count


def mark_styled(screen: Screen[object]) -> None:
    """Mark a screen being made as styled at the style sheet as it stands, when it is."""
    app = active_app.get(None)
    if isinstance(app, StyledApp) and app._css_applied_at == app._css_update_count:
        screen._css_update_count = app._css_update_count
