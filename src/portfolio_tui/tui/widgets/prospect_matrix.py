"""The seed-method matrix: potential band (rows) × accessibility band (columns), each cell with
its prospect count and the first names to work, coloured by priority."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich import box
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from portfolio_tui.domain.prospects import BANDS, RankedProspect, priority_of
from portfolio_tui.i18n import _, ngettext, pgettext
from portfolio_tui.tui.theme import theme_colour


def band_label(band: str) -> str:
    """A potential or accessibility band: "high" / "haut"."""
    labels = {
        "high": pgettext("band", "high"),
        "medium": pgettext("band", "medium"),
        "low": pgettext("band", "low"),
    }
    return labels.get(band, band)


NAMES_PER_CELL = 3
# Theme variables colouring each priority (1 = work first).
PRIORITY_COLOURS = {1: "success", 2: "success", 3: "warning", 4: "foreground", 5: "foreground"}


class ProspectMatrix(Static):
    DEFAULT_CSS = """
    ProspectMatrix {
        height: auto;
        padding: 0 1;
    }
    """

    def show(self, cells: Mapping[tuple[str, str], Sequence[RankedProspect]]) -> None:
        table = Table(
            box=box.SIMPLE_HEAD,
            show_lines=True,
            expand=True,
            padding=(0, 1),
            show_edge=False,
            title_justify="left",
        )
        table.add_column(Text(_("potential"), style="bold"), width=10, no_wrap=True)
        for band in BANDS:
            head = _("accessibility {band}").format(band=band_label(band))
            table.add_column(Text(head, style="bold"), ratio=1, no_wrap=True)
        for p_band in BANDS:
            row: list[Text] = [Text(band_label(p_band), style="bold")]
            for a_band in BANDS:
                members = cells.get((p_band, a_band), ())
                priority = priority_of(p_band, a_band)
                colour = theme_colour(self.app.theme_variables, PRIORITY_COLOURS[priority])
                cell = Text()
                count = ngettext("{count} prospect", "{count} prospects", len(members))
                cell.append(count.format(count=len(members)), style=f"bold {colour}")
                cell.append("  " + _("priority {n}").format(n=priority), style="dim")
                for member in members[:NAMES_PER_CELL]:
                    cell.append(f"\n#{member.rank} {member.name}")
                row.append(cell)
            table.add_row(*row)
        self.update(table)
