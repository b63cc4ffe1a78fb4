"""The `portfolio` command: parse → call the Portfolio service → print.

Scripted commands never import Textual; only opening the TUI does."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from portfolio_tui.cli.launch import open_app, open_service, resolve_db
from portfolio_tui.cli.parser import build_parser
from portfolio_tui.cli.types import AnyHandler, WithoutDatabase
from portfolio_tui.errors import USER_ERRORS

EXIT_USER_ERROR = 2

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except USER_ERRORS as exc:
        print(f"portfolio: error: {exc}", file=sys.stderr)
        # An import that rejected rows lists each as FILE:LINE: FIELD: reason.
        for detail in getattr(exc, "details", ()):
            print(detail, file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # The reader went away (`portfolio report clients | head`): stop quietly, as cat does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        print(f"portfolio: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    handler: AnyHandler | None = getattr(args, "handler", None)
    if isinstance(handler, WithoutDatabase):
        return handler.run(args)
    db = resolve_db(args)
    if handler is None:
        return open_app(args, db)
    with open_service(db) as pf:
        return handler(pf, args)


if __name__ == "__main__":
    raise SystemExit(main())
