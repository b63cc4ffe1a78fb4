"""The rep's settings: thresholds, contact cadence, window, money display, theme and keys.

The TOML layout (`config.py` reads and writes the file; this module only sees the dict):

    window = "12m"            # 12m, 24m, <N>m or all
    currency = "EUR"
    decimal_comma = false
    theme = "textual-dark"
    language = ""             # "fr", "en"; empty: the system's (LC_ALL, LANG…)
    [abc]             a = 0.80, b = 0.95
    [cadence]         stale_after_days = 60
    [cadence.class]   A = 14, B = 30, C = 90
    [cadence.stage]   hot = 7, warm = 14, cold = 30
    [alerts]          concentration = 0.40
    [churn]           p_alive = 0.5, revenue_drop = 0.30, penalizer = 0.01
    [sync]            future_tolerance_hours = 24
    [activity]        week = 15, month = 60, quarter = 180, orientation = 0.60, efficiency = 0.25
    [keymap]          "today.done" = "D"
    working_days = ["mon", "tue", "wed", "thu", "fri"]   # proposed dates fall on these
    lost_reasons = ["incumbent"]   # the rep's own reasons a prospect is lost, after the defaults
    timezone = ""             # an IANA zone such as "Europe/Paris"; empty: the system's
    [deals]           lost_reasons = ["delivery"], whitespace_min_share = 0.5,
                      whitespace_min_peers = 3
    [deals.probability]   qualification = 10, proposal = 30, negotiation = 60, won = 100, lost = 0
    [deals.rotting_days]  qualification = 21, proposal = 14, negotiation = 10

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

from portfolio_tui.domain.activity import DEFAULT_TARGETS, ActivityTargets
from portfolio_tui.domain.clv import DEFAULT_PENALIZER
from portfolio_tui.domain.deals import (
    DEFAULT_LOST_REASONS,
    DEFAULT_PROBABILITY,
    DEFAULT_ROTTING_DAYS,
)
from portfolio_tui.domain.stages import LOST_REASONS
from portfolio_tui.domain.window import WindowError, parse_window
from portfolio_tui.i18n import N_, _

DEFAULT_CADENCE_BY_CLASS: Mapping[str, int] = MappingProxyType({"A": 14, "B": 30, "C": 90})
DEFAULT_CADENCE_BY_STAGE: Mapping[str, int] = MappingProxyType({"hot": 7, "warm": 14, "cold": 30})
DEFAULT_DEAL_PROBABILITY: Mapping[str, int] = MappingProxyType(
    {stage.value: value for stage, value in DEFAULT_PROBABILITY.items()}
)
DEFAULT_DEAL_ROTTING_DAYS: Mapping[str, int] = MappingProxyType(
    {stage.value: days for stage, days in DEFAULT_ROTTING_DAYS.items()}
)
_MAX_DAYS = 3650
LANGUAGE_CHOICES = ("fr", "en", "")
_MAX_HOURS = 24 * 366


class SettingsError(ValueError):
    """A setting that can't be used: "config.toml: abc.a: must be a number between 0 and 1"."""

    def __init__(self, message: str, *, key: str | None = None, source: str | None = None):
        self.message = _(message) if message else message  # marked N_() where raised
        self.key = key
        self.source = source
        super().__init__("".join(f"{part}: " for part in (source, key) if part) + self.message)

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
    # A sync clamps a clock later than its now plus this (a laptop with a wrong clock).
    sync_future_tolerance_hours: int = 24
    theme: str = "textual-dark"
    language: str = ""  # "fr", "en", or "" for the system's (i18n.resolve_language)
    keymap: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    deal_probability: Mapping[str, int] = field(default_factory=lambda: DEFAULT_DEAL_PROBABILITY)
    deal_rotting_days: Mapping[str, int] = field(default_factory=lambda: DEFAULT_DEAL_ROTTING_DAYS)
    extra_deal_lost_reasons: tuple[str, ...] = ()  # after domain.deals.DEFAULT_LOST_REASONS
    whitespace_min_share: float = 0.5
    whitespace_min_peers: int = 3
    activity: ActivityTargets = DEFAULT_TARGETS
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # weekday numbers, 0 is Monday
    # The rep's own reasons a prospect is lost, after stages.LOST_REASONS.
    extra_account_lost_reasons: tuple[str, ...] = ()
    timezone: str = ""  # IANA name; "" means the system's zone (the service resolves it)
    churn_p_alive: float = 0.5  # an A client below this P(alive) is in danger (service.churn)
    churn_revenue_drop: float = 0.30  # … or one with its 12-month revenue down more than this
    churn_penalizer: float = DEFAULT_PENALIZER  # the BG/NBD fit's L2 penalty (domain.clv)

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
            raise SettingsError(N_("must be true or false"), key="decimal_comma")
        set_(
            self,
            "concentration_alert",
            _fraction(self.concentration_alert, "alerts.concentration", include_one=True),
        )
        set_(self, "stale_after_days", _days(self.stale_after_days, "cadence.stale_after_days"))
        set_(
            self,
            "sync_future_tolerance_hours",
            _hours(self.sync_future_tolerance_hours, "sync.future_tolerance_hours"),
        )
        if not isinstance(self.theme, str) or not self.theme.strip():
            raise SettingsError(N_("must be the name of a theme"), key="theme")
        set_(self, "keymap", _keymap(self.keymap))
        if self.language not in LANGUAGE_CHOICES:
            raise SettingsError(N_('must be "fr", "en" or "" (the system\'s)'), key="language")
        _check_deals(self)
        if not isinstance(self.activity, ActivityTargets):
            raise SettingsError(N_("must be a table"), key="activity")
        _check_routine(self)
        _check_churn(self)

    @property
    def deal_lost_reasons(self) -> tuple[str, ...]:
        """Why a deal is lost: the default reasons, then the rep's own."""
        return tuple(dict.fromkeys((*DEFAULT_LOST_REASONS, *self.extra_deal_lost_reasons)))

    @property
    def account_lost_reasons(self) -> tuple[str, ...]:
        """Why a prospect is lost: the default reasons, then the rep's own."""
        return tuple(dict.fromkeys((*LOST_REASONS, *self.extra_account_lost_reasons)))

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
        "language": settings.language,
        "abc": {"a": settings.abc_a, "b": settings.abc_b},
        "cadence": {
            "stale_after_days": settings.stale_after_days,
            "class": dict(settings.cadence_by_class),
            "stage": dict(settings.cadence_by_stage),
        },
        "alerts": {"concentration": settings.concentration_alert},
        "churn": {key: getattr(settings, name) for key, name in _CHURN_KEYS.items()},
        "sync": {"future_tolerance_hours": settings.sync_future_tolerance_hours},
        "working_days": [WEEKDAY_KEYS[d] for d in settings.working_days],
        "lost_reasons": list(settings.extra_account_lost_reasons),
        "timezone": settings.timezone,
        "keymap": dict(settings.keymap),
        **_deals_dict(settings),
        **_activity_dict(settings.activity),
    }


