"""The `export bundle` and `sync` commands."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction, export_sub: argparse._SubParsersAction) -> None:
    """Add `sync FILE...` and `export bundle` to the `portfolio` parser."""
