"""Excel workbooks (.xlsx), with openpyxl: a sheet read as a table of text cells for the
importer, and a table written with typed cells.

Reading turns each typed cell into the text the importer's converters read, so an .xlsx file
is imported exactly as the same sheet saved as CSV would be: numbers without float noise
(1234.5600000001 → "1234.56"), dates as ISO dates, times as 14:30:00. Formulas give the value
Excel last computed. Writing gives amounts as numbers with a € format, dates as dates, and
every text (SIRET, postcodes, phones, a name starting with "=") as a text cell: a spreadsheet
shows it as it is and never runs it, so no guard is needed.
"""

from __future__ import annotations

import itertools
import math
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from portfolio_tui.domain.text import visible
from portfolio_tui.errors import UserError
from portfolio_tui.formats.csv_export import Column
from portfolio_tui.formats.sources import MAX_WORKBOOK_BYTES, MIB, regular_file

MAX_UNZIPPED_BYTES = 1024 * MIB  # what a workbook may expand to (a zip bomb is refused)
MAX_ENTRIES = 10_000
MONEY_FORMAT = '#,##0.00\\ "€"'
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_WIDTH_SAMPLE = 500  # rows looked at to size the columns
_MAX_WIDTH = 60


class WorkbookError(UserError):
    """A workbook that can't be read; the message names the file."""


def check_zip(path: Path, what: str) -> None:
    """WorkbookError unless `path` is a zip archive of bounded size once unzipped."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise WorkbookError(f"{path}: not a readable {what} ({exc})") from None
    if len(entries) > MAX_ENTRIES:
        raise WorkbookError(f"{path}: not a readable {what} ({len(entries)} parts)")
    unzipped = sum(e.file_size for e in entries)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise WorkbookError(
            f"{path}: unzips to {unzipped // MIB} MB, more than the "
            f"{MAX_UNZIPPED_BYTES // MIB} MB an import reads"
        )


def cell_text(value: Any) -> str:
    """The text the importer reads for one typed cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(round(value.total_seconds() / 60))  # a duration: whole minutes
    return str(value)


def number_text(value: float) -> str:
    """A float as a person would type it: no exponent, no binary noise past the cents."""
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("-Infinity" if value < 0 else "Infinity")
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    cents = round(value, 2)
    if abs(value - cents) <= 1e-9 * max(1.0, abs(value)):
        return f"{cents:.2f}"
    return format(Decimal(repr(value)), "f")


