"""Short texts the screens share: amounts in the rep's currency, days, due dates."""

from __future__ import annotations

from datetime import date, datetime

from portfolio_tui.domain.dates import When, describe_when
from portfolio_tui.domain.money import format_money
from portfolio_tui.domain.settings import Settings


def money(cents: int | None, settings: Settings) -> str:
    if cents is None:
        return "—"
    return format_money(cents, settings.currency, decimal_comma=settings.decimal_comma)


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