def deals_table(settings: Settings) -> dict[str, Any]:
    """The [deals] table of `settings`, every key present."""
    return {
        "lost_reasons": list(settings.extra_deal_lost_reasons),
        "whitespace_min_share": settings.whitespace_min_share,
        "whitespace_min_peers": settings.whitespace_min_peers,
        "probability": dict(settings.deal_probability),
        "rotting_days": dict(settings.deal_rotting_days),
    }


def _deals_dict(settings: Settings) -> dict[str, Any]:
    # Only when changed: the [deals] defaults are written as comments by config.py.
    table = deals_table(settings)
    return {} if table == deals_table(Settings()) else {"deals": table}


def _activity_dict(targets: ActivityTargets) -> dict[str, Any]:
    # Only when changed: the [activity] defaults are written as comments by config.py.
    if targets == DEFAULT_TARGETS:
        return {}
    return {
        "activity": {
            "week": targets.week,
            "month": targets.month,
            "quarter": targets.quarter,
            "orientation": float(targets.orientation),
            "efficiency": float(targets.efficiency),
        }
    }


# --- reading the TOML layout ------------------------------------------------------------------

_TOP = (
    "window",
    "currency",
    "decimal_comma",
    "theme",
    "language",
    "abc",
    "cadence",
    "alerts",
    "churn",
    "sync",
    "keymap",
    "working_days",
    "lost_reasons",
    "timezone",
    "activity",
    "deals",
)
_ACTIVITY_KEYS = ("week", "month", "quarter", "orientation", "efficiency")
_SCALARS = {
    "window": "window",
    "currency": "currency",
    "decimal_comma": "decimal_comma",
    "theme": "theme",
    "language": "language",
    "working_days": "working_days",
    "lost_reasons": "extra_account_lost_reasons",
    "timezone": "timezone",
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
    sync = _table(data, "sync")
    _known(sync, ("future_tolerance_hours",), "sync")
    if "future_tolerance_hours" in sync:
        kwargs["sync_future_tolerance_hours"] = sync["future_tolerance_hours"]
    kwargs["keymap"] = _table(data, "keymap")
    kwargs.update(_deal_kwargs(data))
    churn = _table(data, "churn")
    _known(churn, tuple(_CHURN_KEYS), "churn")
    kwargs.update({name: churn[key] for key, name in _CHURN_KEYS.items() if key in churn})
    if "activity" in data:
        kwargs["activity"] = _activity(_table(data, "activity"))
    return kwargs


def _activity(table: Mapping[str, Any]) -> ActivityTargets:
    _known(table, _ACTIVITY_KEYS, "activity")
    for key in ("week", "month", "quarter"):
        if key in table:
            _count(table[key], f"activity.{key}")
    for key in ("orientation", "efficiency"):
        if key in table:
            _fraction(table[key], f"activity.{key}", include_one=True)
    return ActivityTargets(**{key: table[key] for key in _ACTIVITY_KEYS if key in table})


_DEAL_SCALARS = ("whitespace_min_share", "whitespace_min_peers")


def _deal_kwargs(data: Mapping[str, Any]) -> dict[str, Any]:
    deals = _table(data, "deals")
    _known(deals, (*_DEAL_SCALARS, "lost_reasons", "probability", "rotting_days"), "deals")
    kwargs: dict[str, Any] = {key: deals[key] for key in _DEAL_SCALARS if key in deals}
    if "lost_reasons" in deals:
        reasons = deals["lost_reasons"]
        if not isinstance(reasons, list):
            raise SettingsError(
                N_('must be a list: ["delivery", "incumbent"]'), key="deals.lost_reasons"
            )
        kwargs["extra_deal_lost_reasons"] = tuple(reasons)
    kwargs["deal_probability"] = _table(deals, "probability", "deals.")
    kwargs["deal_rotting_days"] = _table(deals, "rotting_days", "deals.")
    return kwargs


_CHURN_KEYS = {key: f"churn_{key}" for key in ("p_alive", "revenue_drop", "penalizer")}


def _check_churn(settings: Settings) -> None:
    set_ = object.__setattr__  # frozen: normalised values are set once, here
    for key in ("p_alive", "revenue_drop"):
        value = _fraction(getattr(settings, _CHURN_KEYS[key]), f"churn.{key}", include_one=True)
        set_(settings, _CHURN_KEYS[key], value)
    penalizer = settings.churn_penalizer
    if not _is_number(penalizer) or not 0 <= penalizer < float("inf"):  # type: ignore[operator]
        raise SettingsError(N_("must be a number of at least 0"), key="churn.penalizer")
    set_(settings, "churn_penalizer", float(penalizer))


WEEKDAY_KEYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _check_routine(settings: Settings) -> None:
    set_ = object.__setattr__  # frozen: normalised values are set once, here
    days = settings.working_days  # weekday numbers, or the TOML's names ("mon")
    days = [WEEKDAY_KEYS.index(d.lower()) if str(d).lower() in WEEKDAY_KEYS else d for d in days]
    if not days or not all(d in range(7) and not isinstance(d, bool) for d in days):
        raise SettingsError(N_('must be a list of days such as ["mon", "tue"]'), key="working_days")
    set_(settings, "working_days", tuple(sorted(set(days))))
    reasons = settings.extra_account_lost_reasons
    if not isinstance(reasons, list | tuple) or not all(
        isinstance(r, str) and r.strip() for r in reasons
    ):
        raise SettingsError(N_('must be a list of texts such as ["incumbent"]'), key="lost_reasons")
    set_(settings, "extra_account_lost_reasons", tuple(dict.fromkeys(r.strip() for r in reasons)))
    zone = settings.timezone
    if not isinstance(zone, str) or not re.fullmatch(r"[A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*", zone):
        raise SettingsError(N_('must be a zone name such as "Europe/Paris", or ""'), key="timezone")


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


def _hours(value: object, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= _MAX_HOURS:
        raise SettingsError(f"must be a whole number of hours between 1 and {_MAX_HOURS}", key=key)
    return value


def _count(value: object, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise SettingsError(N_("must be a whole number of interactions, at least 1"), key=key)
    return value


def _cadence(value: object, defaults: Mapping[str, int], where: str) -> Mapping[str, int]:
    if not isinstance(value, Mapping):
        raise SettingsError(N_("must be a table"), key=where)
    _known(value, tuple(defaults), where)
    merged = dict(defaults)
    merged.update({key: _days(days, f"{where}.{key}") for key, days in value.items()})
    return MappingProxyType(merged)


def _check_deals(settings: Settings) -> None:
    set_ = object.__setattr__  # frozen: normalised values are set once, here
    set_(
        settings,
        "deal_probability",
        _percentages(settings.deal_probability, DEFAULT_DEAL_PROBABILITY, "deals.probability"),
    )
    set_(
        settings,
        "deal_rotting_days",
        _cadence(settings.deal_rotting_days, DEFAULT_DEAL_ROTTING_DAYS, "deals.rotting_days"),
    )
    reasons = settings.extra_deal_lost_reasons
    if not all(isinstance(r, str) and r.strip() for r in reasons):
        raise SettingsError(N_("every reason must be a non-empty text"), key="deals.lost_reasons")
    set_(settings, "extra_deal_lost_reasons", tuple(dict.fromkeys(r.strip() for r in reasons)))
    share = _fraction(settings.whitespace_min_share, "deals.whitespace_min_share", include_one=True)
    set_(settings, "whitespace_min_share", share)
    peers = settings.whitespace_min_peers
    if not isinstance(peers, int) or isinstance(peers, bool) or not 1 <= peers <= 1000:
        raise SettingsError(
            N_("must be a whole number between 1 and 1000"), key="deals.whitespace_min_peers"
        )


def _percentages(value: object, defaults: Mapping[str, int], where: str) -> Mapping[str, int]:
    if not isinstance(value, Mapping):
        raise SettingsError(N_("must be a table"), key=where)
    _known(value, tuple(defaults), where)
    merged = dict(defaults)
    for key, percent in value.items():
        if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
            raise SettingsError(
                N_("must be a whole number between 0 and 100"), key=f"{where}.{key}"
            )
        merged[key] = percent
    return MappingProxyType(merged)


def _window(value: object) -> str:
    try:
        if not isinstance(value, str):
            raise WindowError
        return parse_window(value, date(2000, 1, 1)).label
    except WindowError:
        raise SettingsError(N_("must be 12m, 24m, <N>m or all"), key="window") from None


def _currency(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value):
        raise SettingsError(N_("must be a 3-letter currency code such as EUR"), key="currency")
    return value.upper()


def _keymap(value: object) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise SettingsError(N_("must be a table"), key="keymap")
    for binding, keys in value.items():
        if isinstance(keys, Mapping):
            raise SettingsError(
                f'binding ids with a dot need quotes: "{binding}.{next(iter(keys), "")}" = "..."',
                key=f"keymap.{binding}",
            )
        if not isinstance(keys, str) or not keys.strip():
            raise SettingsError(N_('must be keys such as "ctrl+d" or "D"'), key=f"keymap.{binding}")
    return MappingProxyType(dict(value))
