"""The Pareto curve: cumulative share of revenue by account rank, drawn with block characters.

Each text column stands for a run of ranks; its bar is the cumulative share at the last rank of
the run, in eighths of a line, coloured by that rank's ABC class. A dotted line marks 80%.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import Static

from portfolio_tui.domain.abc import PARETO_TARGET
from portfolio_tui.i18n import _
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.tui.theme import theme_colours

EIGHTHS = " ▁▂▃▄▅▆▇█"
AXIS_WIDTH = 5  # "100% "
CLASS_COLOURS = {"A": "success", "B": "warning", "C": "foreground-muted"}  # theme variables


def pareto_points(values: Sequence[int], columns: int) -> list[tuple[float, int]]:
    """(cumulative share, index of the last rank) at the end of each of `columns` equal runs of
    ranks; `values` largest first. With fewer ranks than columns a rank spans several columns."""
    total = sum(values)
    if not values or total <= 0 or columns <= 0:
        return []
    n = len(values)
    cumulative = []
    running = 0
    for v in values:
        running += v
        cumulative.append(running)
    points = []
    for c in range(columns):
        last = max(0, -(-(c + 1) * n // columns) - 1)  # ceil((c + 1) * n / columns) - 1
        points.append((cumulative[last] / total, last))
    return points


def pareto_text(
    values: Sequence[int],
    classes: Sequence[str],
    width: int,
    height: int,
    class_colours: Mapping[str, str],
) -> Text:
    """The curve in `width` × `height` cells (axis included), then a caption line; bars take
    the colour of their ABC class in `class_colours`."""
    plot_width = max(1, width - AXIS_WIDTH)
    points = pareto_points(values, plot_width)
    text = Text(no_wrap=True, end="")
    # The row the 80% line crosses, kept below the top row so both labels show.
    target_row = max(0, min(height - 2, int(PARETO_TARGET * height)))
    for row in range(height - 1, -1, -1):  # top line first
        label = {height - 1: "100%", target_row: " 80%", 0: "  0%"}.get(row, "")
        text.append(f"{label:>4} ", style="dim")
        for share, last in points:
            fill = share * height - row  # how much of this cell the bar covers, in lines
            style = class_colours.get(classes[last], "")
            if fill >= 1:
                text.append("█", style=style)
            elif fill > 0:
                text.append(EIGHTHS[max(1, round(fill * 8))], style=style)
            elif row == target_row:
                text.append("┈", style="dim")
            else:
                text.append(" ")
        text.append("\n")
    n = len(values)
    text.append(" " * AXIS_WIDTH)
    caption = _("rank 1 → {n}").format(n=fmt.number(n)) if n else _("no revenue in the window")
    text.append(caption[:plot_width], style="dim")
    return text


class ParetoCurve(Static):
    DEFAULT_CSS = """
    ParetoCurve {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, *, height: int = 8, id: str | None = None) -> None:
        super().__init__(id=id)
        self.plot_height = height
        self._values: Sequence[int] = ()
        self._ranks_abc: Sequence[str] = ()

    def show(self, values: Sequence[int], classes: Sequence[str]) -> None:
        """`values` by rank (largest first) and the ABC class of each rank."""
        self._values, self._ranks_abc = values, classes
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width = self.content_region.width or 60
        colours = theme_colours(self.app.theme_variables, CLASS_COLOURS)
        self.update(pareto_text(self._values, self._ranks_abc, width, self.plot_height, colours))
