"""Spreadsheet cells to typed values. Each converter takes the stripped, non-empty text of a
cell and returns a value or raises CellError with the reason (the importer adds file, line
and field)."""

from __future__ import annotations

import math
import re
import uuid
from datetime import date, time
from functools import lru_cache

from portfolio_tui.domain.account_fields import normalise_tags
from portfolio_tui.domain.dates import parse_calendar_date
from portfolio_tui.domain.money import MAX_CENTS, cents_to_plain, parse_money
from portfolio_tui.domain.text import is_valid_email
from portfolio_tui.formats.headers import KIND_WORDS, SOURCE_WORDS, STAGE_WORDS, normalise
from portfolio_tui.i18n import N_, _

# A text starting with one of these would be run as a formula by a spreadsheet (OWASP CSV
# injection): our CSV exports put a `'` before it. So that taking one `'` off on import gives
# every value back exactly, a text made of `'`s then such a character, or of `'`s only
# ("'", "''=1+1"), is guarded too; "'tis" needs nothing.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_QUANTITY = 1e9


class CellError(ValueError):
    pass


def needs_guard(text: str) -> bool:
    bare = text.lstrip("'")
    return bare.startswith(FORMULA_STARTS) or (not bare and bool(text))


def guard(text: str) -> str:
    """`text` as a CSV cell no spreadsheet runs: `'` + text when `needs_guard`."""
    return "'" + text if needs_guard(text) else text


def unguard(text: str) -> str:
    """The cell without the `'` `guard` put before it: `unguard(guard(t)) == t` for every t
    (a text `guard` leaves alone never starts with `'` + a text it guards)."""
    if text[:1] == "'" and needs_guard(text[1:]):
        return text[1:]
    return text


def text(value: str) -> str:
    return value


# The shapes spreadsheets write most ("23 626,24 €", "1234.50", "-520,15"), read without the
# general parser: digits grouped by 3 with spaces (or not grouped), 2 decimals after "," or ".",
# an optional trailing €. parse_money reads these the same way (a test checks it).
_PLAIN_AMOUNT = re.compile(
    r"^(-?)([0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+|[0-9]+)"
    r"(?:[.,]([0-9]{2}))?(?:[ \u00a0\u202f]?€)?$"
)


def money(value: str) -> int:
    plain = _PLAIN_AMOUNT.match(value)
    if plain is not None:  # a million-line import reads two a line: kept to plain str calls
        sign, whole, cents = plain.groups()
        if not whole.isdigit():
            whole = whole.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        amount = int(whole + cents) if cents else int(whole) * 100
        if amount <= MAX_CENTS:
            return -amount if sign else amount
    try:
        return parse_money(value)
    except ValueError as exc:
        raise CellError(str(exc)) from None


def money_plain(value: str) -> str:
    """An amount kept as text (a custom field): checked, then written "1234.50"."""
    return cents_to_plain(money(value))


@lru_cache(maxsize=4096)
def day(value: str) -> date:
    try:
        return parse_calendar_date(value)
    except ValueError as exc:
        raise CellError(str(exc)) from None


_TIME = re.compile(r"^(?P<H>[0-9]{1,2})[:h](?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:\.[0-9]+)?)?$")
_SPLIT_TIME = re.compile(r"^(?P<day>\S+)(?:[ t]+(?P<time>[0-9]{1,2}[:h][0-9]{2}(?::[0-9.]+)?))?$")


def clock_time(value: str) -> time:
    match = _TIME.match(value.strip().lower())
    if match is None:
        raise CellError(_("can't read the time '{value}' (expected 14:30)").format(value=value))
    hour, minute, second = int(match["H"]), int(match["M"]), int(match["S"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise CellError(_("there is no time '{value}'").format(value=value))
    return time(hour, minute, second)


def day_and_time(value: str) -> tuple[date, time | None]:
    """ "2026-03-03 09:00", "03/03/2026 9h00", "2026-03-03T09:00:00", or a date alone."""
    match = _SPLIT_TIME.match(value.strip().lower())
    if match is None:
        raise CellError(
            _("can't read the date '{value}' (expected 2026-12-01 14:30)").format(value=value)
        )
    moment = clock_time(match["time"]) if match["time"] else None
    return day(match["day"]), moment


def whole_number(low: int, high: int):
    def convert(value: str) -> int:
        cleaned = value.replace(" ", "").replace("\u00a0", "")
        try:
            number = int(cleaned)
        except ValueError:
            raise CellError(_("'{value}' is not a whole number").format(value=value)) from None
        if not low <= number <= high:
            raise CellError(
                _("{number} is not between {low} and {high}").format(
                    number=number, low=low, high=high
                )
            )
        return number

    return convert


def quantity(value: str) -> float:
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", value).replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        raise CellError(_("'{value}' is not a number").format(value=value)) from None
    if not math.isfinite(number):
        raise CellError(_("'{value}' is not a number").format(value=value))
    if abs(number) > MAX_QUANTITY:
        raise CellError(
            _("{value} is beyond ±{max_quantity:,.0f}, the largest quantity kept").format(
                value=value, max_quantity=MAX_QUANTITY
            )
        )
    return number


def record_id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise CellError(_("'{value}' is not an id (a UUID)").format(value=value)) from None


_SCIENTIFIC = re.compile(r"^[0-9]+(?:[.,][0-9]+)?e\+?[0-9]+$", re.IGNORECASE)


def legal_id(value: str) -> str:
    """A SIRET, SIREN or VAT number, refused when Excel has turned it into a float."""
    if _SCIENTIFIC.match(value.replace(" ", "")):
        raise CellError(
            _(
                "'{value}' is a number Excel rounded (scientific notation): format the column "
                "as text in the spreadsheet and export it again"
            ).format(value=value)
        )
    return value


def email(value: str) -> str:
    if value.startswith("mailto:"):
        value = value[len("mailto:") :]
    if not is_valid_email(value):
        raise CellError(_("'{value}' is not an email address").format(value=value))
    return value


def _choice(words: dict[str, str], choices: tuple[str, ...], what: str):
    def convert(value: str) -> str:
        key = normalise(value)
        if key in choices:
            return key
        if key in words:
            return words[key]
        raise CellError(
            _("'{value}' is not a known {what} ({choices})").format(
                value=value, what=_(what), choices=", ".join(choices)
            )
        )

    return convert


source = _choice(SOURCE_WORDS, ("inbound", "outbound", "referral", "event", "other"), N_("source"))
stage = _choice(STAGE_WORDS, ("suspect", "cold", "warm", "hot", "client", "lost"), N_("stage"))
kind = _choice(KIND_WORDS, ("call", "meeting", "email", "visit", "note"), N_("kind"))
risk_level = _choice({"faible": "low", "moyen": "medium", "eleve": "high"},
                     ("low", "medium", "high"), N_("risk level"))  # fmt: skip
channel = _choice(
    {"telephone": "phone", "mail": "email", "visite": "visit", "visio": "video"},
    ("phone", "email", "visit", "video", "sms"),
    N_("channel"),
)


def tags(value: str) -> str:
    return normalise_tags(value)
