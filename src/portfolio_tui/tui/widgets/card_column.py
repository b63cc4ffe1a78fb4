"""One column of a board: a titled stack of cards, drawn line by line so it holds thousands.

The board (the screen) owns the keys and tells each column which card is selected and whether
the column is the one the cursor is in; a click on a card posts `CardColumn.Clicked`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar, overload

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

T = TypeVar("T")
CARD_LINES = 3
CARD_HEIGHT = CARD_LINES + 1  # a blank line between cards


@dataclass(frozen=True, slots=True)
class Card:
    key: str
    lines: tuple[Text, ...]  # CARD_LINES lines


class LazyCards(Sequence[Card], Generic[T]):
    """The cards of `items`, each made when first asked for (drawn, mostly): a column of
    thousands lays out the few on screen, not all of them at each showing (the Pipeline's
    20,000 cards took ~0.5 s to lay out)."""

    def __init__(
        self,
        items: Sequence[T],
        key: Callable[[T], str],
        lines: Callable[[T], tuple[Text, ...]],
    ) -> None:
        self._items, self._key, self._lines = items, key, lines
        self._made: dict[int, Card] = {}

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Card: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Card]: ...

    def __getitem__(self, index: int | slice) -> Card | Sequence[Card]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self._items)
        card = self._made.get(index)
        if card is None:
            item = self._items[index]  # an IndexError past the end, as a list says
            card = self._made[index] = Card(self._key(item), self._lines(item))
        return card


class CardColumn(ScrollView, can_focus=False):
    DEFAULT_CSS = """
    CardColumn {
        height: 1fr;
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    CardColumn > .card-column--card {
        background: $boost;
    }
    CardColumn > .card-column--selected {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    CardColumn.-active > .card-column--selected {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    CardColumn > .card-column--empty {
        color: $text-muted;
        text-style: italic;
    }
    """

    COMPONENT_CLASSES = {
        "card-column--card",
        "card-column--selected",
        "card-column--empty",
    }

    class Clicked(Message):
        def __init__(self, column: CardColumn, index: int) -> None:
            super().__init__()
            self.column = column
            self.index = index

        @property
        def control(self) -> CardColumn:
            return self.column

    def __init__(self, stage: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stage = stage
        self.cards: Sequence[Card] = ()
        self.selected = 0

    def set_cards(self, cards: Sequence[Card], selected: int) -> None:
        self.cards = cards
        self.selected = max(0, min(selected, len(cards) - 1))
        self.virtual_size = Size(self.scrollable_content_region.width, len(cards) * CARD_HEIGHT)
        self.refresh()
        self.call_after_refresh(self.scroll_to_selected)

    def select(self, index: int) -> None:
        self.selected = max(0, min(index, len(self.cards) - 1))
        self.refresh()
        self.scroll_to_selected()

    def set_active(self, active: bool) -> None:
        self.set_class(active, "-active")
        self.refresh()

    def scroll_to_selected(self) -> None:
        if not self.cards:
            return
        top = self.selected * CARD_HEIGHT
        height = self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top + CARD_LINES > self.scroll_y + height:
            self.scroll_to(y=top + CARD_LINES - height, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(
            self.scrollable_content_region.width, len(self.cards) * CARD_HEIGHT
        )

    async def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (round(self.scroll_y) + offset.y) // CARD_HEIGHT
        if 0 <= index < len(self.cards):
            self.post_message(self.Clicked(self, index))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self.cards:
            if y == 0:
                style = base + self.get_component_rich_style("card-column--empty")
                return self._strip(Text(" (none)"), width, style)
            return Strip.blank(width, base)
        absolute = round(self.scroll_y) + y
        index, line = divmod(absolute, CARD_HEIGHT)
        if index >= len(self.cards) or line >= CARD_LINES:
            return Strip.blank(width, base)
        kind = "card-column--selected" if index == self.selected else "card-column--card"
        style = base + self.get_component_rich_style(kind)
        return self._strip(self.cards[index].lines[line], width, style)

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        line = Text(" ", style=style, no_wrap=True, end="")
        line.append_text(text)
        line.truncate(width, overflow="ellipsis")
        # Every segment styled: with NO_COLOR, Textual's monochrome filter reads each style.
        segments = list(Segment.apply_style(line.render(self.app.console), style))
        pad = width - line.cell_len
        if pad > 0:
            segments.append(Segment(" " * pad, style))
        return Strip(segments, width)
