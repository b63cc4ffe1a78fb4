"""Sync bundles on the Import/Export screen, on the real app and real files: export a bundle,
preview bundles (nothing written), sync one made by a second laptop and see its edits on the
other screens, and refuse a truncated or foreign bundle leaving the database byte-identical."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from analysis_helpers import SIZE, analysis_app, keys, rows_of, wait_idle
from textual.widgets import Input, ProgressBar, Static

from portfolio_tui.store import sync_queries
from portfolio_tui.tui.modals.confirm import ConfirmModal
from portfolio_tui.tui.modals.help import screen_keys
from portfolio_tui.tui.screens.exchange import ExchangeScreen
from portfolio_tui.tui.screens.portfolio import PortfolioScreen
from portfolio_tui.tui.screens.sync_view import BundlesSuggester, bundle_paths, size_text

from conftest import FIXED_NOW, PARIS, db_dump, open_portfolio

LATER = FIXED_NOW + timedelta(hours=1)
SYNCED = sync_queries.TABLES  # every table a bundle carries, as the store lists them


def report_text(screen: ExchangeScreen) -> str:
    return str(screen.query_one("#exchange-report", Static).content)


async def open_exchange(pilot) -> ExchangeScreen:
    await keys(pilot, "6")
    screen = pilot.app.screen
    assert isinstance(screen, ExchangeScreen)
    return screen


async def type_into(pilot, screen: ExchangeScreen, selector: str, value: str) -> None:
    screen.query_one(selector, Input).value = value
    await wait_idle(pilot)


def bundle_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()]


def backups(db_path: Path) -> list[Path]:
    return sorted(db_path.parent.glob(f"{db_path.stem}.sync-*.bak"))


def account_named(db_path: Path, name: str) -> tuple:
    [row] = rows_of(db_path, "SELECT id, city FROM account WHERE name = ?", name)
    return row


def second_laptop(demo_db_path: Path, folder: Path) -> tuple[Path, str]:
    """Laptop "laptop-b", a copy of the demo portfolio made before any of the tests' edits:
    an hour later it moves the first account to Quimper and adds an account, then exports a
    full bundle into `folder`. Returns the bundle and the edited account's name."""
    copy = folder.parent / "laptop-b.db"
    shutil.copy(demo_db_path, copy)
    conn = sqlite3.connect(copy)
    with conn:
        conn.execute("UPDATE meta SET value = 'laptop-b' WHERE key = 'device_id'")
    conn.close()
    with open_portfolio(copy, clock=lambda: LATER) as b:
        assert b.device_id == "laptop-b"
        [(name,)] = rows_of(copy, "SELECT name FROM account ORDER BY name LIMIT 1")
        b.routine.edit_account(name, city="Quimper")
        b.routine.add_account("Nouvelle Boulangerie", city="Vannes")
        folder.mkdir(exist_ok=True)
        summary = b.bundles.export_bundle(folder)
    return summary.path, name


# --- export ---------------------------------------------------------------------------------


async def test_export_a_full_and_a_since_bundle(demo_db_path, tmp_path):
    with open_portfolio(demo_db_path, clock=lambda: LATER) as later:  # the demo is written at 8:30
        later.routine.edit_account(rows_of(demo_db_path, "SELECT id FROM account LIMIT 1")[0][0],
                           city="Quimper")  # fmt: skip
    out = tmp_path / "out"
    out.mkdir()
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exchange(pilot)
        await type_into(pilot, screen, "#export-dir", str(out))
        await keys(pilot, "f10")
        [bundle] = out.glob("*.pfbundle")
        assert bundle.name == f"{app.portfolio.device_id}-20261123T073000Z.pfbundle"
        lines = bundle_lines(bundle)
        header, trailer = lines[0], lines[-1]
        assert header["device_id"] == app.portfolio.device_id and header["since"] is None
        stored = {t: rows_of(demo_db_path, f"SELECT count(*) FROM {t}")[0][0] for t in SYNCED}
        assert header["counts"] == stored
        assert trailer["rows"] == len(lines) - 2 == sum(stored.values())
        text = report_text(screen)
        assert f"Sync bundle written to {bundle} ({size_text(bundle.stat().st_size)})" in text
        assert f"{sum(stored.values())} rows (60 account, " in text

        # Since a time typed as the rep types dates, in Paris time: only the later edit.
        await type_into(pilot, screen, "#bundle-since", "today 9:00")
        await pilot.click("#export-bundle")
        await wait_idle(pilot)
        lines = bundle_lines(bundle)
        since = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
        assert datetime.fromisoformat(lines[0]["since"]) == since.astimezone(UTC)
        assert lines[0]["counts"] == dict.fromkeys(SYNCED, 0) | {"account": 1}
        assert lines[1]["table"] == "account" and "Quimper" in lines[1]["row"]
        text = report_text(screen)
        assert "1 rows, written since 2026-11-23 09:00 (1 account)" in text

        # A day and a relative phrase mean midnight; a date that can't be read is shown and
        # nothing is written.
        for typed in ("20/11/2026", "-3d"):
            await type_into(pilot, screen, "#bundle-since", typed)
            await keys(pilot, "f10")
            assert "written since 2026-11-20 00:00" in report_text(screen)
            assert sum(bundle_lines(bundle)[0]["counts"].values()) == sum(stored.values())
        bundle.unlink()
        await type_into(pilot, screen, "#bundle-since", "31/02/2026")
        await keys(pilot, "f10")
        assert "bundle since: can't read the date '31/02/2026'" in report_text(screen)
        assert not list(out.iterdir())


