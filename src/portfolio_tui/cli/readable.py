"""Values as people read them on the command line, in the current language.

French amounts, numbers and dates come from `i18n.formats` (CLDR); English keeps the CLI's
historical forms (`€12,345.67` or the `decimal_comma` setting, `Mon 23 Nov`, `12.5%`), which
scripts and the tests already read. Stage, kind and segment names come from `i18n.terms`.
"""

from __future__ import annotations

from datetime import date, datetime, time

from portfolio_tui.domain.money import format_money
from portfolio_tui.domain.settings import Settings
from portfolio_tui.i18n import current_language, pgettext
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.i18n.terms import interaction_kind_label, segment_label, stage_label

__all__ = [
    "count_text",
    "day_text",
    "kind_text",
    "money_text",
    "percent_text",
    "segment_text",
    "stage_text",
    "time_text",
]


def _english() -> bool:
    return current_language() == "en"


def money_text(cents: int | None, settings: Settings) -> str:
    """An amount for people: `12 345,67 €` (fr), `€12,345.67` (en, or the settings' style)."""
    if cents is None:
        return ""
    if _english():
        return format_money(cents, settings.currency, decimal_comma=settings.decimal_comma)
    return fmt.money(cents, settings.currency)


def count_text(count: int) -> str:
    """A whole number for people: `1 234` (fr), `1234` (en)."""
    return str(count) if _english() else fmt.number(count)


def percent_text(ratio: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage: `12,5 %` (fr), `12.5%` (en); `—` when there is none."""
    if ratio is None:
        return "—"
    return f"{ratio:.{decimals}%}" if _english() else fmt.percent(ratio, decimals)


def day_text(day: date, *, year: bool = False) -> str:
    """`lun. 23 nov.` (fr), `Mon 23 Nov` (en); with the year: `lun. 23 nov. 2026`."""
    if _english():
        return day.strftime("%a %d %b %Y" if year else "%a %d %b")
    return f"{fmt.day_short(day)} {day.year}" if year else fmt.day_short(day)


def time_text(moment: time | datetime) -> str:
    """`14:30` in both languages."""
    return fmt.time_short(moment)


def stage_text(stage: str) -> str:
    """An account stage as tables and messages write it, lower case: `warm` / `tiède`.

    In English that is the stage's key, the word the commands take."""
    if stage == "won":
        return pgettext("account stage", "Won").lower()
    try:
        return stage_label(stage).lower()
    except KeyError:  # not a stage of ours: shown as it is
        return stage


def kind_text(kind: str) -> str:
    """An interaction kind (or a timeline's sale and stage), lower case: `call` / `appel`."""
    others = {"sale": pgettext("timeline", "sale"), "stage": pgettext("timeline", "stage")}
    try:
        return interaction_kind_label(kind).lower()
    except KeyError:
        return others.get(kind, kind)


def segment_text(segment: str) -> str:
    """An RFM segment: `Need Attention` / `À surveiller`."""
    try:
        return segment_label(segment)
    except KeyError:
        return segment
