"""`portfolio completion bash|zsh`: shell completion scripts generated from the parser.

The parser tree is read once into plain `Command` values (subcommands, options, positionals,
choices); the scripts are a few fixed shell functions plus tables written as `case`
statements, the same in bash and zsh. argparse has no public API to walk its tree, so this
reads its `_actions` (stable since Python 3.2), as every completion generator does."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from portfolio_tui.cli.types import file_or_stdio

FILE_TYPES = (Path, file_or_stdio)


@dataclass(frozen=True)
class Values:
    """What a value is completed with: words, file names, folder names, or nothing (text)."""

    kind: str  # "words", "file", "dir" or "text"
    words: tuple[str, ...] = ()

    def spec(self) -> str:
        """The form the shell functions read: the words, or @file, @dir, @text."""
        return " ".join(self.words) if self.kind == "words" else "@" + self.kind


@dataclass(frozen=True)
class Option:
    flags: tuple[str, ...]
    help: str
    values: Values | None  # None: a flag that takes no value


@dataclass(frozen=True)
class Command:
    """One parser of the tree: `path` is the subcommands leading to it ("" for the root)."""

    path: str
    subcommands: tuple[tuple[str, str], ...]  # (name, help)
    options: tuple[Option, ...]
    positionals: tuple[Values, ...]
    repeats_last: bool  # the last positional takes any number of words


def commands(parser: argparse.ArgumentParser, path: str = "") -> Iterator[Command]:
    """Every parser of the tree, the root first."""
    subcommands: list[tuple[str, str]] = []
    children: list[tuple[str, argparse.ArgumentParser]] = []
    options: list[Option] = []
    positionals: list[Values] = []
    repeats_last = False
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            subcommands += [(a.dest, a.help or "") for a in action._choices_actions]
            children += list(action.choices.items())
        elif action.option_strings:
            values = _values(action) if action.nargs != 0 else None
            options.append(Option(tuple(action.option_strings), action.help or "", values))
        else:
            positionals.append(_values(action))
            repeats_last = action.nargs in ("+", "*", argparse.REMAINDER)
    yield Command(path, tuple(subcommands), tuple(options), tuple(positionals), repeats_last)
    for name, child in children:
        yield from commands(child, f"{path} {name}".strip())


def _values(action: argparse.Action) -> Values:
    if action.choices:
        return Values("words", tuple(str(c) for c in action.choices))
    if action.type in FILE_TYPES:
        return Values("dir" if action.metavar == "DIR" else "file")
    return Values("text")


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script of `parser` for `shell` ("bash" or "zsh")."""
    tree = list(commands(parser))
    prog = parser.prog
    tables = _tables(tree, prog)
    if shell == "bash":
        return _BASH.format(prog=prog, fn=_fn(prog), tables=tables)
    if shell == "zsh":
        return _ZSH.format(prog=prog, fn=_fn(prog), tables=tables + _zsh_help_tables(tree, prog))
    raise ValueError(f"no completion for {shell!r}: bash or zsh")


def _fn(prog: str) -> str:
    return "_" + prog.replace("-", "_")


def _case(name: str, comment: str, subject: str, arms: list[tuple[list[str], str]]) -> str:
    """A shell function printing the text of the first arm whose patterns match `subject`;
    it returns 1 when none does. Patterns ending in `*` match any suffix."""
    lines = [f"# {comment}", f"{name}() {{", f'    case "{subject}" in']
    for patterns, text in arms:
        alternatives = "|".join(
            _quoted(p[:-1]) + "*" if p.endswith("*") else _quoted(p) for p in patterns
        )
        lines.append(f"        {alternatives}) printf '%s\\n' {shlex.quote(text)} ;;")
    lines += ["        *) return 1 ;;", "    esac", "}", ""]
    return "\n".join(lines)


def _quoted(text: str) -> str:
    """Always quoted, so that a command named like a shell keyword (`done`) stays a word."""
    return "'" + text.replace("'", "'\\''") + "'"


def _tables(tree: list[Command], prog: str) -> str:
    fn = _fn(prog)
    subcommands = [([c.path], " ".join(n for n, _ in c.subcommands)) for c in tree if c.subcommands]
    options = [([c.path], " ".join(f for o in c.options for f in o.flags)) for c in tree]
    values = [
        ([f"{c.path} {flag}" for flag in o.flags], o.values.spec())
        for c in tree
        for o in c.options
        if o.values is not None
    ]
    positionals: list[tuple[list[str], str]] = []
    for c in tree:
        for i, v in enumerate(c.positionals):
            # The last positional, when it repeats, takes every index from its own on.
            repeats = c.repeats_last and i == len(c.positionals) - 1
            positionals.append(([f"{c.path}#*" if repeats else f"{c.path}#{i}"], v.spec()))
    return "\n".join(
        (
            _case(f"{fn}_commands", "$1: a command path; its subcommands", "$1", subcommands),
            _case(f"{fn}_options", "$1: a command path; its options", "$1", options),
            _case(f"{fn}_value", "$1: a command path, $2 an option: its value", "$1 $2", values),
            _case(f"{fn}_positional", "$1: a command path, $2 an index", "$1#$2", positionals),
        )
    )


