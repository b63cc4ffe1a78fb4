"""What the Portfolio screen shows: its rows filtered by text and quick filters, and sorted.

Kept apart from the screen (no Textual here) so it can be tested and timed on its own. Built
once per data load: the lower-cased search text of every row is computed up front, the rows are
sorted once per sort change, and a filter keystroke is a single pass over plain strings (or over
the previous result when the text only grew).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from portfolio_tui.domain.abc import ABC_CLASSES
from portfolio_tui.domain.stages import Stage
from portfolio_tui.views import PortfolioRow

STAGES: tuple[str, ...] = tuple(s.value for s in Stage)
_STAGE_ORDER = {s: i for i, s in enumerate(STAGES)}
_ABC_ORDER = {c: i for i, c in enumerate(ABC_CLASSES)}

# column key → (label, sort key of a row or None when it has no value, first direction)
SortKey = Callable[[PortfolioRow], Any]
SORTS: dict[str, tuple[str, SortKey, bool]] = {
    "name": ("name", lambda r: r.name.casefold(), False),
    "stage": ("stage", lambda r: _STAGE_ORDER.get(r.stage, len(STAGES)), False),
    "abc": ("ABC", lambda r: _ABC_ORDER.get(r.abc) if r.abc else None, False),
    "rfm": ("RFM", lambda r: (r.rfm.r, r.rfm.f, r.rfm.m) if r.rfm else None, True),
    "revenue": ("revenue", lambda r: r.revenue, True),
    "last": ("last contact", lambda r: r.last_contact, True),
    "next": ("next follow-up", lambda r: r.next_follow_up, False),
}
SORT_CYCLE: tuple[str, ...] = ("revenue", "name", "stage", "abc", "rfm", "last", "next")


def cycle(value: str | None, choices: Sequence[str]) -> str | None:
    """The value after `value` in `choices`, then None ("all"), then the first again."""
    if value is None:
        return choices[0]
    i = choices.index(value)
    return choices[i + 1] if i + 1 < len(choices) else None


@dataclass(frozen=True, slots=True)
class Filters:
    text: str = ""
    abc: str | None = None
    stage: str | None = None
    segment: str | None = None

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.text.lower().split())

    @property
    def active(self) -> bool:
        return bool(self.words or self.abc or self.stage or self.segment)

    def describe(self) -> list[str]:
        parts = []
        if self.words:
            parts.append(f"“{self.text.strip()}”")
        if self.abc:
            parts.append(f"class {self.abc}")
        if self.stage:
            parts.append(f"stage {self.stage}")
        if self.segment:
            parts.append(f"segment {self.segment}")
        return parts

    def narrows(self, before: Filters) -> bool:
        """True when everything this keeps, `before` kept too (same quick filters, and the
        text only grew), so filtering `before`'s result is enough."""
        return (
            (self.abc, self.stage, self.segment) == (before.abc, before.stage, before.segment)
            and self.text.lower().startswith(before.text.lower())
            and len(self.words) >= len(before.words)
        )


def sort_rows(rows: Sequence[PortfolioRow], column: str, descending: bool) -> list[PortfolioRow]:
    """Rows with a value first, ordered on it (ties by name); rows without one last."""
    key = SORTS[column][1]
    by_name = sorted(rows, key=lambda r: (r.name.casefold(), r.account_id))
    valued = [r for r in by_name if key(r) is not None]
    missing = [r for r in by_name if key(r) is None]
    valued.sort(key=key, reverse=descending)
    return valued + missing


class PortfolioView:
    """The rows of a load, sorted and filtered; every change returns the rows to show."""

    def __init__(self, rows: Sequence[PortfolioRow], sort: str = "revenue", descending=True):
        self.all_rows = list(rows)
        self.sort_column = sort
        self.descending = descending
        self.filters = Filters()
        self._sorted: list[tuple[PortfolioRow, str]] = []
        self._shown: list[tuple[PortfolioRow, str]] = []
        self._resort()

    @property
    def shown(self) -> list[PortfolioRow]:
        return [row for row, _ in self._shown]

    def _resort(self) -> None:
        rows = sort_rows(self.all_rows, self.sort_column, self.descending)
        self._sorted = [(row, row.search_text) for row in rows]
        self._shown = self._apply(self._sorted, self.filters)

    def sort_by(self, column: str, descending: bool | None = None) -> list[PortfolioRow]:
        if descending is None:
            descending = SORTS[column][2]
        self.sort_column, self.descending = column, descending
        self._resort()
        return self.shown

    def set_filters(self, filters: Filters) -> list[PortfolioRow]:
        source = self._shown if filters.narrows(self.filters) else self._sorted
        self.filters = filters
        self._shown = self._apply(source, filters)
        return self.shown

    def set_text(self, text: str) -> list[PortfolioRow]:
        return self.set_filters(replace(self.filters, text=text))

    @staticmethod
    def _apply(rows: list[tuple[PortfolioRow, str]], f: Filters) -> list[tuple[PortfolioRow, str]]:
        if not f.active:
            return list(rows)
        words = f.words
        return [
            (row, text)
            for row, text in rows
            if (f.abc is None or row.abc == f.abc)
            and (f.stage is None or row.stage == f.stage)
            and (f.segment is None or (row.rfm is not None and row.rfm.segment == f.segment))
            and all(word in text for word in words)
        ]
