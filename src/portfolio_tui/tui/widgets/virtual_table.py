"""A read-only table that renders only the rows on screen, so it holds 20,000 rows and swaps
them (filter, sort) in a few milliseconds.

Textual's DataTable measures every cell of every row it is given: repopulating it with
20,000 accounts takes about 2 s, and even 100 rows cost ~70 ms a keystroke. This widget keeps
the rows as a plain sequence, asks `render_row` for the cells of the lines it draws (cached),
and keeps a cursor, a header that can be clicked to sort (or none: `show_header=False`), and
the usual keys.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from portfolio_tui.domain.text import visible
from portfolio_tui.i18n import N_, gettext
from portfolio_tui.tui.bindings import translate_bindings

T = TypeVar("T")
Cell = Text | str


@dataclass(frozen=True, slots=True)
class TableColumn:
    key: str
    label: str
    width: int | None = None  # None: takes what the fixed columns leave (at least min_width)
    justify: Literal["left", "right", "center"] = "left"
    min_width: int = 12
    # The width (for a flexible column, the minimum) when the table is too narrow for every
    # column at its own width, as at 80 columns; 0 hides the column. None: no change.
    narrow: int | None = None


class VirtualTable(ScrollView, Generic[T], can_focus=True):
    """Rows of any type `T`; `render_row(item)` gives its cells, `row_key(item)` its identity."""

    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
    }
    VirtualTable > .virtual-table--header {
        text-style: bold;
        background: $panel;
        color: $foreground;
    }
    VirtualTable > .virtual-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    VirtualTable:focus > .virtual-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    VirtualTable > .virtual-table--even-row {
        background: $surface-lighten-1 50%;
    }
    VirtualTable:dark > .virtual-table--even-row {
        background: $surface-darken-1 40%;
    }
    VirtualTable > .virtual-table--empty {
        color: $text-muted;
        text-style: italic;
    }
    """

    COMPONENT_CLASSES = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--empty",
        "virtual-table--even-row",
    }

    BINDINGS = [
        Binding("up", "cursor(-1)", N_("Up"), show=False, id="table.up"),
        Binding("down", "cursor(1)", N_("Down"), show=False, id="table.down"),
        Binding("pageup", "page(-1)", N_("Page up"), show=False, id="table.page_up"),
        Binding("pagedown", "page(1)", N_("Page down"), show=False, id="table.page_down"),
        Binding("home", "first", N_("First row"), show=False, id="table.first"),
        Binding("end", "last", N_("Last row"), show=False, id="table.last"),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, table: VirtualTable, item: object | None, index: int) -> None:
            super().__init__()
            self.table = table
            self.item = item
            self.index = index

        @property
        def control(self) -> VirtualTable:
            return self.table

    class Selected(Message):
        def __init__(self, table: VirtualTable, item: object, index: int) -> None:
            super().__init__()
            self.table = table
            self.item = item
            self.index = index

        @property
        def control(self) -> VirtualTable:
            return self.table

    class HeaderClicked(Message):
        def __init__(self, table: VirtualTable, column_key: str) -> None:
            super().__init__()
            self.table = table
            self.column_key = column_key

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[TableColumn],
        render_row: Callable[[T], Sequence[Cell]],
        row_key: Callable[[T], str],
        *,
        empty_text: str = N_("Nothing to show"),
        zebra_stripes: bool = False,
        show_header: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        translate_bindings(self)
        self.columns = list(columns)
        self._render_row = render_row
        self._row_key = row_key
        self.empty_text = empty_text
        self.zebra_stripes = zebra_stripes  # rows 0, 2, 4… take the even-row style
        self._header = 1 if show_header else 0  # the lines the header takes, at the top
        self._items: Sequence[T] = ()
        self._sort: tuple[str, bool] | None = None
        self._cells: LRUCache[str, Sequence[Cell]] = LRUCache(2048)
        self._lines: LRUCache[tuple[str, int, bool, bool], Strip] = LRUCache(1024)
        self._styles: dict[str, Style] = {}

    # --- data ---------------------------------------------------------------------------------

    @property
    def items(self) -> Sequence[T]:
        return self._items

    @property
    def row_count(self) -> int:
        return len(self._items)

    @property
    def cursor_item(self) -> T | None:
        if 0 <= self.cursor_row < len(self._items):
            return self._items[self.cursor_row]
        return None

    def set_items(self, items: Sequence[T], *, keep_cursor_on: str | None = None) -> None:
        """Show `items`; the cursor stays on the row with key `keep_cursor_on` (by default the
        row it was on) when it is still there, else it goes to the top."""
        current = self.cursor_item
        wanted = keep_cursor_on or (self._row_key(current) if current is not None else None)
        self._items = items
        index = 0
        if wanted is not None:
            index = next((i for i, it in enumerate(items) if self._row_key(it) == wanted), 0)
        self._update_virtual_size()
        self.cursor_row = index
        self.refresh()

    def invalidate(self) -> None:
        """Forget the cached cells (after the rows' contents changed)."""
        self._cells.clear()
        self._lines.clear()
        self.refresh()

    def set_sort_indicator(self, column_key: str | None, descending: bool = False) -> None:
        self._sort = (column_key, descending) if column_key else None
        self.refresh_line(0)

    def move_cursor_to(self, key: str) -> bool:
        for i, item in enumerate(self._items):
            if self._row_key(item) == key:
                self.cursor_row = i
                return True
        return False

    # --- geometry -----------------------------------------------------------------------------

    def _column_widths(self, width: int) -> list[int]:
        widths = self._widths_within(width, narrow=False)
        if sum(widths) + len(widths) > width:
            return self._widths_within(width, narrow=True)
        return widths

    def _widths_within(self, width: int, *, narrow: bool) -> list[int]:
        """Each column's width (0: hidden); the flexible ones share what the others leave."""

        def own(column: TableColumn) -> int | None:
            if narrow and column.narrow is not None and column.width is not None:
                return column.narrow
            return column.width

        def least(column: TableColumn) -> int:
            if narrow and column.narrow is not None and column.width is None:
                return column.narrow
            return column.min_width

        fixed = [own(c) for c in self.columns]
        gaps = sum(1 for w in fixed if w != 0)  # one space before every column shown
        spare = max(0, width - sum(w for w in fixed if w is not None) - gaps)
        flexible = fixed.count(None)
        share = spare // flexible if flexible else 0
        return [
            w if w is not None else max(least(c), share)
            for c, w in zip(self.columns, fixed, strict=True)
        ]

    def _update_virtual_size(self) -> None:
        region = self.scrollable_content_region
        width = region.width
        lines = len(self._items) + self._header
        if not self.show_vertical_scrollbar and lines > region.height:
            # The vertical bar about to appear narrows the lines: sized for the width without
            # it, they would be one too wide and bring a horizontal bar over the last row.
            width -= self.styles.scrollbar_size_vertical
        widths = self._column_widths(width)
        shown = sum(1 for w in widths if w)
        self.virtual_size = Size(sum(widths) + shown, lines)

    def on_resize(self, event: events.Resize) -> None:
        self._lines.clear()
        self._update_virtual_size()

    @property
    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - self._header)

    # --- cursor -------------------------------------------------------------------------------

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self._items) - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh()
        self._scroll_cursor_into_view()
        self.post_message(self.Highlighted(self, self.cursor_item, new))

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_y)
        row = self.cursor_row
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + self._visible_rows:
            self.scroll_to(y=row - self._visible_rows + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.cursor_row += delta

    def action_page(self, direction: int) -> None:
        self.cursor_row += direction * self._visible_rows

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self._items) - 1

    def action_select(self) -> None:
        item = self.cursor_item
        if item is not None:
            self.post_message(self.Selected(self, item, self.cursor_row))

    async def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y < self._header:
            key = self._column_at(offset.x + round(self.scroll_x))
            if key is not None:
                self.post_message(self.HeaderClicked(self, key))
            return
        row = round(self.scroll_y) + offset.y - self._header
        if 0 <= row < len(self._items):
            if row == self.cursor_row:
                self.action_select()
            else:
                self.cursor_row = row

    def _column_at(self, x: int) -> str | None:
        left = 0
        for column, width in zip(
            self.columns, self._column_widths(self.scrollable_content_region.width), strict=True
        ):
            if not width:
                continue
            if left <= x < left + width + 1:
                return column.key
            left += width + 1
        return None

    # --- rendering ----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_styles()

    # Textual's own focus handlers run too (every class's handler is called): these only add.
    def on_focus(self, event: events.Focus) -> None:
        self._forget_styles()  # the cursor's colours depend on focus

    def on_blur(self, event: events.Blur) -> None:
        self._forget_styles()

    def _forget_styles(self) -> None:
        self._styles.clear()
        self._lines.clear()
        self.refresh()

    def _style(self, part: str) -> Style:
        """The widget's style, plus a component's when `part` is given; computing a style walks
        up the DOM, so it is done once per style change, not once per line."""
        style = self._styles.get(part)
        if style is None:
            style = self.rich_style
            if part:
                style += self.get_component_rich_style(f"virtual-table--{part}")
            self._styles[part] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        base = self._style("")
        if y < self._header:
            line = self._header_line(width)
        elif not self._items:
            return self._empty_line(width) if y == self._header else Strip.blank(width, base)
        else:
            index = scroll_y + y - self._header
            if index >= len(self._items):
                return Strip.blank(width, base)
            line = self._row_line(index, width)
        return line.crop_extend(scroll_x, scroll_x + width, base)

    def _cells_of(self, item: T) -> Sequence[Cell]:
        key = self._row_key(item)
        cells = self._cells.get(key)
        if cells is None:
            cells = self._render_row(item)
            self._cells[key] = cells
        return cells

    def _row_line(self, index: int, width: int) -> Strip:
        item = self._items[index]
        is_cursor = index == self.cursor_row
        even = self.zebra_stripes and index % 2 == 0
        cache_key = (self._row_key(item), width, is_cursor, even)
        cached = self._lines.get(cache_key)
        if cached is not None:
            return cached
        style = self._style("cursor" if is_cursor else "even-row" if even else "")
        strip = self._strip(self._cells_of(item), width, style)
        if is_cursor:
            strip = self._cursor_colours(strip, style)
        self._lines[cache_key] = strip
        return strip

    def _header_line(self, width: int) -> Strip:
        labels: list[Cell] = []
        for column in self.columns:
            label = gettext(column.label) if column.label else ""  # marked N_() by the caller
            if self._sort and self._sort[0] == column.key:
                label = f"{label} {'▼' if self._sort[1] else '▲'}"
            labels.append(label)
        style = self._style("header")
        return self._strip(labels, width, style)

    def _empty_line(self, width: int) -> Strip:
        style = self._style("empty")
        text = Text(f" {gettext(self.empty_text)}", style=style, no_wrap=True, end="")
        text.truncate(width, pad=True)
        # Every segment styled: with NO_COLOR, Textual's monochrome filter reads each style.
        return Strip(Segment.apply_style(text.render(self.app.console), style), width)

    @staticmethod
    def _cursor_colours(strip: Strip, style: Style) -> Strip:
        """On the cursor row, text takes the cursor's colour (coloured words on its background
        were hard to read); badges, which bring their own background, keep theirs."""
        colour = Style(color=style.color)
        return Strip(
            [
                Segment(text, seg_style + colour, control)
                if seg_style is not None and seg_style.bgcolor == style.bgcolor
                else Segment(text, seg_style, control)
                for text, seg_style, control in strip
            ],
            strip.cell_length,
        )

    def _strip(self, cells: Sequence[Cell], width: int, style: Style) -> Strip:
        """One line: each cell rendered on its own (so a cell stays one run of segments, and an
        SVG export keeps the columns apart), over the line's `style`."""
        console = self.app.console
        widths = self._column_widths(width)
        gap = Segment(" ", style)
        segments: list[Segment] = []
        total = 0
        for column, cell, cell_width in zip(self.columns, cells, widths, strict=False):
            if not cell_width:
                continue  # hidden on a narrow table
            text = cell.copy() if isinstance(cell, Text) else Text(str(cell))
            if (shown := visible(text.plain)) != text.plain:  # controls, bidi overrides
                text = Text(shown, style=text.style)
            text.no_wrap = True
            text.truncate(cell_width, overflow="ellipsis")
            pad = cell_width - text.cell_len
            if column.justify == "right":
                text.pad_left(pad)
            elif column.justify == "center":
                text.pad_left(pad // 2)
                text.pad_right(pad - pad // 2)
            else:
                text.pad_right(pad)
            # Text.render leaves out the text's own style when it has no spans: add it here.
            base = style + console.get_style(text.style) if text.style else style
            segments.append(gap)
            segments.extend(Segment.apply_style(text.render(console), base))
            total += 1 + cell_width
        if total < width:
            segments.append(Segment(" " * (width - total), style))
            total = width
        return Strip(segments, total)

    def refresh_line(self, y: int) -> None:
        self.refresh(Region(0, y, self.size.width, 1))