# --- preview and sync -----------------------------------------------------------------------


async def test_sync_a_second_laptops_bundle(demo_db_path, tmp_path):
    folder = tmp_path / "Sync"
    bundle, edited = second_laptop(demo_db_path, folder)
    # Meanwhile, on this laptop, the same account moved to Brest, earlier than Quimper.
    with open_portfolio(demo_db_path) as here:
        here.routine.edit_account(edited, city="Brest")
    account_id, _ = account_named(demo_db_path, edited)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "2")  # the Portfolio screen, loaded before the sync
        before = {row.name: row.city for row in pilot.app.screen.table.items}
        assert before[edited] == "Brest" and "Nouvelle Boulangerie" not in before
        screen = await open_exchange(pilot)
        await type_into(pilot, screen, "#sync-paths", f"{folder}/*.pfbundle")
        await keys(pilot, "ctrl+l")
        text = report_text(screen)
        assert str(bundle) in text
        assert "from device laptop-b, exported 2026-11-23 09:30, everything" in text
        assert account_named(demo_db_path, edited)[1] == "Brest"  # the preview wrote nothing

        await keys(pilot, "ctrl+y")
        assert isinstance(app.screen, ConfirmModal)
        rows = sum(bundle_lines(bundle)[0]["counts"].values())
        assert f"Sync 1 bundle(s), {rows} rows from laptop-b?" in app.screen.question
        await keys(pilot, "y")
        assert app.screen is screen

        # The database got the second laptop's edits; the later edit won the conflict.
        assert account_named(demo_db_path, edited) == (account_id, "Quimper")
        assert account_named(demo_db_path, "Nouvelle Boulangerie")[1] == "Vannes"
        text = report_text(screen)
        accounts = rows_of(demo_db_path, "SELECT count(*) FROM account")[0][0]
        assert re.search(rf"account +1 +1 +{accounts - 2}\n", text), text
        assert re.search(r"sale +0 +0 +\d+\n", text)
        assert "1 conflict(s), the later edit kept:" in text
        assert (
            f'    account "{edited}" ({account_id[:8]}), city:\n'
            f'      here    "Brest" (2026-11-23 08:30 on {app.portfolio.device_id})\n'
            '      bundle  "Quimper" (2026-11-23 09:30 on laptop-b)  ← kept\n'
        ) in text
        [backup] = backups(demo_db_path)
        assert f"Backup of the database before the sync: {backup}" in text
        bar = screen.query_one("#sync-progress", ProgressBar)
        assert bar.display and bar.total == bar.progress == rows

        # The other screens show the new data.
        await keys(pilot, "2")
        portfolio = pilot.app.screen
        assert isinstance(portfolio, PortfolioScreen)
        after = {row.name: row.city for row in portfolio.table.items}
        assert after[edited] == "Quimper" and after["Nouvelle Boulangerie"] == "Vannes"

        # The same bundle again changes nothing, and takes no backup.
        screen = await open_exchange(pilot)
        dump = db_dump(demo_db_path)
        await keys(pilot, "ctrl+y", "y")
        assert "Nothing to change: the database already holds all of it." in report_text(screen)
        assert db_dump(demo_db_path) == dump
        assert backups(demo_db_path) == [backup]


