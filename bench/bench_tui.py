"""TUI benchmarks, as a user sees them: from the key press (or the process start) to the first
frame that shows the result, driven by Pilot, all in one run on the same file.

- Today painted with its agenda rows, from process start, against a bare Textual app showing an
  empty DataTable, each in a fresh process (median of --repeat launches); and Today's first
  frame, still loading;
- in one session in a fresh process, on a copy of the file (it saves): Portfolio open, filter
  keystrokes (against a bare Input echoed into a Static), Dashboard open and period switch,
  Pipeline open, screen switches once every screen is loaded (to the first frame of the screen,
  and to the first frame with its reload done), a row updated after a save (snooze on Today:
  ctrl+s to the frame where the follow-up left its group), and the session's peak memory.

    python bench/bench_tui.py            # the reference portfolio: 20,000 accounts, ~1M sales
    python bench/bench_tui.py --smoke    # a tiny portfolio, for CI (seconds)

"Painted" is the moment Textual hands a frame to the driver (`App._display`); the benchmark runs
headless, so writing the escape codes to a terminal is the only step left out, for both apps.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from common import OUT, Figure, load_average, print_table, reference_db, remove, write_json

SIZE = (120, 36)
SWITCH_ROUNDS = 2  # each screen switched to this many times, once all are loaded
SAVES = 3
DASHBOARD_LIMIT = 120.0  # seconds; `until`'s timeout
SMOKE_KEYS = 8  # keystrokes typed in a smoke run
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


async def bare_input_keystrokes(keys: list[str]) -> list[float]:
    """Latency of each key in an app that only echoes an Input into a Static."""
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
        for n, key in enumerate(keys):
            text = typed(text, key)

            def echoed(expected: str = text) -> bool:
                return str(app.query_one("#echo", Static).content) == expected

            latencies.append(await timed(pilot, frames, f"key {n}", key, echoed))
    return latencies


# --- filter keystrokes and the dashboard, in this process ----------------------------------------


async def timed(pilot, frames: FrameClock, name: str, key: str, shown: Callable[[], bool]) -> float:
    """Seconds from pressing `key` to the first frame painted while `shown()` holds."""
    return (await timed_watches(pilot, frames, key, {name: shown}))[name]


async def timed_watches(
    pilot, frames: FrameClock, key: str, watches: dict[str, Callable[[], bool]]
) -> dict[str, float]:
    """Press `key`; for each watch, seconds to the first frame painted while it holds."""
    frames.watches.update(watches)
    started = time.time()
    await pilot.press(key)
    await until(lambda: all(name in frames.seen for name in watches))
    await settle(frames, quiet=0.05)
    return {name: frames.seen[name] - started for name in watches}


def typed(text: str, key: str) -> str:
    if key == "backspace":
        return text[:-1]
    return text + (" " if key == "space" else key)


def current(screen, kind: type) -> bool:
    """`screen` is a `kind` whose data is loaded, with no load running or scheduled: the frame
    shows what the database holds."""
    if not isinstance(screen, kind) or not getattr(screen, "loaded", True):
        return False
    refresher = getattr(screen, "_refresher", None)
    scheduled = bool(getattr(refresher, "scheduled", False))
    return not (
        getattr(screen, "load_pending", False) or scheduled or getattr(screen, "busy", False)
    )


def resumed(screen) -> tuple[int, int]:
    """Grows with each resume handled: (loads asked, resumes that found the data current)."""
    return screen._refresher.wanted, getattr(screen, "resumes_unchanged", 0)


async def screen_switches(
    app, pilot, frames: FrameClock, modes: dict[str, type], rounds: int
) -> dict:
    """Every screen loaded once, then switched to in turn: seconds from the key to the first
    frame showing it, and to the first frame showing it current (its reload done)."""
    shown, fresh = [], []
    for round_ in range(rounds):
        for key, kind in modes.items():
            if isinstance(app.screen, kind):
                continue
            name = f"switch {round_} {key}"
            # Current once its resume was handled: the reload it asked for is shown, or it found
            # the data shown still current. A frame painted before the resume was handled
            # showed the old data and passed for current (the figures before 3 December 2026
            # measured that frame).
            asked = {id(s): resumed(s) for stack in app._screen_stacks.values()
                     for s in stack if hasattr(s, "_refresher")}  # fmt: skip

            def reloaded(kind=kind, asked=asked) -> bool:
                screen = app.screen
                return current(screen, kind) and resumed(screen) > asked.get(id(screen), (0, 0))

            seen = await timed_watches(pilot, frames, key, {
                name + " shown": lambda kind=kind: isinstance(app.screen, kind),
                name: reloaded,
            })  # fmt: skip
            shown.append(seen[name + " shown"])
            fresh.append(seen[name])
    return {"switch_shown": shown, "switch_current": fresh}


async def saves(
    app, pilot, frames: FrameClock, today: type, count: int
) -> tuple[list[float], list[float]]:
    """Snooze an overdue or today's follow-up (`s`, then ctrl+s in the form, `+1d`): seconds
    from ctrl+s to the first frame where Today's table no longer lists it there (what the rep
    sees), and to the first frame where the reload that follows is shown too (the database's
    truth on screen)."""
    from portfolio_tui.tui.widgets.agenda_table import row_key

    await pilot.press("1")
    await until(lambda: current(app.screen, today))
    shown_latencies, reloaded_latencies = [], []
    for n in range(count):
        screen = app.screen
        due = [i for i in (*screen.agenda.overdue, *screen.agenda.due_today) if i.follow_up_id]
        if not due:
            break
        item = due[0]
        key = row_key(item)
        screen.table.move_cursor_to(key)
        await pilot.press("s")
        await until(lambda: type(app.screen).__name__ == "SnoozeForm")
        await settle(frames)

        def on_screen(old_key: str = key, day=item.due_on) -> bool:
            shown = app.screen
            if not isinstance(shown, today):
                return False
            rows = [r for r in shown.table.items if row_key(r) == old_key]
            return all(getattr(r, "due_on", None) != day for r in rows)

        def reloaded(fu: str = item.follow_up_id) -> bool:
            shown = app.screen
            if not current(shown, today) or shown.agenda is None:
                return False
            agenda = shown.agenda
            return all(i.follow_up_id != fu for i in (*agenda.overdue, *agenda.due_today))

        seen = await timed_watches(
            pilot, frames, "ctrl+s", {f"save {n}": on_screen, f"save {n} reloaded": reloaded}
        )
        shown_latencies.append(seen[f"save {n}"])
        reloaded_latencies.append(seen[f"save {n} reloaded"])
    return shown_latencies, reloaded_latencies


async def filter_keystrokes(app, pilot, frames: FrameClock, keys: list[str]) -> list[float]:
    from textual.widgets import Input

    screen = app.screen
    await pilot.press("slash")
    screen.query_one("#portfolio-filter", Input).cursor_blink = False  # only keys paint
    await settle(frames)
    latencies = []
    text = ""
    for n, key in enumerate(keys):
        text = typed(text, key)

        def filtered(expected: str = text) -> bool:
            return screen.filters.text == expected

        latencies.append(await timed(pilot, frames, f"key {n}", key, filtered))
    await pilot.press("escape")
    await settle(frames)
    return latencies


async def dashboard_figures(app, pilot, frames: FrameClock, dashboard: type) -> dict:
    """Dashboard open and period switch; None for a step that took over DASHBOARD_LIMIT."""

    def shown() -> bool:
        return current(app.screen, dashboard) and app.screen.data is not None

    def quarter_shown() -> bool:
        return app.screen.data.period == "quarter" and current(app.screen, dashboard)

    figures: dict[str, float | None] = {"dashboard_open": None, "dashboard_period": None}
    try:
        figures["dashboard_open"] = await timed(pilot, frames, "dashboard", "5", shown)
        figures["dashboard_period"] = await timed(pilot, frames, "quarter", "p", quarter_shown)
    except TimeoutError:
        pass
    return figures


def child_report(app, result: dict[str, object]) -> None:
    """Print the session's figures and peak memory as one JSON line, and end the process,
    the portfolio closed first as the app closes it when it quits."""
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    app.close_portfolio()
    print(json.dumps(result), flush=True)
    os._exit(0)


async def session(db: Path, smoke: bool) -> dict[str, object]:
    from portfolio_tui.domain.settings import Settings
    from portfolio_tui.tui.app import make_app
    from portfolio_tui.tui.screens.dashboard import DashboardScreen
    from portfolio_tui.tui.screens.pipeline import PipelineScreen
    from portfolio_tui.tui.screens.portfolio import PortfolioScreen
    from portfolio_tui.tui.screens.today import TodayScreen

    app = make_app(db, clock=clock, tz=ZONE, settings=Settings())
    keys = TYPING[:SMOKE_KEYS] if smoke else TYPING
    result: dict[str, object] = {}
    frames = FrameClock(app)
    async with app.run_test(size=SIZE) as pilot:
        result["portfolio_open"] = await today_then_portfolio(app, pilot, frames)
        result["accounts"] = len(app.screen.view.all_rows)
        await until(lambda: current(app.screen, PortfolioScreen))
        result["keystrokes"] = await filter_keystrokes(app, pilot, frames, keys)

        result["pipeline_open"] = await timed(
            pilot, frames, "pipeline", "4", lambda: current(app.screen, PipelineScreen)
        )
        modes = {"1": TodayScreen, "2": PortfolioScreen, "4": PipelineScreen}
        result.update(
            await screen_switches(app, pilot, frames, modes, 1 if smoke else SWITCH_ROUNDS)
        )
        result["saves"], result["saves_reloaded"] = await saves(
            app, pilot, frames, TodayScreen, 1 if smoke else SAVES
        )
        # Last: a dashboard that never gets there must not slow the figures above.
        result.update(await dashboard_figures(app, pilot, frames, DashboardScreen))
        # Done: a dashboard load still running in its thread must not hold the exit up.
        child_report(app, result)
    app.portfolio.close()
    return result


async def today_then_portfolio(app, pilot, frames: FrameClock) -> float:
    """Wait for Today with its agenda, then open the Portfolio: seconds to its rows shown."""
    from portfolio_tui.tui.screens.portfolio import PortfolioScreen
    from portfolio_tui.tui.screens.today import TodayScreen

    await until(lambda: current(app.screen, TodayScreen) and app.screen.agenda is not None)
    await settle(frames)

    def portfolio_shown() -> bool:
        return isinstance(app.screen, PortfolioScreen) and app.screen.view is not None

    return await timed(pilot, frames, "portfolio", "2", portfolio_shown)


async def reopen(db: Path) -> dict[str, object]:
    """The app started again on the file the session left (nothing written since): the
    Portfolio and the Dashboard as a rep sees them at the next start, their reads kept."""
    from portfolio_tui.domain.settings import Settings
    from portfolio_tui.tui.app import make_app
    from portfolio_tui.tui.screens.dashboard import DashboardScreen

    app = make_app(db, clock=clock, tz=ZONE, settings=Settings())
    frames = FrameClock(app)
    result: dict[str, object] = {}
    async with app.run_test(size=SIZE) as pilot:
        result["portfolio_open"] = await today_then_portfolio(app, pilot, frames)
        await settle(frames)
        result.update(await dashboard_figures(app, pilot, frames, DashboardScreen))
        child_report(app, result)
    return result


def child_session(db: str, smoke: bool) -> None:
    """Run in a subprocess: the whole session; it prints its figures (`child_report`)."""
    asyncio.run(session(Path(db), smoke))


def session_figures(db: Path, smoke: bool) -> dict[str, object]:
    """The session on a copy of `db` (it saves), in a fresh process: what it computes is
    computed cold (the copy is another file: nothing kept for it yet). Then the app started
    again on that copy ("reopen_…"): what a rep sees at the next start."""
    work = OUT / "bench-tui.db"
    remove(work.name + "*")
    shutil.copy(db, work)
    try:
        figures = _child(["smoke" if smoke else "session", str(work)])
        again = _child(["reopen", str(work)])
    finally:
        remove(work.name + "*")
    return {**figures, **{f"reopen_{name}": value for name, value in again.items()}}


def _child(args: list[str]) -> dict[str, object]:
    done = subprocess.run([sys.executable, __file__, "--child", *args],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:  # say why: the session's traceback
        raise RuntimeError(f"the TUI session failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- report ------------------------------------------------------------------------------------


def ms(seconds: list[float]) -> tuple[float, float]:
    """(median, worst) in milliseconds."""
    return statistics.median(seconds) * 1000, max(seconds) * 1000


def seconds_or_over(seconds: float | None) -> str:
    return f"{seconds:.2f} s" if seconds is not None else f"over {DASHBOARD_LIMIT:.0f} s (gave up)"


def session_rows(figures: dict, bare_keys: list[float]) -> list[Figure]:
    key_median, key_worst = ms(figures["keystrokes"])
    bare_key = statistics.median(bare_keys) * 1000
    switch_shown, _ = ms(figures["switch_shown"])
    switch_median, switch_worst = ms(figures["switch_current"])
    rows = [
        Figure("dashboard", "Dashboard open (every panel painted), first after writes",
               seconds_or_over(figures["dashboard_open"]), target="≤ 0.5 s"),
        Figure("dashboard", "Dashboard period switch (year → quarter), first after writes",
               seconds_or_over(figures["dashboard_period"]), target="≤ 0.2 s"),
        Figure("dashboard", "Dashboard open / period switch at the next start (kept reads)",
               f"{seconds_or_over(figures['reopen_dashboard_open'])} / "
               f"{seconds_or_over(figures['reopen_dashboard_period'])}", target="≤ 0.5 / 0.2 s"),
        Figure("portfolio", "Portfolio open (every row), first after writes",
               f"{figures['portfolio_open']:.2f} s", target="≤ 0.5 s"),
        Figure("portfolio", "Portfolio open at the next start (kept reads)",
               f"{figures['reopen_portfolio_open']:.2f} s", target="≤ 0.5 s"),
        Figure("pipeline", "Pipeline open", f"{figures['pipeline_open']:.2f} s"),
        Figure("switch", f"screen switch once loaded, screen current, median / worst of "
               f"{len(figures['switch_current'])}", f"{switch_median:.0f} / {switch_worst:.0f} ms",
               f"{switch_shown:.0f} ms to its first (stale) frame", target="≤ 150 ms"),
        Figure("filter", f"filter keystroke on Portfolio, median / worst of {len(figures['keystrokes'])}",
               f"{key_median:.0f} / {key_worst:.0f} ms", f"{bare_key:.0f} ms bare Input keystroke",
               f"{key_median / bare_key:.2f}x", "≤ 30 ms median, ≤ 60 ms worst"),
        Figure("memory", "peak memory of the TUI (the whole session; the next start)",
               f"{figures['peak_mb']:.0f} MB; {figures['reopen_peak_mb']:.0f} MB",
               target="≤ 300 MB"),
    ]  # fmt: skip
    after_switch = next(n for n, f in enumerate(rows) if f.key == "switch") + 1
    if figures["saves"]:
        save_median, save_worst = ms(figures["saves"])
        reload_median, reload_worst = ms(figures["saves_reloaded"])
        rows.insert(
            after_switch,
            Figure(
                "save",
                f"row updated after a save (snooze on Today), median / "
                f"worst of {len(figures['saves'])}",
                f"{save_median:.0f} / {save_worst:.0f} ms",
                target="≤ 100 ms",
            ),
        )
        rows.insert(after_switch + 1, Figure("save", "the reload after that save on screen, median / worst",
                              f"{reload_median:.0f} / {reload_worst:.0f} ms"))  # fmt: skip
    else:
        rows.insert(
            after_switch, Figure("save", "row updated after a save", "no follow-up to snooze")
        )
    return rows


def first_screen_rows(bare: float, shown: float, ours: float, repeat: int) -> list[Figure]:
    return [
        Figure("today_screen", f"Today painted with its agenda rows, from process start, median of "
               f"{repeat}", f"{ours:.2f} s", f"{bare:.2f} s bare Textual app, empty DataTable",
               f"{ours / bare:.2f}x", "≤ 1.5x"),
        Figure("today_screen", "Today's first frame (agenda still loading)", f"{shown:.2f} s",
               f"{bare:.2f} s bare app", f"{shown / bare:.2f}x"),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny portfolio, for CI")
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="first-screen launches per app")
    parser.add_argument("--json", type=Path, help="also write the figures here (bench_all.py)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] in ("session", "smoke"):
            child_session(args.child[1], args.child[0] == "smoke")
        elif args.child[0] == "reopen":
            asyncio.run(reopen(Path(args.child[1])))
        else:
            child_first_screen(*args.child)
        return 0

    accounts = 300 if args.smoke else args.accounts
    repeat = 1 if args.smoke else args.repeat
    db, _ = reference_db(accounts)
    load = load_average()
    if not args.smoke:  # warm the page cache and the bytecode; not counted
        first_screen_seconds("bare", db)
        first_screen_seconds("app", db)
    bare_runs = [first_screen_seconds("bare", db) for _ in range(repeat)]
    app_runs = [first_screen_seconds("app", db) for _ in range(repeat)]
    bare = median_of(bare_runs, "ready")
    shown, ours = median_of(app_runs, "shown"), median_of(app_runs, "ready")
    figures = session_figures(db, args.smoke)
    bare_keys = asyncio.run(bare_input_keystrokes(TYPING[:SMOKE_KEYS] if args.smoke else TYPING))
    rows = first_screen_rows(bare, shown, ours, repeat) + session_rows(figures, bare_keys)
    title = (f"bench_tui: {figures['accounts']:,} accounts in {db.name}, {SIZE[0]}x{SIZE[1]}, "
             f"headless (Pilot); {load} at start, {load_average()} at end")  # fmt: skip
    print_table(title, rows)
    write_json(args.json, title, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
