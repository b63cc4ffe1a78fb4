"""Money as integer cents: read amounts as people and spreadsheets write them, and show them.

`parse_money` reads an optional sign or accounting parentheses, an optional currency (€ $ £,
or a 3-letter code such as EUR) before or after the number, and a number whose separators are
worked out like this:

- spaces (ordinary, no-break U+00A0, narrow no-break U+202F, thin U+2009) and apostrophes
  only ever group thousands;
- with both "." and ",", the last one is the decimal separator and the other groups thousands;
- one kind used several times groups thousands ("1,234,567", "1.234.567");
- used once, it is a thousands separator only when it is followed by exactly 3 digits, preceded
  by 1 to 3 digits not starting with 0, and nothing else groups: "1,234" and "1.234" are 1234,
  because an amount of money does not have 3 decimals. Otherwise it is the decimal separator:
  "1234,5", "0,500", "1 234,50".

Groups of thousands must have exactly 3 digits; more than 2 decimals is an error unless the
extra ones are zeros ("1,2300" is 1.23, "1,234 5" and "1,235 €" read as nothing sensible).

Amounts are bounded by ±MAX_CENTS (10¹³ cents, a hundred billion): no sale, margin or
potential is larger, and sums of millions of them stay far from SQLite's 64-bit limit.
"""

from __future__ import annotations

import re

from portfolio_tui.i18n import N_, _

_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP"}
_SYMBOL_OF = {code: symbol for symbol, code in _SYMBOLS.items()}
_NBSP = "\u00a0"
_SPACES = " \u00a0\u202f\u2009"
_APOSTROPHES = "'’"
_MINUS = "-−"  # hyphen-minus and U+2212 MINUS SIGN
MAX_CENTS = 10**13
_MAX_DIGITS = 24  # more digits than this can't be within MAX_CENTS, whatever the grouping

_CUR = r"[€$£]|[A-Z]{3}|(?i:eur|usd|gbp|chf)"
_AMOUNT = re.compile(
    rf"""^
    (?P<sign1>[-−+])?\s*
    (?:(?P<cur1>{_CUR})\s*)?
    (?P<sign2>[-−+])?\s*
    (?P<number>[0-9](?:[0-9.,{_SPACES}{_APOSTROPHES}]*[0-9])?|[.,][0-9]+)
    (?:\s*(?P<cur2>{_CUR}))?
    $""",
    re.VERBOSE,
)


class MoneyError(ValueError):
    """An amount that can't be read; `text` is the text as given."""

    def __init__(self, text: str, reason: str | None = None) -> None:
        self.text = text
        self.reason = reason
        error = _("can't read the amount '{text}'").format(text=text)
        if reason:
            super().__init__(_("{error}: {reason}").format(error=error, reason=reason))
        else:
            hint = _("try: 1234.50, 1 234,50 €, €1,234.50")
            super().__init__(f"{error} ({hint})")


def parse_money(text: str, currency: str | None = None) -> int:
    """The amount in `text`, in cents. With `currency`, an amount marked in another is an error."""
    body = text.strip()
    if not body:
        raise MoneyError(text, _("it is empty"))
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    match = _AMOUNT.match(body)
    if match is None:
        raise MoneyError(text)
    signs = [s for s in (match["sign1"], match["sign2"]) if s]
    marks = [c for c in (match["cur1"], match["cur2"]) if c]
    if len(signs) + negative > 1 or len(marks) > 1:
        raise MoneyError(text)
    if marks and currency is not None:
        found = _SYMBOLS.get(marks[0], marks[0].upper())
        if found != currency.upper():
            raise MoneyError(
                text,
                _("the amount is in {found}, not {currency}").format(
                    found=found, currency=currency.upper()
                ),
            )
    if sum(c.isdigit() for c in match["number"]) > _MAX_DIGITS:
        raise MoneyError(text, _(_TOO_LARGE))
    cents = _number_to_cents(match["number"], text)
    if negative or (signs and signs[0] in _MINUS):
        cents = -cents
    return check_bounds(cents, text)


_TOO_LARGE = N_("beyond ±100,000,000,000.00, the largest amount kept")


def check_bounds(cents: int, text: str) -> int:
    """`cents` when within ±MAX_CENTS, else MoneyError quoting `text`."""
    if -MAX_CENTS <= cents <= MAX_CENTS:
        return cents
    raise MoneyError(text, _(_TOO_LARGE))


def _number_to_cents(number: str, text: str) -> int:
    grouping_marks = set(_SPACES + _APOSTROPHES)
    dots, commas = number.count("."), number.count(",")
    decimal: str | None = None
    if dots and commas:
        decimal = "." if number.rfind(".") > number.rfind(",") else ","
    elif dots + commas == 1:
        sep = "." if dots else ","
        before, after = number.split(sep)
        thousands = (
            len(after) == 3
            and 1 <= len(before) <= 3
            and not before.startswith("0")
            and not any(c in grouping_marks for c in number)
        )
        decimal = None if thousands else sep
    if decimal is not None:
        if number.count(decimal) > 1:
            raise MoneyError(
                text, _("more than one decimal separator '{decimal}'").format(decimal=decimal)
            )
        whole, fraction = number.split(decimal)
    else:
        whole, fraction = number, ""
    if decimal is not None and not fraction.isdigit():
        raise MoneyError(text)
    if len(fraction) > 2 and fraction[2:].strip("0"):
        raise MoneyError(text, _("more than 2 decimals"))
    return _whole_units(whole, text) * 100 + int(fraction[:2].ljust(2, "0"))


def _whole_units(whole: str, text: str) -> int:
    if whole.isdigit() or whole == "":
        return int(whole or 0)
    separators = {" " if c in _SPACES else c for c in whole if not c.isdigit()}
    if len(separators) > 1:
        raise MoneyError(text, _("mixed thousands separators"))
    groups = re.split(r"[^0-9]", whole)
    if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise MoneyError(text, _("thousands are not in groups of 3 digits"))
    return int("".join(groups))


def format_money(
    cents: int, currency: str = "EUR", *, decimal_comma: bool = False, grouping: bool = True
) -> str:
    """`12 345,67 €` when `decimal_comma` (French), `€12,345.67` otherwise; "-" before a loss.

    The French style groups with NO-BREAK SPACE (U+00A0), as Excel does, and puts one before
    the currency so an amount never wraps. A currency without a symbol shows its code
    ("CHF 12,345.67", "12 345,67 CHF"); an empty currency shows the number alone.
    """
    sign = "-" if cents < 0 else ""
    whole, fraction = divmod(abs(cents), 100)
    digits = f"{whole:,}" if grouping else str(whole)
    if decimal_comma:
        number = f"{digits.replace(',', _NBSP)},{fraction:02d}"
        return f"{sign}{number}{_NBSP}{_SYMBOL_OF.get(currency, currency)}".rstrip(_NBSP)
    number = f"{digits}.{fraction:02d}"
    if currency in _SYMBOL_OF:
        return f"{sign}{_SYMBOL_OF[currency]}{number}"
    if currency:
        return f"{sign}{currency}{_NBSP}{number}"
    return f"{sign}{number}"


def cents_to_plain(cents: int) -> str:
    """The machine format for CSV and JSON: "1234.50", "-0.05"; a dot, 2 decimals, no grouping."""
    sign = "-" if cents < 0 else ""
    whole, fraction = divmod(abs(cents), 100)
    return f"{sign}{whole}.{fraction:02d}"
