"""TUI benchmarks, all in one run on the same file:

- time until the first screen is ready, against a bare Textual app showing an empty DataTable;
  each in a fresh process, from launch (target <= 2x). Ready: the first frame painted after the
  agenda table drew its rows (its cells were asked for); an earlier "shown" time is the first
  frame of the Today screen, still loading;
- latency of one keystroke in the Portfolio filter (key posted -> frame computed), median and
  worst over a typing session (target: median <= 100 ms);
- time to open the Dashboard (key -> every panel computed and painted).

    python bench/bench_tui.py            # the reference portfolio: 20,000 accounts, ~1M sales
    python bench/bench_tui.py --smoke    # a tiny portfolio, for CI (seconds)

"Painted" is the moment Textual hands a frame to the driver (`App._display`); the benchmark runs
headless, so writing the escape codes to a terminal is the only step left out, for both apps.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from common import OUT, reference_db

SIZE = (120, 36)
ZONE = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 23, 8, 30, tzinfo=ZONE)  # the demo is generated around this day
# What a rep types: narrowing, widening with backspace, a second word, starting over.
TYPING = ["l", "y", "o", "n", "backspace", "backspace", "backspace", "backspace",
          "s", "a", "s", "space", "m", "backspace", "backspace", "backspace", "backspace",
          "backspace", "d", "u", "p", "o", "n", "t", "backspace", "backspace", "backspace",
          "backspace", "backspace", "backspace", "p", "h", "a", "r", "m", "a"]  # fmt: skip


def clock() -> datetime:
    return NOW


class FrameClock:
    """Records when the app hands a frame to its driver, and the wall-clock time of the first
    frame painted while each watched condition holds (that frame shows it)."""

    def __init__(self, app, watches: dict[str, Callable[[], bool]] | None = None) -> None:
        self.times: list[float] = []
        self.watches = dict(watches or {})
        self.seen: dict[str, float] = {}
        display = app._display

        def recording(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is None:
                return
            self.times.append(time.perf_counter())
            for name, condition in self.watches.items():
                if name not in self.seen and _holds(condition):
                    self.seen[name] = time.time()

        app._display = recording

    def first_after(self, start: float) -> float | None:
        return next((t for t in self.times if t >= start), None)

    def last_after(self, start: float) -> float | None:
        later = [t for t in self.times if t >= start]
        return later[-1] if later else None


def _holds(condition: Callable[[], bool]) -> bool:
    try:
        return condition()
    except Exception:  # e.g. a query while the screen is still being built
        return False


async def until(condition: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.02)


async def settle(frames: FrameClock, quiet: float = 0.15) -> None:
    """Wait until no frame has been painted for `quiet` seconds."""
    while True:
        await asyncio.sleep(quiet)
        if not frames.times or time.perf_counter() - frames.times[-1] >= quiet:
            return


# --- first screen, in a fresh process ----------------------------------------------------------


def child_first_screen(kind: str, db: str) -> None:
    """Run in a subprocess: start the app, print the wall-clock times of its first frame and of
    the first frame that shows the ready screen, exit."""

    async def main() -> None:
        if kind == "bare":
            from textual.app import App
            from textual.widgets import DataTable

            class Bare(App):
                def compose(self):
                    yield DataTable()

            app = Bare()

            def shown() -> bool:
                return app.screen.query_one(DataTable).is_mounted

            ready = shown
        else:
            from portfolio_tui.domain.settings import Settings
            from portfolio_tui.tui.app import make_app
            from portfolio_tui.tui.screens.today import TodayScreen
            from portfolio_tui.tui.widgets.agenda_table import AgendaTable

            # Rows drawn: the table asks for the cells of each row it draws, at paint time.
            drawn: list[object] = []
            cells = AgendaTable.cells

            def counted_cells(table, row):
                drawn.append(row)
                return cells(table, row)

            AgendaTable.cells = counted_cells  # type: ignore[method-assign]
            app = make_app(Path(db), clock=clock, tz=ZONE, settings=Settings())

            def shown() -> bool:
                return isinstance(app.screen, TodayScreen)

            def ready() -> bool:
                return shown() and app.screen.agenda is not None and bool(drawn)

        frames = FrameClock(app, {"shown": shown, "ready": ready})
        async with app.run_test(size=SIZE) as pilot:
            await until(lambda: len(frames.seen) == 2)
            if kind != "bare":  # start-up made one load, not one per resume
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert app.screen.loads == 1, f"Today loaded {app.screen.loads} times"
            print(json.dumps(frames.seen), flush=True)
            await pilot.pause()
            app.exit()

    asyncio.run(main())


def first_screen_seconds(kind: str, db: Path) -> dict[str, float]:
    """{"shown": first frame of the first screen, "ready": first frame with its data}, in
    seconds from launching the process."""
    started = time.time()
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(db)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    times = json.loads(done.stdout.strip().splitlines()[-1])
    return {name: at - started for name, at in times.items()}


def median_of(runs: list[dict[str, float]], name: str) -> float:
    return statistics.median(run[name] for run in runs)


# --- a keystroke in a bare Textual Input, for scale ------------------------------------------


async def bare_input_keystrokes() -> list[float]:
    """Latency of each TYPING key in an app that only echoes an Input into a Static."""
    from textual.app import App
    from textual.widgets import Input, Static

    class Echo(App):
        def compose(self):
            yield Input()
            yield Static(id="echo")

        def on_input_changed(self, event: Input.Changed) -> None:
            self.query_one("#echo", Static).update(event.value)

    app = Echo()
    latencies = []
    frames = FrameClock(app)
    async with app.run_test(size=SIZE) as pilot:
        field = app.query_one(Input)
        field.cursor_blink = False
        await settle(frames)
        text = ""
        for n, key in enumerate(TYPING):
            text = typed(text, key)

            def echoed(expected: str = text) -> bool:
                return str(app.query_one("#echo", Static).content) == expected

            latencies.append(await timed(pilot, frames, f"key {n}", key, echoed))
    return latencies


# --- filter keystrokes and the dashboard, in this process ----------------------------------------


async def timed(pilot, frames: FrameClock, name: str, key: str, shown: Callable[[], bool]) -> float:
    """Seconds from pressing `key` to the first frame painted while `shown()` holds."""
    frames.watches[name] = shown
    started = time.time()
    await pilot.press(key)
    await until(lambda: name in frames.seen)
    await settle(frames, quiet=0.05)
    return frames.seen[name] - started


def typed(text: str, key: str) -> str:
    if key == "backspace":
        return text[:-1]
    return text + (" " if key == "space" else key)


async def session(db: Path) -> dict[str, object]:
    from textual.widgets import Input

    from portfolio_tui.domain.settings import Settings
    from portfolio_tui.tui.app import make_app
    from portfolio_tui.tui.screens.dashboard import DashboardScreen
    from portfolio_tui.tui.screens.portfolio import PortfolioScreen
    from portfolio_tui.tui.screens.today import TodayScreen

    app = make_app(db, clock=clock, tz=ZONE, settings=Settings())
    result: dict[str, object] = {}
    frames = FrameClock(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, TodayScreen) and app.screen.agenda is not None)
        await settle(frames)

        def portfolio_shown() -> bool:
            return isinstance(app.screen, PortfolioScreen) and app.screen.view is not None

        result["portfolio_open"] = await timed(pilot, frames, "portfolio", "2", portfolio_shown)
        screen = app.screen
        result["accounts"] = len(screen.view.all_rows)
        await pilot.press("slash")
        screen.query_one("#portfolio-filter", Input).cursor_blink = False  # only keys paint
        await settle(frames)

        latencies = []
        text = ""
        for n, key in enumerate(TYPING):
            text = typed(text, key)

            def filtered(expected: str = text) -> bool:
                return screen.filters.text == expected

            latencies.append(await timed(pilot, frames, f"key {n}", key, filtered))
        result["keystrokes"] = latencies
        result["filtered_rows"] = screen.table.row_count

        await pilot.press("escape")
        await settle(frames)

        def dashboard_shown() -> bool:
            screen = app.screen
            return (
                isinstance(screen, DashboardScreen) and screen.data is not None and not screen.busy
            )

        result["dashboard_open"] = await timed(pilot, frames, "dashboard", "5", dashboard_shown)

        def quarter_shown() -> bool:
            return app.screen.data.period == "quarter" and not app.screen.busy

        result["dashboard_period"] = await timed(pilot, frames, "quarter", "p", quarter_shown)
    app.portfolio.close()
    return result


# --- report ------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER TARGET"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny portfolio, for CI")
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="first-screen launches per app")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_first_screen(*args.child)
        return 0

    accounts = 300 if args.smoke else args.accounts
    repeat = 1 if args.smoke else args.repeat
    db, _ = reference_db(accounts)
    first_screen_seconds("bare", db)  # warm the page cache and the imports; not counted
    first_screen_seconds("app", db)
    bare_runs = [first_screen_seconds("bare", db) for _ in range(repeat)]
    app_runs = [first_screen_seconds("app", db) for _ in range(repeat)]
    bare = median_of(bare_runs, "ready")
    shown, ours = median_of(app_runs, "shown"), median_of(app_runs, "ready")
    figures = asyncio.run(session(db))
    keys = [t * 1000 for t in figures["keystrokes"]]  # type: ignore[union-attr]
    median_key, worst_key = statistics.median(keys), max(keys)
    echo = [t * 1000 for t in asyncio.run(bare_input_keystrokes())]

    rows = [
        ("bare Textual app, empty DataTable painted", f"{bare:.2f} s", "", ""),
        ("Today's first frame (agenda loading)", f"{shown:.2f} s", "",
         f"{shown / bare:.2f}x bare"),
        ("Today painted with its agenda rows", f"{ours:.2f} s", "<= 2.0x bare",
         f"{ours / bare:.2f}x {verdict(ours <= 2 * bare)}"),
        ("Portfolio screen open (all rows)", f"{figures['portfolio_open']:.2f} s", "", ""),
        (f"filter keystroke, median of {len(keys)}", f"{median_key:.0f} ms", "<= 100 ms",
         verdict(median_key <= 100)),
        ("filter keystroke, worst", f"{worst_key:.0f} ms", "", ""),
        ("bare Textual Input keystroke, median", f"{statistics.median(echo):.0f} ms", "",
         f"filter = {median_key / statistics.median(echo):.2f}x"),
        ("Dashboard open (every panel)", f"{figures['dashboard_open']:.2f} s", "", ""),
        ("Dashboard period switch", f"{figures['dashboard_period']:.2f} s", "", ""),
    ]  # fmt: skip
    print(f"TUI benchmark: {figures['accounts']:,} accounts in {db.name}, {SIZE[0]}x{SIZE[1]}, "
          f"first screen: median of {repeat} launches")  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    OUT.mkdir(exist_ok=True)
    report = {
        "accounts": figures["accounts"],
        "first_screen_bare_s": bare,
        "first_screen_app_first_frame_s": shown,
        "first_screen_app_s": ours,
        "first_screen_ratio": ours / bare,
        "filter_keystroke_median_ms": median_key,
        "filter_keystroke_worst_ms": worst_key,
        "bare_input_keystroke_median_ms": statistics.median(echo),
        "portfolio_open_s": figures["portfolio_open"],
        "dashboard_open_s": figures["dashboard_open"],
        "dashboard_period_s": figures["dashboard_period"],
    }
    name = "tui-smoke.json" if args.smoke else "tui.json"
    (OUT / name).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
