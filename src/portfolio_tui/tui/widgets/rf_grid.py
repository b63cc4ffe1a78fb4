"""R × F grid: how many accounts have each recency and frequency score, each cell coloured by
the RFM segment those two scores name, with a legend of the segments and their counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from portfolio_tui.domain.rfm import SEGMENTS, RfmScore, segment_for
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.i18n.terms import segment_label
from portfolio_tui.tui.badges import SEGMENT_STYLES

CELL_WIDTH = 6


def rf_counts(scores: Iterable[RfmScore]) -> Counter[tuple[int, int]]:
    return Counter((s.r, s.f) for s in scores)


def _cell_style(segment: str) -> Style:
    colour = Style.parse(SEGMENT_STYLES.get(segment, "")).color
    return Style(bgcolor=colour, color="black", bold=True)


def rf_grid_table(counts: Counter[tuple[int, int]]) -> Table:
    grid = Table.grid(padding=(0, 0))
    grid.add_column(width=4)
    for _ in range(5):
        grid.add_column(width=CELL_WIDTH, justify="right")
    grid.add_row(Text("R\\F", style="dim"), *(Text(f"F{f}  ", style="dim") for f in range(1, 6)))
    for r in range(5, 0, -1):
        cells = []
        for f in range(1, 6):
            count = counts.get((r, f), 0)
            style = _cell_style(segment_for(r, f))
            cells.append(Text(f"{count:>{CELL_WIDTH - 1}} ", style=style))
        grid.add_row(Text(f"R{r}", style="dim"), *cells)
    return grid


def segment_legend(scores: Iterable[RfmScore]) -> Text:
    by_segment = Counter(s.segment for s in scores)
    legend = Text(no_wrap=True, end="")
    for i, segment in enumerate(SEGMENTS):
        if i:
            legend.append("\n")
        legend.append("■ ", style=SEGMENT_STYLES.get(segment, ""))
        legend.append(f"{segment_label(segment):<20}")
        legend.append(f"{fmt.number(by_segment.get(segment, 0)):>6}", style="bold")
    return legend


class RfGrid(Static):
    DEFAULT_CSS = """
    RfGrid {
        height: auto;
        width: 1fr;
    }
    """

    def show(self, scores: Iterable[RfmScore]) -> None:
        scores = list(scores)
        layout = Table.grid(padding=(0, 3))
        layout.add_column()
        layout.add_column()
        layout.add_row(rf_grid_table(rf_counts(scores)), segment_legend(scores))
        self.update(layout)
