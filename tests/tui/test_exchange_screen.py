"""The Import/Export screen on the real app: preview (a dry run), confirm, the rejected rows of
a bad file, progress, exports, path completion and the palette."""

from __future__ import annotations

import csv
import io
import sqlite3

import icalendar
import vobject
from analysis_helpers import SIZE, analysis_app, keys, wait_idle
from textual.widgets import Button, Checkbox, Input, ProgressBar, Select, Static

from portfolio_tui.tui.modals.confirm import ConfirmModal
from portfolio_tui.tui.screens.exchange import EXPORT_NAMES, ExchangeScreen
from portfolio_tui.tui.suggesters import complete_path

from conftest import FIXTURES

SALES = FIXTURES / "ventes-excel-utf8.csv"
BAD_SALES = FIXTURES / "ventes-date-invalide.csv"


def count(db_path, table: str) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def report_text(screen: ExchangeScreen) -> str:
    return str(screen.query_one("#exchange-report", Static).content)


async def open_exchange(pilot) -> ExchangeScreen:
    await keys(pilot, "6")
    screen = pilot.app.screen
    assert isinstance(screen, ExchangeScreen)
    return screen


async def fill(pilot, screen: ExchangeScreen, kind: str, path, mapping: str = "") -> None:
    screen.query_one("#import-kind", Select).value = kind
    screen.query_one("#import-path", Input).value = str(path)
    screen.query_one("#import-map", Input).value = mapping
    await wait_idle(pilot)


async def test_preview_then_confirm_imports(demo_db_path):
    sales_before = count(demo_db_path, "sale")
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exchange(pilot)
        await fill(pilot, screen, "sales", SALES)
        await keys(pilot, "ctrl+r")
        text = report_text(screen)
        assert "Preview of" in text and "900 would be inserted" in text
        assert "line 2: insert 2023-10-12  Hôtel Chevalier SA  23626.24" in text
        assert count(demo_db_path, "sale") == sales_before  # a preview writes nothing
        bar = screen.query_one("#import-progress", ProgressBar)
        assert bar.total == bar.progress == 900
        await keys(pilot, "ctrl+o")
        assert isinstance(app.screen, ConfirmModal)
        assert "900 new, 0 updated, 0 already here" in app.screen.question
        await keys(pilot, "y")
        assert count(demo_db_path, "sale") == sales_before + 900
        assert "Imported" in report_text(screen) and "900 inserted" in report_text(screen)
        # Importing again: the preview says everything is already there, nothing to confirm.
        await keys(pilot, "ctrl+o")
        assert app.screen is screen
        assert "900 unchanged" in report_text(screen)
        assert count(demo_db_path, "sale") == sales_before + 900


async def test_bad_file_lists_rejected_rows_and_imports_nothing(demo_db_path):
    sales_before = count(demo_db_path, "sale")
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exchange(pilot)
        await fill(pilot, screen, "sales", BAD_SALES)
        await keys(pilot, "ctrl+o")  # import runs the preview first, and stops there
        assert app.screen is screen
        text = report_text(screen)
        assert "1 rejected row(s)" in text
        assert f"{BAD_SALES}:39: date: can't read the date '31/02/2025'" in text
        assert count(demo_db_path, "sale") == sales_before
        # A file that can't be read at all, and a bad --map, are shown in place.
        await fill(pilot, screen, "accounts", FIXTURES / "nope.csv")
        await keys(pilot, "ctrl+r")
        assert "nope.csv: no such file" in report_text(screen)
        await fill(pilot, screen, "sales", SALES, "Client=customer")
        await keys(pilot, "ctrl+r")
        assert "unknown field 'customer' for sales" in report_text(screen)
        assert app.is_running


