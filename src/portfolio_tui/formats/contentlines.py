"""Content lines, the syntax vCard (RFC 2426) and iCalendar (RFC 5545) share: `NAME;PARAM=X:value`
lines ending in CRLF, folded at 75 octets, with `\\` `,` `;` and newlines escaped in text."""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

CRLF = "\r\n"
FOLD_OCTETS = 75


def escape(text: str) -> str:
    """A TEXT value: backslash, newline, comma and semicolon escaped."""
    return (
        text.replace("\\", "\\\\")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
        .replace(",", "\\,")
        .replace(";", "\\;")
    )


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] in "nN" else m[1], text, flags=re.DOTALL)


def split_unescaped(text: str, sep: str) -> list[str]:
    """Split a structured value (N, ADR, ORG, CATEGORIES) on `sep` not preceded by `\\`,
    then unescape each part."""
    parts, current, i = [], [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if char == sep:
            parts.append(unescape("".join(current)))
            current = []
        else:
            current.append(char)
        i += 1
    parts.append(unescape("".join(current)))
    return parts


def fold(line: str) -> str:
    """`line` cut into chunks of at most 75 octets (never inside a UTF-8 character), each
    continuation starting with one space; CRLF after every chunk."""
    data = line.encode("utf-8")
    if len(data) <= FOLD_OCTETS:
        return line + CRLF
    chunks, start, limit = [], 0, FOLD_OCTETS
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1  # don't split a multi-byte character
        chunks.append(data[start:end].decode("utf-8"))
        start, limit = end, FOLD_OCTETS - 1  # continuation lines begin with a space
    return CRLF.join((chunks[0], *(" " + c for c in chunks[1:]))) + CRLF


def line(name: str, text: str, **params: str) -> str:
    """One folded content line; `text` must already be escaped as its type needs."""
    head = name + "".join(f";{k.upper().replace('_', '-')}={v}" for k, v in params.items())
    return fold(f"{head}:{text}")


@dataclass
class Property:
    name: str  # upper case, group prefix removed
    params: dict[str, list[str]] = field(default_factory=dict)
    value: str = ""  # raw (still escaped)

    def param(self, key: str) -> list[str]:
        return self.params.get(key.upper(), [])

    @property
    def types(self) -> set[str]:
        found = {t.upper() for v in self.param("TYPE") for t in v.split(",")}
        found |= {k for k, v in self.params.items() if v == [""]}  # vCard 2.1 bare TYPE
        return found


def unfold(text: str) -> Iterator[tuple[int, str]]:
    """Logical lines with the number of the physical line each starts on."""
    current: list[str] = []
    start = 0
    for number, raw in enumerate(re.split(r"\r\n|\n|\r", text), start=1):
        if current and current[-1].endswith("=") and _quoted_printable(current[0]):
            current[-1] = current[-1][:-1]  # a vCard 2.1 quoted-printable soft line break
            current.append(raw)
            continue
        if raw[:1] in (" ", "\t") and current:
            current.append(raw[1:])
            continue
        if current:
            yield start, "".join(current)
        current, start = [raw], number
    if current:
        yield start, "".join(current)


def _quoted_printable(first: str) -> bool:
    head = first.split(":", 1)[0].upper()
    return "QUOTED-PRINTABLE" in head


_PARAM = re.compile(r';([^=;:]+)(?:=((?:"[^"]*"|[^;:"])*))?')


def parse_line(text: str) -> Property | None:
    """`[group.]NAME[;PARAM=V[,V]]*:value`, or None for a line that is not one."""
    match = re.match(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$", text, re.DOTALL)
    if match is None:
        return None
    prop = Property(match[1].upper(), value=match[3])
    for key, raw in _PARAM.findall(match[2]):
        values = [v.strip('"') for v in re.findall(r'"[^"]*"|[^,]+', raw)] if raw else [""]
        if not raw and key.upper() not in ("ENCODING", "CHARSET"):
            prop.params.setdefault(key.upper(), []).append("")
            continue
        prop.params.setdefault(key.upper(), []).extend(values)
    encoding = [e.upper() for e in prop.param("ENCODING")]
    if "QUOTED-PRINTABLE" in encoding:
        charset = (prop.param("CHARSET") or ["utf-8"])[0]
        raw_bytes = quopri.decodestring(prop.value.encode("ascii", "replace"))
        try:
            prop.value = raw_bytes.decode(charset, "replace")
        except LookupError:  # a charset Python does not know: read as UTF-8
            prop.value = raw_bytes.decode("utf-8", "replace")
    return prop
