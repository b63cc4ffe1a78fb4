"""The application service: every use case, once. The CLI and the TUI call nothing else.

`open_portfolio()` opens a database and returns the `Portfolio` facade, whose families hold
the use cases: `routine` (writes of the day), `reports` (reads), `imports`, `exports` and
`bundles` (sync). Each family is given the `Core` it needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from portfolio_tui.service.core import Clock, system_clock
    from portfolio_tui.service.facade import Portfolio, open_portfolio

__all__ = ["Clock", "Portfolio", "open_portfolio", "system_clock"]

_HOMES = {
    "Clock": "portfolio_tui.service.core",
    "system_clock": "portfolio_tui.service.core",
    "Portfolio": "portfolio_tui.service.facade",
    "open_portfolio": "portfolio_tui.service.facade",
}


def __getattr__(name: str) -> Any:
    # Lazy, so that importing `service.views` (plain values the first frame needs) does not
    # import SQLModel and the store: the TUI paints before the database layer is loaded.
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(home), name)
