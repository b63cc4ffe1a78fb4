"""The settings file: read it (a missing file means defaults) and write a commented default one.

The path comes from `paths.config_file()`; the layout and its checks are in `domain.settings`.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from portfolio_tui.domain.settings import (
    Settings,
    SettingsError,
    deals_table,
    settings_from_dict,
    settings_to_dict,
)
from portfolio_tui.i18n import N_, gettext

# (table, key) -> comment written above it; None is the top level.
_COMMENTS: dict[tuple[str | None, str | None], str] = {
    (None, None): (
        N_(
            "portfolio-tui settings. Every key is optional: remove one to get its default.\n"
            "An unknown key is an error, so a typo is reported rather than ignored."
        )
    ),
    (None, "window"): N_("Sales window for revenue, ABC and RFM: 12m, 24m, <N>m (months) or all."),
    (None, "currency"): N_("Currency of the amounts, as a 3-letter code."),
    (None, "decimal_comma"): N_("true shows 12 345,67 €, false shows €12,345.67."),
    (None, "theme"): N_("Textual theme, e.g. textual-dark, textual-light, nord, gruvbox."),
    (None, "language"): (
        N_(
            'Language of the app and the command line: "fr", "en", or "" for the system\'s\n'
            "(LC_ALL, LC_MESSAGES, LANG, LANGUAGE). portfolio --lang fr|en overrides it."
        )
    ),
    ("abc", None): (
        N_(
            "ABC classes: an account is A while the share of value ranked above it is below a,\n"
            "B while it is below b, else C. 0 < a < b <= 1."
        )
    ),
    ("cadence", None): N_("Contact cadence: days between contacts before an account is due."),
    ("cadence", "stale_after_days"): N_("For clients with no ABC class (no sales in the window)."),
    ("cadence.class", None): N_("By ABC class."),
    ("cadence.stage", None): N_("By prospect stage."),
    ("alerts", None): N_("Alerts."),
    ("alerts", "concentration"): N_("Warn when the top 10 accounts make more than this share."),
    ("churn", None): N_("Who is slipping away: the BG/NBD model of your clients' orders."),
    ("churn", "p_alive"): N_("An A client is in danger (Today, At risk) below this P(alive)..."),
    ("churn", "revenue_drop"): N_("... or with revenue over 12 months down more than this share."),
    ("churn", "penalizer"): (
        N_("L2 penalty of the fit: 0 is plain maximum likelihood, which fails on many small books.")
    ),
    ("sync", None): N_("Sync between laptops."),
    ("sync", "future_tolerance_hours"): (
        N_(
            "A clock in a bundle later than now plus this many hours is from the future (a laptop\n"
            "with a wrong clock): it is brought back so it can't overwrite later edits."
        )
    ),
    ("activity", None): (
        N_(
            "Activity index targets: interactions per week, month and quarter, the share of them\n"
            "on priority accounts (orientation) and the share followed by a result (efficiency)."
        )
    ),
    ("deals", None): N_("Deals (affaires) and what to sell next."),
    ("deals", "lost_reasons"): (
        N_(
            "Your own reasons a deal is lost, after price, competitor, timing, no_budget,\n"
            'no_decision and other, e.g. ["delivery", "incumbent"].'
        )
    ),
    ("deals", "whitespace_min_share"): (
        N_("Suggest a product family when at least this share of a client's peers bought it.")
    ),
    ("deals", "whitespace_min_peers"): N_("No suggestion from a segment with fewer peers."),
    ("deals.probability", None): N_("Probability (percent) of a deal that has none, by stage."),
    ("deals.rotting_days", None): (
        N_("An open deal is rotting after this many days in its stage with no activity.")
    ),
    (None, "working_days"): N_("Days you work: proposed follow-up and snooze dates fall on them."),
    (None, "lost_reasons"): (
        N_(
            "Your own reasons a prospect is lost, after price, competitor, no_need, no_budget,\n"
            'timing, unreachable and other, e.g. ["incumbent", "moved"].'
        )
    ),
    (None, "timezone"): (
        N_('Your time zone, e.g. "Europe/Paris"; empty: the system\'s (TZ, /etc/localtime).')
    ),
    ("keymap", None): (
        N_(
            "Keys for the app's bindings, by binding id (quote ids with a dot), e.g.\n"
            '"today.done" = "D"'
        )
    ),
}

# The [activity] defaults, commented out: uncomment a line to change a target.
_ACTIVITY_DEFAULTS = "\n".join(
    [
        "# [activity]",
        "# week = 15",
        "# month = 60",
        "# quarter = 180",
        "# orientation = 0.6",
        "# efficiency = 0.25",
    ]
)


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
    """Write every key at its default, with comments. An existing file is never overwritten.

    The file is private (0600) from its first byte, whatever the umask, and never written
    through a symlink."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW
    try:
        with open(os.open(path, flags, 0o600), "w", encoding="utf-8", newline="\n") as handle:
            handle.write(settings_toml(Settings()))
    except FileExistsError:
        raise SettingsError("already exists; not overwriting it", source=str(path)) from None
    except OSError as error:
        raise SettingsError(
            f"can't write the file: {error.strerror or error}", source=str(path)
        ) from None


_THEME_LINE = re.compile(r"^theme\s*=.*$", re.MULTILINE)
_FIRST_TABLE = re.compile(r"^\[", re.MULTILINE)


def save_theme(path: Path, theme: str) -> None:
    """Remember `theme` in the settings file: its top-level `theme` line is replaced (or added
    before the first table); the rest of the file, comments included, is kept as it is. A
    missing file is written with every default and this theme."""
    if not path.exists():
        write_default_settings(path)
    text = path.read_text(encoding="utf-8-sig")
    line = f"theme = {_string(theme)}"
    first_table = _FIRST_TABLE.search(text)
    top_end = first_table.start() if first_table else len(text)
    found = _THEME_LINE.search(text, 0, top_end)
    if found:
        text = text[: found.start()] + line + text[found.end() :]
    else:
        text = text[:top_end].rstrip("\n") + f"\n{line}\n\n" + text[top_end:]
    settings_from_dict(tomllib.loads(text), source=str(path))  # never write a broken file
    try:
        path.write_text(text, encoding="utf-8", newline="\n")
    except OSError as error:
        raise SettingsError(
            f"can't write the file: {error.strerror or error}", source=str(path)
        ) from None


def settings_toml(settings: Settings) -> str:
    """`settings` as commented TOML text that `load_settings` reads back to the same value."""
    lines = [*_comment(None, None), ""]
    table = settings_to_dict(settings)
    _emit(lines, None, table)
    if "activity" not in table:
        lines += ["", *_comment("activity", None), *_ACTIVITY_DEFAULTS.splitlines()]
    if "deals" not in table:
        lines += _commented_deals()
    return "\n".join(lines) + "\n"


def _commented_deals() -> list[str]:
    """The [deals] defaults, commented out: uncomment a line to change it."""
    lines: list[str] = []
    _emit(lines, "deals", deals_table(Settings()))
    return [line if not line or line.startswith("#") else f"# {line}" for line in lines]


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
    text = _COMMENTS.get((table, key))  # in the current language: `config init` in French
    return [f"# {line}" for line in gettext(text).splitlines()] if text else []


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"can't write {value!r} as TOML")


def _string(text: str) -> str:
    # A JSON string is a TOML basic string, once DEL (allowed raw in JSON) is escaped.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
