"""Short texts the screens share: amounts in the rep's currency (exact, whole units for tables,
short forms for cards), days, due dates and changes."""

from __future__ import annotations

from datetime import date, datetime

from portfolio_tui.domain.dates import When, describe_when
from portfolio_tui.domain.money import format_money
from portfolio_tui.domain.settings import Settings
from portfolio_tui.i18n import _, current_language, pgettext
from portfolio_tui.i18n import formats as fmt


def _english() -> bool:
    return current_language() == "en"


def money(cents: int | None, settings: Settings) -> str:
    if cents is None:
        return "—"
    if not _english():
        return fmt.money(cents, settings.currency)
    return format_money(cents, settings.currency, decimal_comma=settings.decimal_comma)


def whole_money(cents: int, settings: Settings) -> str:
    """The amount rounded to whole units, in the rep's currency and style ("€52,693")."""
    units = (abs(cents) + 50) // 100 * (-1 if cents < 0 else 1)
    if not _english():  # CLDR's French: "52 693 €" (U+202F between thousands)
        return fmt.money(units * 100, settings.currency).replace(",00", "", 1)
    text = format_money(units * 100, settings.currency, decimal_comma=settings.decimal_comma)
    decimals = ",00" if settings.decimal_comma else ".00"
    return text.replace(decimals, "", 1)


def short_money(cents: int | None, settings: Settings) -> str:
    """ "€1.2M", "€85k", "€950"; "1,2M €" with a decimal comma. "—" when unknown."""
    if cents is None:
        return "—"
    if not _english():
        return fmt.money_compact(cents, settings.currency)
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
        return pgettext("last contact", "never")
    if days == 0:
        return pgettext("last contact", "today")
    if days == 1:
        return pgettext("last contact", "yesterday")
    return pgettext("last contact", "{days} d ago").format(days=days)


def due_text(due_on: date, due_at: datetime | None, today: date) -> str:
    """ "today 09:00", "tomorrow", "3 days ago", "Mon 30 Nov"."""
    if _english():
        return describe_when(When(due_on, due_at.time() if due_at else None), today)
    delta = (due_on - today).days
    near = {
        0: pgettext("due", "today"),
        1: pgettext("due", "tomorrow"),
        -1: pgettext("due", "yesterday"),
    }
    if delta in near:
        text = near[delta]
    elif -6 <= delta < -1:
        text = pgettext("due", "{days} days ago").format(days=-delta)
    else:
        text = day_text(due_on, year=due_on.year != today.year)
    return f"{text} {fmt.time_short(due_at)}" if due_at is not None else text


def day_text(day: date, *, year: bool = False) -> str:
    """ "Mon 23 Nov" / "lun. 23 nov.", with " 2026" when `year`."""
    if _english():
        return day.strftime("%a %d %b %Y" if year else "%a %d %b")
    return f"{fmt.day_short(day)} {day.year}" if year else fmt.day_short(day)


def short_day(day: date) -> str:
    """ "30 Nov" / "30 nov." (no weekday: for titles and cards)."""
    if _english():
        return f"{day:%d %b}"
    return f"{day.day} {fmt.month_name(day.month, abbreviated=True)}"


def change(now: int, before: int) -> str:
    """ "+12%", "-3%", "new" (nothing before), "" (nothing either time)."""
    if before == 0:
        return _("new") if now else ""
    if not _english():
        ratio = (now - before) / before
        return ("+" if ratio > 0 else "") + fmt.percent(ratio, 0)
    return f"{(now - before) * 100 / before:+.0f}%"
