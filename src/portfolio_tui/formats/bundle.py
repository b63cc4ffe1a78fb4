"""The sync bundle file: gzip'd JSON Lines.

    {"format": "portfolio-tui-bundle", "version": 1, "device_id": ..., "exported_at": ...,
     "since": ..., "schema": ..., "columns": {table: [column, ...]}, "counts": {table: n}}
    {"table": "account", "row": [value, ...]}        one line per row, values in the
    ...                                               order of header["columns"][table]
    {"trailer": true, "rows": n, "sha256": ...}       sha256 of every line above it

Values are the stored SQLite values (text, integer, real, null), so a row goes from one
database to another unchanged. The trailer makes a truncated or altered file detectable:
`BundleReader.verify()` checks everything but the rows' contents before anything is written.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from portfolio_tui.errors import UserError

FORMAT = "portfolio-tui-bundle"
VERSION = 1
SUFFIX = ".pfbundle"
GZIP_MAGIC = b"\x1f\x8b"
COMPRESS_LEVEL = 6
_CHUNK = 1 << 20
_TAIL = 1 << 16  # the trailer line is far shorter than this

_encoder = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False
)


class BundleError(UserError):
    """A file that is not a bundle this program can merge; nothing was written."""

    def __init__(self, path: Path, reason: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class BundleHeader:
    device_id: str
    exported_at: str  # ISO, UTC
    since: str | None  # ISO, UTC: rows written on or after it; None for everything
    schema: int  # the exporting database's schema version
    columns: dict[str, tuple[str, ...]]
    counts: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "device_id": self.device_id,
            "exported_at": self.exported_at,
            "since": self.since,
            "schema": self.schema,
            "columns": {t: list(c) for t, c in self.columns.items()},
            "counts": dict(self.counts),
        }

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# --- writing --------------------------------------------------------------------------------


def write_bundle(
    target: Path, header: BundleHeader, tables: Iterable[tuple[str, Iterable[Sequence[Any]]]]
) -> int:
    """Write the bundle to `target` atomically (a temporary file renamed at the end).

    `tables` yields (table, rows) in the order the rows must be merged; each table's row
    count must be the one in `header.counts`. Returns the file's size in bytes."""
    target = Path(target)
    partial = target.with_name(f".{target.name}.part")
    fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        with (
            open(fd, "wb") as raw,
            gzip.GzipFile(
                filename="", mode="wb", fileobj=raw, compresslevel=COMPRESS_LEVEL, mtime=0
            ) as gz,
        ):
            digest = hashlib.sha256()
            pending: list[str] = [_encoder.encode(header.to_json()), "\n"]
            size = 0
            rows = 0
            for table, table_rows in tables:
                prefix = '{"table":' + _encoder.encode(table) + ',"row":'
                written = 0
                for row in table_rows:
                    line = prefix + _encoder.encode(row) + "}\n"
                    pending.append(line)
                    size += len(line)
                    written += 1
                    if size > _CHUNK:
                        _flush(gz, digest, pending)
                        size = 0
                if written != header.counts.get(table, 0):
                    raise RuntimeError(
                        f"{table}: header says {header.counts.get(table, 0)} rows, wrote {written}"
                    )
                rows += written
            _flush(gz, digest, pending)
            trailer = {"trailer": True, "rows": rows, "sha256": digest.hexdigest()}
            gz.write((_encoder.encode(trailer) + "\n").encode())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target.stat().st_size


def _flush(gz: gzip.GzipFile, digest: Any, pending: list[str]) -> None:
    data = "".join(pending).encode()
    digest.update(data)
    gz.write(data)
    pending.clear()


# --- reading --------------------------------------------------------------------------------


