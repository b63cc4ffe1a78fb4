"""The log file keeps tracebacks that quote customer data (issue 9, point 11): it is created
0600 inside a 0700 folder whatever the umask, an older 0644 log is narrowed, and a symlink
planted in its place is refused instead of followed."""

from __future__ import annotations

import os
import stat

import pytest

from portfolio_tui import paths
from portfolio_tui.tui.failures import append_to_log


def _mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_the_log_is_private_from_its_first_byte_even_under_umask_000():
    previous = os.umask(0)
    try:
        target = append_to_log("Traceback: Dupont SARL", "test")
    finally:
        os.umask(previous)
    assert target == paths.log_file()
    assert _mode(target) == 0o600
    assert _mode(target.parent) == 0o700
    assert "Dupont SARL" in target.read_text(encoding="utf-8")


def test_an_older_world_readable_log_is_narrowed_and_kept():
    target = paths.log_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("--- earlier\n", encoding="utf-8")
    target.chmod(0o644)
    append_to_log("later", "test")
    assert _mode(target) == 0o600
    assert target.read_text(encoding="utf-8").startswith("--- earlier\n")


def test_a_symlink_in_place_of_the_log_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("untouched", encoding="utf-8")
    target = paths.log_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(elsewhere)
    with pytest.raises(OSError):
        append_to_log("secret", "test")
    assert elsewhere.read_text(encoding="utf-8") == "untouched"
