"""The `import` and `export` commands for spreadsheets, vCard and iCalendar."""

from __future__ import annotations

import argparse


def register(import_sub: argparse._SubParsersAction, export_sub: argparse._SubParsersAction) -> None:
    """Add `import KIND FILE` and `export csv|vcf|ics` to the `portfolio` parser."""
