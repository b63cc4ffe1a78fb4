"""The app, typed, for every screen, modal, widget and palette provider of the TUI.

Textual types `node.app` as a plain `App`; ours is always a `PortfolioApp`. This is the one
place that says so: nothing else casts or silences the type checker to reach the app's state
or, through `portfolio_app(app).portfolio`, the service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # `tui.app` imports every screen: at run time it is imported first
    from textual.app import App

    from portfolio_tui.tui.app import PortfolioApp


def portfolio_app(app: App[Any]) -> PortfolioApp:
    """`app` as the `PortfolioApp` it is (pass `self.app` of any node or provider)."""
    return cast("PortfolioApp", app)
