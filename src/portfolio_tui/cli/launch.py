"""Which database a command works on, and opening it (or the app) there."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from portfolio_tui import paths
from portfolio_tui.errors import UserError
from portfolio_tui.i18n import _, current_language

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio


def resolve_db(args: argparse.Namespace) -> Path:
    """--db wins; --demo (or the `demo` command) means the demo database; else the default."""
    if args.db is not None:
        return args.db.expanduser()
    default = paths.demo_db() if args.demo or getattr(args, "default_demo", False) else None
    default = default or paths.default_db()
    default.parent.mkdir(parents=True, exist_ok=True)  # the platform's data folder, on first use
    return default


def open_service(db: Path) -> Portfolio:
    """The service on `db`, in the system clock and zone, with the user's settings file."""
    from portfolio_tui.service import open_portfolio

    return open_portfolio(db)


def open_app(args: argparse.Namespace, db: Path) -> int:
    """The TUI on `db`; `--demo` fills a new demo database first. Without a terminal on both
    stdin and stdout (a pipe, a cron job, `</dev/null`) it refuses: the app would hang there and
    write its escapes into the output."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError(_("the app needs a terminal; run a command instead (portfolio --help)"))
    if args.demo and not db.exists():
        with open_service(db) as pf:
            pf.load_demo()
    from portfolio_tui.tui.app import run

    return run(db, language=current_language())  # what --lang, the setting or LANG chose
