"""A `VirtualTable` whose rows come in groups, each under a heading row: its name, then its
count, in the group's colour. Today's agenda and its deals section are two of them.

The cursor never rests on a heading: it steps over it in the direction it was moving (up onto
the first heading, it goes down to the row below).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from rich.text import Text

from portfolio_tui.i18n import _
from portfolio_tui.tui.theme import theme_colour
from portfolio_tui.tui.widgets.virtual_table import VirtualTable

T = TypeVar("T")
GROUP_PREFIX = "group:"  # a heading's row key: the prefix, then the group's name


@dataclass(frozen=True, slots=True)
class GroupHeading:
    name: str  # the msgid (N_()), translated when drawn
    count: int


def heading_key(heading: GroupHeading) -> str:
    return GROUP_PREFIX + heading.name


class GroupedTable(VirtualTable[T]):
    """Rows of `T`, `GroupHeading`s among them."""

    # The theme variable colouring each group's heading, by the group's name.
    GROUP_COLOURS: ClassVar[Mapping[str, str]] = {}

    def validate_cursor_row(self, row: int) -> int:
        row = super().validate_cursor_row(row)
        rows = self._items
        if not 0 <= row < len(rows) or not isinstance(rows[row], GroupHeading):
            return row
        forward = row >= self.cursor_row
        for step in (1, -1) if forward else (-1, 1):
            probe = row + step
            while 0 <= probe < len(rows):
                if not isinstance(rows[probe], GroupHeading):
                    return probe
                probe += step
        return row

    def heading_cells(self, heading: GroupHeading) -> tuple[Text, Text]:
        """The name in bold, then the count, in the group's colour."""
        colour = theme_colour(self.app.theme_variables, self.GROUP_COLOURS.get(heading.name, ""))
        return Text(_(heading.name), style=f"bold {colour}"), Text(f"{heading.count}", style=colour)
