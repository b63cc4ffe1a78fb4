"""What the Portfolio screen shows: its rows filtered by text and quick filters, and sorted.

Kept apart from the screen (no Textual here) so it can be tested and timed on its own. Each
row comes with its folded search text (`PortfolioRow.folded`: case and accents ignored, as in
the typed words), the rows are sorted once per sort change, and a filter keystroke is a single
pass over plain strings (or over the previous result when the text only grew).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from portfolio_tui.domain.abc import ABC_CLASSES
from portfolio_tui.domain.stages import Stage
from portfolio_tui.domain.text import fold
from portfolio_tui.i18n import N_, _
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.i18n.terms import segment_label, stage_label
from portfolio_tui.service.views import PortfolioRow

STAGES: tuple[str, ...] = tuple(s.value for s in Stage)
_STAGE_ORDER = {s: i for i, s in enumerate(STAGES)}
_ABC_ORDER = {c: i for i, c in enumerate(ABC_CLASSES)}

# column key → (label, sort key of a row or None when it has no value, first direction)
SortKey = Callable[[PortfolioRow], Any]
SORTS: dict[str, tuple[str, SortKey, bool]] = {
    "name": (N_("name"), lambda r: r.name_key, False),
    "stage": (N_("stage"), lambda r: _STAGE_ORDER.get(r.stage, len(STAGES)), False),
    "abc": ("ABC", lambda r: _ABC_ORDER.get(r.abc) if r.abc else None, False),
    "rfm": ("RFM", lambda r: (r.rfm.r, r.rfm.f, r.rfm.m) if r.rfm else None, True),
    "revenue": (N_("revenue"), lambda r: r.revenue, True),
    "last": (N_("last contact"), lambda r: r.last_contact, True),
    "next": (N_("next follow-up"), lambda r: r.next_follow_up, False),
    # Lowest first: the clients most likely gone.
    "p_alive": ("P(alive)", lambda r: r.p_alive, False),
}
SORT_CYCLE: tuple[str, ...] = ("revenue", "name", "stage", "abc", "rfm", "last", "next", "p_alive")
# The P(alive) quick filter cycles: below 50 %, below 25 %, then off.
P_ALIVE_THRESHOLDS: tuple[float, ...] = (0.5, 0.25)


def cycle(value: str | None, choices: Sequence[str]) -> str | None:
    """The value after `value` in `choices`, then None ("all"), then the first again."""
    if value is None:
        return choices[0]
    i = choices.index(value)
    return choices[i + 1] if i + 1 < len(choices) else None


def next_threshold(value: float | None) -> float | None:
    """The P(alive) threshold after `value` in P_ALIVE_THRESHOLDS, then None, then the first."""
    if value is None:
        return P_ALIVE_THRESHOLDS[0]
    i = P_ALIVE_THRESHOLDS.index(value)
    return P_ALIVE_THRESHOLDS[i + 1] if i + 1 < len(P_ALIVE_THRESHOLDS) else None


@dataclass(frozen=True, slots=True)
class SavedFilter:
    """A saved segment the rows are narrowed to: its accounts when it was last read."""

    name: str
    filter_text: str
    account_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class Filters:
    text: str = ""
    abc: str | None = None
    stage: str | None = None
    segment: str | None = None
    p_alive_below: float | None = None  # rows with a P(alive) under it (None: no filter)
    saved: SavedFilter | None = None

    @property
    def words(self) -> tuple[str, ...]:
        """The typed words, folded as the rows' text is (case and accents ignored)."""
        return tuple(fold(self.text).split())

    @property
    def active(self) -> bool:
        return bool(
            self.words
            or self.abc
            or self.stage
            or self.segment
            or self.p_alive_below is not None
            or self.saved
        )

    @property
    def quick(self) -> tuple[object, ...]:
        """Every filter but the text."""
        return (self.abc, self.stage, self.segment, self.p_alive_below, self.saved)

    def describe(self) -> list[str]:
        parts = []
        if self.words:
            # TRANSLATORS: the words typed in the filter, quoted: « … » in French
            parts.append(_("“{text}”").format(text=self.text.strip()))
        if self.abc:
            parts.append(_("class {abc}").format(abc=self.abc))
        if self.stage:
            parts.append(_("stage {stage}").format(stage=stage_label(self.stage)))
        if self.segment:
            parts.append(_("segment {segment}").format(segment=segment_label(self.segment)))
        if self.p_alive_below is not None:
            parts.append(_("P(alive) < {p}").format(p=fmt.percent(self.p_alive_below, 0)))
        if self.saved:
            parts.append(_("saved segment {name}").format(name=self.saved.name))
        return parts

    def segment_terms(self) -> list[str]:
        """The filter as segment terms (domain/segments.py), the saved segment's first; the
        text has no segment field and is left out."""
        terms = [self.saved.filter_text] if self.saved else []
        if self.abc:
            terms.append(f"abc = {self.abc}")
        if self.stage:
            terms.append(f"stage = {self.stage}")
        if self.segment:
            terms.append(f'segment = "{self.segment}"')
        if self.p_alive_below is not None:
            terms.append(f"p_alive < {self.p_alive_below}")
        return terms

    def narrows(self, before: Filters) -> bool:
        """True when everything this keeps, `before` kept too (same quick filters, and the
        text only grew), so filtering `before`'s result is enough."""
        return (
            self.quick == before.quick
            and fold(self.text).startswith(fold(before.text))
            and len(self.words) >= len(before.words)
        )


