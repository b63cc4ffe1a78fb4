"""Reading CSV files as people bring them from Excel, LibreOffice or another CRM.

The encoding is found from the bytes: a UTF-8 or UTF-16 byte-order mark, else UTF-8 if the
whole file is valid UTF-8, else Windows-1252 (what French Excel writes). A file that is
neither, holds NUL bytes, or mixes UTF-8 lines with Windows-1252 lines is refused with the
line where it goes wrong; so is a file whose byte-order mark its bytes then belie (a bad
UTF-8 byte, an odd number of UTF-16 bytes, a NUL character). The delimiter (`,` `;` or
tab) is the one the header line uses most outside quotes; an Excel `sep=;` first line names
it explicitly.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from portfolio_tui.errors import UserError
from portfolio_tui.formats.sources import MAX_TABLE_BYTES, regular_file

DELIMITERS = (";", ",", "\t")
_CHUNK = 1 << 20
# Bytes Windows-1252 leaves undefined: a file holding one is not Windows-1252 text.
_NOT_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# UTF-8 for the Latin-1 supplement and general punctuation (é, °, ’, …): in a file that is
# otherwise Windows-1252 these are mojibake ("Ã©"), i.e. lines saved in two encodings.
_UTF8_LATIN = re.compile(rb"[\xc2\xc3][\x80-\xbf]|\xe2\x80[\x80-\xbf]")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


class CsvFileError(UserError):
    """A file that can't be read as a table; the message names the file (and line)."""


@dataclass(frozen=True, slots=True)
class Encoding:
    name: str  # a Python codec name
    label: str  # for people: "UTF-8 with BOM", "Windows-1252"
    lines: int  # physical lines in the file (for progress)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def sniff_encoding(path: Path) -> Encoding:
    """The encoding of the file at `path`; CsvFileError if it is not text we can read."""
    with path.open("rb") as f:
        head = f.read(4)
        for bom, codec, label in _BOMS:
            if head.startswith(bom):
                f.seek(len(bom))
                lines = _check_decodes(f, path, codec, label)
                if label == "UTF-8":
                    return Encoding("utf-8-sig", "UTF-8 with BOM", lines)
                return Encoding("utf-16", label, lines)
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        lines = 1
        utf8 = True
        first_bad: int | None = None
        while chunk := f.read(_CHUNK):
            if b"\x00" in chunk:
                line = lines + chunk.count(b"\n", 0, chunk.index(b"\x00"))
                raise CsvFileError(f"{path}:{line}: holds NUL bytes: not a text (CSV) file")
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    utf8 = False
                    first_bad = lines + chunk.count(b"\n", 0, exc.start)
            lines += chunk.count(b"\n")
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8, first_bad = False, lines
        if utf8:
            return Encoding("utf-8", "UTF-8", lines)
    return _check_cp1252(path, first_bad or 1, lines)


def _check_decodes(f: BinaryIO, path: Path, codec: str, label: str) -> int:
    """The number of lines of a file whose byte-order mark names its encoding; CsvFileError
    at the line of the first byte that is not `codec`, or of a NUL character: the mark
    does not make the rest of the file right."""
    decoder = codecs.getincrementaldecoder(codec)()
    lines = 1
    while True:
        chunk = f.read(_CHUNK)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            line = lines + _decoded_lines(codec, exc.object[: exc.start])
            raise CsvFileError(f"{path}:{line}: not valid {label}: {_decode_reason(exc, label)}; "
                               "save it again as CSV UTF-8") from None  # fmt: skip
        nul = text.find("\x00")
        if nul >= 0:
            line = lines + text.count("\n", 0, nul)
            raise CsvFileError(f"{path}:{line}: holds NUL characters: not a text (CSV) file")
        lines += text.count("\n")
        if not chunk:
            return lines


def _decoded_lines(codec: str, data: bytes) -> int:
    """Line breaks in the part of a chunk that decoded before the bad byte."""
    return codecs.decode(data, codec, "replace").count("\n")


def _decode_reason(exc: UnicodeDecodeError, label: str) -> str:
    if exc.end >= len(exc.object) and label == "UTF-16":
        return "the file ends in the middle of a character (an odd number of bytes)"
    byte = exc.object[exc.start]
    return f"byte 0x{byte:02x} although the file starts with a {label} byte-order mark"


def _check_cp1252(path: Path, first_bad: int, lines: int) -> Encoding:
    data = path.read_bytes()
    undefined = _NOT_CP1252.search(data)
    if undefined is not None:
        line = _line_of(data, undefined.start())
        byte = data[undefined.start()]
        raise CsvFileError(
            f"{path}:{line}: neither UTF-8 nor Windows-1252 text (byte 0x{byte:02x}); "
            "save it again as CSV UTF-8"
        )
    mixed = _UTF8_LATIN.search(data)
    if mixed is not None:
        raise CsvFileError(
            f"{path}:{first_bad}: mixed encodings: this line is not UTF-8 but line "
            f"{_line_of(data, mixed.start())} is; save the file again as CSV UTF-8"
        )
    return Encoding("cp1252", "Windows-1252", lines)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter the header line uses most outside double quotes (`,` when none)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class CsvTable:
    """An open CSV file: its encoding, delimiter and header; `rows()` reads the records."""

    path: Path
    encoding: Encoding
    delimiter: str
    header: list[str]
    header_line: int
    _skip: int  # physical lines before the header (an Excel `sep=` line)

    @property
    def label(self) -> str:
        return self.encoding.label

    @property
    def lines(self) -> int:
        return self.encoding.lines

    def close(self) -> None:
        """Nothing to release: each `rows()` opens the file and closes it."""

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number where the record starts, cells), header excluded, blank lines skipped.
        CsvFileError at the line where a quoted field never ends (a truncated file)."""
        with self.path.open(encoding=self.encoding.name, newline="") as f:
            for _ in range(self._skip):
                f.readline()
            reader = csv.reader(f, delimiter=self.delimiter, strict=True)
            previous = self._skip
            try:
                for cells in reader:
                    line = previous + 1
                    previous = reader.line_num + self._skip
                    if line == self.header_line or not any(cells):
                        continue
                    yield line, cells
            except csv.Error as exc:
                raise CsvFileError(
                    f"{self.path}:{previous + 1}: {exc} (a quote that never closes: "
                    "is the file cut short?)"
                ) from None


def open_csv(path: Path) -> CsvTable:
    """Sniff the encoding and delimiter of `path` and read its header."""
    path = regular_file(Path(path), MAX_TABLE_BYTES)
    encoding = sniff_encoding(path)
    skip = 0
    delimiter = None
    with path.open(encoding=encoding.name, newline="") as f:
        first = f.readline()
        match = re.fullmatch(r"\s*sep=(.)\s*", first.rstrip("\r\n"))
        if match and match[1] in DELIMITERS:
            skip, delimiter = 1, match[1]
            first = f.readline()
        while first and not first.strip():
            skip += 1
            first = f.readline()
    if not first.strip():
        raise CsvFileError(f"{path}: the file is empty (a header line is needed)")
    delimiter = delimiter or sniff_delimiter(first)
    with path.open(encoding=encoding.name, newline="") as f:
        for _ in range(skip):
            f.readline()
        reader = csv.reader(f, delimiter=delimiter)
        try:
            header = next(reader)
        except csv.Error as exc:
            raise CsvFileError(f"{path}:{skip + 1}: can't read the header: {exc}") from None
    while header and not header[-1].strip():
        header.pop()
    return CsvTable(path, encoding, delimiter, header, skip + 1, skip)
