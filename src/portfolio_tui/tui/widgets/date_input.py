"""A date-phrase field: the rep types "tomorrow 9h", "+3d" or "next mon" and sees, as they
type, the date it means, or why it can't be read."""

from __future__ import annotations

import re
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from portfolio_tui.domain.dates import (
    MONTH_NAMES,
    WEEKDAY_NAMES,
    DatePhraseError,
    When,
    describe_when,
)
from portfolio_tui.i18n import N_, _, current_language
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.tui.context import portfolio_app
from portfolio_tui.tui.text import day_text, due_text

DATE_PLACEHOLDER = N_("today, tomorrow 9:00, +3d, next mon, 01/12")


def long_when(when: When) -> str:
    """ "Monday 30 November 2026 09:00" / "lundi 30 novembre 2026 09:00"."""
    d = when.day
    if current_language() == "en":
        text = f"{WEEKDAY_NAMES[d.weekday()]} {d.day} {MONTH_NAMES[d.month - 1]} {d.year}"
        return f"{text} {when.time:%H:%M}" if when.time is not None else text
    text = f"{fmt.weekday(d)} {d.day} {fmt.month_name(d.month)} {d.year}"
    return f"{text} {fmt.time_short(when.time)}" if when.time is not None else text


def _relative(when: When, today: date) -> str | None:
    """ "tomorrow", "in 3 days"… when it says more than the date itself; None otherwise."""
    if current_language() == "en":
        relative = describe_when(when, today)
        return None if relative == long_when(when) or relative[0].isupper() else relative
    relative = due_text(when.day, None, today)
    return None if relative == day_text(when.day, year=when.day.year != today.year) else relative


_OFFSET = re.compile(r"([+-])([0-9]+)([dw])")
_FRENCH_UNITS = {"d": "j", "w": "sem"}


def in_rep_words(phrase: str) -> str:
    """A phrase the app proposes ("+3d", "+2w") in the rep's language ("+3j", "+2sem"); the
    parser reads both, and the service's own phrases stay one (they reach JSON too)."""
    match = _OFFSET.fullmatch(phrase.strip())
    if current_language() != "fr" or match is None:
        return phrase
    sign, count, unit = match.groups()
    return f"{sign}{count}{_FRENCH_UNITS[unit]}"


class DateInput(Vertical):
    """An Input for a date phrase with a live preview line under it.

    `when` is the parsed value (None when empty or invalid), `error` the reason it can't be
    read. Empty is an error unless `allow_empty`, in which case `empty_text` is shown.
    """

    DEFAULT_CSS = """
    DateInput {
        height: auto;
    }
    DateInput > .date-preview {
        color: $text-muted;
        padding: 0 1;
        height: auto;
    }
    DateInput.-invalid > .date-preview {
        color: $text-error;
    }
    """

    def __init__(
        self,
        value: str = "",
        *,
        placeholder: str | None = None,
        allow_empty: bool = False,
        empty_text: str = "",
        compact: bool = True,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._initial = in_rep_words(value)
        self._placeholder = _(DATE_PLACEHOLDER) if placeholder is None else placeholder
        self._compact = compact
        self.allow_empty = allow_empty
        self.empty_text = empty_text
        self.when: When | None = None
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(
            self._initial,
            placeholder=self._placeholder,
            compact=self._compact,
            select_on_focus=True,
        )
        yield Static(classes="date-preview")

    def on_mount(self) -> None:
        self._parse(self._initial)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = in_rep_words(text)

    def set_empty_text(self, text: str) -> None:
        """What the preview says while the field is empty."""
        self.empty_text = text
        self._parse(self.value)

    @property
    def is_valid(self) -> bool:
        return self.error is None

    def focus(self, scroll_visible: bool = True) -> DateInput:
        self.input.focus(scroll_visible)
        return self

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._parse(event.value)

    def _parse(self, text: str) -> None:
        self.when, self.error = None, None
        if not text.strip():
            if not self.allow_empty:
                self.error = _("a date is needed (today, tomorrow 9:00, +3d, next mon…)")
            preview = Text(self.error or self.empty_text)
        else:
            portfolio = portfolio_app(self.app).portfolio
            try:
                self.when = portfolio.parse_when(text)
            except DatePhraseError as exc:
                self.error = str(exc)
                preview = Text(self.error)
            else:
                today = portfolio.today()
                preview = Text(f"→ {long_when(self.when)}")
                relative = _relative(self.when, today)
                if relative is not None:
                    preview.append(f"  ({relative})", style="italic")
        self.set_class(self.error is not None, "-invalid")
        self.input.set_class(self.error is not None, "-invalid")
        self.query_one(".date-preview", Static).update(preview)
