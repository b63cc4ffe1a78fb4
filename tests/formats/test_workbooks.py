"""Spreadsheets as spreadsheets: .xlsx and .ods imports read like the same sheet saved as
CSV (header recognition, dry run, all or nothing), and .xlsx exports with typed cells."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from helpers.files import (
    ACCOUNTS_FR,
    ODS_LO,
    SALES_FR,
    XLSX_FR,
    db_state,
    rows,
    write_ods,
    write_xlsx,
)
from portfolio_tui.errors import UserError
from portfolio_tui.formats.report import ImportRejected
from portfolio_tui.formats.xlsx import cell_text, number_text

from conftest import open_portfolio

SALES_SQL = (
    "SELECT a.name, s.sold_on, s.amount, s.margin, p.name, p.family, s.order_ref FROM sale s "
    "JOIN account a ON a.id = s.account_id LEFT JOIN product p ON p.id = s.product_id "
    "ORDER BY s.order_ref, s.sold_on, s.amount"
)
ACCOUNTS_SQL = "SELECT name, legal_id, sector, source, custom_fields FROM account ORDER BY name"


def _import(tmp_path, name, kind, path, **options):
    with open_portfolio(tmp_path / name) as pf:
        return pf.imports.import_csv(kind, path, **options)


def test_an_xlsx_workbook_imports_like_its_csv(tmp_path):
    from_xlsx = _import(tmp_path, "x.db", "sales", XLSX_FR)
    _import(tmp_path, "c.db", "sales", SALES_FR)
    assert from_xlsx.inserted == 900
    assert from_xlsx.encoding == "Excel workbook, sheet 'Ventes'"
    assert ("Montant HT", "amount") in from_xlsx.columns
    assert rows(tmp_path / "x.db", SALES_SQL) == rows(tmp_path / "c.db", SALES_SQL)


def test_an_ods_spreadsheet_imports_like_its_csv(tmp_path):
    from_ods = _import(tmp_path, "o.db", "accounts", ODS_LO)
    _import(tmp_path, "c.db", "accounts", ACCOUNTS_FR)
    assert (from_ods.inserted, from_ods.encoding) == (60, "OpenDocument spreadsheet")
    assert rows(tmp_path / "o.db", ACCOUNTS_SQL) == rows(tmp_path / "c.db", ACCOUNTS_SQL)


def test_sheets_are_chosen_by_name(tmp_path):
    report = _import(tmp_path, "x.db", "sales", XLSX_FR, sheet="Ventes", dry_run=True)
    assert report.inserted == 900
    with pytest.raises(UserError, match=r"ventes-excel\.xlsx: no column for account_id"):
        _import(tmp_path, "x.db", "sales", XLSX_FR, sheet="Notes")
    with pytest.raises(UserError, match=r"no sheet 'Nope' \(sheets: 'Ventes', 'Notes'\)$"):
        _import(tmp_path, "x.db", "sales", XLSX_FR, sheet="Nope")
    ods = write_ods(tmp_path / "two.ods", {"Vide": [["x"]], "Comptes": [["name"], ["Acme"]]})
    assert _import(tmp_path, "o.db", "accounts", ods, sheet="Comptes").inserted == 1
    with pytest.raises(UserError, match=r"no sheet 'Nope' \(sheets: 'Vide', 'Comptes'\)$"):
        _import(tmp_path, "o.db", "accounts", ods, sheet="Nope")
    with pytest.raises(UserError, match=r"a CSV file has no sheets"):
        _import(tmp_path, "c.db", "sales", SALES_FR, sheet="Ventes")


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_workbooks_are_all_or_nothing_with_lines(portfolio, demo_db_path, tmp_path, suffix):
    table = [["Client", "Date", "Montant"], ["Acme", date(2026, 1, 5), 12.5], [],
             ["Béta", "31/02/2026", 3], ["Gamma", date(2026, 1, 6), "abc"]]  # fmt: skip
    write = write_xlsx if suffix == ".xlsx" else write_ods
    path = write(tmp_path / f"v{suffix}", {"Ventes": table})
    before = db_state(demo_db_path)
    preview = portfolio.imports.import_csv("sales", path, dry_run=True)
    assert (preview.rows, preview.rejected_rows) == (3, 2)
    with pytest.raises(ImportRejected) as caught:
        portfolio.imports.import_csv("sales", path)
    assert caught.value.details == [
        f"{path}:4: date: can't read the date '31/02/2026': February 2026 has no day 31",
        f"{path}:5: amount: can't read the amount 'abc' (try: 1234.50, 1 234,50 €, €1,234.50)",
    ]
    assert db_state(demo_db_path) == before


def test_typed_cells_become_the_text_a_csv_would_hold():
    assert [cell_text(v) for v in (None, True, 42, 1234.5, datetime(2026, 1, 5),
                                   datetime(2026, 1, 5, 9, 30), date(2026, 1, 5))] == [
        "", "TRUE", "42", "1234.50", "2026-01-05", "2026-01-05 09:30:00", "2026-01-05"]  # fmt: skip
    # Binary noise of a computed cell goes; real decimals stay (and a money field refuses them).
    assert [number_text(x) for x in (0.1 + 0.2, 1234.5600000001, 1.234, 98765430001.0)] == [
        "0.30", "1234.56", "1.234", "98765430001"]  # fmt: skip
    assert [number_text(x) for x in (float("nan"), float("inf"))] == ["NaN", "Infinity"]


def test_damaged_and_foreign_workbooks_are_one_line_errors(empty_portfolio, tmp_path):
    whole = XLSX_FR.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("Client;Date;Montant\r\n")
    dtd = tmp_path / "dtd.ods"
    with zipfile.ZipFile(dtd, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aa">]><x/>')
    for path, message in (
        (cut, r"cut\.xlsx: (not a readable Excel workbook|a damaged zip archive)"),
        (old, r"old\.xls: an old Excel \.xls file: save it as \.xlsx or CSV"),
        (fake, r"fake\.xlsx: not an Excel workbook \(it is not a zip archive\)"),
        (dtd, r"dtd\.ods: not a readable OpenDocument spreadsheet \(a document type declaration"),
    ):
        with pytest.raises(UserError, match=message) as caught:
            empty_portfolio.imports.import_csv("sales", path)
        assert "\n" not in str(caught.value)


def test_a_workbook_that_unzips_too_large_is_refused(empty_portfolio, tmp_path, monkeypatch):
    from portfolio_tui.formats import xlsx

    monkeypatch.setattr(xlsx, "MAX_UNZIPPED_BYTES", 10_000)
    with pytest.raises(UserError, match=r"unzips to 0 MB, more than the 0 MB an import reads"):
        empty_portfolio.imports.import_csv("sales", XLSX_FR)


def test_a_workbook_without_its_suffix_is_recognised(empty_portfolio, tmp_path):
    piped = tmp_path / "portfolio-stdin-x1y2"  # how a copy of standard input is named
    shutil.copy(XLSX_FR, piped)
    assert empty_portfolio.imports.import_csv("sales", piped, dry_run=True).inserted == 900
    shutil.copy(ODS_LO, piped)
    assert empty_portfolio.imports.import_csv("accounts", piped, dry_run=True).inserted == 60


def _sheet(path):
    return load_workbook(path).worksheets[0]


def test_xlsx_export_has_typed_cells(empty_portfolio, tmp_path):
    pf = empty_portfolio
    pf.routine.add_account("=1+1 Conseil", legal_id="00987654300019", city="Nice")
    pf.routine.set_custom_field("=1+1 Conseil", "postal_code", "06000")
    pf.routine.add_contact("=1+1 Conseil", "Zoé Martin", phone="+33 6 12 34 56 78")
    pf.routine.record_sale("=1+1 Conseil", date(2026, 1, 5), 123456, margin=-5)
    accounts, contacts, sales = (tmp_path / f"{k}.xlsx" for k in ("a", "c", "s"))
    assert pf.exports.export_csv("accounts", accounts) == 1
    pf.exports.export_csv("contacts", contacts, fmt="xlsx")
    pf.exports.export_csv("sales", sales)
    sheet = _sheet(accounts)
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert sheet.freeze_panes == "A2" and sheet[1][0].font.bold
    assert (row["name"].value, row["name"].data_type) == ("=1+1 Conseil", "s")
    assert (row["legal_id"].value, row["legal_id"].data_type) == ("00987654300019", "s")
    assert row["custom:postal_code"].value == "06000"
    assert sheet.column_dimensions["B"].width == len("=1+1 Conseil") + 2
    phone = _sheet(contacts)["G2"]
    assert (phone.value, phone.data_type) == ("+33 6 12 34 56 78", "s")
    sale = {h.value: c for h, c in zip(_sheet(sales)[1], _sheet(sales)[2], strict=True)}
    assert sale["date"].value == datetime(2026, 1, 5) and sale["date"].number_format == "dd/mm/yyyy"
    assert sale["amount"].value == pytest.approx(1234.56)
    assert sale["amount"].number_format == '#,##0.00\\ "€"'
    assert Decimal(str(sale["margin"].value)) == Decimal("-0.05")


def test_xlsx_export_round_trip(portfolio, demo_db_path, tmp_path):
    for kind in ("accounts", "contacts", "sales", "interactions"):
        portfolio.exports.export_csv(kind, tmp_path / f"{kind}.xlsx")
    with open_portfolio(tmp_path / "fresh.db") as fresh:
        for kind in ("accounts", "contacts", "sales", "interactions"):
            report = fresh.imports.import_csv(kind, tmp_path / f"{kind}.xlsx")
            assert report.ok and report.inserted == report.rows, kind
    for sql in (SALES_SQL, "SELECT id, name, legal_id, stage, potential, tags FROM account "
                "WHERE deleted_at IS NULL ORDER BY id",
                "SELECT id, account_id, name, email, phone FROM contact WHERE deleted_at IS NULL "
                "ORDER BY id"):  # fmt: skip
        assert rows(tmp_path / "fresh.db", sql) == rows(demo_db_path, sql)


def test_xlsx_to_a_stream_is_refused(empty_portfolio):
    import io

    with pytest.raises(UserError, match=r"an \.xlsx file is binary: give -o FILE\.xlsx"):
        empty_portfolio.exports.export_csv("sales", io.StringIO(), fmt="xlsx")
