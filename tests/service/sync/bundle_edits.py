"""Crafted bundles for the sync tests: a real bundle with some of its lines rewritten, and a
trailer made to match, as a careful forger (or a bug on the other laptop) would write it."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Lines = list[bytes]


def lines_of(path: Path) -> Lines:
    """The header and row lines of a bundle, without its trailer."""
    return gzip.decompress(path.read_bytes()).splitlines(keepends=True)[:-1]


def write_lines(path: Path, lines: Lines) -> Path:
    """`lines` (header and rows) as a bundle whose trailer matches them."""
    digest = hashlib.sha256(b"".join(lines)).hexdigest()
    trailer = json.dumps({"trailer": True, "rows": len(lines) - 1, "sha256": digest})
    path.write_bytes(gzip.compress(b"".join([*lines, trailer.encode() + b"\n"])))
    return path


def rewrite(path: Path, edit: Callable[[Lines], Lines]) -> Path:
    return write_lines(path, edit(lines_of(path)))


def header_of(lines: Lines) -> dict[str, Any]:
    return json.loads(lines[0])


def rows_of(lines: Lines, table: str) -> list[dict[str, Any]]:
    """The rows of `table` as {column: value}, in file order."""
    columns = header_of(lines)["columns"][table]
    items = [json.loads(line) for line in lines[1:]]
    return [dict(zip(columns, i["row"], strict=True)) for i in items if i["table"] == table]


def set_value(table: str, column: str, value: Any, row_id: str | None = None):
    """An edit: `column` of the first row of `table` (or of row `row_id`) set to `value`.

    The value is written with Python's json, which spells infinities `Infinity`."""

    def edit(lines: Lines) -> Lines:
        columns = header_of(lines)["columns"][table]
        at, id_at = columns.index(column), columns.index("id")
        for i, line in enumerate(lines[1:], start=1):
            item = json.loads(line)
            if item["table"] == table and row_id in (None, item["row"][id_at]):
                item["row"][at] = value
                lines[i] = json.dumps(item).encode() + b"\n"
                return lines
        raise AssertionError(f"no {table} row to edit")

    return edit


def repeat_row(table: str, times: int):
    """An edit: the first row of `table` listed `times` more times, right after itself."""

    def edit(lines: Lines) -> Lines:
        header = header_of(lines)
        for i, line in enumerate(lines[1:], start=1):
            if json.loads(line)["table"] == table:
                header["counts"][table] += times
                copies = [line] * times
                return [json.dumps(header).encode() + b"\n", *lines[1 : i + 1], *copies,
                        *lines[i + 1 :]]  # fmt: skip
        raise AssertionError(f"no {table} row to repeat")

    return edit
