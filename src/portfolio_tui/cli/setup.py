"""Setting up: `demo`, `config init|path` and `completion bash|zsh`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from portfolio_tui import paths
from portfolio_tui.cli.types import CommandGroups, WithoutDatabase, positive_int
from portfolio_tui.i18n import N_, _
from portfolio_tui.i18n.terms import table_rows

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio

# Marked here, translated where the parser is built (after the language is chosen).
COMPLETION_HELP = N_("""\
Print a completion script for SHELL, generated from the commands and options.

bash: eval "$(portfolio completion bash)" in ~/.bashrc, or save it as
      ~/.local/share/bash-completion/completions/portfolio
zsh:  save it as _portfolio in a folder of $fpath (before compinit runs), or
      source <(portfolio completion zsh) in ~/.zshrc after compinit""")


def register(groups: CommandGroups) -> None:
    p = groups.commands.add_parser(
        "demo", help=_("fill the demo database (or --db) with a sample portfolio")
    )
    p.add_argument(
        "--accounts", type=positive_int, default=120, help=_("how many accounts (default: 120)")
    )
    p.add_argument("--years", type=positive_int, default=3, help=_("years of history (default: 3)"))
    p.add_argument(
        "--seed",
        type=int,
        default=42,
        help=_("the same seed makes the same portfolio (default: 42)"),
    )
    p.add_argument("--force", action="store_true", help=_("replace what the database holds"))
    p.set_defaults(handler=cmd_demo, default_demo=True)

    config = groups.commands.add_parser("config", help=_("settings file"))
    config_sub = config.add_subparsers(
        dest="what", metavar="WHAT", required=True, help=_("what to do with it")
    )
    p = config_sub.add_parser("init", help=_("write a settings file with every default"))
    p.set_defaults(handler=WithoutDatabase(cmd_config_init))
    p = config_sub.add_parser("path", help=_("print where the settings file is"))
    p.set_defaults(handler=WithoutDatabase(cmd_config_path))

    p = groups.commands.add_parser(
        "completion",
        help=_("print a shell completion script (bash or zsh)"),
        description=_(COMPLETION_HELP),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("shell", choices=("bash", "zsh"), help=_("the shell to complete in"))
    p.set_defaults(handler=WithoutDatabase(cmd_completion))


def cmd_demo(pf: Portfolio, args: argparse.Namespace) -> int:
    counts = pf.load_demo(
        accounts=args.accounts, years=args.years, seed=args.seed, force=args.force
    )
    summary = ", ".join(table_rows(table, n) for table, n in counts.items())
    print(_("demo portfolio written to {path}: {summary}").format(path=pf.path, summary=summary))
    return 0


def cmd_config_init(args: argparse.Namespace) -> int:
    from portfolio_tui.config import write_default_settings

    target = paths.config_file()
    write_default_settings(target)
    print(_("settings written to {path}").format(path=target))
    return 0


def cmd_config_path(args: argparse.Namespace) -> int:
    print(paths.config_file())
    return 0


def cmd_completion(args: argparse.Namespace) -> int:
    # Imported here: the parser module imports this one to register it.
    from portfolio_tui.cli.completion import completion_script
    from portfolio_tui.cli.parser import build_parser

    print(completion_script(build_parser(), args.shell), end="")
    return 0
