"""`today` and `show` on an up-to-date portfolio read through the stdlib sqlite3 connection:
SQLAlchemy and SQLModel are imported by the first write, which still works after them."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

ORM = ("sqlalchemy", "sqlmodel", "portfolio_tui.store.models")


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)


def test_today_and_show_import_no_orm_and_a_write_after_them_loads_it(demo_db_path: Path) -> None:
    with sqlite3.connect(demo_db_path) as conn:
        account_id, name = conn.execute(
            "SELECT id, name FROM account WHERE deleted_at IS NULL ORDER BY name LIMIT 1"
        ).fetchone()
    code = (
        "import sys, json\n"
        "from portfolio_tui.cli import main\n"
        f"db = {str(demo_db_path)!r}\n"
        "assert main(['--db', db, 'today', '--format', 'json']) == 0\n"
        f"assert main(['--db', db, 'show', {account_id[:8]!r}, '--format', 'json']) == 0\n"
        f"assert main(['--db', db, 'show', {name!r}]) == 0\n"
        f"loaded = [m for m in {ORM!r} if m in sys.modules]\n"
        "assert not loaded, f'imported by the reads: {loaded}'\n"
        f"assert main(['--db', db, 'log', 'call', {account_id[:8]!r}, 'Point devis']) == 0\n"
        "assert 'sqlmodel' in sys.modules\n"
        f"assert main(['--db', db, 'show', {account_id[:8]!r}, '--format', 'json']) == 0\n"
    )
    out = _run(code).stdout
    assert json.loads(out[: out.index("\n}\n") + 2])["today"]
    with sqlite3.connect(demo_db_path) as conn:
        summaries = [
            row[0]
            for row in conn.execute(
                "SELECT summary FROM interaction WHERE account_id = ? AND deleted_at IS NULL",
                (account_id,),
            )
        ]
    assert "Point devis" in summaries
    assert out.count("Point devis") == 1, "the last show reads the call just logged"


def test_a_new_portfolio_is_created_with_the_models_schema(tmp_path: Path) -> None:
    # Creating the schema needs the models: the lazy import still happens then.
    db = tmp_path / "new.db"
    code = (
        "import sys\n"
        "from portfolio_tui.cli import main\n"
        f"assert main(['--db', {str(db)!r}, 'today']) == 0\n"
        "assert 'sqlmodel' in sys.modules\n"
    )
    _run(code)
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"account", "sale", "followup", "deal", "meta"} <= tables


def test_reports_and_exports_import_no_orm(demo_db_path: Path, tmp_path: Path) -> None:
    commands = [
        ["report", "clients", "--format", "csv"],
        ["report", "kpis"],
        ["report", "clv"],
        ["report", "pipeline"],
        ["deals", "--format", "json"],
        ["segment", "list"],
        ["export", "csv", "sales", "-o", str(tmp_path / "sales.csv")],
        ["export", "vcf", "-o", str(tmp_path / "contacts.vcf")],
        ["export", "ics", "-o", str(tmp_path / "follow-ups.ics")],
    ]
    code = (
        "import sys\n"
        "from portfolio_tui.cli import main\n"
        f"for command in {commands!r}:\n"
        f"    assert main(['--db', {str(demo_db_path)!r}, *command]) == 0, command\n"
        f"    loaded = [m for m in {ORM!r} if m in sys.modules]\n"
        "    assert not loaded, f'{command} imported {loaded}'\n"
    )
    _run(code)
    assert (tmp_path / "sales.csv").stat().st_size > 0
