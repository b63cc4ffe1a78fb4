"""The parser: every command registered by its family, with a handler and help texts."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

import portfolio_tui
from portfolio_tui.cli import main
from portfolio_tui.cli.parser import FAMILIES, build_parser
from portfolio_tui.cli.types import WithoutDatabase

# The CLI contract: every command path, spelled out. Families may add commands, never drop one.
LEAF_COMMANDS = {
    "add account", "add contact", "edit account", "show",
    "log", "follow-up", "done", "snooze", "stage", "today",
    "report clients", "report kpis",
    "import accounts", "import contacts", "import sales", "import interactions", "import deals",
    "import vcf",
    "export csv", "export vcf", "export ics", "export bundle", "sync",
    "demo", "config init", "config path", "completion",
}  # fmt: skip


def parsers(
    parser: argparse.ArgumentParser, path: str = ""
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """(command path, parser) for every parser of the tree, the root as ""."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from parsers(child, f"{path} {name}".strip())


def leaves() -> dict[str, argparse.ArgumentParser]:
    return {
        path: p
        for path, p in parsers(build_parser())
        if not any(isinstance(a, argparse._SubParsersAction) for a in p._actions)
    }


def test_every_command_of_the_contract_is_there() -> None:
    assert LEAF_COMMANDS - set(leaves()) == set()


def test_every_command_has_a_handler() -> None:
    without_db = {"config init", "config path", "completion"}
    for path, parser in leaves().items():
        handler = parser.get_default("handler")
        assert callable(handler) or isinstance(handler, WithoutDatabase), path
        assert isinstance(handler, WithoutDatabase) == (path in without_db), path


def test_every_option_positional_and_command_has_a_help_text() -> None:
    missing = []
    for path, parser in parsers(build_parser()):
        for action in parser._actions:
            name = "/".join(action.option_strings) or action.dest
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{path or 'portfolio'} {name}")
            if isinstance(action, argparse._SubParsersAction):
                missing += [
                    f"{path} {choice.dest}" for choice in action._choices_actions if not choice.help
                ]
    assert missing == []


def test_each_family_is_a_module_with_register() -> None:
    names = [family.__name__.rsplit(".", 1)[1] for family in FAMILIES]
    assert {"accounts", "routine", "reports", "files", "sync", "setup"} <= set(names)
    assert len(set(names)) == len(names)
    assert all(callable(family.register) for family in FAMILIES)


def test_version_in_process(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"portfolio-tui {version('portfolio-tui')}\n"
    assert version("portfolio-tui") == portfolio_tui.__version__


def test_version_of_the_installed_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "portfolio_tui", "--version"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.stdout == f"portfolio-tui {portfolio_tui.__version__}\n"
    assert done.stderr == ""
    assert list(tmp_path.iterdir()) == []


def test_config_path_opens_no_database(tmp_path: Path, capsys) -> None:
    # A database path that could not be opened: `config path` must not try.
    missing = tmp_path / "no" / "such" / "p.db"
    assert main(["--db", str(missing), "config", "path"]) == 0
    assert capsys.readouterr().out.strip().endswith("config.toml")
    assert not (tmp_path / "no").exists()