def sorted_indices(rows: Sequence[PortfolioRow], column: str, descending: bool) -> list[int]:
    """Positions of `rows` in display order: rows with a value first, ordered on it (ties by
    name, whatever the direction), then rows without one."""
    key = SORTS[column][1]
    by_name = sorted(range(len(rows)), key=lambda i: (rows[i].name_key, rows[i].account_id))
    valued = [i for i in by_name if key(rows[i]) is not None]
    missing = [i for i in by_name if key(rows[i]) is None]
    valued.sort(key=lambda i: key(rows[i]), reverse=descending)
    return valued + missing


def sort_rows(rows: Sequence[PortfolioRow], column: str, descending: bool) -> list[PortfolioRow]:
    return [rows[i] for i in sorted_indices(rows, column, descending)]


class PortfolioView:
    """The rows of a load, sorted and filtered; every change returns the rows to show.

    Rows are held once; orders and filter results are lists of positions (plain ints), so a
    keystroke allocates a couple of lists, not one object per row: at 20,000 rows, per-row
    tuples or generators made the garbage collector pause for 0.2-0.4 s in the middle of typing.
    """

    def __init__(self, rows: Sequence[PortfolioRow], sort: str = "revenue", descending=True):
        self.all_rows = list(rows)
        self._texts = [row.folded for row in self.all_rows]
        self.sort_column = sort
        self.descending = descending
        self.filters = Filters()
        self._order: list[int] = []
        self._shown: list[int] = []
        self._resort()

    @property
    def shown(self) -> list[PortfolioRow]:
        rows = self.all_rows
        return [rows[i] for i in self._shown]

    def _resort(self) -> None:
        self._order = sorted_indices(self.all_rows, self.sort_column, self.descending)
        self._shown = self._apply(self._order, self.filters)

    def sort_by(self, column: str, descending: bool | None = None) -> list[PortfolioRow]:
        if descending is None:
            descending = SORTS[column][2]
        self.sort_column, self.descending = column, descending
        self._resort()
        return self.shown

    def set_filters(self, filters: Filters) -> list[PortfolioRow]:
        source = self._shown if filters.narrows(self.filters) else self._order
        self.filters = filters
        self._shown = self._apply(source, filters)
        return self.shown

    def set_text(self, text: str) -> list[PortfolioRow]:
        return self.set_filters(replace(self.filters, text=text))

    def _apply(self, source: list[int], f: Filters) -> list[int]:
        rows, texts = self.all_rows, self._texts
        kept = list(source)
        if f.abc is not None:
            kept = [i for i in kept if rows[i].abc == f.abc]
        if f.stage is not None:
            kept = [i for i in kept if rows[i].stage == f.stage]
        if f.segment is not None:
            segment = f.segment
            kept = [i for i in kept if (rfm := rows[i].rfm) is not None and rfm.segment == segment]
        if f.p_alive_below is not None:
            below = f.p_alive_below
            kept = [i for i in kept if (alive := rows[i].p_alive) is not None and alive < below]
        if f.saved is not None:
            ids = f.saved.account_ids
            kept = [i for i in kept if rows[i].account_id in ids]
        for word in f.words:
            kept = [i for i in kept if word in texts[i]]
        return kept
