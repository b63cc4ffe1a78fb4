"""A review document as plain values, for the Markdown and HTML writers.

The service fills it (every text already in the chosen language, every number formatted);
the writers only lay it out. `Figure.value` keeps the raw number beside its text, so a reader
(or a test) can check a document against the figures of the CLI."""

from __future__ import annotations

from dataclasses import dataclass

RawValue = int | float | str | None


@dataclass(frozen=True, slots=True)
class Figure:
    key: str  # stable, e.g. "activity.index"
    label: str
    text: str
    value: RawValue = None


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = ""  # shown instead of an empty table


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float  # the bar's length, against the chart's largest value
    text: str  # what the bar says


@dataclass(frozen=True, slots=True)
class BarChart:
    key: str
    title: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    notes: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    charts: tuple[BarChart, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewDocument:
    title: str
    subtitle: str
    language: str  # "en", "fr": the HTML lang attribute
    sections: tuple[Section, ...]

    def figures(self) -> dict[str, Figure]:
        """Every figure of the document by key."""
        return {f.key: f for s in self.sections for f in s.figures}

    def charts(self) -> list[BarChart]:
        return [c for s in self.sections for c in s.charts]
