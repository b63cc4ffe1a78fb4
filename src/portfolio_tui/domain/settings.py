"""The rep's settings: thresholds, contact cadence, window, money display, theme and keys.

The TOML layout (`config.py` reads and writes the file; this module only sees the dict):

    window = "12m"            # 12m, 24m, <N>m or all
    currency = "EUR"
    decimal_comma = false
    theme = "textual-dark"
    [abc]             a = 0.80, b = 0.95
    [cadence]         stale_after_days = 60
    [cadence.class]   A = 14, B = 30, C = 90
    [cadence.stage]   hot = 7, warm = 14, cold = 30
    [alerts]          concentration = 0.40
    [keymap]          "today.done" = "D"

Every key is optional. An unknown key is an error, so a typo is never silently ignored.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from types import MappingProxyType
from typing import Any

from portfolio_tui.domain.window import WindowError, parse_window

DEFAULT_CADENCE_BY_CLASS: Mapping[str, int] = MappingProxyType({"A": 14, "B": 30, "C": 90})
DEFAULT_CADENCE_BY_STAGE: Mapping[str, int] = MappingProxyType({"hot": 7, "warm": 14, "cold": 30})
_MAX_DAYS = 3650


class SettingsError(ValueError):
    """A setting that can't be used: "config.toml: abc.a: must be a number between 0 and 1"."""

    def __init__(self, message: str, *, key: str | None = None, source: str | None = None):
        self.message = message
        self.key = key
        self.source = source
        super().__init__("".join(f"{part}: " for part in (source, key) if part) + message)

    def with_source(self, source: str) -> SettingsError:
        return SettingsError(self.message, key=self.key, source=source)


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated on creation. Cadence maps may be partial: missing classes or stages keep
    their defaults. Mappings are read-only."""

    abc_a: float = 0.80
    abc_b: float = 0.95
    cadence_by_class: Mapping[str, int] = field(default_factory=lambda: DEFAULT_CADENCE_BY_CLASS)
    cadence_by_stage: Mapping[str, int] = field(default_factory=lambda: DEFAULT_CADENCE_BY_STAGE)
    window: str = "12m"
    currency: str = "EUR"
    decimal_comma: bool = False
    concentration_alert: float = 0.40
    stale_after_days: int = 60
    theme: str = "textual-dark"
    keymap: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: normalised values are set once, here
        set_(self, "abc_a", _fraction(self.abc_a, "abc.a", include_one=False))
        set_(self, "abc_b", _fraction(self.abc_b, "abc.b", include_one=True))
        if self.abc_b <= self.abc_a:
            raise SettingsError(f"must be greater than abc.a ({self.abc_a})", key="abc.b")
        set_(
            self,
            "cadence_by_class",
            _cadence(self.cadence_by_class, DEFAULT_CADENCE_BY_CLASS, "cadence.class"),
        )
        set_(
            self,
            "cadence_by_stage",
            _cadence(self.cadence_by_stage, DEFAULT_CADENCE_BY_STAGE, "cadence.stage"),
        )
        set_(self, "window", _window(self.window))
        set_(self, "currency", _currency(self.currency))
        if not isinstance(self.decimal_comma, bool):
            raise SettingsError("must be true or false", key="decimal_comma")
        set_(
            self,
            "concentration_alert",
            _fraction(self.concentration_alert, "alerts.concentration", include_one=True),
        )
        set_(self, "stale_after_days", _days(self.stale_after_days, "cadence.stale_after_days"))
        if not isinstance(self.theme, str) or not self.theme.strip():
            raise SettingsError("must be the name of a theme", key="theme")
        set_(self, "keymap", _keymap(self.keymap))

    def __hash__(self) -> int:
        return hash(
            tuple(
                tuple(sorted(value.items())) if isinstance(value, Mapping) else value
                for value in (getattr(self, f.name) for f in fields(self))
            )
        )


def settings_from_dict(data: Mapping[str, Any], source: str = "config.toml") -> Settings:
    """Settings from the parsed TOML; `source` starts every error message."""
    try:
        return Settings(**_kwargs(data))
    except SettingsError as error:
        raise error.with_source(source) from None


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """The TOML layout of `settings`, every key present: `settings_from_dict` reads it back."""
    return {
        "window": settings.window,
        "currency": settings.currency,
        "decimal_comma": settings.decimal_comma,
        "theme": settings.theme,
        "abc": {"a": settings.abc_a, "b": settings.abc_b},
        "cadence": {
            "stale_after_days": settings.stale_after_days,
            "class": dict(settings.cadence_by_class),
            "stage": dict(settings.cadence_by_stage),
        },
        "alerts": {"concentration": settings.concentration_alert},
        "keymap": dict(settings.keymap),
    }


# --- reading the TOML layout ------------------------------------------------------------------

_TOP = ("window", "currency", "decimal_comma", "theme", "abc", "cadence", "alerts", "keymap")
_SCALARS = {
    "window": "window",
    "currency": "currency",
    "decimal_comma": "decimal_comma",
    "theme": "theme",
}


def _kwargs(data: Mapping[str, Any]) -> dict[str, Any]:
    _known(data, _TOP, "")
    kwargs = {name: data[key] for key, name in _SCALARS.items() if key in data}
    abc = _table(data, "abc")
    _known(abc, ("a", "b"), "abc")
    if "a" in abc:
        kwargs["abc_a"] = abc["a"]
    if "b" in abc:
        kwargs["abc_b"] = abc["b"]
    cadence = _table(data, "cadence")
    _known(cadence, ("stale_after_days", "class", "stage"), "cadence")
    if "stale_after_days" in cadence:
        kwargs["stale_after_days"] = cadence["stale_after_days"]
    by_class = _table(cadence, "class", "cadence.")
    _known(by_class, tuple(DEFAULT_CADENCE_BY_CLASS), "cadence.class")
    kwargs["cadence_by_class"] = by_class
    by_stage = _table(cadence, "stage", "cadence.")
    _known(by_stage, tuple(DEFAULT_CADENCE_BY_STAGE), "cadence.stage")
    kwargs["cadence_by_stage"] = by_stage
    alerts = _table(data, "alerts")
    _known(alerts, ("concentration",), "alerts")
    if "concentration" in alerts:
        kwargs["concentration_alert"] = alerts["concentration"]
    kwargs["keymap"] = _table(data, "keymap")
    return kwargs


def _table(data: Mapping[str, Any], key: str, prefix: str = "") -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise SettingsError(f"must be a table ([{prefix}{key}])", key=f"{prefix}{key}")
    return value


def _known(table: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in allowed:
            same_letters = [name for name in allowed if name.lower() == str(key).lower()]
            close = same_letters or difflib.get_close_matches(str(key), allowed, n=1)
            hint = (
                f"did you mean '{close[0]}'?" if close else f"expected one of: {', '.join(allowed)}"
            )
            raise SettingsError(
                f"unknown key ({hint})", key=f"{where}.{key}" if where else str(key)
            )


# --- checking values --------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fraction(value: object, key: str, *, include_one: bool) -> float:
    ok = _is_number(value) and (0 < value < 1 or (include_one and value == 1))  # type: ignore[operator]
    if not ok:
        span = "greater than 0 and at most 1" if include_one else "between 0 and 1"
        raise SettingsError(f"must be a number {span}", key=key)
    return float(value)  # type: ignore[arg-type]


def _days(value: object, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= _MAX_DAYS:
        raise SettingsError(f"must be a whole number of days between 1 and {_MAX_DAYS}", key=key)
    return value


def _cadence(value: object, defaults: Mapping[str, int], where: str) -> Mapping[str, int]:
    if not isinstance(value, Mapping):
        raise SettingsError("must be a table", key=where)
    _known(value, tuple(defaults), where)
    merged = dict(defaults)
    merged.update({key: _days(days, f"{where}.{key}") for key, days in value.items()})
    return MappingProxyType(merged)


def _window(value: object) -> str:
    try:
        if not isinstance(value, str):
            raise WindowError
        return parse_window(value, date(2000, 1, 1)).label
    except WindowError:
        raise SettingsError("must be 12m, 24m, <N>m or all", key="window") from None


def _currency(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value):
        raise SettingsError("must be a 3-letter currency code such as EUR", key="currency")
    return value.upper()


def _keymap(value: object) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise SettingsError("must be a table", key="keymap")
    for binding, keys in value.items():
        if isinstance(keys, Mapping):
            raise SettingsError(
                f'binding ids with a dot need quotes: "{binding}.{next(iter(keys), "")}" = "..."',
                key=f"keymap.{binding}",
            )
        if not isinstance(keys, str) or not keys.strip():
            raise SettingsError('must be keys such as "ctrl+d" or "D"', key=f"keymap.{binding}")
    return MappingProxyType(dict(value))
