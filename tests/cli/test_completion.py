"""`portfolio completion bash|zsh`: scripts the shells accept, completing what the parser has."""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.cli.completion import Command, Option, Values, commands, completion_script
from portfolio_tui.cli.parser import build_parser

ROOT_COMMANDS = (
    "add edit report import export show log follow-up done snooze stage today sync demo config "
    "completion"
)


def root_commands() -> list[str]:
    """The subcommands of `portfolio`, as the parser has them."""
    [commands_action] = [
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    ]
    return list(commands_action.choices)


def script(shell: str, capsys) -> str:
    assert main(["completion", shell]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def bash_complete(script_path: Path, line: str) -> list[str]:
    """What bash offers for the last word of `line` (an empty last word after a space)."""
    words = shlex.split(line) + ([""] if line.endswith(" ") else [])
    program = (
        f"source {shlex.quote(str(script_path))}\n"
        f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_portfolio\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    return [w for w in done.stdout.splitlines() if w]


@pytest.fixture
def bash_script(tmp_path: Path, capsys) -> Path:
    path = tmp_path / "portfolio.bash"
    path.write_text(script("bash", capsys))
    return path


def test_bash_accepts_the_script(bash_script: Path) -> None:
    subprocess.run(["bash", "-n", str(bash_script)], check=True)


def test_the_bash_script_lists_the_subcommands(bash_script: Path) -> None:
    text = bash_script.read_text()
    names = root_commands()
    assert set(ROOT_COMMANDS.split()) <= set(names)
    assert "complete -F _portfolio portfolio" in text
    assert f"'') printf '%s\\n' '{' '.join(names)}' ;;" in text
    assert bash_complete(bash_script, "portfolio ") == names


CASES = [
    ("portfolio re", ["report", "review"]),
    ("portfolio report k", ["kpis"]),
    ("portfolio export b", ["bundle"]),
    ("portfolio config ", ["init", "path"]),
    ("portfolio report clients --f", ["--format"]),
    ("portfolio report clients --format ", ["table", "csv", "json"]),
    ("portfolio --db x.db --demo ex", ["export"]),
    ("portfolio log ", ["call", "meeting", "email", "visit", "note"]),
    ("portfolio log call Acme ", []),
    ("portfolio done --kind v", ["visit"]),
    (
        "portfolio export csv ",
        ["accounts", "contacts", "sales", "interactions", "followups", "deals"],
    ),
    ("portfolio completion ", ["bash", "zsh"]),
    ("portfolio add account --st", ["--stage"]),
    ("portfolio --", ["--help", "--db", "--demo", "--lang", "--version"]),
]


@pytest.mark.parametrize(("line", "offered"), CASES, ids=[c[0] for c in CASES])
def test_bash_completes_commands_options_and_choices(bash_script, line, offered) -> None:
    assert bash_complete(bash_script, line) == offered


def test_bash_completes_file_names_where_a_file_is_read(bash_script, tmp_path) -> None:
    (tmp_path / "ventes.csv").write_text("x")
    (tmp_path / "folder").mkdir()
    prefix = str(tmp_path / "v")
    assert bash_complete(bash_script, f"portfolio import sales {prefix}") == [f"{prefix}entes.csv"]
    assert bash_complete(bash_script, f"portfolio sync a b {prefix}") == [f"{prefix}entes.csv"]
    prefix = str(tmp_path / "f")
    assert bash_complete(bash_script, f"portfolio export vcf --dir {prefix}") == [f"{prefix}older"]
    assert bash_complete(bash_script, f"portfolio --db {prefix}") == [f"{prefix}older"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_accepts_the_script_and_lists_the_subcommands(tmp_path: Path, capsys) -> None:
    path = tmp_path / "_portfolio"
    path.write_text(script("zsh", capsys))
    assert path.read_text().startswith("#compdef portfolio\n")
    subprocess.run(["zsh", "-n", str(path)], check=True)
    program = (
        "compdef() { print -r -- compdef $@ }\n"  # compinit is not loaded in `zsh -c`
        f"source {shlex.quote(str(path))}\n"
        "_portfolio_commands ''\n"
        "_portfolio_command_help config\n"
    )
    done = subprocess.run(["zsh", "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "compdef _portfolio portfolio",
        " ".join(root_commands()),
        "init:write a settings file with every default",
        "path:print where the settings file is",
    ]


def test_completion_needs_no_database(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "portfolio_tui", "--db", str(tmp_path / "p.db"), "completion",
         "bash"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.startswith("# bash completion for portfolio")
    assert list(tmp_path.iterdir()) == []


def test_the_tree_read_from_a_parser() -> None:
    parser = argparse.ArgumentParser(prog="toy")
    parser.add_argument("--db", type=Path, help="the file")
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("send", help="send things")
    p.add_argument("kind", choices=("a", "b"), help="which")
    p.add_argument("files", nargs="+", type=Path, help="what")
    p.add_argument("-q", "--quiet", action="store_true", help="say less")
    help_option = Option(("-h", "--help"), "show this help message and exit", None)
    assert list(commands(parser)) == [
        Command("", (("send", "send things"),), (help_option, Option(("--db",), "the file",
                Values("file"))), (), False),
        Command("send", (), (help_option, Option(("-q", "--quiet"), "say less", None)),
                (Values("words", ("a", "b")), Values("file")), True),
    ]  # fmt: skip
    bash = completion_script(parser, "bash")
    positionals = bash.split("_positional() {\n", 1)[1].split("\n}\n", 1)[0].splitlines()
    assert positionals == [
        '    case "$1#$2" in',
        "        'send#0') printf '%s\\n' 'a b' ;;",
        "        'send#'*) printf '%s\\n' @file ;;",
        "        *) return 1 ;;",
        "    esac",
    ]
    assert "' --db') printf '%s\\n' @file ;;" in bash


def test_every_command_of_the_parser_is_in_the_script(capsys) -> None:
    text = script("bash", capsys)
    for command in commands(build_parser()):
        if command.path:
            assert f"        '{command.path}') printf '%s\\n' " in text, command.path
