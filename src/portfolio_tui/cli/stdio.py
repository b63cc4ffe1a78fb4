"""`-` as a file name: standard input for the commands that read a file, standard output for
those that write one.

The service reads files by path (it sniffs the encoding and reads twice), so standard input
is first copied to a private temporary file, removed after. Its name never reaches the user:
reports and errors say `<stdin>` instead."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from portfolio_tui.cli.types import STDIO, FileArg
from portfolio_tui.errors import UserError
from portfolio_tui.i18n import _

STDIN_NAME = "<stdin>"


class RenamedError(UserError):
    """A UserError whose text (and `details` lines) name `<stdin>`, not the temporary copy."""

    def __init__(self, message: str, details: list[str]) -> None:
        super().__init__(message)
        self.details = details


@dataclass(frozen=True)
class InputFile:
    """The file a command reads, and how to name it to the user."""

    path: Path
    from_stdin: bool

    def shown(self, text: str) -> str:
        """`text` with the temporary copy's path replaced by `<stdin>`."""
        return text.replace(str(self.path), STDIN_NAME) if self.from_stdin else text


@contextmanager
def input_file(arg: FileArg) -> Iterator[InputFile]:
    """The file named by `arg`; for `-`, a copy of standard input (mode 0600, created
    exclusively, removed after). Errors raised inside name `<stdin>` for the copy."""
    if arg != STDIO:
        yield InputFile(Path(arg), from_stdin=False)
        return
    if sys.stdin is None:  # started with standard input closed
        raise UserError(_("- means standard input, and there is none"))
    fd, name = tempfile.mkstemp(prefix="portfolio-stdin-")  # O_EXCL, 0600
    source = InputFile(Path(name), from_stdin=True)
    try:
        with os.fdopen(fd, "wb") as copy:
            shutil.copyfileobj(sys.stdin.buffer, copy)
        yield source
    except UserError as exc:
        details = [source.shown(line) for line in getattr(exc, "details", ())]
        raise RenamedError(source.shown(str(exc)), details) from None
    finally:
        source.path.unlink(missing_ok=True)


def output_target(arg: Path | str | None) -> Path | IO[str]:
    """Where a text export goes: standard output for no `-o` or `-o -`, else the path."""
    if arg is None or arg == STDIO:
        return sys.stdout
    return Path(arg)


def is_stdout(arg: Path | str | None) -> bool:
    return arg is None or arg == STDIO


@contextmanager
def binary_output_folder(what: str) -> Iterator[Path]:
    """A private temporary folder for the service to write `what` in; once written, the file
    is copied to standard output. Refuses a terminal, as gzip does."""
    if sys.stdout.isatty():
        raise UserError(
            _("{what} is binary: redirect standard output, or give -o FILE").format(what=what)
        )
    with tempfile.TemporaryDirectory(prefix="portfolio-out-") as folder:
        yield Path(folder)
        written = sorted(p for p in Path(folder).iterdir() if p.is_file())
        sys.stdout.flush()
        for path in written:
            with path.open("rb") as data:
                shutil.copyfileobj(data, sys.stdout.buffer)
        sys.stdout.buffer.flush()
