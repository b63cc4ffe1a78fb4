"""A recurrence rule in short English words, for a rule's own documentation and tests.

Split from `recurrence` (which keeps `describe_rrule` as its entry point). The words are
English only: no face shows them; a French face would say a rule with the catalogue's words.
"""

from __future__ import annotations

from datetime import datetime

from portfolio_tui.domain.recurrence import _ordinal, _parse

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UNIT = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_SINGLE = {"DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly", "YEARLY": "yearly"}


def describe_rrule(text: str) -> str:
    """Short English text: "weekly", "every 2 weeks on Mon", "monthly on the 1st Mon",
    "every weekday", "yearly in Jan, Jul, 5 times". Parts it can't put in words add "(custom)".
    """
    rule = _parse(text)
    weekdays = {(None, d) for d in range(5)}
    if rule.interval == 1 and rule.freq in ("DAILY", "WEEKLY") and set(rule.byday) == weekdays:
        words = "every weekday"
    else:
        if rule.interval == 1:
            words = _SINGLE[rule.freq]
        else:
            words = f"every {rule.interval} {_UNIT[rule.freq]}s"
        if rule.bymonth:
            words += " in " + ", ".join(_MONTH_NAMES[m - 1] for m in rule.bymonth)
        if rule.byday:
            words += " on " + ", ".join(_describe_day(n, d) for n, d in rule.byday)
        if rule.bymonthday:
            days = [("the last day" if n == -1 else f"the {_ordinal(n)}") for n in rule.bymonthday]
            # with BYDAY too, both must match: "monthly on Fri the 13th"
            words += (" " if rule.byday else " on ") + " and ".join(days)
    yearly_spread = rule.freq == "YEARLY" and not rule.bymonth and (rule.byday or rule.bymonthday)
    if rule.byweekno or rule.byyearday or rule.bysetpos or yearly_spread:
        words += " (custom)"
    if rule.count is not None:
        words += ", once" if rule.count == 1 else f", {rule.count} times"
    if rule.until is not None:
        until_day = rule.until.date() if isinstance(rule.until, datetime) else rule.until
        words += f", until {until_day.isoformat()}"
    return words


def _describe_day(n: int | None, day: int) -> str:
    if n is None:
        return _DAY_NAMES[day]
    if n == -1:
        return f"the last {_DAY_NAMES[day]}"
    if n < 0:
        return f"the {_ordinal(-n)} last {_DAY_NAMES[day]}"
    return f"the {_ordinal(n)} {_DAY_NAMES[day]}"
