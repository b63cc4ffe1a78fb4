"""Files private from their first byte (issue 9, point 11): the sync backup, the bundle's
temporary file and config.toml are created 0600 whatever the umask, exclusively, and never
through a symlink planted where they go."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.laptops import SharedTime, open_laptop
from portfolio_tui import paths
from portfolio_tui.config import write_default_settings
from portfolio_tui.domain.settings import SettingsError
from portfolio_tui.service import Portfolio
from portfolio_tui.store.database import create_private_file

from conftest import open_portfolio

SECRET = b"the customer base of another program\n"


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Umask 000: a file gets exactly the mode it was created with."""
    old = os.umask(0)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return path.lstat().st_mode & 0o777


def bundle_from_another_laptop(tmp_path: Path) -> Path:
    with open_laptop(tmp_path / "other.db", "zzzz", SharedTime().clock()) as other:
        other.routine.add_account("Garage Petit", city="Brest")
        return other.bundles.export_bundle(tmp_path / "other.pfbundle").path


def first_sight(path: Path, seen: list[int], stop: threading.Event) -> None:
    """Record the mode of `path` the first moment it exists."""
    while not stop.is_set():
        try:
            seen.append(mode(path))
            return
        except FileNotFoundError:
            continue


def test_the_sync_backup_is_private_from_its_first_byte(portfolio: Portfolio, tmp_path, open_umask):
    bundle = bundle_from_another_laptop(tmp_path)
    backup = paths.backup_path(portfolio.path, "sync", "20261123T073000")
    seen: list[int] = []
    stop = threading.Event()
    watcher = threading.Thread(target=first_sight, args=(backup, seen, stop))
    watcher.start()
    try:
        report = portfolio.bundles.sync([bundle])
    finally:
        stop.set()
        watcher.join()
    assert report.backup == backup
    assert seen == [0o600]  # as first seen, before a byte was copied into it
    assert mode(backup) == 0o600


def test_a_symlink_planted_at_the_backup_name_is_not_followed(tmp_path, open_umask) -> None:
    bundle = bundle_from_another_laptop(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(SECRET)
    with open_portfolio(tmp_path / "b.db") as b:
        planted = paths.backup_path(b.path, "sync", "20261123T073000")
        planted.symlink_to(victim)
        report = b.bundles.sync([bundle])
    assert victim.read_bytes() == SECRET
    assert planted.is_symlink()
    assert report.backup == tmp_path / "b.sync-20261123T073000-2.bak"
    assert mode(report.backup) == 0o600


def test_two_syncs_in_one_second_keep_both_backups(tmp_path) -> None:
    time = SharedTime()
    with open_laptop(tmp_path / "b.db", "bbbb", time.clock()) as b:
        first = b.bundles.sync([bundle_from_another_laptop(tmp_path)]).backup
        with open_laptop(tmp_path / "c.db", "cccc", time.clock()) as c:
            c.routine.add_account("Atelier Roux")
            second_bundle = c.bundles.export_bundle(tmp_path / "c.pfbundle").path
        second = b.bundles.sync([second_bundle]).backup
    assert first is not None and second is not None and first != second
    assert second.name == first.name.replace(".bak", "-2.bak")


def test_export_bundle_never_writes_through_a_planted_part_file(tmp_path, open_umask) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(SECRET)
    target = tmp_path / "out.pfbundle"
    (tmp_path / ".out.pfbundle.part").symlink_to(victim)
    with open_laptop(tmp_path / "a.db", "aaaa", SharedTime().clock()) as a:
        a.routine.add_account("Chez A")
        summary = a.bundles.export_bundle(target)
    assert victim.read_bytes() == SECRET
    assert summary.path == target and mode(target) == 0o600
    assert (tmp_path / ".out.pfbundle.part").is_symlink()
    assert [p.name for p in tmp_path.glob(".out.pfbundle*")] == [".out.pfbundle.part"]


def test_private_files_are_created_exclusively_beside_a_taken_name(tmp_path, open_umask) -> None:
    taken = tmp_path / "p.sync-1.bak"
    taken.write_bytes(SECRET)
    made = create_private_file(taken)
    assert made == tmp_path / "p.sync-1-2.bak"
    assert (made.read_bytes(), mode(made)) == (b"", 0o600)
    assert taken.read_bytes() == SECRET


def test_config_init_writes_a_private_file(tmp_path: Path, open_umask) -> None:
    path = tmp_path / "config" / "portfolio-tui" / "config.toml"
    write_default_settings(path)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    with pytest.raises(SettingsError, match="already exists"):
        write_default_settings(path)


def test_config_init_does_not_write_through_a_symlink(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(SECRET)
    path = tmp_path / "config.toml"
    path.symlink_to(victim)
    with pytest.raises(SettingsError):
        write_default_settings(path)
    assert victim.read_bytes() == SECRET
