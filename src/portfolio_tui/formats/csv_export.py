"""Writing CSV: RFC 4180 (comma, CRLF, quotes doubled), or French Excel (`;`, UTF-8 with a
BOM, decimal commas). Text cells that a spreadsheet would run as a formula get a leading `'`
(OWASP CSV injection); the importer takes it off again."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from portfolio_tui.domain.money import cents_to_plain
from portfolio_tui.formats.cells import guard

BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    # text, money (integer cents), number, date or datetime (ISO text, typed cells in xlsx)
    type: str = "text"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell(value: Any, kind: str, excel: bool) -> str:
    """The text of one cell. Every text is guarded, whatever its column: a value a bundle
    brought into an id or a stage column is text like any other."""
    if value is None or value == "":
        return ""
    if kind == "money" and isinstance(value, int) and not isinstance(value, bool):
        text = cents_to_plain(value)
        return text.replace(".", ",") if excel else text
    if kind == "number" and _is_number(value):
        text = repr(value) if isinstance(value, float) else str(value)
        if text.endswith(".0"):
            text = text[:-2]
        return text.replace(".", ",") if excel else text
    return guard(str(value))


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
