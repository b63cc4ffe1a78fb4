"""What the command modules share: the handler types, the command groups, argument types."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from portfolio_tui.i18n import _

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio

# A command's work: given the open portfolio and the parsed arguments, print, return the exit
# code. Registered on its sub-parser with `p.set_defaults(handler=...)`.
Handler: TypeAlias = Callable[["Portfolio", argparse.Namespace], int]

# argparse gives no public name to what `add_subparsers()` returns.
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

# `-` on the command line: standard input for a file to read, standard output for one to write.
STDIO = "-"
FileArg: TypeAlias = "Path | str"  # a Path, or STDIO


@dataclass(frozen=True)
class WithoutDatabase:
    """The handler of a command that opens no portfolio (`config path`, `completion`)."""

    run: Callable[[argparse.Namespace], int]


AnyHandler: TypeAlias = "Handler | WithoutDatabase"


@dataclass(frozen=True)
class CommandGroups:
    """The sub-parser groups that several command families add to."""

    commands: Subcommands  # portfolio COMMAND
    add: Subcommands  # portfolio add WHAT
    edit: Subcommands  # portfolio edit WHAT
    report: Subcommands  # portfolio report WHAT
    imports: Subcommands  # portfolio import WHAT
    exports: Subcommands  # portfolio export WHAT


# --- argument types (argparse `type=`): a bad value is an argparse error, exit 2 ---------------


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{text!r} is not a whole number").format(text=text)
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("{value} must be at least 1").format(value=value))
    return value


def calendar_date(text: str) -> date:
    """2026-11-22 or 22/11/2026 (day first)."""
    from portfolio_tui.domain.dates import parse_calendar_date

    try:
        return parse_calendar_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_format_option(parser: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    """`--format`: the first of `formats` (the default) for people, the others for scripts."""
    default, *scripted = formats
    parser.add_argument(
        "--format",
        choices=formats,
        default=default,
        help=_("{default} for people; {scripted} for scripts (default: {default})").format(
            default=default, scripted=", ".join(scripted)
        ),
    )


def file_or_stdio(text: str) -> Path | str:
    """A path, or STDIO for `-` exactly (`./-` names a file called `-`)."""
    return STDIO if text == STDIO else Path(text)
