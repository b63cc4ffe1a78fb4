"""Sync reads regular files only: a FIFO, a device or a folder is refused at once, by name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.errors import UserError
from portfolio_tui.service import Portfolio


def test_a_fifo_a_device_and_a_folder_are_refused_without_reading(
    portfolio: Portfolio, tmp_path: Path
) -> None:
    fifo = tmp_path / "bundle.pfbundle"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    for path, reason in (
        (fifo, "not a regular file"),
        (Path("/dev/zero"), "not a regular file"),
        (tmp_path, "is a folder"),
    ):
        with pytest.raises(UserError, match=reason):
            portfolio.bundles.sync([path])
        with pytest.raises(UserError, match=reason):
            portfolio.bundles.inspect_bundle(path)


def test_the_cli_says_it_in_one_line(tmp_path: Path, capsys) -> None:
    fifo = tmp_path / "b.pfbundle"
    os.mkfifo(fifo)
    assert main(["--db", str(tmp_path / "p.db"), "sync", str(fifo)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a regular file" in err[0]
