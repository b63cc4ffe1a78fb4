"""Helpers for the file tests: the sample files (tests/fixtures), writing CSV files in any
encoding and delimiter, .xlsx and .ods workbooks, and the state of a database file to prove
an import wrote nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from conftest import FIXTURES

assert FIXTURES.is_dir(), FIXTURES
ACCOUNTS_FR = FIXTURES / "comptes-excel-fr.csv"
CONTACTS_LO = FIXTURES / "contacts-libreoffice.csv"
SALES_FR = FIXTURES / "ventes-excel-utf8.csv"
SALES_BAD_DATE = FIXTURES / "ventes-date-invalide.csv"


def write_csv(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    newline: str = "\r\n",
) -> Path:
    """A CSV file the way a spreadsheet writes one (cells quoted when they need it)."""

    def cell(text: str) -> str:
        if any(c in text for c in (delimiter, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text

    text = "".join(delimiter.join(cell(c) for c in row) + newline for row in rows)
    path.write_bytes(text.encode(encoding))
    return path


def db_state(path: Path) -> tuple[bytes, str]:
    """The file's bytes after a WAL checkpoint, and a full SQL dump."""
    conn = sqlite3.connect(path)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, "a connection kept the WAL busy"
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    return path.read_bytes(), dump


def rows(path: Path, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def count(path: Path, table: str, where: str = "deleted_at IS NULL") -> int:
    return rows(path, f"SELECT count(*) FROM {table} WHERE {where}")[0][0]


XLSX_FR = FIXTURES / "ventes-excel.xlsx"
ODS_LO = FIXTURES / "comptes-libreoffice.ods"

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"'
)


def ods_cell(value: object) -> str:
    """One `table:table-cell` the way LibreOffice writes it: numbers and dates typed, with
    their shown text; texts with runs of spaces as `text:s`."""
    from datetime import date, datetime
    from xml.sax.saxutils import escape

    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        flag = "true" if value else "false"
        return (f'<table:table-cell office:value-type="boolean" office:boolean-value="{flag}">'
                f"<text:p>{flag.upper()}</text:p></table:table-cell>")  # fmt: skip
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value!r}">'
                f"<text:p>{value}</text:p></table:table-cell>")  # fmt: skip
    if isinstance(value, datetime | date):
        shown = value.strftime("%d/%m/%Y")
        return (f'<table:table-cell office:value-type="date" '
                f'office:date-value="{value.isoformat()}"><text:p>{shown}</text:p>'
                "</table:table-cell>")  # fmt: skip
    paragraphs = []
    for part in str(value).split("\n"):
        body = escape(part).replace("  ", ' <text:s text:c="1"/>')
        paragraphs.append(f"<text:p>{body}</text:p>")
    return f'<table:table-cell office:value-type="string">{"".join(paragraphs)}</table:table-cell>'


def write_ods(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    """An .ods file holding `sheets` ({name: rows}), shaped like LibreOffice's: a mimetype
    first and stored, trailing empty cells and rows repeated to the sheet's edge."""
    import zipfile
    from xml.sax.saxutils import quoteattr

    tables = []
    for name, table_rows in sheets.items():
        body = "".join(
            "<table:table-row>" + "".join(ods_cell(v) for v in row)
            + '<table:table-cell table:number-columns-repeated="1017"/></table:table-row>'
            for row in table_rows
        )  # fmt: skip
        body += (
            '<table:table-row table:number-rows-repeated="1048000">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        )
        tables.append(f"<table:table table:name={quoteattr(name)}>{body}</table:table>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )  # fmt: skip
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return path


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    """An .xlsx workbook holding `sheets` with openpyxl: values typed as given (numbers,
    dates, texts), as a rep's own workbook would be."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, table_rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in table_rows:
            sheet.append(list(row))
    workbook.save(path)
    return path