async def test_preview_writes_nothing(demo_db_path, tmp_path):
    folder = tmp_path / "Sync"
    bundle, _ = second_laptop(demo_db_path, folder)
    own = folder / "own.pfbundle"
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        app.portfolio.bundles.export_bundle(own)
        screen = await open_exchange(pilot)
        dump, raw = db_dump(demo_db_path), demo_db_path.read_bytes()
        # A folder, a missing file and a pattern matching nothing, with ";" between them.
        await type_into(pilot, screen, "#sync-paths", f"{folder}; {tmp_path}/nope/*.pfbundle")
        await keys(pilot, "ctrl+l")
        text = report_text(screen)
        assert text.startswith("Preview of the sync: nothing written yet")
        assert f"{tmp_path}/nope/*.pfbundle: no such file" in text
        assert str(bundle) in text and str(own) in text
        assert "this laptop's own bundle" in text
        assert "1 file(s) can't be synced: nothing will be written" in text
        await keys(pilot, "ctrl+y")  # refused: no question asked
        assert app.screen is screen
        await type_into(pilot, screen, "#sync-paths", str(folder))
        await keys(pilot, "ctrl+l")
        assert "Sync… merges them" in report_text(screen)
        assert db_dump(demo_db_path) == dump and demo_db_path.read_bytes() == raw
        assert backups(demo_db_path) == []
        await keys(pilot, "ctrl+y", "n")  # asked, and declined
        assert app.screen is screen
        assert db_dump(demo_db_path) == dump and demo_db_path.read_bytes() == raw
        assert backups(demo_db_path) == []


async def test_a_truncated_or_foreign_bundle_is_refused(demo_db_path, tmp_path):
    folder = tmp_path / "Sync"
    bundle, _ = second_laptop(demo_db_path, folder)
    data = bundle.read_bytes()
    foreign = tmp_path / "ventes.pfbundle"
    foreign.write_bytes(gzip.compress(b"Client;Montant\nDupont;12,50\n"))
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exchange(pilot)
        dump, raw = db_dump(demo_db_path), demo_db_path.read_bytes()
        # Previewed whole, then cut short by a copy still under way: sync reads it again.
        await type_into(pilot, screen, "#sync-paths", str(bundle))
        await keys(pilot, "ctrl+l")
        assert "from device laptop-b" in report_text(screen)
        bundle.write_bytes(data[: len(data) // 2])
        await keys(pilot, "ctrl+y")
        assert app.screen is screen  # no question: the file is refused
        assert f"{bundle}: truncated" in report_text(screen)
        # With a good bundle beside it, a foreign file still stops everything.
        bundle.write_bytes(data)
        await type_into(pilot, screen, "#sync-paths", f"{bundle}; {foreign}")
        await keys(pilot, "ctrl+y")
        assert app.screen is screen
        text = report_text(screen)
        assert f"{foreign}:1: not a portfolio-tui bundle" in text
        assert "from device laptop-b" in text
        assert db_dump(demo_db_path) == dump and demo_db_path.read_bytes() == raw
        assert backups(demo_db_path) == []
        assert app.is_running


# --- keys and paths -------------------------------------------------------------------------


async def test_sync_keys_in_footer_help_and_palette(demo_db_path, tmp_path):
    from portfolio_tui.tui.commands import PortfolioCommands

    wanted = {"Export sync bundle", "Preview sync", "Sync…"}
    bindings = {b.description: b for b in ExchangeScreen.BINDINGS}
    assert all(bindings[name].id and bindings[name].show for name in wanted)
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exchange(pilot)
        own, _ = screen_keys(screen)
        assert wanted <= {entry.description for entry in own}
        names = {name for name, _, _ in PortfolioCommands(screen)._commands()}
        assert wanted <= names
        await keys(pilot, "ctrl+l")  # nothing typed: the field asks for the bundles
        field = screen.query_one("#sync-paths", Input)
        assert screen.focused is field
        # Typing in the field: enter previews, and the keys still reach the screen.
        bundle = app.portfolio.bundles.export_bundle(tmp_path / "own.pfbundle").path
        field.value = str(bundle)
        await keys(pilot, "enter")
        assert "this laptop's own bundle" in report_text(screen)
        await keys(pilot, "ctrl+y")
        assert isinstance(app.screen, ConfirmModal)
        await keys(pilot, "escape")
        assert app.screen is screen and screen.focused is field


async def test_bundle_paths_and_completion(tmp_path):
    sync = tmp_path / "Sync"
    sync.mkdir()
    for name in ("b.pfbundle", "a.pfbundle", "notes.txt"):
        (sync / name).write_text("x")
    a, b = sync / "a.pfbundle", sync / "b.pfbundle"
    assert bundle_paths(f"{sync}/*.pfbundle") == ([a, b], [])
    assert bundle_paths(f" {sync} ") == ([a, b], [])
    assert bundle_paths(f"{b}; {sync}/*.pfbundle;;") == ([b, a], [])
    assert bundle_paths(f"{sync}/*.zip; {tmp_path}") == ([], [f"{sync}/*.zip", str(tmp_path)])
    assert bundle_paths(f"{sync}/missing.pfbundle") == ([sync / "missing.pfbundle"], [])
    suggester = BundlesSuggester((".pfbundle",))
    assert await suggester.get_suggestion(f"{a}; {sync}/b") == f"{a}; {b}"
    assert await suggester.get_suggestion(f"{sync}/n") is None
