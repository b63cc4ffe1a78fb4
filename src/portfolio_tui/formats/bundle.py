"""The sync bundle file: gzip'd JSON Lines.

    {"format": "portfolio-tui-bundle", "version": 1, "device_id": ..., "exported_at": ...,
     "since": ..., "schema": ..., "columns": {table: [column, ...]}, "counts": {table: n}}
    {"table": "account", "row": [value, ...]}        one line per row, values in the
    ...                                               order of header["columns"][table]
    {"trailer": true, "rows": n, "sha256": ...}       sha256 of every line above it

Values are the stored SQLite values (text, integer, real, null), so a row goes from one
database to another unchanged. The trailer makes a truncated or altered file detectable:
`BundleReader.verify()` checks everything but the rows' contents before anything is written;
the rows' contents are checked as they are read (`runs(check=...)`), in the same pass that
parses them. NaN and Infinity are not JSON: the header and the trailer refuse them, a row
reads them as `JsonConstant` values, which the column rules refuse by name.

The file is written to a temporary file created exclusively (0600, never through a symlink)
beside the target, and renamed over it once complete.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import secrets
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from portfolio_tui.domain.columns import JsonConstant, shown
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
_rows_decoder = json.JSONDecoder(parse_constant=JsonConstant)
# (table, [(line number, values), ...]) -> None, for each run of rows; raises to refuse one
RunCheck = Callable[[str, list[tuple[int, list[Any]]]], None]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


_strict_decoder = json.JSONDecoder(parse_constant=_refuse_constant)


def _loads(line: bytes, decoder: json.JSONDecoder = _strict_decoder) -> Any:
    """One JSON text of a bundle; ValueError when it is not UTF-8 JSON."""
    return decoder.decode(line.decode("utf-8"))


class BundleError(UserError):
    """A file that is not a bundle this program can merge; nothing was written."""

    def __init__(self, path: Path, reason: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line


class BundleValueError(BundleError):
    """A row value its column can't hold: "FILE: table.column of ROW_ID: reason (line N)"."""

    def __init__(
        self, path: Path, table: str, column: str, row_id: Any, reason: str, line: int
    ) -> None:
        printable = type(row_id) is str and len(row_id) <= 64 and row_id.isprintable()
        row = row_id if printable else shown(row_id)
        super().__init__(path, f"{table}.{column} of {row}: {reason} (line {line})")
        self.line = line
        self.table = table
        self.column = column
        self.row_id = row_id


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
    fd, partial = _create_partial(target)
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
                    line = prefix + _encode_row(target, table, row) + "}\n"
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


def _create_partial(target: Path) -> tuple[int, Path]:
    """A new, empty temporary file beside `target`, 0600 from its first byte: created
    exclusively and never through a symlink, whatever was planted at `.NAME.part`."""
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    while True:
        partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            return os.open(partial, flags, 0o600), partial
        except FileExistsError:
            continue


