"""The `portfolio` argument parser: the root, the shared command groups, then each family's
commands. A family is a module with `register(groups: CommandGroups) -> None` whose
sub-parsers each `set_defaults(handler=...)`; add a family by adding it to FAMILIES."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from portfolio_tui.cli import (
    accounts,
    activity,
    churn,
    deals,
    files,
    reports,
    reviews,
    routine,
    segments,
    setup,
    sync,
)
from portfolio_tui.cli.types import CommandGroups, Subcommands
from portfolio_tui.i18n import _

LANGUAGES = ("fr", "en")  # --lang; main() reads it before this parser exists

FAMILIES: tuple[ModuleType, ...] = (
    accounts,
    routine,
    reports,
    churn,
    activity,
    deals,
    reviews,
    segments,
    files,
    sync,
    setup,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portfolio",
        description=_(
            "Your customer portfolio, offline, from the keyboard. Without a command, opens the app."
        ),
    )
    parser.add_argument(
        "--db",
        type=Path,
        help=_("database file (default: $PORTFOLIO_DB or the platform data folder)"),
    )
    parser.add_argument("--demo", action="store_true", help=_("use the demo database"))
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help=_("language: fr or en (default: the language setting, else the system's)"),
    )
    parser.add_argument("--version", action=_VersionAction, help=_("print the version and exit"))
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", help=_("what to do (without one: open the app)")
    )
    groups = CommandGroups(
        commands=commands,
        add=_group(commands, "add", _("add an account or a contact"), _("what to add")),
        edit=_group(commands, "edit", _("edit an account"), _("what to edit")),
        report=_group(commands, "report", _("portfolio analytics"), _("what to report")),
        imports=_group(commands, "import", _("read records from files"), _("what to import")),
        exports=_group(commands, "export", _("write records to files"), _("what to export")),
    )
    for family in FAMILIES:
        family.register(groups)
    return parser


def _group(commands: Subcommands, name: str, help: str, what_help: str) -> Subcommands:
    return commands.add_parser(name, help=help).add_subparsers(
        dest="what", metavar="WHAT", required=True, help=what_help
    )


class _VersionAction(argparse.Action):
    """`--version`: the installed distribution's version, read only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("portfolio-tui")
        except PackageNotFoundError:  # run from a source tree that was never installed
            from portfolio_tui import __version__ as number
        print(f"portfolio-tui {number}")
        parser.exit()
