"""Opening the file an import reads as a table: CSV, an Excel workbook or an OpenDocument
spreadsheet, told apart by their first bytes (a copy of standard input has no suffix), then
by the name's suffix."""

from __future__ import annotations

import zipfile
from pathlib import Path

from portfolio_tui.errors import UserError
from portfolio_tui.formats.csv_import import Table
from portfolio_tui.formats.csv_read import open_csv
from portfolio_tui.formats.ods import MIMETYPE, open_ods
from portfolio_tui.formats.sources import MAX_TABLE_BYTES, regular_file
from portfolio_tui.formats.xlsx import open_xlsx

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")


def table_format(path: Path) -> str:
    """ "csv", "xlsx" or "ods" for the file at `path` (a regular file); UserError for an
    old binary .xls."""
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(OLE_MAGIC) or path.suffix.lower() == ".xls":
        raise UserError(f"{path}: an old Excel .xls file: save it as .xlsx or CSV")
    if head.startswith(ZIP_MAGIC):
        return _zip_format(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        kind = "an Excel workbook" if path.suffix.lower() != ".ods" else "an .ods file"
        raise UserError(f"{path}: not {kind} (it is not a zip archive)")
    return "csv"


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UserError(f"{path}: a damaged zip archive ({exc})") from None
    if mimetype.strip() == MIMETYPE.encode():
        return "ods"
    if "xl/workbook.xml" in names or path.suffix.lower() in (".xlsx", ".xlsm"):
        return "xlsx"
    if path.suffix.lower() == ".ods":
        return "ods"
    raise UserError(f"{path}: a zip archive, neither an Excel workbook nor an .ods file")


def open_table(path: Path, sheet: str | None = None) -> Table:
    """The table in the file at `path`: the first sheet of a workbook, or the one named
    `sheet` (a sheet name for a CSV file is an error)."""
    path = regular_file(Path(path), MAX_TABLE_BYTES)
    kind = table_format(path)
    if kind == "xlsx":
        return open_xlsx(path, sheet)
    if kind == "ods":
        return open_ods(path, sheet)
    if sheet is not None:
        raise UserError(f"{path}: a CSV file has no sheets (--sheet is for .xlsx and .ods)")
    return open_csv(path)
