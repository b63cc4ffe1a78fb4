"""The `portfolio` command: parse → call the Portfolio service → print.

Scripted commands never import Textual; only opening the TUI does. The language is chosen
before the parser is built, because argparse renders the help texts from what it was given."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from portfolio_tui import paths
from portfolio_tui.cli.argparse_text import use_our_catalogue
from portfolio_tui.cli.launch import open_app, open_service, resolve_db
from portfolio_tui.cli.types import AnyHandler, WithoutDatabase
from portfolio_tui.errors import USER_ERRORS
from portfolio_tui.i18n import _, resolve_language, set_language

EXIT_USER_ERROR = 2
LANG_OPTION = "--lang"

__all__ = ["choose_language", "error_line", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    choose_language(arguments)
    from portfolio_tui.cli.parser import build_parser

    args = build_parser().parse_args(arguments)
    try:
        return _run(args)
    except USER_ERRORS as exc:
        print(error_line(str(exc)), file=sys.stderr)
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
        print(error_line(f"{exc.strerror or exc}{where}"), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130


def error_line(message: str) -> str:
    """The one line every user error is printed as: "portfolio: error: …"."""
    return _("portfolio: error: {message}").format(message=message)


def choose_language(arguments: Sequence[str]) -> str:
    """Speak `--lang`, else the `language` setting, else the system's locale, else English.

    A settings file that can't be read gives no language here; its one-line error comes when
    the command opens the portfolio, in the language of `--lang` or the system."""
    language = resolve_language(_setting_language(), _lang_argument(arguments), os.environ)
    use_our_catalogue()
    return set_language(language)


def _lang_argument(arguments: Sequence[str]) -> str | None:
    """The value of the last `--lang X` or `--lang=X` before `--`; argparse checks it later."""
    found: str | None = None
    for i, word in enumerate(arguments):
        if word == "--":
            break
        if word == LANG_OPTION and i + 1 < len(arguments):
            found = arguments[i + 1]
        elif word.startswith(LANG_OPTION + "="):
            found = word.partition("=")[2]
    return found


def _setting_language() -> str | None:
    from portfolio_tui.config import load_settings
    from portfolio_tui.domain.settings import SettingsError

    try:
        return load_settings(paths.config_file()).language
    except SettingsError:
        return None


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
