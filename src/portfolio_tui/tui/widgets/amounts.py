"""Amounts for tight places: whole units in tables ("€52,693"), short forms on cards ("€1.2M")."""

from __future__ import annotations

from portfolio_tui.domain.money import format_money
from portfolio_tui.domain.settings import Settings


def whole_money(cents: int, settings: Settings) -> str:
    """The amount rounded to whole units, in the rep's currency and style."""
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
