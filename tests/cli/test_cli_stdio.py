"""`-` as a file name: standard input for every import and sync, standard output for every
export."""

from __future__ import annotations

import io
import os
import pty
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from helpers.files import ACCOUNTS_FR, SALES_BAD_DATE, count, db_state
from portfolio_tui.cli import main
from portfolio_tui.cli.stdio import input_file


def feed_stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def run(capsys, db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch) -> Path:
    """The folder the standard input copies go to, to see that none is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_import_accounts_from_stdin_as_from_the_file(
    capsys, monkeypatch, tmp_path, private_tmp
) -> None:
    code, from_file, _ = run(capsys, tmp_path / "a.db", "import", "accounts", ACCOUNTS_FR)
    assert code == 0
    feed_stdin(monkeypatch, ACCOUNTS_FR.read_bytes())
    code, from_stdin, err = run(capsys, tmp_path / "b.db", "import", "accounts", "-")
    assert (code, err) == (0, "")
    assert from_stdin == from_file.replace(str(ACCOUNTS_FR), "<stdin>")
    assert from_stdin.startswith("<stdin>: Windows-1252, delimiter ';'\n")
    assert from_stdin.endswith("<stdin>: 60 accounts rows: 60 inserted, 0 updated, 0 unchanged\n")
    assert count(tmp_path / "b.db", "account") == 60
    assert list(private_tmp.iterdir()) == []


def test_rejected_rows_from_stdin_are_named_stdin(
    capsys, monkeypatch, demo_db_path, private_tmp
) -> None:
    before = db_state(demo_db_path)
    feed_stdin(monkeypatch, SALES_BAD_DATE.read_bytes())
    code, out, err = run(capsys, demo_db_path, "import", "sales", "-")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "portfolio: error: <stdin>: 1 row was rejected; nothing was imported",
        "<stdin>:39: date: can't read the date '31/02/2025': February 2025 has no day 31",
    ]
    assert db_state(demo_db_path) == before
    assert list(private_tmp.iterdir()) == []


def test_an_empty_stdin_is_an_empty_file(capsys, monkeypatch, empty_db_path) -> None:
    feed_stdin(monkeypatch, b"")
    code, out, err = run(capsys, empty_db_path, "import", "contacts", "-", "--dry-run")
    assert (code, out) == (2, "")
    assert err == "portfolio: error: <stdin>: the file is empty (a header line is needed)\n"


def test_the_copy_of_stdin_is_private_and_removed(monkeypatch) -> None:
    feed_stdin(monkeypatch, b"Nom,Ville\r\nMartin,Lyon\r\n")
    with input_file("-") as source:
        assert source.from_stdin
        assert stat.S_IMODE(source.path.stat().st_mode) == 0o600
        assert source.path.read_bytes() == b"Nom,Ville\r\nMartin,Lyon\r\n"
        assert source.shown(f"{source.path}:2: city: bad") == "<stdin>:2: city: bad"
    assert not source.path.exists()


def test_a_file_named_dash_is_reached_as_dot_slash_dash(capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    Path("-").write_bytes(ACCOUNTS_FR.read_bytes())
    code, out, _ = run(capsys, tmp_path / "p.db", "import", "accounts", "./-")
    assert code == 0 and out.endswith("-: 60 accounts rows: 60 inserted, 0 updated, 0 unchanged\n")


def test_vcf_out_and_back_in_through_stdio(capsys, monkeypatch, demo_db_path) -> None:
    code, cards, err = run(capsys, demo_db_path, "export", "vcf", "-o", "-")
    assert (code, err) == (0, "")
    assert run(capsys, demo_db_path, "export", "vcf")[1] == cards
    before = db_state(demo_db_path)
    contacts = count(demo_db_path, "contact")
    feed_stdin(monkeypatch, cards.encode("utf-8"))
    code, out, _ = run(capsys, demo_db_path, "import", "vcf", "-")
    assert code == 0
    assert out.splitlines()[-1] == (
        f"<stdin>: {contacts} contacts rows: 0 inserted, 0 updated, {contacts} unchanged"
    )
    assert db_state(demo_db_path) == before


@pytest.mark.parametrize(
    "args", [("csv", "accounts"), ("csv", "sales", "--excel"), ("ics",)], ids=lambda a: a[-1]
)
def test_dash_output_is_standard_output(capsys, demo_db_path, args) -> None:
    code, to_dash, err = run(capsys, demo_db_path, "export", *args, "-o", "-")
    assert (code, err) == (0, "")
    _, by_default, _ = run(capsys, demo_db_path, "export", *args)
    if args[0] == "ics":  # DTSTAMP is the time of the export
        to_dash, by_default = (
            [x for x in text.splitlines() if not x.startswith("DTSTAMP")]
            for text in (to_dash, by_default)
        )
    assert to_dash == by_default and len(to_dash) > 100


def test_a_vcf_folder_cannot_be_dash(capsys, demo_db_path) -> None:
    code, out, err = run(capsys, demo_db_path, "export", "vcf", "--dir", "-")
    assert (code, out) == (2, "")
    assert err == (
        "portfolio: error: --dir needs a folder; -o - writes every card to standard output\n"
    )
    assert not Path("-").exists()


def test_a_bundle_through_a_pipe(demo_db_path, tmp_path) -> None:
    laptop_b = tmp_path / "b.db"
    portfolio = f"{sys.executable} -m portfolio_tui"
    command = (
        f"{portfolio} --db {demo_db_path} export bundle -o - 2>{tmp_path / 'export.err'} "
        f"| {portfolio} --db {laptop_b} sync -"
    )
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(private_tmp)}
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True, text=True, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    said = (tmp_path / "export.err").read_text()
    assert said.startswith("bundle written to standard output: ")
    assert done.stdout.startswith("<stdin>: from device ")
    assert count(laptop_b, "account") == count(demo_db_path, "account") == 60
    assert list(tmp_path.glob("*.pfbundle")) == []
    assert list(private_tmp.iterdir()) == []


def test_a_bundle_is_not_written_to_a_terminal(demo_db_path, tmp_path) -> None:
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "portfolio_tui", "--db", str(demo_db_path), "export",
             "bundle", "-o", "-"],
            stdout=follower, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        )  # fmt: skip
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert done.stderr == (
        "portfolio: error: a bundle is binary: redirect standard output, or give -o FILE\n"
    )
    assert list(tmp_path.glob("*.pfbundle")) == []


def test_stdin_is_read_once(capsys, monkeypatch, laptop_bundle, tmp_path) -> None:
    feed_stdin(monkeypatch, laptop_bundle.read_bytes())
    code, out, err = run(capsys, tmp_path / "b.db", "sync", "-", "-")
    assert (code, out) == (2, "")
    assert err == "portfolio: error: standard input can be read once: give - only once\n"


def test_a_bad_bundle_on_stdin_is_named_stdin(capsys, monkeypatch, laptop_bundle, tmp_path):
    feed_stdin(monkeypatch, laptop_bundle.read_bytes()[:-40])
    code, out, err = run(capsys, tmp_path / "b.db", "sync", "-")
    assert (code, out) == (2, "")
    assert err.startswith("portfolio: error: <stdin>: ") and err.count("\n") == 1
    assert "portfolio-stdin-" not in err


@pytest.fixture
def laptop_bundle(tmp_path: Path, capsys) -> Path:
    laptop_a, bundle = tmp_path / "a.db", tmp_path / "a.pfbundle"
    assert run(capsys, laptop_a, "add", "account", "Boulangerie Martin")[0] == 0
    assert run(capsys, laptop_a, "export", "bundle", "-o", bundle)[0] == 0
    return bundle