@dataclass
class XlsxTable:
    """One sheet of a workbook, as the importer reads a CSV file: header and rows of text."""

    path: Path
    sheet: str
    header: list[str]
    header_line: int
    lines: int
    delimiter: str = ""
    _workbook: Any = field(default=None, repr=False)
    _handle: IO[bytes] | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return f"Excel workbook, sheet '{visible(self.sheet)}'"

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) after the header, blank rows skipped, each row as wide as the
        header (Excel leaves out empty cells at the end of a row)."""
        width = len(self.header)
        try:
            sheet = self._workbook[self.sheet]
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number <= self.header_line:
                    continue
                cells = [cell_text(v) for v in values]
                if not any(c.strip() for c in cells):
                    continue
                cells += [""] * (width - len(cells))
                yield number, cells
        except UserError:
            raise
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise _damaged(self.path, exc) from None

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _damaged(path: Path, exc: Exception) -> WorkbookError:
    detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
    return WorkbookError(f"{path}: not a readable Excel workbook ({visible(detail)})")


def open_xlsx(path: Path, sheet: str | None = None) -> XlsxTable:
    """The first sheet of the workbook at `path`, or the one named `sheet`, with its header
    (the first row that is not blank)."""
    from openpyxl import load_workbook

    # openpyxl warns on stderr about what it finds odd in a file (a date out of range, an
    # unknown extension): the import reports what matters itself, as one line.
    warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
    path = regular_file(Path(path), MAX_WORKBOOK_BYTES)
    check_zip(path, "Excel workbook")
    handle = path.open("rb")  # a file, not a name: openpyxl insists on the name's suffix
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # a damaged zip, missing parts, bad XML…
        handle.close()
        raise _damaged(path, exc) from None
    table = XlsxTable(path, "", [], 0, 0, _workbook=workbook, _handle=handle)
    try:
        name = _sheet_name(path, workbook.sheetnames, sheet)
        worksheet = workbook[name]
        lines = worksheet.max_row or 0  # as declared: only shown as progress
        worksheet.reset_dimensions()  # some writers declare A1:XFD1048576
        header, header_line = _header(worksheet)
    except UserError:
        table.close()
        raise
    except Exception as exc:
        table.close()
        raise _damaged(path, exc) from None
    if not header:
        table.close()
        raise WorkbookError(f"{path}: sheet '{visible(name)}' is empty (a header row is needed)")
    table.sheet, table.header, table.header_line, table.lines = name, header, header_line, lines
    return table


def _sheet_name(path: Path, names: Sequence[str], wanted: str | None) -> str:
    if not names:
        raise WorkbookError(f"{path}: the workbook has no sheet")
    if wanted is None:
        return names[0]
    if wanted in names:
        return wanted
    listing = ", ".join(f"'{visible(n)}'" for n in names)
    raise WorkbookError(f"{path}: no sheet '{visible(wanted)}' (sheets: {listing})")


def _header(worksheet: Any) -> tuple[list[str], int]:
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        cells = [cell_text(v).strip() for v in values]
        if any(cells):
            while cells and not cells[-1]:
                cells.pop()
            return cells, number
    return [], 0


# --- writing -------------------------------------------------------------------------------


def write_xlsx(
    target: Path, columns: Sequence[Column], rows: Iterable[Sequence[Any]], sheet: str
) -> int:
    """Write the table to a new workbook at `target`; returns the row count."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.freeze_panes = "A2"
    iterator = iter(rows)
    sample = [row for _, row in zip(range(_WIDTH_SAMPLE), iterator, strict=False)]
    for letter, width in _widths(columns, sample):
        worksheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    worksheet.append([_text_cell(worksheet, c.header, bold) for c in columns])
    kinds = [c.type for c in columns]
    count = 0
    for row in itertools.chain(sample, iterator):
        worksheet.append([_cell(worksheet, v, k) for v, k in zip(row, kinds, strict=True)])
        count += 1
    workbook.save(target)
    return count


def _widths(columns: Sequence[Column], sample: list[Sequence[Any]]) -> Iterator[tuple[str, float]]:
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(columns):
        longest = max((len(str(r[index])) for r in sample if r[index] is not None), default=0)
        if column.type == "money":
            longest += 4  # grouping spaces and " €"
        elif column.type in ("date", "datetime"):
            longest = 16 if column.type == "datetime" else 10
        yield get_column_letter(index + 1), min(max(len(column.header), longest) + 2, _MAX_WIDTH)


def _cell(worksheet: Any, value: Any, kind: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None or value == "":
        return None
    typed: Any = None
    number_format = None
    if kind == "money" and isinstance(value, int) and not isinstance(value, bool):
        typed, number_format = Decimal(value).scaleb(-2), MONEY_FORMAT
    elif kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        typed = value if math.isfinite(value) else None
    elif kind in ("date", "datetime") and isinstance(value, str):
        typed = _moment(value)
        number_format = DATETIME_FORMAT if isinstance(typed, datetime) else DATE_FORMAT
    if typed is None:
        return _text_cell(worksheet, str(value))
    cell = WriteOnlyCell(worksheet, value=typed)
    if number_format:
        cell.number_format = number_format
    return cell


def _moment(text: str) -> date | datetime | None:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _text_cell(worksheet: Any, text: str, font: Any = None) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if ILLEGAL_CHARACTERS_RE.search(text):
        text = visible(text, keep_newline=True)  # XML can't hold them: pictures instead
    cell = WriteOnlyCell(worksheet, value=text)
    cell.data_type = "s"  # a text, even when it starts with "=": never a formula
    if font is not None:
        cell.font = font
    return cell