class BundleReader:
    """One bundle file, held compressed in memory so both passes read the same bytes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.data = self.path.read_bytes()
        self._header: BundleHeader | None = None

    def _fail(self, reason: str, line: int | None = None) -> BundleError:
        return BundleError(self.path, reason, line)

    @property
    def header(self) -> BundleHeader:
        if self._header is None:
            raise RuntimeError("verify() the bundle first")
        return self._header

    def _chunks(self) -> Iterator[bytes]:
        if not self.data.startswith(GZIP_MAGIC):
            raise self._fail(
                "not a portfolio-tui bundle (not gzip-compressed; "
                "make one with `portfolio export bundle`)"
            )
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(self.data), mode="rb") as gz:
                while chunk := gz.read(_CHUNK):
                    yield chunk
        except EOFError:
            raise self._fail("truncated: the file ends before its end (copy it again)") from None
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise self._fail(f"damaged compressed data ({exc})") from None

    def verify(self) -> BundleHeader:
        """Check format, version, completeness and checksum; returns the header.

        Reads the whole file once without parsing its rows."""
        digest = hashlib.sha256()
        buffer = b""
        lines = 0
        header: BundleHeader | None = None
        for chunk in self._chunks():
            buffer += chunk
            if header is None and b"\n" in buffer:
                header = self._parse_header(buffer[: buffer.index(b"\n")])
            if len(buffer) > _CHUNK + _TAIL:
                head, buffer = buffer[:-_TAIL], buffer[-_TAIL:]
                digest.update(head)
                lines += head.count(b"\n")
        if header is None:
            if not buffer.strip():
                raise self._fail("empty file, not a portfolio-tui bundle")
            header = self._parse_header(buffer)
        if not buffer.endswith(b"\n"):
            raise self._fail("truncated: the last line is incomplete (copy the file again)")
        start = buffer.rfind(b"\n", 0, len(buffer) - 1) + 1
        digest.update(buffer[:start])
        lines += buffer[:start].count(b"\n")
        self._check_trailer(buffer[start:], lines, digest.hexdigest(), header)
        self._header = header
        return header

    def _parse_header(self, line: bytes) -> BundleHeader:
        try:
            raw = json.loads(line)
        except ValueError:
            raw = None
        if not isinstance(raw, dict) or "format" not in raw:
            raise self._fail("not a portfolio-tui bundle (no bundle header on line 1)", 1)
        if raw["format"] != FORMAT:
            raise self._fail(f"not a portfolio-tui bundle (format {raw['format']!r})", 1)
        version = raw.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise self._fail(f"bad bundle version {version!r}", 1)
        if version > VERSION:
            raise self._fail(
                f"bundle version {version} is newer than this program reads ({VERSION}); "
                "upgrade portfolio-tui",
                1,
            )
        try:
            header = BundleHeader(
                device_id=_text(raw["device_id"]),
                exported_at=_instant(raw["exported_at"]),
                since=None if raw.get("since") is None else _instant(raw["since"]),
                schema=int(raw.get("schema", 0)),
                columns={
                    _text(t): tuple(_text(c) for c in cols)
                    for t, cols in dict(raw["columns"]).items()
                },
                counts={_text(t): int(n) for t, n in dict(raw["counts"]).items()},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise self._fail(f"bad bundle header ({exc})", 1) from None
        unknown = header.counts.keys() - header.columns.keys()
        if unknown:
            raise self._fail(f"bad bundle header (no columns for {', '.join(unknown)})", 1)
        return header

    def _check_trailer(self, line: bytes, lines: int, digest: str, header: BundleHeader) -> None:
        try:
            trailer = json.loads(line)
        except ValueError:
            trailer = None
        if not isinstance(trailer, dict) or trailer.get("trailer") is not True:
            raise self._fail("truncated: no trailer line at the end (copy the file again)")
        rows = lines - 1
        if trailer.get("rows") != rows or header.total != rows:
            raise self._fail(
                f"truncated or altered: holds {rows} rows, trailer says {trailer.get('rows')}, "
                f"header says {header.total}"
            )
        if trailer.get("sha256") != digest:
            raise self._fail("altered or damaged: checksum mismatch")

    def rows(self) -> Iterator[tuple[int, str, list[Any]]]:
        """(line number, table, values) of every row, in file order. Call verify() first."""
        for table, run in self.runs():
            for line, values in run:
                yield line, table, values

    def runs(self, max_rows: int = 2000) -> Iterator[tuple[str, list[tuple[int, list[Any]]]]]:
        """Runs of consecutive rows of one table, at most `max_rows` long, in file order:
        (table, [(line number, values), ...]). Call verify() first.

        Each line is checked for shape (a known table, the right number of values)."""
        table: str | None = None
        run: list[tuple[int, list[Any]]] = []
        for first, items in self._parsed_chunks():
            for offset, (item_table, values) in enumerate(items):
                if item_table != table or len(run) >= max_rows:
                    if run:
                        yield table, run  # type: ignore[misc]
                    table, run = item_table, []
                run.append((first + offset, values))
        if run:
            yield table, run  # type: ignore[misc]

    def _parsed_chunks(self) -> Iterator[tuple[int, list[tuple[str, list[Any]]]]]:
        """For each decompressed chunk: the line number of its first row, and its rows."""
        widths = {t: len(c) for t, c in self.header.columns.items()}
        last_row = self.header.total + 1  # line 1 is the header; the trailer comes after
        seen = 0  # lines before the chunk
        pending = b""
        for chunk in self._chunks():
            data = pending + chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                pending = data
                continue
            lines = data[:cut].split(b"\n")
            pending = data[cut + 1 :]
            start = seen + 1  # the number of lines[0]
            seen += len(lines)
            low, high = max(0, 2 - start), min(len(lines), last_row - start + 1)
            if low < high:
                yield start + low, self._parse_rows(lines[low:high], start + low, widths)

    def _parse_rows(
        self, lines: list[bytes], first: int, widths: dict[str, int]
    ) -> list[tuple[str, list[Any]]]:
        # One JSON array for the whole chunk: JSON text never holds a raw newline, so the
        # lines joined by commas parse as one array exactly when each line is one value.
        try:
            items = json.loads(b"[" + b",".join(lines) + b"]")
        except ValueError:
            items = None
        if items is None or len(items) != len(lines):
            return [self._parse_line(line, first + i, widths) for i, line in enumerate(lines)]
        return [self._check_row(item, first + i, widths) for i, item in enumerate(items)]

    def _parse_line(self, line: bytes, line_no: int, widths: dict[str, int]) -> tuple[str, list]:
        try:
            item = json.loads(line)
        except ValueError:
            raise self._fail("not a bundle row (JSON {table, row})", line_no) from None
        return self._check_row(item, line_no, widths)

    def _check_row(self, item: Any, line_no: int, widths: dict[str, int]) -> tuple[str, list]:
        try:
            table, values = item["table"], item["row"]
        except (KeyError, TypeError, IndexError):
            raise self._fail("not a bundle row (JSON {table, row})", line_no) from None
        if not isinstance(table, str) or table not in widths:
            raise self._fail(f"bad row: unknown table {table!r}", line_no)
        if not isinstance(values, list) or len(values) != widths[table]:
            raise self._fail(
                f"bad row: a {table} row needs a list of {widths[table]} values", line_no
            )
        return table, values


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _instant(value: Any) -> str:
    """An ISO time, checked here so that nothing downstream meets an unreadable one."""
    datetime.fromisoformat(_text(value))  # ValueError names the text
    return value
