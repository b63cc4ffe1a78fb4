"""It starts in every terminal, and remembers its theme (issue 8, points 8 and 25)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from routine_helpers import SIZE, build_app, press, settle

from portfolio_tui import paths
from portfolio_tui.config import load_settings, save_theme
from portfolio_tui.tui.app import make_app

from conftest import PARIS, fixed_clock


async def test_no_color_shows_every_screen(monkeypatch, demo_db_path):
    monkeypatch.setenv("NO_COLOR", "1")
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#agenda").empty_text = "nothing"  # the line that crashed
        for key in "234561":
            await press(pilot, key)
        assert app.current_mode == "today"
    assert app.return_code in (None, 0)


async def test_no_color_empty_table_line(monkeypatch, empty_db_path):
    monkeypatch.setenv("NO_COLOR", "1")
    app = build_app(empty_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "2")
        await press(pilot, "1")
    assert app.return_code in (None, 0)


def test_without_a_terminal_it_refuses_in_one_line(tmp_path: Path):
    db = tmp_path / "p.db"
    env = {**os.environ, "PORTFOLIO_CONFIG": str(tmp_path / "config.toml")}
    done = subprocess.run(
        [sys.executable, "-m", "portfolio_tui", "--db", str(db)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "terminal" in done.stderr
    assert not db.exists()


def test_save_theme_keeps_the_rest_of_the_file(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text('# mine\nwindow = "24m"\ntheme = "nord"\n\n[keymap]\n"app.quit" = "Q"\n')
    save_theme(path, "gruvbox")
    text = path.read_text()
    assert text == '# mine\nwindow = "24m"\ntheme = "gruvbox"\n\n[keymap]\n"app.quit" = "Q"\n'
    settings = load_settings(path)
    assert (settings.theme, settings.window) == ("gruvbox", "24m")


def test_save_theme_adds_the_line_before_the_first_table(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text('window = "12m"\n[keymap]\n')
    save_theme(path, "nord")
    assert path.read_text() == 'window = "12m"\ntheme = "nord"\n\n[keymap]\n'


def test_save_theme_writes_a_missing_file(tmp_path: Path):
    path = tmp_path / "sub" / "config.toml"
    save_theme(path, "textual-light")
    assert load_settings(path).theme == "textual-light"


async def test_the_theme_is_remembered_across_restarts(demo_db_path):
    app = make_app(demo_db_path, clock=fixed_clock, tz=PARIS)  # reads the settings file
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        await press(pilot, "ctrl+t")
        assert app.theme == "textual-light"
    assert load_settings(paths.config_file()).theme == "textual-light"
    again = make_app(demo_db_path, clock=fixed_clock, tz=PARIS)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "textual-light"