def _encode_row(target: Path, table: str, row: Sequence[Any]) -> str:
    try:
        return _encoder.encode(row)
    except (ValueError, TypeError) as exc:  # NaN or infinity stored before values were checked
        raise UserError(
            f"{target}: can't export {table} {shown(row[0])}: it holds a value a bundle can't "
            f"carry ({exc}); nothing written"
        ) from None


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
            raw = _loads(line)
        except (ValueError, RecursionError):
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
                device_id=_device(raw["device_id"]),
                exported_at=_instant(raw["exported_at"]),
                since=None if raw.get("since") is None else _instant(raw["since"]),
                schema=int(raw.get("schema", 0)),
                columns={
                    _text(t): tuple(_text(c) for c in cols)
                    for t, cols in dict(raw["columns"]).items()
                },
                counts={_text(t): int(n) for t, n in dict(raw["counts"]).items()},
            )
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise self._fail(f"bad bundle header ({exc})", 1) from None
        unknown = header.counts.keys() - header.columns.keys()
        if unknown:
            raise self._fail(f"bad bundle header (no columns for {', '.join(unknown)})", 1)
        return header

    def _check_trailer(self, line: bytes, lines: int, digest: str, header: BundleHeader) -> None:
        try:
            trailer = _loads(line)
        except (ValueError, RecursionError):
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

    def rows(self, check: RunCheck | None = None) -> Iterator[tuple[int, str, list[Any]]]:
        """(line number, table, values) of every row, in file order. Call verify() first."""
        for table, run in self.runs(check=check):
            for line, values in run:
                yield line, table, values

    def runs(
        self, max_rows: int = 2000, check: RunCheck | None = None
    ) -> Iterator[tuple[str, list[tuple[int, list[Any]]]]]:
        """Runs of consecutive rows of one table, at most `max_rows` long, in file order:
        (table, [(line number, values), ...]). Call verify() first.

        Each line is checked for shape (a known table, the right number of values), each
        run's ids (text, none twice in a table), then each run by `check(table, run)`."""
        check = _IdCheck(self.path, self.header.columns, then=check)
        table: str | None = None
        run: list[tuple[int, list[Any]]] = []
        for first, items in self._parsed_chunks():
            for offset, (item_table, values) in enumerate(items):
                if item_table != table or len(run) >= max_rows:
                    if run:
                        yield self._checked(table, run, check)  # type: ignore[arg-type]
                    table, run = item_table, []
                run.append((first + offset, values))
        if run:
            yield self._checked(table, run, check)  # type: ignore[arg-type]

    @staticmethod
    def _checked(
        table: str, run: list[tuple[int, list[Any]]], check: RunCheck
    ) -> tuple[str, list[tuple[int, list[Any]]]]:
        check(table, run)
        return table, run

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
            items = _loads(b"[" + b",".join(lines) + b"]", _rows_decoder)
        except (ValueError, RecursionError):
            items = None
        if items is None or len(items) != len(lines):
            return [self._parse_line(line, first + i, widths) for i, line in enumerate(lines)]
        return [self._check_row(item, first + i, widths) for i, item in enumerate(items)]

    def _parse_line(self, line: bytes, line_no: int, widths: dict[str, int]) -> tuple[str, list]:
        try:
            item = _loads(line, _rows_decoder)
        except (ValueError, RecursionError):
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


class _IdCheck:
    """Checks the ids of a bundle's rows, a run at a time: each is text, and none comes twice
    in one table (a million copies of one row are refused at the second)."""

    def __init__(
        self, path: Path, columns: dict[str, tuple[str, ...]], then: RunCheck | None
    ) -> None:
        self.path = path
        self.id_at = {t: c.index("id") for t, c in columns.items() if "id" in c}
        self.seen: dict[str, set[int | str]] = {t: set() for t in columns}
        self.then = then

    def __call__(self, table: str, run: list[tuple[int, list[Any]]]) -> None:
        at = self.id_at.get(table)
        if at is not None:
            ids = [values[at] for _, values in run]
            if set(map(type, ids)) != {str}:
                self._refuse(table, run, at, lambda value, _: type(value) is not str)
            distinct = set(map(_id_key, ids))
            seen = self.seen[table]
            if len(distinct) != len(ids) or not seen.isdisjoint(distinct):
                self._refuse(table, run, at, lambda value, earlier: _id_key(value) in earlier)
            seen |= distinct
        if self.then is not None:
            self.then(table, run)

    def _refuse(
        self,
        table: str,
        run: list[tuple[int, list[Any]]],
        at: int,
        bad: Callable[[Any, set[int | str]], bool],
    ) -> None:
        """Raise naming the first row of `run` whose id is `bad` (given the ids before it)."""
        earlier = set(self.seen[table])
        for line, values in run:
            value = values[at]
            if bad(value, earlier):
                reason = (
                    f"{shown(value)} is not an id (a UUID)"
                    if type(value) is not str
                    else "listed twice in the bundle"
                )
                raise BundleValueError(self.path, table, "id", value, reason, line)
            earlier.add(_id_key(value) if type(value) is str else value)


_CANONICAL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _id_key(row_id: str) -> int | str:
    """What a bundle's id is remembered as: a UUID written as ids are (lower case) as its
    128-bit number, anything else as its text; two ids have the same key only if they are
    the same text. A million sale ids as numbers: ~70 MB less than as text."""
    if _CANONICAL_ID.fullmatch(row_id):
        return int(row_id.replace("-", ""), 16)
    return row_id


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _device(value: Any) -> str:
    """A device id: shown to the user, so one printable line."""
    if not isinstance(value, str) or not value or len(value) > 200 or not value.isprintable():
        raise ValueError(f"device id {shown(value)} is not one line of printable text")
    return value


def _instant(value: Any) -> str:
    """An ISO time, checked here so that nothing downstream meets an unreadable one."""
    datetime.fromisoformat(_text(value))  # ValueError names the text
    return value
