"""OpenDocument spreadsheets (.ods, LibreOffice Calc): a sheet read as a table of text cells.

An .ods file is a zip whose `content.xml` holds every sheet. It is read as a stream with
expat (no library: the pure-Python ones are unmaintained), so a large sheet never sits in
memory, and a document type declaration (entities, the "billion laughs") is refused.

What the parser knows of the format: `table:table` (a sheet, by `table:name`),
`table:table-row` and `table:table-cell` with their `number-rows-repeated` and
`number-columns-repeated` (LibreOffice repeats the empty cells and rows up to the sheet's
edge), typed values (`office:value-type` float, currency, percentage, date, time, boolean),
and text paragraphs (`text:p`, with `text:s` spaces, `text:tab`, `text:line-break`, spans).
Cell comments (`office:annotation`) are not cell text.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.parsers import expat

from portfolio_tui.domain.text import visible
from portfolio_tui.errors import UserError
from portfolio_tui.formats.sources import MAX_WORKBOOK_BYTES, regular_file
from portfolio_tui.formats.xlsx import WorkbookError, check_zip, number_text

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
MAX_COLUMNS = 16_384  # as many as Excel: a wider row is not a table
MAX_ROWS = 1_048_576
_CHUNK = 1 << 16
_DURATION = re.compile(r"^-?PT?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,]\d+)?S)?$")


class _Stop(Exception):
    """Raised from a handler: the wanted sheet is read, the rest of the file is not needed."""


def _attr(attrs: dict[str, str], space: str, name: str) -> str | None:
    return attrs.get(f"{space} {name}")


def _repeat(attrs: dict[str, str], name: str, limit: int) -> int:
    raw = _attr(attrs, _TABLE, name) or "1"
    if not raw.isdigit() or not 1 <= int(raw) <= limit:
        raise ValueError(f"table:{name}='{raw[:20]}'")
    return int(raw)


def typed_text(value_type: str | None, attrs: dict[str, str], text: str) -> str:
    """The importer's text for a cell of `office:value-type` `value_type`."""
    if value_type in ("float", "currency", "percentage"):
        raw = _attr(attrs, _OFFICE, "value") or ""
        try:
            return number_text(float(raw))
        except ValueError:
            return raw
    if value_type == "date":
        raw = _attr(attrs, _OFFICE, "date-value") or ""
        day, _, clock = raw.partition("T")
        clock = clock.split(".")[0]
        return day if clock in ("", "00:00:00", "00:00") else f"{day} {clock}"
    if value_type == "time":
        match = _DURATION.match(_attr(attrs, _OFFICE, "time-value") or "")
        if match:
            hours, minutes, seconds = (int(g or 0) for g in match.groups())
            return f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    if value_type == "boolean":
        return "TRUE" if _attr(attrs, _OFFICE, "boolean-value") == "true" else "FALSE"
    return text


