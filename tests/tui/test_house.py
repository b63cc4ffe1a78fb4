"""The shape of the TUI, checked: every mode screen stands on the typed base screen, the app and
the service are reached without silencing the type checker, only Textual's public API is
overridden, `widgets/` holds widgets, and functions and modules stay small."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from textual.widget import Widget
from textual.worker_manager import WorkerManager

import portfolio_tui.tui
from portfolio_tui.domain.settings import Settings
from portfolio_tui.tui.app import PortfolioApp, make_app
from portfolio_tui.tui.screens.base import LoadingScreen, ModeScreen

TUI = Path(portfolio_tui.tui.__file__).parent
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 500


def _modules() -> Iterator[ModuleType]:
    for found in pkgutil.walk_packages(portfolio_tui.tui.__path__, "portfolio_tui.tui."):
        yield importlib.import_module(found.name)


def _own_classes(module: ModuleType) -> list[type]:
    return [
        value
        for value in vars(module).values()
        if inspect.isclass(value) and value.__module__ == module.__name__
    ]


def _is_method(value: object) -> bool:
    return inspect.isfunction(value) or isinstance(value, (staticmethod, classmethod, property))


def test_every_mode_screen_is_a_mode_screen_that_implements_the_protocol():
    for mode, factory in PortfolioApp.MODES.items():
        assert callable(factory), mode
        screen = factory()
        assert isinstance(screen, ModeScreen), f"{mode}: {type(screen).__name__}"
        kind = type(screen)
        assert kind.refresh_data is not ModeScreen.refresh_data, f"{mode}: no refresh_data"
        if isinstance(screen, LoadingScreen):
            assert kind.load is not LoadingScreen.load, f"{mode}: no load"
            assert kind.show is not LoadingScreen.show, f"{mode}: no show"


def test_no_type_error_is_silenced():
    silenced = [
        f"{path.relative_to(TUI)}:{number}"
        for path in sorted(TUI.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "type: ignore" in line
    ]
    assert silenced == []


def test_no_private_textual_method_is_overridden():
    overridden = []
    for module in _modules():
        for cls in _own_classes(module):
            textual_bases = [b for b in cls.__mro__[1:] if b.__module__.startswith("textual.")]
            for name, value in vars(cls).items():
                if not name.startswith("_") or name.startswith("__") or not _is_method(value):
                    continue
                owners = [b.__qualname__ for b in textual_bases if name in vars(b)]
                if owners:
                    overridden.append(f"{cls.__qualname__}.{name} ({', '.join(owners)})")
    assert overridden == []


def test_the_app_keeps_textuals_worker_manager(tmp_path: Path):
    app = make_app(tmp_path / "p.db", settings=Settings())
    assert type(app.workers) is WorkerManager


def test_widget_modules_define_widgets():
    for module in _modules():
        if not module.__name__.startswith("portfolio_tui.tui.widgets."):
            continue
        widgets = [c for c in _own_classes(module) if issubclass(c, Widget)]
        assert widgets, f"{module.__name__} defines no widget"


def test_functions_and_modules_stay_small():
    too_long = []
    for path in sorted(TUI.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if len(source.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(TUI)}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(TUI)}:{node.lineno} {node.name}: {lines}")
    assert too_long == []
