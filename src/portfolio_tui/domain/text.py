"""Text a rep types or imports: search keys, control characters, e-mail addresses.

- `fold` is the key for search and sorting, blind to case and accents ("Électricité" finds
  "electricite"); `sort_key` sorts by it, then by the text itself so the order is total.
- `find_control` / `check_text` guard what gets stored: C0 and C1 control characters and DEL
  (ESC, CSI, BEL… are what drive a terminal), line breaks in one-line fields, and lone
  surrogates (not text: they can't be written as UTF-8). Tab is allowed. Bidi controls are kept
  (RLM belongs in Arabic and Hebrew names) but `visible` shows them.
- `visible` is for showing stored text in the CLI or the TUI: it swaps every such character
  for a one-cell picture, so data can never drive the terminal nor reorder a line:

    U+0000–U+001F  their Control Pictures: NUL → ␀, BEL → ␇, TAB → ␉, LF → ␊, ESC → ␛
    U+007F         ␡
    U+0080–U+009F  � (there are no pictures for C1; CSI, OSC… all show as �)
    U+2028, 2029   ␤ and ¶ (a line break, kept as "\\n" with keep_newline=True)
    bidi controls  their names in angle brackets: ⟨RLO⟩ ⟨LRI⟩ ⟨PDF⟩ ⟨RLM⟩ …
    surrogates     �
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from portfolio_tui.i18n import _, field_error

TextReason = Literal["control", "newline", "too_long"]

# Letters NFKD does not split into base and mark (ß needs nothing: casefold gives "ss"), and
# the typographic apostrophe, so that "L’Oréal" finds "L'Oréal".
_FOLD_EXTRA = str.maketrans(
    {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "’": "'"}
)
_BIDI_NAMES = {
    "\u061c": "ALM",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}
_REFUSED_CORE = "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
_REFUSED_ONE_LINE = re.compile(f"[{_REFUSED_CORE}\n\u2028\u2029]")
_REFUSED_MULTILINE = re.compile(f"[{_REFUSED_CORE}]")
_LINE_BREAKS = "\n\r\u2028\u2029"
_CRLF = re.compile("\r\n?")
_LOCAL_PART_FORBIDDEN = frozenset('<>()[]\\,;:"@')
_MAX_EMAIL, _MAX_LOCAL_PART, _MAX_LABEL = 254, 64, 63


class TextError(ValueError):
    """A text a field can't hold; `reason` is "control", "newline" or "too_long", and `index`
    the offending character's index in the text (None for "too_long")."""

    def __init__(self, field: str, reason: TextReason, message: str, index: int | None) -> None:
        self.field = field
        self.reason: TextReason = reason
        self.index = index
        self.message = message
        super().__init__(field_error(field, message))


def fold(text: str) -> str:
    """Case- and accent-blind key: `fold("Électricité") == "electricite"`,
    `fold("Œuvre Straße") == "oeuvre strasse"`. Compatibility forms fold too (ﬁ → fi, ² → 2)."""
    if text.isascii():  # nothing to decompose or strip: the same, without a pass per letter
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().translate(_FOLD_EXTRA)


def sort_key(text: str) -> tuple[str, str]:
    """Sort by `fold`, then by the text itself: "Électricité" sorts with the E's, before "Vins"."""
    return fold(text), text


def find_control(text: str, allow_newline: bool = False) -> int | None:
    """The index of the first character `check_text` refuses, or None when there is none."""
    match = (_REFUSED_MULTILINE if allow_newline else _REFUSED_ONE_LINE).search(text)
    return None if match is None else match.start()


def check_text(
    field: str, text: str, *, allow_newline: bool = False, max_length: int | None = None
) -> str:
    """`text` made ready to store, or a TextError naming `field`.

    The result is in NFC (a name pasted from macOS matches the same name typed on Linux) and,
    when newlines are allowed, with Windows "\\r\\n" and old Mac "\\r" turned into "\\n".
    `max_length` counts characters of that result.
    """
    ready = unicodedata.normalize("NFC", text)
    if allow_newline:
        ready = _CRLF.sub("\n", ready)
    index = find_control(ready, allow_newline)
    if index is not None:
        raise _refusal(field, ready[index], index)
    if max_length is not None and len(ready) > max_length:
        message = _("is {length} characters long, more than {longest}").format(
            length=len(ready), longest=max_length
        )
        raise TextError(field, "too_long", message, None)
    return ready


def _refusal(field: str, char: str, index: int) -> TextError:
    if char in _LINE_BREAKS:  # only refused in one-line fields
        return TextError(field, "newline", _("must be on one line"), index)
    message = _("character {index} is a control character (U+{code:04X}), not allowed").format(
        index=index + 1, code=ord(char)
    )
    return TextError(field, "control", message, index)


def _visible_table(keep_newline: bool) -> dict[int, str]:
    table: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
    table[0x7F] = "\u2421"
    table.update({code: "\ufffd" for code in range(0x80, 0xA0)})
    table.update({code: "\ufffd" for code in range(0xD800, 0xE000)})
    table.update({ord(char): f"⟨{name}⟩" for char, name in _BIDI_NAMES.items()})
    table.update({0x2028: "\u2424", 0x2029: "¶"})
    if keep_newline:
        table.update({0x0A: "\n", 0x2028: "\n", 0x2029: "\n"})
    return table


_VISIBLE_ONE_LINE = _visible_table(keep_newline=False)
_VISIBLE_MULTILINE = _visible_table(keep_newline=True)


def visible(text: str, *, keep_newline: bool = False) -> str:
    """`text` safe to print: every control character, line break (unless `keep_newline`) and
    bidi control replaced by a picture (see the module docstring for the mapping)."""
    return text.translate(_VISIBLE_MULTILINE if keep_newline else _VISIBLE_ONE_LINE)


def is_valid_email(text: str) -> bool:
    """A pragmatic check, not RFC 5322: one "@"; a local part without spaces, controls or
    `<>()[]\\,;:"`, not starting, ending or doubling a dot; a domain of two or more labels of
    letters (any script), digits and inner hyphens, the last not all digits, no trailing dot.
    Surrounding spaces make it invalid: strip first."""
    local, at, domain = text.rpartition("@")
    if not at or len(text) > _MAX_EMAIL or not _is_local_part(local):
        return False
    labels = domain.split(".")
    return len(labels) >= 2 and all(map(_is_label, labels)) and not labels[-1].isdecimal()


def _is_local_part(local: str) -> bool:
    if not local or len(local) > _MAX_LOCAL_PART or find_control(local) is not None:
        return False
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return False
    return not any(c.isspace() or c in _LOCAL_PART_FORBIDDEN for c in local)


def _is_label(label: str) -> bool:
    if not label or len(label) > _MAX_LABEL or label[0] == "-" or label[-1] == "-":
        return False
    if _is_mark(label[0]):
        return False
    return all(c.isalpha() or c.isdecimal() or c == "-" or _is_mark(c) for c in label)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")