class _SheetParser:
    """Expat handlers that collect the rows of one sheet (the first, or the one named)."""

    def __init__(self, wanted: str | None) -> None:
        self.wanted = wanted
        self.names: list[str] = []
        self.ready: list[tuple[int, list[str]]] = []
        self.found = False
        self._in_sheet = False
        self._row_number = 0
        self._row: list[str] = []
        self._row_repeat = 1
        self._empties = 0  # empty cells seen since the last one with text
        self._cell: tuple[str | None, dict[str, str], int] | None = None
        self._text: list[str] = []
        self._paragraphs = 0
        self._in_p = 0
        self._annotation = 0
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._chars
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._doctype

    def _doctype(self, *_: object) -> None:
        raise ValueError("a document type declaration (refused: entities)")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        if name == f"{_TABLE} table":
            sheet = _attr(attrs, _TABLE, "name") or ""
            self.names.append(sheet)
            if not self.found and (self.wanted is None or sheet == self.wanted):
                self.found = self._in_sheet = True
        elif not self._in_sheet:
            return
        elif name == f"{_OFFICE} annotation":
            self._annotation += 1
        elif self._annotation:
            return
        elif name == f"{_TABLE} table-row":
            self._row_repeat = _repeat(attrs, "number-rows-repeated", MAX_ROWS)
            self._row, self._empties = [], 0
        elif name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"):
            repeat = _repeat(attrs, "number-columns-repeated", MAX_COLUMNS)
            self._cell = (_attr(attrs, _OFFICE, "value-type"), attrs, repeat)
            self._text, self._paragraphs = [], 0
        elif self._cell is not None:
            self._start_text(name, attrs)

    def _start_text(self, name: str, attrs: dict[str, str]) -> None:
        if name == f"{_TEXT} p":
            if self._paragraphs:
                self._text.append("\n")
            self._paragraphs += 1
            self._in_p += 1
        elif name == f"{_TEXT} s":
            count = _attr(attrs, _TEXT, "c") or "1"
            self._text.append(" " * min(int(count) if count.isdigit() else 1, 1000))
        elif name == f"{_TEXT} tab":
            self._text.append("\t")
        elif name == f"{_TEXT} line-break":
            self._text.append("\n")

    def _chars(self, data: str) -> None:
        if self._cell is not None and self._in_p and not self._annotation:
            self._text.append(data)

    def _end(self, name: str) -> None:
        if not self._in_sheet:
            return
        if name == f"{_OFFICE} annotation":
            self._annotation -= 1
        elif self._annotation:
            return
        elif name == f"{_TEXT} p":
            self._in_p -= 1
        elif name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"):
            self._end_cell()
        elif name == f"{_TABLE} table-row":
            self._end_row()
        elif name == f"{_TABLE} table":
            self._in_sheet = False
            raise _Stop

    def _end_cell(self) -> None:
        if self._cell is None:
            return
        value_type, attrs, repeat = self._cell
        self._cell = None
        text = typed_text(value_type, attrs, "".join(self._text))
        if not text:
            self._empties += repeat
            return
        if len(self._row) + self._empties + repeat > MAX_COLUMNS:
            raise ValueError(f"a row of more than {MAX_COLUMNS} cells")
        self._row += [""] * self._empties + [text] * repeat
        self._empties = 0

    def _end_row(self) -> None:
        first = self._row_number + 1
        self._row_number += self._row_repeat
        if self._row_number > MAX_ROWS:
            raise ValueError(f"more than {MAX_ROWS} rows")
        if self._row:
            self.ready += [(first + i, list(self._row)) for i in range(self._row_repeat)]


def sheet_rows(path: Path, wanted: str | None) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every row of the sheet that holds text; WorkbookError for a
    damaged file or a sheet that is not there."""
    parser = _SheetParser(wanted)
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
            yield from _feed(parser, content)
    except UserError:
        raise
    except Exception as exc:  # zip, inflate or XML damage; numbers out of range
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        message = f"{path}: not a readable OpenDocument spreadsheet ({visible(detail)})"
        raise WorkbookError(message) from None
    if not parser.found:
        listing = ", ".join(f"'{visible(n)}'" for n in parser.names)
        what = f"no sheet '{visible(wanted)}'" if wanted is not None else "no sheet"
        raise WorkbookError(f"{path}: {what} (sheets: {listing or 'none'})")


def _feed(parser: _SheetParser, content: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    while True:
        chunk = content.read(_CHUNK)
        try:
            parser.parser.Parse(chunk, not chunk)
        except _Stop:
            yield from parser.ready
            return
        yield from parser.ready
        parser.ready.clear()
        if not chunk:
            return


@dataclass
class OdsTable:
    """One sheet of an .ods file, as the importer reads a CSV file."""

    path: Path
    sheet: str | None
    header: list[str]
    header_line: int
    lines: int = 0
    delimiter: str = ""

    @property
    def label(self) -> str:
        shown = f", sheet '{visible(self.sheet)}'" if self.sheet is not None else ""
        return f"OpenDocument spreadsheet{shown}"

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.header)
        for number, cells in sheet_rows(self.path, self.sheet):
            if number > self.header_line and any(c.strip() for c in cells):
                yield number, cells + [""] * (width - len(cells))

    def close(self) -> None:
        pass


def open_ods(path: Path, sheet: str | None = None) -> OdsTable:
    """The first sheet of the .ods file at `path`, or the one named `sheet`, with its
    header (the first row holding text)."""
    path = regular_file(Path(path), MAX_WORKBOOK_BYTES)
    check_zip(path, "OpenDocument spreadsheet")
    _check_mimetype(path)
    rows = sheet_rows(path, sheet)
    try:
        line, header = next(((n, c) for n, c in rows if any(x.strip() for x in c)), (0, []))
    finally:
        rows.close()
    header = [h.strip() for h in header]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise WorkbookError(f"{path}: the sheet is empty (a header row is needed)")
    return OdsTable(path, sheet, header, line)


def _check_mimetype(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            mimetype = archive.read("mimetype")[:200].decode("ascii", "replace").strip()
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise WorkbookError(f"{path}: not an OpenDocument spreadsheet ({exc})") from None
    if mimetype != MIMETYPE:
        raise WorkbookError(
            f"{path}: not an OpenDocument spreadsheet (a '{visible(mimetype)}' document)"
        )
