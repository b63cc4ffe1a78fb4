"""Use cases that move data through files: spreadsheet, vCard and iCalendar imports and
exports. Part of the Portfolio service (a base class of `Portfolio`), kept apart to keep
modules small."""

from __future__ import annotations

from portfolio_tui.portfolio_imports import CsvImports


class FileExchange(CsvImports):
    pass
