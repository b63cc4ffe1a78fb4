"""The settings file: read it (a missing file means defaults) and write a commented default one.

The path comes from `paths.config_file()`; the layout and its checks are in `domain.settings`.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from portfolio_tui.domain.settings import (
    Settings,
    SettingsError,
    settings_from_dict,
    settings_to_dict,
)

# (table, key) -> comment written above it; None is the top level.
_COMMENTS: dict[tuple[str | None, str | None], str] = {
    (None, None): (
        "portfolio-tui settings. Every key is optional: remove one to get its default.\n"
        "An unknown key is an error, so a typo is reported rather than ignored."
    ),
    (None, "window"): "Sales window for revenue, ABC and RFM: 12m, 24m, <N>m (months) or all.",
    (None, "currency"): "Currency of the amounts, as a 3-letter code.",
    (None, "decimal_comma"): "true shows 12 345,67 €, false shows €12,345.67.",
    (None, "theme"): "Textual theme, e.g. textual-dark, textual-light, nord, gruvbox.",
    ("abc", None): (
        "ABC classes: an account is A while the share of value ranked above it is below a,\n"
        "B while it is below b, else C. 0 < a < b <= 1."
    ),
    ("cadence", None): "Contact cadence: days between contacts before an account is due.",
    ("cadence", "stale_after_days"): "For clients with no ABC class (no sales in the window).",
    ("cadence.class", None): "By ABC class.",
    ("cadence.stage", None): "By prospect stage.",
    ("alerts", None): "Alerts.",
    ("alerts", "concentration"): "Warn when the top 10 accounts make more than this share.",
    ("keymap", None): (
        "Keys for the app's bindings, by binding id (quote ids with a dot), e.g.\n"
        '"today.done" = "D"'
    ),
}


def load_settings(path: Path) -> Settings:
    """The settings in `path`; defaults when it does not exist. Errors name the path."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as error:
        raise SettingsError(
            f"can't read the file: {error.strerror or error}", source=str(path)
        ) from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SettingsError(f"not UTF-8 text (at line {line})", source=str(path)) from None
    except tomllib.TOMLDecodeError as error:
        # tomllib's message ends with "(at line L, column C)"
        raise SettingsError(f"invalid TOML: {error}", source=str(path)) from None
    return settings_from_dict(data, source=str(path))


def write_default_settings(path: Path) -> None:
    """Write every key at its default, with comments. An existing file is never overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(settings_toml(Settings()))
    except FileExistsError:
        raise SettingsError("already exists; not overwriting it", source=str(path)) from None
    except OSError as error:
        raise SettingsError(
            f"can't write the file: {error.strerror or error}", source=str(path)
        ) from None


def settings_toml(settings: Settings) -> str:
    """`settings` as commented TOML text that `load_settings` reads back to the same value."""
    lines = [*_comment(None, None), ""]
    _emit(lines, None, settings_to_dict(settings))
    return "\n".join(lines) + "\n"


def _emit(lines: list[str], name: str | None, table: dict[str, Any]) -> None:
    if name is not None:
        lines += ["", *_comment(name, None), f"[{name}]"]
    subtables = []
    for key, value in table.items():
        if isinstance(value, dict):
            subtables.append((key, value))
        else:
            lines += [*_comment(name, key), f"{_key(key)} = {_value(value)}"]
    for key, value in subtables:
        _emit(lines, f"{name}.{_key(key)}" if name else _key(key), value)


def _comment(table: str | None, key: str | None) -> list[str]:
    text = _COMMENTS.get((table, key))
    return [f"# {line}" for line in text.splitlines()] if text else []


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    raise TypeError(f"can't write {value!r} as TOML")


def _string(text: str) -> str:
    # A JSON string is a TOML basic string, once DEL (allowed raw in JSON) is escaped.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
