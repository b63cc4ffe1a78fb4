"""Short texts the screens share: amounts in the rep's currency (exact, whole units for tables,
short forms for cards), days, due dates and changes."""

from __future__ import annotations

from datetime import date, datetime

from portfolio_tui.domain.dates import When, describe_when
from portfolio_tui.domain.money import format_money
from portfolio_tui.domain.settings import Settings


def money(cents: int | None, settings: Settings) -> str:
    if cents is None:
        return "—"
    return format_money(cents, settings.currency, decimal_comma=settings.decimal_comma)


def whole_money(cents: int, settings: Settings) -> str:
    """The amount rounded to whole units, in the rep's currency and style ("€52,693")."""
    units = (abs(cents) + 50) // 100 * (-1 if cents < 0 else 1)
    text = format_money(units * 100, settings.currency, decimal_comma=settings.decimal_comma)
    decimals = ",00" if settings.decimal_comma else ".00"
    return text.replace(decimals, "", 1)


def short_money(cents: int | None, settings: Settings) -> str:
    """ "€1.2M", "€85k", "€950"; "1,2M €" with a decimal comma. "—" when unknown."""
    if cents is None:
        return "—"
    sign = "-" if cents < 0 else ""
    units = round(abs(cents) / 100)
    number, suffix = str(units), ""
    for limit, unit in ((1_000_000, "M"), (1_000, "k")):
        if units >= limit:
            value = units / limit
            number, suffix = (f"{value:.1f}" if value < 9.95 else f"{value:.0f}"), unit
            break
    if settings.decimal_comma:
        number = number.replace(".", ",")
    # format_money(0) tells where the currency goes: "€0.00" or "0,00 €".
    zero = format_money(0, settings.currency, decimal_comma=settings.decimal_comma)
    zero_number = "0,00" if settings.decimal_comma else "0.00"
    return sign + zero.replace(zero_number, number + suffix, 1)


def days_ago(days: int | None) -> str:
    if days is None:
        return "never"
    if days == 0:
        return "today"
    return "yesterday" if days == 1 else f"{days} d ago"


def due_text(due_on: date, due_at: datetime | None, today: date) -> str:
    """ "today 09:00", "tomorrow", "3 days ago", "Mon 30 Nov"."""
    return describe_when(When(due_on, due_at.time() if due_at else None), today)


def change(now: int, before: int) -> str:
    """ "+12%", "-3%", "new" (nothing before), "" (nothing either time)."""
    if before == 0:
        return "new" if now else ""
    return f"{(now - before) * 100 / before:+.0f}%"
