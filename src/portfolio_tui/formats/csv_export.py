"""Writing CSV: RFC 4180 (comma, CRLF, quotes doubled), or French Excel (`;`, UTF-8 with a
BOM, decimal commas). Text cells that a spreadsheet would run as a formula get a leading `'`
(OWASP CSV injection); the importer takes it off again."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from portfolio_tui.domain.money import cents_to_plain
from portfolio_tui.formats.cells import FORMULA_STARTS

BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    type: str = "text"  # text, money (cents), number, plain (ids, dates, codes: no guard)


def guard(text: str) -> str:
    """A leading `'` before a text a spreadsheet would take for a formula (and before a text
    that already starts with `'` and a formula character, so the import gives it back)."""
    if text.startswith(FORMULA_STARTS) or (text[:1] == "'" and text[1:2] in "=+-@\t\r"):
        return "'" + text
    return text


def _cell(value: Any, kind: str, excel: bool) -> str:
    if value is None or value == "":
        return ""
    if kind == "money":
        text = cents_to_plain(int(value))
        return text.replace(".", ",") if excel else text
    if kind == "number":
        text = repr(value) if isinstance(value, float) else str(value)
        if text.endswith(".0"):
            text = text[:-2]
        return text.replace(".", ",") if excel else text
    if kind == "text":
        return guard(str(value))
    return str(value)


def write_csv(
    out: IO[str], columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, excel: bool
) -> int:
    """Write the header and rows to `out` (opened with newline=""); returns the row count.
    With `excel`, the caller opens the file as utf-8-sig (or this writes the BOM itself on a
    stream that is already open)."""
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    kinds = [c.type for c in columns]
    count = 0
    for row in rows:
        writer.writerow([_cell(v, k, excel) for v, k in zip(row, kinds, strict=True)])
        count += 1
    return count
