"""The widgets and helpers behind the Portfolio, Pipeline and Dashboard screens: amounts,
theme colours, the Pareto curve, the R × F grid, the virtual table and the refresher."""

from __future__ import annotations

import threading

from analysis_helpers import plain
from rich.text import Text
from textual.app import App, ComposeResult

from portfolio_tui.domain.rfm import RfmScore, segment_for
from portfolio_tui.domain.settings import Settings
from portfolio_tui.tui.screens.refresher import Refresher
from portfolio_tui.tui.text import short_money, whole_money
from portfolio_tui.tui.theme import theme_colour
from portfolio_tui.tui.widgets.pareto import pareto_points, pareto_text
from portfolio_tui.tui.widgets.rf_grid import rf_counts, rf_grid_table, segment_legend
from portfolio_tui.tui.widgets.virtual_table import TableColumn, VirtualTable

EUR = Settings()
FRENCH = Settings(decimal_comma=True)
NBSP = "\u00a0"


def test_whole_money_rounds_to_units_in_the_reps_style():
    assert whole_money(32_533_410, EUR) == "€325,334"
    assert whole_money(-32_533_450, EUR) == "-€325,335"
    assert whole_money(49, EUR) == "€0"
    assert whole_money(32_533_410, FRENCH) == f"325{NBSP}334{NBSP}€"
    assert whole_money(0, Settings(currency="CHF")) == f"CHF{NBSP}0"


def test_short_money_for_cards():
    assert short_money(None, EUR) == "—"
    assert short_money(95_000, EUR) == "€950"
    assert short_money(99_949, EUR) == "€999"
    assert short_money(99_999, EUR) == "€1.0k"
    assert short_money(8_512_300, EUR) == "€85k"
    assert short_money(140_761_200, EUR) == "€1.4M"
    assert short_money(-32_533_410, EUR) == "-€325k"
    assert short_money(140_761_200, FRENCH) == f"1,4M{NBSP}€"


def test_theme_colour_gives_plain_hex_or_nothing():
    variables = {"a": "auto 60%", "b": "#E0E0E099", "surface": "#1E1E1E", "c": "#4EBF71"}
    assert theme_colour(variables, "c") == "#4EBF71"
    assert theme_colour(variables, "a") == ""
    assert theme_colour(variables, "missing") == ""
    blended = theme_colour(variables, "b")
    assert blended.startswith("#") and len(blended) == 7 and blended != "#E0E0E0"


def test_pareto_points_stretch_or_bucket_ranks_to_the_width():
    stretched = pareto_points([5, 3, 2], 6)
    assert stretched == [(0.5, 0), (0.5, 0), (0.8, 1), (0.8, 1), (1.0, 2), (1.0, 2)]
    many = pareto_points(list(range(100, 0, -1)), 4)
    assert [last for _, last in many] == [24, 49, 74, 99]
    shares = [share for share, _ in many]
    assert shares == sorted(shares) and shares[-1] == 1.0
    assert pareto_points([], 10) == [] and pareto_points([0, 0], 10) == []


def test_pareto_text_draws_a_rising_curve_with_the_80_percent_line():
    values = [50, 20, 10, 10, 5, 5]
    text = pareto_text(values, ["A", "A", "B", "B", "C", "C"], 17, 5, {})
    lines = text.plain.splitlines()
    assert len(lines) == 6 and lines[-1].strip() == "rank 1 → 6"
    assert lines[0].startswith("100%") and lines[4].startswith("  0%")
    assert any(line.startswith(" 80%") for line in lines)
    bottom = lines[4][5:]
    assert set(bottom) == {"█"}  # every rank has at least 1/5 of the revenue cumulated
    top = lines[0][5:]
    assert top.rstrip()[-1] == "█" and top[0] == " "  # only the last ranks reach 100%


def _score(r: int, f: int, m: int = 3) -> RfmScore:
    return RfmScore(10, f, 100, r, f, m, segment_for(r, f))


def test_rf_grid_counts_and_legend():
    scores = [_score(5, 5), _score(5, 5), _score(1, 1), _score(3, 3)]
    counts = rf_counts(scores)
    assert counts[(5, 5)] == 2 and counts[(1, 1)] == 1 and counts[(2, 2)] == 0
    grid = plain(rf_grid_table(counts), width=40)
    r5 = next(line for line in grid.splitlines() if line.startswith("R5"))
    assert r5.split()[1:] == ["0", "0", "0", "0", "2"]
    legend = plain(segment_legend(scores), width=40)
    assert "Champions" in legend and legend.splitlines()[0].rstrip().endswith("2")
    assert len(legend.splitlines()) == 10


class TableApp(App):
    def __init__(self, rows: list[tuple[str, int]]) -> None:
        super().__init__()
        self.rows = rows
        self.selected: list[str] = []
        self.clicked: list[str] = []

    def compose(self) -> ComposeResult:
        yield VirtualTable(
            [TableColumn("name", "Name"), TableColumn("n", "N", 6, "right")],
            lambda row: (Text(row[0]), str(row[1])),
            lambda row: row[0],
        )

    def on_mount(self) -> None:
        self.query_one(VirtualTable).set_items(self.rows)

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        self.selected.append(event.item[0])

    def on_virtual_table_header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        self.clicked.append(event.column_key)


async def test_virtual_table_scrolls_with_the_cursor_and_keeps_it_on_its_row():
    rows = [(f"row {i:05d}", i) for i in range(20_000)]
    app = TableApp(rows)
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        assert table.row_count == 20_000
        assert table.render_line(1).text.startswith(" row 00000")
        await pilot.press("pagedown", "down")
        index = table.cursor_row
        assert index > 1
        assert table.scroll_y <= index < table.scroll_y + table.scrollable_content_region.height
        await pilot.press("end")
        assert table.cursor_row == 19_999
        last_line = table.render_line(table.scrollable_content_region.height - 1).text
        assert "row 19999" in last_line
        # New items keep the cursor on the same row key when it is still there.
        table.set_items(rows[19_990:])
        assert table.cursor_item == rows[19_999] and table.cursor_row == 9
        table.set_items(rows[:5])
        assert table.cursor_row == 0
        # enter belongs to the screen (its binding shows in the footer); a click on the
        # highlighted row selects it.
        await pilot.press("down")
        await pilot.click(VirtualTable, offset=(5, 2))
        assert app.selected == ["row 00001"]
        await pilot.click(VirtualTable, offset=(56, 0))  # the N header, right of a 52-cell name
        assert app.clicked == ["n"]
        table.set_items([])
        await pilot.pause()
        assert table.cursor_item is None
        assert "Nothing to show" in table.render_line(1).text
        await pilot.click(VirtualTable, offset=(5, 1))  # nothing to select: nothing happens
        assert app.selected == ["row 00001"]


class RefreshApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.loads = 0
        self.shown: list[int] = []
        self.gate = threading.Event()
        self.refresher = Refresher(self, self._load, self.shown.append)

    def _load(self) -> int:
        self.gate.wait(5)
        self.loads += 1
        return self.loads


async def test_refresher_merges_requests_and_reruns_once_for_those_made_while_loading():
    app = RefreshApp()
    async with app.run_test() as pilot:
        for _ in range(3):  # mount, and two resumes: one load
            app.refresher.request()
        await pilot.pause()
        assert app.refresher.running
        app.refresher.request()  # asked while loading: exactly one more load
        app.refresher.request()
        app.gate.set()
        for _ in range(10):
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert app.loads == 2
        assert app.shown == [1, 2]
        assert not app.refresher.running
