"""The layers' arrows, checked: domain/ is pure, SQL stays in store/, scripts skip Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "portfolio_tui"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_imports_nothing_impure_at_runtime() -> None:
    code = (
        "import sys, pkgutil, importlib, portfolio_tui.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__):\n"
        "    importlib.import_module(f'{d.__name__}.{m.name}')\n"
        "impure = ('textual', 'sqlmodel', 'sqlalchemy', 'sqlite3', 'rich')\n"
        "bad = [n for n in impure if n in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("path", sorted((SRC / "domain").glob("*.py")), ids=lambda p: p.name)
def test_domain_module_imports_only_domain_and_stdlib(path: Path) -> None:
    """Messages may be translated: `portfolio_tui.i18n` (gettext only, no Babel) is a leaf
    whose lookups are pure once the face has loaded the catalogue."""
    allowed_roots = {"dateutil"} | set(sys.stdlib_module_names)
    for name in _imported_modules(path):
        root = name.split(".")[0]
        if root == "portfolio_tui":
            allowed = name.startswith("portfolio_tui.domain") or name == "portfolio_tui.i18n"
            assert allowed, f"{path.name} imports {name}"
        else:
            assert root in allowed_roots, f"{path.name} imports {name}"
    text = path.read_text(encoding="utf-8")
    assert "open(" not in text, f"{path.name} does file I/O"


@pytest.mark.parametrize("path", sorted((SRC / "i18n").glob("*.py")), ids=lambda p: p.name)
def test_i18n_imports_nothing_of_the_project(path: Path) -> None:
    for name in _imported_modules(path):
        if name.split(".")[0] == "portfolio_tui":
            assert name.startswith("portfolio_tui.i18n"), f"{path.name} imports {name}"


def _presentation_modules() -> list[Path]:
    return [
        *sorted((SRC / "tui").rglob("*.py")),
        *sorted((SRC / "cli").glob("*.py")),
    ]


@pytest.mark.parametrize("path", _presentation_modules(), ids=lambda p: p.name)
def test_faces_never_touch_the_database_directly(path: Path) -> None:
    for name in _imported_modules(path):
        assert not name.startswith(("sqlite3", "sqlmodel", "sqlalchemy")), f"{path} imports {name}"
        assert not name.startswith("portfolio_tui.store"), f"{path} imports {name}"
        assert not name.startswith("portfolio_tui.formats"), f"{path} imports {name}"


def test_scripted_commands_do_not_import_textual(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from portfolio_tui.cli import main\n"
        f"main(['--db', {str(tmp_path / 'p.db')!r}, 'report', 'clients', '--format', 'csv'])\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def _package_modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("store", ("portfolio_tui.formats", "portfolio_tui.service", "portfolio_tui.cli",
                   "portfolio_tui.tui")),
        ("formats", ("portfolio_tui.store", "portfolio_tui.service", "portfolio_tui.cli",
                     "portfolio_tui.tui", "sqlite3", "sqlmodel", "sqlalchemy")),
        ("service", ("portfolio_tui.cli", "portfolio_tui.tui", "textual")),
    ],
)  # fmt: skip
def test_the_layers_arrows_point_down(package: str, forbidden: tuple[str, ...]) -> None:
    for path in _package_modules(package):
        for name in _imported_modules(path):
            assert not name.startswith(forbidden), f"{path.relative_to(SRC)} imports {name}"


def test_no_module_over_500_lines_and_no_function_over_60() -> None:
    too_long = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > 500:
            too_long.append(f"{path.relative_to(SRC)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 60:
                    too_long.append(f"{path.relative_to(SRC)}: {node.name} is {length} lines")
    assert too_long == []
