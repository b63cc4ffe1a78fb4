"""`portfolio export bundle` and `portfolio sync` as a rep types them."""

from __future__ import annotations

import gzip
import json
import re
import sqlite3
from pathlib import Path

import pytest

from portfolio_tui.cli import main

from conftest import db_dump


def run(capsys, db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def device_of(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def laptop_a(tmp_path: Path, capsys) -> Path:
    db = tmp_path / "a.db"
    for args in (
        ("add", "account", "Boulangerie Martin", "--stage", "client", "--city", "Lyon"),
        ("add", "account", "Atelier Dubois", "--stage", "cold"),
        ("add", "contact", "Boulangerie", "Claire Petit", "--email", "claire@example.fr"),
        ("log", "call", "Boulangerie", "Point sur le devis", "--contact", "Claire"),
    ):
        assert run(capsys, db, *args)[0] == 0
    return db


def test_export_bundle_writes_the_file_and_says_what_it_holds(laptop_a, tmp_path, capsys):
    target = tmp_path / "out.pfbundle"
    code, out, err = run(capsys, laptop_a, "export", "bundle", "-o", str(target))
    assert (code, err) == (0, "")
    assert out.startswith(f"bundle written to {target}: 6 rows (")
    assert "2 account, 1 contact, 1 interaction, 2 stagechange" in out
    assert f"device {device_of(laptop_a)}" in out
    header = json.loads(gzip.decompress(target.read_bytes()).splitlines()[0])
    assert header["format"] == "portfolio-tui-bundle" and header["version"] == 1
    assert header["device_id"] == device_of(laptop_a)


def test_export_bundle_names_the_file_after_the_device(laptop_a, tmp_path, capsys, monkeypatch):
    folder = tmp_path / "outbox"
    folder.mkdir()
    monkeypatch.chdir(folder)
    code, out, _ = run(capsys, laptop_a, "export", "bundle")
    assert code == 0
    [made] = folder.iterdir()
    assert re.fullmatch(rf"{device_of(laptop_a)}-\d{{8}}T\d{{6}}Z\.pfbundle", made.name)
    assert str(made) in out


def test_export_bundle_since_a_date(laptop_a, tmp_path, capsys) -> None:
    code, out, _ = run(capsys, laptop_a, "export", "bundle", "-o", str(tmp_path / "x"), "--since",
                       "2000-01-01")  # fmt: skip
    assert code == 0 and ": 6 rows, written since 2000-01-01 00:00:00" in out
    code, out, _ = run(capsys, laptop_a, "export", "bundle", "-o", str(tmp_path / "y"), "--since",
                       "31/12/2999")  # fmt: skip
    assert code == 0 and ": 0 rows" in out and "nothing to send" in out


def test_export_bundle_refuses_a_bad_date(laptop_a, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--db", str(laptop_a), "export", "bundle", "--since", "last tuesday"])
    assert caught.value.code == 2
    assert "--since" in capsys.readouterr().err


def _two_laptops(tmp_path: Path, laptop_a: Path, capsys) -> tuple[Path, Path]:
    """B starts as a copy of A's data through a first sync."""
    laptop_b = tmp_path / "b.db"
    first = tmp_path / "first.pfbundle"
    assert run(capsys, laptop_a, "export", "bundle", "-o", str(first))[0] == 0
    assert run(capsys, laptop_b, "sync", str(first))[0] == 0
    return laptop_a, laptop_b


def test_sync_prints_counts_conflicts_and_the_backup(laptop_a, tmp_path, capsys) -> None:
    a, b = _two_laptops(tmp_path, laptop_a, capsys)
    assert run(capsys, a, "edit", "account", "Boulangerie", "--city", "Annecy")[0] == 0
    assert run(capsys, b, "edit", "account", "Boulangerie", "--city", "Grenoble")[0] == 0
    assert run(capsys, b, "add", "account", "Garage Roux")[0] == 0
    bundle = tmp_path / "from-b.pfbundle"
    assert run(capsys, b, "export", "bundle", "-o", str(bundle))[0] == 0

    code, out, err = run(capsys, a, "sync", str(bundle))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith(f"{bundle}: from device {device_of(b)}, exported ")
    assert lines[1].split() == ["table", "inserted", "updated", "left", "alone"]
    assert lines[2].split() == ["account", "1", "1", "1"]
    assert lines[3].split() == ["contact", "0", "0", "1"]
    # Found by name: the tables between contact and stagechange grow with the schema.
    assert next(x for x in lines if x.split()[:1] == ["stagechange"]).split() == [
        "stagechange", "1", "0", "2"
    ]  # fmt: skip
    conflict = next(line for line in lines if " city: " in line)
    assert 'account "Boulangerie Martin"' in conflict
    assert 'here "Annecy"' in conflict and 'bundle "Grenoble"' in conflict
    assert conflict.rstrip().endswith('→ kept "Grenoble" (bundle)')
    assert device_of(a) in conflict and device_of(b) in conflict
    assert lines[-1].startswith("backup of the database before the sync: ")
    assert Path(lines[-1].split(": ", 1)[1]).exists()
    code, out, _ = run(capsys, a, "show", "Boulangerie")
    assert "Grenoble" in out


def test_sync_of_the_same_file_again_says_nothing_changed(laptop_a, tmp_path, capsys) -> None:
    _, b = _two_laptops(tmp_path, laptop_a, capsys)
    code, out, _ = run(capsys, b, "sync", str(tmp_path / "first.pfbundle"))
    assert code == 0
    assert out.splitlines()[-1] == "nothing to change: the database already holds all of it"
    assert out.splitlines()[2].split() == ["account", "0", "0", "2"]


def test_sync_reports_rows_it_had_to_leave_out(laptop_a, tmp_path, capsys) -> None:
    b = tmp_path / "b.db"
    assert run(capsys, laptop_a, "add", "contact", "Atelier", "Hugo Roux")[0] == 0
    partial = tmp_path / "partial.pfbundle"
    # Only what was written from now on: the contact, without its account.
    conn = sqlite3.connect(laptop_a)
    with conn:
        conn.execute("UPDATE account SET updated_at = '2020-01-01 00:00:00'")
    conn.close()
    assert run(capsys, laptop_a, "export", "bundle", "-o", str(partial), "--since",
               "2021-01-01")[0] == 0  # fmt: skip
    code, out, _ = run(capsys, b, "sync", str(partial))
    assert code == 0
    assert "left out, their parent is missing (" in out
    assert re.search(r'contact "Hugo Roux" \(\w{8}\): account_id \w{8} is in neither', out)


@pytest.mark.parametrize("kind", ["truncated", "spreadsheet", "missing", "directory"])
def test_sync_refuses_a_bad_file_in_one_line_and_changes_nothing(
    laptop_a, tmp_path, capsys, kind: str
) -> None:
    bundle = tmp_path / "x.pfbundle"
    assert run(capsys, laptop_a, "export", "bundle", "-o", str(bundle))[0] == 0
    if kind == "truncated":
        bundle.write_bytes(bundle.read_bytes()[:-40])
    elif kind == "spreadsheet":
        bundle.write_text("Raison sociale;Ville\nMartin;Lyon\n", encoding="utf-8")
    elif kind == "missing":
        bundle.unlink()
    else:
        bundle.unlink()
        bundle.mkdir()
    b = tmp_path / "b.db"
    assert run(capsys, b, "add", "account", "Déjà là")[0] == 0
    before = db_dump(b)
    code, out, err = run(capsys, b, "sync", str(bundle))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("portfolio: error: ")
    assert str(bundle) in err
    assert db_dump(b) == before
    assert list(tmp_path.glob("*.bak")) == []
