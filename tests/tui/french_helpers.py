"""Helpers for the French TUI tests: the demo written in French, the app speaking French with the
fixed clock, what a screen shows as text, and the English msgids that must not be on it."""

from __future__ import annotations

import atexit
import html
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

from babel.messages.pofile import read_po

from portfolio_tui.domain.settings import Settings
from portfolio_tui.i18n import set_language
from portfolio_tui.tui.app import PortfolioApp, make_app

from conftest import DEMO_ACCOUNTS, DEMO_SEED, PARIS, fixed_clock, open_portfolio

SIZE = (120, 36)
# Names kept in both languages: products, formats, acronyms.
PROPER_NOUNS = frozenset({"Textual", "vCard", "Excel", "SIRET", "SIREN", "Pareto", "RRULE"})
# English msgids that are French words too, in the French of other msgids ("vos contacts").
FRENCH_TOO = frozenset({"contacts"})
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\([^)]*\))?[sdif]")
_WORD = re.compile(r"[A-Za-z]{4,}")
# Textual's SVG: one <text> per run of a style, clipped to the line it belongs to.
_SVG_TEXT = re.compile(r'<text[^>]*clip-path="url\(#[^)]*-line-(\d+)\)"[^>]*>(.*?)</text>', re.S)


@cache
def _french_demo_template() -> Path:
    """The demo written in French, built once per test process (like a session fixture)."""
    folder = Path(tempfile.mkdtemp(prefix="french-demo-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "demo.db"
    set_language("fr")  # the demo writes its titles, summaries and outcomes in this language
    try:
        with open_portfolio(path) as pf:
            pf.load_demo(accounts=DEMO_ACCOUNTS, years=3, seed=DEMO_SEED)
            with pf.db.raw() as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        set_language("en")
    return path


def french_demo_copy(folder: Path) -> Path:
    """A fresh copy of the seeded demo (60 accounts, 3 years, seed 7), written in French."""
    target = folder / "demo-fr.db"
    shutil.copy(_french_demo_template(), target)
    return target


@contextmanager
def speaking_french_then_english() -> Iterator[None]:
    """The language is process-wide: a French test leaves it English, as the suite expects."""
    try:
        yield
    finally:
        set_language("en")


def french_app(db_path: Path) -> PortfolioApp:
    return make_app(db_path, clock=fixed_clock, tz=PARIS, settings=Settings(), language="fr")


def svg_lines(svg: str) -> list[str]:
    """The text of each line of a Textual screenshot, its runs joined."""
    runs: dict[int, list[str]] = {}
    for match in _SVG_TEXT.finditer(svg):
        runs.setdefault(int(match.group(1)), []).append(html.unescape(match.group(2)))
    return ["".join(runs[n]).replace("\xa0", " ") for n in sorted(runs)]


def screen_lines(app: PortfolioApp) -> list[str]:
    """What the terminal shows now (the modal over its screen included), line by line."""
    return svg_lines(app.export_screenshot())


@cache
def english_probes() -> dict[str, re.Pattern[str]]:
    """Each English text of the catalogue whose French differs, cut at its placeholders, the
    pieces with a word of more than 3 letters that is not a proper noun → its whole-word regex."""
    po = resources.files("portfolio_tui.i18n") / "locale/fr/LC_MESSAGES/portfolio_tui.po"
    with po.open("rb") as file:
        catalog = read_po(file)
    probes: dict[str, re.Pattern[str]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        french = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in english:
            if text in french:
                continue
            for piece in _PLACEHOLDER.split(text):
                piece = piece.strip(" \n·:;,.()…→←-")
                words = [w for w in _WORD.findall(piece) if w not in PROPER_NOUNS]
                if words and piece not in FRENCH_TOO and not any(piece in f for f in french):
                    # Not inside an identifier: the help lists the binding ids ("today.open").
                    probes[piece] = re.compile(rf"(?<![\w.-]){re.escape(piece)}(?![\w-])(?!\.\w)")
    return probes


def english_left(lines: list[str], allowed: frozenset[str] = frozenset()) -> list[str]:
    """ "'probe' in: line" for every English catalogue text found on the lines, but `allowed`."""
    found = []
    for line in lines:
        for piece, pattern in english_probes().items():
            if piece in allowed:
                continue
            if pattern.search(line):
                found.append(f"{piece!r} in: {line.strip()}")
    return found
