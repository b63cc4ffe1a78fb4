"""Numbers, money and dates as the current language writes them (CLDR data through Babel).

The one place the faces format a number, an amount or a date for people to read. Each function
takes `lang` ("fr" or "en"), by default the current language (`portfolio_tui.i18n`).

French follows CLDR: `12 345,67 €` with U+202F (narrow no-break space) between thousands and
U+00A0 (no-break space) before `€` and `%`; day and month names in lower case (`mer. 2 déc.`,
capitalise at the start of a sentence); `1er` for the first of the month in long dates.

Two choices for English, because the product is French-first and typed dates are day first:
- `date_numeric` is ISO (`2026-12-02`): a US `12/02/2026` would read back as 12 February in
  every date field (`domain.dates` reads D/M/Y), and ISO is the one order nobody misreads.
- `time_short` is 24-hour (`14:30`), as in `describe_when` and every date field.
Other English dates are day first (`Wed 2 Dec`, `2 December 2026`), like the date fields.

Halves round up (`12,25` at one decimal → `12,3`), as people round by hand, not to even.
Compact money in French writes `k€`, `M€`, `Md€` (the business convention: `1,2 M€`).
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from portfolio_tui.i18n import SOURCE_LANGUAGE, current_language

if TYPE_CHECKING:
    from babel import Locale

# Babel is imported by the functions that format (its import, with its look for the system's
# zone, costs ~30 ms): a command that prints what was kept formats nothing.

__all__ = [
    "date_long",
    "date_numeric",
    "day_short",
    "money",
    "money_compact",
    "month_name",
    "number",
    "percent",
    "time_short",
    "weekday",
]

# The CLDR locale each product language formats with.
_CLDR_LOCALES = {"fr": "fr_FR", "en": "en"}

# Date patterns (CLDR pattern syntax) per language: chosen, not CLDR's defaults, see above.
_DATE_PATTERNS: dict[str, dict[str, str]] = {
    "fr": {"day_short": "EEE d MMM", "numeric": "dd/MM/yyyy", "long": "d MMMM y"},
    "en": {"day_short": "EEE d MMM", "numeric": "yyyy-MM-dd", "long": "d MMMM y"},
}
_TIME_PATTERN = "HH:mm"
# Compact amounts joined to the symbol in French: "1,2 M€", not CLDR's "1,2 M €".
_FRENCH_COMPACT_SUFFIXES = ("k", "M", "Md")

Number = int | float | Decimal


@cache
def _locale(lang: str) -> Locale:
    from babel import Locale

    return Locale.parse(_CLDR_LOCALES.get(lang, _CLDR_LOCALES[SOURCE_LANGUAGE]))


def _language(lang: str | None) -> str:
    language = lang or current_language()
    return language if language in _CLDR_LOCALES else SOURCE_LANGUAGE


@contextmanager
def _rounding_half_up() -> Iterator[None]:
    # Babel rounds compact amounts in the thread's decimal context; a local one leaves the
    # caller's untouched.
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        yield


def _euros(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _rounded(value: Number, places: int) -> Decimal:
    """`value` rounded half up to `places` decimals, and never a negative zero ("-0")."""
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP)
    return abs(rounded) if rounded.is_zero() else rounded


def _fraction_pattern(pattern: str, decimals: int) -> str:
    """A CLDR number pattern with exactly `decimals` decimals: "#,##0 %" → "#,##0.0 %"."""
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, not {decimals}")
    integer_part = "#,##0"
    if integer_part not in pattern:
        raise ValueError(f"unexpected CLDR number pattern {pattern!r}")
    fraction = "." + "0" * decimals if decimals else ""
    return pattern.replace(integer_part, integer_part + fraction, 1)


# --- numbers ----------------------------------------------------------------------------------


def money(cents: int, currency: str = "EUR", *, lang: str | None = None) -> str:
    """An amount in cents: `12 345,67 €` (fr), `€12,345.67` (en)."""
    from babel import numbers as babel_numbers

    return babel_numbers.format_currency(_euros(cents), currency, locale=_locale(_language(lang)))


def money_compact(cents: int, currency: str = "EUR", *, lang: str | None = None) -> str:
    """A rounded amount for tight spaces: `1,2 M€`, `12 k€`, `850 €` (fr); `€1.2M`, `€12K` (en).

    Whole euros below a thousand, one decimal at most above (`12,3 k€`).
    """
    from babel import numbers as babel_numbers

    language = _language(lang)
    with _rounding_half_up():
        text = babel_numbers.format_compact_currency(
            _rounded(_euros(cents), 0), currency, locale=_locale(language), fraction_digits=1
        )
    if language == "fr" and currency == "EUR":
        for suffix in _FRENCH_COMPACT_SUFFIXES:
            text = text.replace(f"\u00a0{suffix}\u00a0€", f"\u00a0{suffix}€")
    return text


def number(value: Number, decimals: int = 0, *, lang: str | None = None) -> str:
    """A number grouped by thousands with exactly `decimals` decimals: `12 345,7` / `12,345.7`."""
    from babel import numbers as babel_numbers

    locale = _locale(_language(lang))
    # CLDR's decimal pattern is "#,##0.###": keep its grouping, fix the decimals.
    integer_pattern = locale.decimal_formats[None].pattern.split(";")[0].split(".")[0]
    pattern = _fraction_pattern(integer_pattern, decimals)
    return babel_numbers.format_decimal(_rounded(value, decimals), format=pattern, locale=locale)


def percent(fraction: Number, decimals: int = 1, *, lang: str | None = None) -> str:
    """A fraction as a percentage: 0.125 → `12,5 %` (fr, U+00A0 as CLDR says) / `12.5%` (en)."""
    from babel import numbers as babel_numbers

    locale = _locale(_language(lang))
    pattern = _fraction_pattern(locale.percent_formats[None].pattern.split(";")[0], decimals)
    return babel_numbers.format_percent(
        _rounded(fraction, decimals + 2), format=pattern, locale=locale
    )


# --- dates ------------------------------------------------------------------------------------


def _date(day: date, kind: str, lang: str | None) -> str:
    from babel import dates as babel_dates

    language = _language(lang)
    pattern = _DATE_PATTERNS[language][kind]
    return babel_dates.format_date(day, pattern, locale=_locale(language))


def day_short(day: date, *, lang: str | None = None) -> str:
    """`mer. 2 déc.` (fr), `Wed 2 Dec` (en)."""
    return _date(day, "day_short", lang)


def date_numeric(day: date, *, lang: str | None = None) -> str:
    """`02/12/2026` (fr), `2026-12-02` (en: ISO, see the module docstring)."""
    return _date(day, "numeric", lang)


def date_long(day: date, *, lang: str | None = None) -> str:
    """`2 décembre 2026`, `1er décembre 2026` (fr); `2 December 2026` (en)."""
    text = _date(day, "long", lang)
    if _language(lang) == "fr" and day.day == 1:
        text = "1er" + text[1:]
    return text


def time_short(moment: time | datetime, *, lang: str | None = None) -> str:
    """`14:30` in both languages (24-hour, see the module docstring)."""
    from babel import dates as babel_dates

    clock = moment.time() if isinstance(moment, datetime) else moment
    return babel_dates.format_time(clock, _TIME_PATTERN, locale=_locale(_language(lang)))


def weekday(day: date, *, abbreviated: bool = False, lang: str | None = None) -> str:
    """`mercredi` / `mer.` (fr), `Wednesday` / `Wed` (en)."""
    from babel import dates as babel_dates

    width = "abbreviated" if abbreviated else "wide"
    names = babel_dates.get_day_names(width, "stand-alone", _locale(_language(lang)))
    return names[day.weekday()]


def month_name(month: int, *, abbreviated: bool = False, lang: str | None = None) -> str:
    """Month 1-12: `décembre` / `déc.` (fr), `December` / `Dec` (en)."""
    from babel import dates as babel_dates

    if not 1 <= month <= 12:
        raise ValueError(f"there is no month {month}")
    width = "abbreviated" if abbreviated else "wide"
    return babel_dates.get_month_names(width, "stand-alone", _locale(_language(lang)))[month]
