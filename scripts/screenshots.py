"""Make `screenshots/*.png` (English) and `screenshots/fr/*.png` (French): every screen of the
app on the demo portfolio, 120x36, with a fixed clock, so the pictures only change when the app
does. Each language gets its own demo, written in that language.

    python scripts/screenshots.py [--out screenshots]

Each screen is exported by Textual as SVG (`App.save_screenshot`), then turned into PNG with
cairosvg. The SVG asks for the Fira Code web font, which cairosvg can't fetch: a monospace font
installed on the machine (DejaVu Sans Mono if present) is named instead, so columns line up.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import cairosvg
from textual.pilot import Pilot
from textual.widgets import Input

from portfolio_tui.domain.settings import Settings
from portfolio_tui.i18n import set_language
from portfolio_tui.service import open_portfolio
from portfolio_tui.tui.app import SCREEN_SWITCHES, PortfolioApp, make_app

SIZE = (120, 36)
ZONE = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 23, 8, 30, tzinfo=ZONE)  # a Monday morning, as in the tests
FONT = "DejaVu Sans Mono, monospace"
# (language, folder under --out): English where the README always showed it.
LANGUAGE_FOLDERS = (("en", "."), ("fr", "fr"))


def clock() -> datetime:
    return NOW


async def settle(pilot: Pilot) -> None:
    for _ in range(5):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.wait_for_scheduled_animations()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


Step = Callable[[Pilot], Awaitable[None]]


def keys(*pressed: str) -> Step:
    async def step(pilot: Pilot) -> None:
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return step


def shots() -> list[tuple[str, Step]]:
    """(file name, how to get there from the previous shot)."""
    modes = {mode for mode, _, _ in SCREEN_SWITCHES}
    plan = [
        ("today", keys()),
        ("portfolio", keys("2")),
        ("account", keys("3")),
        ("pipeline", keys("4")),
        ("dashboard", keys("5")),
    ]
    if "exchange" in modes:
        plan.append(("import-export", keys("6")))
    plan += [
        ("help", keys("1", "question_mark")),
        ("done", keys("escape", "d")),
    ]
    return plan


def svg_to_png(svg: str, target: Path) -> None:
    svg = re.sub(r'font-family:\s*"?Fira Code"?(, monospace)?', f"font-family: {FONT}", svg)
    cairosvg.svg2png(bytestring=svg.encode("utf-8"), write_to=str(target))


async def take(app: PortfolioApp, out: Path, work: Path) -> list[Path]:
    made = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for name, step in shots():
            await step(pilot)
            svg_path = Path(app.save_screenshot(f"{name}.svg", str(work)))
            target = out / f"{name}.png"
            svg_to_png(svg_path.read_text(encoding="utf-8"), target)
            made.append(target)
    return made


def screenshots(language: str, out: Path) -> list[Path]:
    """Every shot in `language`, on a demo portfolio written in it, into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "demo.db"
        settings = Settings()
        set_language(language)  # the demo writes its titles and summaries in it
        with open_portfolio(db, clock=clock, tz=ZONE, settings=settings) as pf:
            pf.load_demo()
        app = make_app(db, clock=clock, tz=ZONE, settings=settings, language=language)
        try:
            return asyncio.run(take(app, out, work))
        finally:
            app.portfolio.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "screenshots")
    args = parser.parse_args(argv)
    for language, folder in LANGUAGE_FOLDERS:
        for path in screenshots(language, (args.out / folder).resolve()):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
