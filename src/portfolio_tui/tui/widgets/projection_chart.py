"""The book in four years as a small bar chart: each projected year, the clients with new ones
(what the rep's prospecting brought so far, carried on) next to the clients without any.

Bars grow in eighths of a line; a dotted line marks the clients of the base year (the last
complete one), so the erosion without prospecting shows against where the book stands.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from rich.text import Text
from textual.widgets import Static

from portfolio_tui.domain.projection import BookProjection
from portfolio_tui.i18n import _
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.tui.theme import theme_colours

EIGHTHS = " ▁▂▃▄▅▆▇█"
AXIS_WIDTH = 5  # "  64 "
BAR_WIDTH = 3
PAIR_WIDTH = 2 * BAR_WIDTH + 1  # the two bars of a year and the gap between them
GROUP_WIDTH = PAIR_WIDTH + 3  # and the gap to the next year
SERIES = ("with", "without")
# Theme variables colouring the two series.
SERIES_COLOURS = {"with": "primary", "without": "error"}


def _cell(value: float, top: float, height: int, row: int) -> str:
    """The glyph of a bar of `value` (on a scale of `top` over `height` lines) at `row`."""
    fill = value / top * height - row if top > 0 else 0
    if fill >= 1:
        return "█"
    if fill > 0:
        return EIGHTHS[max(1, round(fill * 8))]
    return ""


def chart_scale(projection: BookProjection) -> int:
    """The value of the chart's top line: the largest number of clients shown, rounded up."""
    values = [projection.base_clients, *(y.clients for y in projection.years)]
    return max(1, math.ceil(max(values)))


def base_row(projection: BookProjection, height: int) -> int:
    """The line (0 at the bottom) the clients of the base year fall on."""
    top = chart_scale(projection)
    return min(height - 1, max(0, math.ceil(projection.base_clients / top * height) - 1))


def _plot_line(
    projection: BookProjection, height: int, row: int, colours: Mapping[str, str]
) -> Text:
    top = chart_scale(projection)
    on_base = row == base_row(projection, height)
    label = str(top) if row == height - 1 else str(projection.base_clients) if on_base else ""
    filler = "┈" if on_base else " "
    line = Text(f"{label:>{AXIS_WIDTH - 1}} ", style="dim")
    for year in projection.years:
        values = {"with": year.clients, "without": year.clients_without_new}
        for n, series in enumerate(SERIES):
            if n:
                line.append(filler, style="dim")
            glyph = _cell(values[series], top, height, row)
            if glyph:
                line.append(glyph * BAR_WIDTH, style=colours.get(series, ""))
            else:
                line.append(filler * BAR_WIDTH, style="dim")
        line.append(filler * (GROUP_WIDTH - PAIR_WIDTH), style="dim")
    return line


def projection_text(projection: BookProjection, height: int, colours: Mapping[str, str]) -> Text:
    """The chart in `height` lines, the years, the clients of each year with and without new
    ones (one line each, in their series' colour), and the legend."""
    lines = [_plot_line(projection, height, row, colours) for row in range(height - 1, -1, -1)]
    years = Text(" " * AXIS_WIDTH)
    for year in projection.years:
        years.append(f"{year.year:^{PAIR_WIDTH}}".ljust(GROUP_WIDTH), style="bold")
    lines.append(years)
    for series in SERIES:
        values = Text(" " * AXIS_WIDTH)
        for year in projection.years:
            clients = year.clients if series == "with" else year.clients_without_new
            values.append(f"{fmt.number(clients, 1):^{PAIR_WIDTH}}".ljust(GROUP_WIDTH),
                          style=colours.get(series, ""))  # fmt: skip
        lines.append(values)
    new = fmt.number(projection.new_per_year, 1)
    lines.append(Text.assemble(("█ ", colours.get("with", "")),
                               _("with new clients ({new} a year)").format(new=new)))  # fmt: skip
    lines.append(Text.assemble(("█ ", colours.get("without", "")), _("without prospecting")))
    churn = fmt.percent(projection.churn_rate, 0)
    base = _("┈ {clients} clients in {year}, {churn} of them lost a year").format(
        clients=projection.base_clients, year=projection.base_year, churn=churn
    )
    lines.append(Text(base, style="dim"))
    text = Text("\n", no_wrap=True, end="").join(lines)
    text.no_wrap = True
    return text


class ProjectionChart(Static):
    DEFAULT_CSS = """
    ProjectionChart {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, *, height: int = 5, id: str | None = None) -> None:
        super().__init__(id=id)
        self.plot_height = height
        self.projection: BookProjection | None = None

    def show(self, projection: BookProjection | None) -> None:
        """Draw `projection`; None says there is not enough history for one."""
        self.projection = projection
        if projection is None:
            self.update(
                Text(
                    _("Not enough history yet: the projection needs a complete year that "
                      "started with clients."),
                    style="italic",
                )
            )  # fmt: skip
            return
        colours = theme_colours(self.app.theme_variables, SERIES_COLOURS)
        self.update(projection_text(projection, self.plot_height, colours))