def _zsh_help_tables(tree: list[Command], prog: str) -> str:
    def described(pairs: list[tuple[str, str]]) -> str:
        return "\n".join(f"{name.replace(':', chr(92) + ':')}:{help}" for name, help in pairs)

    fn = _fn(prog)
    subcommands = [([c.path], described(list(c.subcommands))) for c in tree if c.subcommands]
    options = [
        ([c.path], described([(f, o.help) for o in c.options for f in o.flags])) for c in tree
    ]
    return "\n".join(
        (
            _case(f"{fn}_command_help", "$1: a command path; name:help lines", "$1", subcommands),
            _case(f"{fn}_option_help", "$1: a command path; flag:help lines", "$1", options),
        )
    )


# Shared by both shells: which command path the words typed so far lead to.
_WALK = """\
# Reads the words before the cursor; sets the caller's cmd_path (the subcommands typed), npos
# (positionals typed after them) and pending (an option still waiting for its value).
{fn}_walk() {{
    local word
    cmd_path="" npos=0 pending=""
    for word in "$@"; do
        if [ -n "$pending" ]; then pending=""; continue; fi
        case "$word" in
            -*=*) ;;
            -*) {fn}_value "$cmd_path" "$word" >/dev/null && pending="$word" ;;
            *)
                case " $({fn}_commands "$cmd_path") " in
                    *" $word "*) cmd_path="${{cmd_path:+$cmd_path }}$word" npos=0 ;;
                    *) npos=$((npos + 1)) ;;
                esac ;;
        esac
    done
}}
"""

_BASH = (
    """\
# bash completion for {prog}, generated by `{prog} completion bash`.

{tables}
"""
    + _WALK
    + """
# $1: words, or @file, @dir, @text; $2: the word being completed.
{fn}_reply() {{
    case "$1" in
        @file | @dir)
            local IFS=$'\\n' which=-f
            if [ "$1" = @dir ]; then which=-d; fi
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen "$which" -- "$2"))
            ;;
        @text) COMPREPLY=() ;;
        *) COMPREPLY=($(compgen -W "$1" -- "$2")) ;;
    esac
}}

{fn}() {{
    local cur words cword cmd_path npos pending spec
    COMPREPLY=()
    if declare -F _get_comp_words_by_ref >/dev/null; then
        _get_comp_words_by_ref -n =: cur words cword
    else
        words=("${{COMP_WORDS[@]}}") cword=$COMP_CWORD cur="${{COMP_WORDS[COMP_CWORD]}}"
    fi
    {fn}_walk "${{words[@]:1:cword-1}}"
    if [ -n "$pending" ]; then
        {fn}_reply "$({fn}_value "$cmd_path" "$pending")" "$cur"
    elif [[ $cur == -* ]]; then
        {fn}_reply "$({fn}_options "$cmd_path")" "$cur"
    elif spec=$({fn}_commands "$cmd_path"); then
        {fn}_reply "$spec" "$cur"
    elif spec=$({fn}_positional "$cmd_path" "$npos"); then
        {fn}_reply "$spec" "$cur"
    fi
}}

complete -F {fn} {prog}
"""
)

_ZSH = (
    """\
#compdef {prog}
# zsh completion for {prog}, generated by `{prog} completion zsh`.

{tables}
"""
    + _WALK
    + """
# $1: words, or @file, @dir, @text; $2: what the value is, for @text.
{fn}_reply() {{
    case "$1" in
        @file) _files ;;
        @dir) _files -/ ;;
        @text) _message "$2" ;;
        *) compadd -- ${{=1}} ;;
    esac
}}

{fn}() {{
    local cur=${{words[CURRENT]}} cmd_path npos pending spec
    local -a described
    {fn}_walk "${{(@)words[2,CURRENT-1]}}"
    if [[ -n $pending ]]; then
        {fn}_reply "$({fn}_value "$cmd_path" "$pending")" "value of $pending"
    elif [[ $cur == -* ]]; then
        described=("${{(@f)$({fn}_option_help "$cmd_path")}}")
        _describe -t options option described
    elif {fn}_commands "$cmd_path" >/dev/null; then
        described=("${{(@f)$({fn}_command_help "$cmd_path")}}")
        _describe -t commands command described
    elif spec=$({fn}_positional "$cmd_path" "$npos"); then
        {fn}_reply "$spec" argument
    fi
}}

if [ "$funcstack[1]" = "{fn}" ]; then
    {fn} "$@"
else
    compdef {fn} {prog}
fi
"""
)