async def test_map_and_vcard_import(demo_db_path, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("Kunde;Datum;Betrag\r\nNeue GmbH;05/01/2026;12,50\r\n", encoding="utf-8")
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exchange(pilot)
        await fill(pilot, screen, "sales", path, "Kunde=account, Datum=date, Betrag=amount")
        await pilot.click("#import")
        await wait_idle(pilot)
        assert "New accounts: Neue GmbH" in report_text(screen)
        await keys(pilot, "y")
        assert app.portfolio.resolve_account("Neue GmbH").stage == "client"
        cards = tmp_path / "cards.vcf"
        cards.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Byron\r\nORG:Neue GmbH\r\n"
                         "END:VCARD\r\n")  # fmt: skip
        await fill(pilot, screen, "vcf", cards)
        await keys(pilot, "ctrl+o", "y")
        assert "1 inserted" in report_text(screen)
        assert count(demo_db_path, "contact WHERE name = 'Ada Byron'") == 1


async def test_exports_to_a_folder(demo_db_path, tmp_path):
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exchange(pilot)
        screen.query_one("#export-dir", Input).value = str(tmp_path)
        screen.query_one("#export-kind", Select).value = "sales"
        screen.query_one("#excel", Checkbox).value = True
        screen.query_one("#export-csv", Button).focus()
        await keys(pilot, "f7", "f8", "f9", "shift+f8")
        sales = (tmp_path / EXPORT_NAMES["sales"]).read_bytes()
        assert sales.startswith(b"\xef\xbb\xbfid;account_id;")
        read = list(csv.DictReader(io.StringIO(sales.decode("utf-8-sig")), delimiter=";"))
        assert len(read) == count(demo_db_path, "sale")
        cards = list(vobject.readComponents((tmp_path / EXPORT_NAMES["vcf"]).read_text()))
        assert len(cards) == count(demo_db_path, "contact")
        calendar = icalendar.Calendar.from_ical((tmp_path / EXPORT_NAMES["ics"]).read_bytes())
        assert calendar.walk("VEVENT")
        assert len(list((tmp_path / EXPORT_NAMES["vdir"]).glob("*.vcf"))) == len(cards)
        assert "cards written" in report_text(screen)
        screen.query_one("#export-dir", Input).value = str(tmp_path / "missing")
        await pilot.click("#export-ics")
        await wait_idle(pilot)
        assert "missing: no such folder" in report_text(screen)


async def test_every_export_button_exports(demo_db_path, tmp_path):
    """Each button writes its file (the vCard folder one was once shadowed by a helper)."""
    written = {
        "#export-csv": EXPORT_NAMES["accounts"],
        "#export-vcf": EXPORT_NAMES["vcf"],
        "#export-vdir": EXPORT_NAMES["vdir"],
        "#export-ics": EXPORT_NAMES["ics"],
    }
    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exchange(pilot)
        screen.query_one("#export-dir", Input).value = str(tmp_path)
        for button, name in written.items():
            screen.query_one(button, Button).press()
            await wait_idle(pilot)
            assert (tmp_path / name).exists(), button
        screen.query_one("#export-bundle", Button).press()
        await wait_idle(pilot)
        assert "Sync bundle written to" in report_text(screen)


async def test_keys_have_ids_and_reach_the_palette(demo_db_path):
    for binding in ExchangeScreen.BINDINGS:
        assert binding.id and binding.description
    from portfolio_tui.tui.commands import PortfolioCommands

    app = analysis_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exchange(pilot)
        provider = PortfolioCommands(screen)
        names = {name for name, _, _ in provider._commands()}
        assert {"Preview import", "Import…", "Export CSV", "Export vCard",
                "Export vCard folder", "Export calendar"} <= names  # fmt: skip


def test_path_completion(tmp_path):
    (tmp_path / "ventes 2025.csv").write_text("x")
    (tmp_path / "ventes.xlsx").write_text("x")
    (tmp_path / "vdir").mkdir()
    (tmp_path / ".hidden.csv").write_text("x")
    base = str(tmp_path) + "/"
    suffixes = (".csv", ".vcf")
    assert complete_path(base + "v", suffixes) == base + "vdir/"  # folders first
    assert complete_path(base + "ve", suffixes) == base + "ventes 2025.csv"
    assert complete_path(base + "ventes.x", suffixes) is None
    assert complete_path(base + ".h", suffixes) == base + ".hidden.csv"
    assert complete_path(base + "nothing", suffixes) is None
    assert complete_path(base + "missing/x", suffixes) is None
