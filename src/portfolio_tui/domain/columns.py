"""The type and domain of every synced column: what a sync bundle may put in it.

A bundle carries rows as JSON values; before a sync writes one, every value is checked here
against its column's rule, so nothing downstream ever meets a value it can't read:

    id, *_id             a UUID as text (any version: segments use UUID 5)
    instants             "YYYY-MM-DD HH:MM:SS[.ffffff]", naive UTC, a real calendar time
    dates                "YYYY-MM-DD", a real calendar date ("2025-02-31" is refused)
    cents                a JSON integer (no float, string or boolean) within ±MAX_CENTS
    small numbers        a whole number in its range (nps 0..10, accessibility 1..5, …)
    quantity             a finite number within ±MAX_QUANTITY
    enums                one of the stored values (stage, kind, channel, source, risk, …)
    names, titles        text that is not blank
    text                 no control character (domain.text.find_control): tab anywhere, line
                         breaks only in notes, summaries and outcomes
    custom_fields        a JSON object of scalars; clocks a JSON object of "<iso>|<device>"
    recurrence           an RRULE that domain.recurrence accepts

NaN and ±Infinity are not JSON; Python's parser accepts them, so the bundle reader turns them
into `JsonConstant` values, which every rule refuses by name.

Pure: values in, the reason a value is refused out. No I/O."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from portfolio_tui.domain.account_fields import CHANNELS, INTERACTION_KINDS, RISK_LEVELS, SOURCES
from portfolio_tui.domain.deals import DealStage
from portfolio_tui.domain.money import MAX_CENTS
from portfolio_tui.domain.recurrence import RecurrenceError, validate_rrule
from portfolio_tui.domain.stages import Stage
from portfolio_tui.domain.text import find_control
from portfolio_tui.i18n import _

Check = Callable[[Any], "str | None"]  # the reason a value is refused, or None

MAX_QUANTITY = 1e9  # as formats/cells reads a quantity
MAX_DURATION_MINUTES = 7 * 24 * 60
MAX_LINE = 10_000  # characters of a one-line text
MAX_TEXT = 1_000_000  # characters of a multi-line text or a JSON text
MAX_INT = 2**63 - 1  # SQLite's integer
_SHOWN = 40  # characters of a refused value quoted in a reason
_KNOWN_TEXTS = 4096  # good texts remembered per column, not checked again

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{6})?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class JsonConstant:
    """NaN, Infinity or -Infinity as a bundle line spelled it: not a number JSON allows."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


def shown(value: Any) -> str:
    """A refused value, quoted for a one-line message: escaped (repr) and cut short."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


# --- the kinds of check ---------------------------------------------------------------------


def _optional(check: Check) -> Check:
    def optional(value: Any) -> str | None:
        return None if value is None else check(value)

    return optional


def _required(check: Check) -> Check:
    def required(value: Any) -> str | None:
        return _("must not be empty") if value is None else check(value)

    return required


def _uuid(value: Any) -> str | None:
    if type(value) is str and _UUID.fullmatch(value):
        return None
    return _("{value} is not an id (a UUID)").format(value=shown(value))


def _instant(value: Any) -> str | None:
    if type(value) is not str or not _INSTANT.fullmatch(value):
        return _("{value} is not a time (YYYY-MM-DD HH:MM:SS, UTC)").format(value=shown(value))
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return _("{value} is not a real time").format(value=shown(value))
    return None


def _date(value: Any) -> str | None:
    if type(value) is not str or not _DATE.fullmatch(value):
        return _("{value} is not a date (YYYY-MM-DD)").format(value=shown(value))
    try:
        date.fromisoformat(value)
    except ValueError:
        return _("{value} is not a real date").format(value=shown(value))
    return None


def _cents(value: Any) -> str | None:
    if type(value) is not int:
        return _("{value} is not an amount in cents (a whole number)").format(value=shown(value))
    if not -MAX_CENTS <= value <= MAX_CENTS:
        return _("{value} cents is beyond ±{limit:,} cents").format(value=value, limit=MAX_CENTS)
    return None


def _whole(low: int, high: int) -> Check:
    def whole(value: Any) -> str | None:
        if type(value) is not int:
            return _("{value} is not a whole number").format(value=shown(value))
        if not low <= value <= high:
            return _("{value} is not between {low} and {high}").format(
                value=value, low=low, high=high
            )
        return None

    return whole


def _number(bound: float) -> Check:
    def number(value: Any) -> str | None:
        if type(value) is not int and type(value) is not float:
            return _("{value} is not a number").format(value=shown(value))
        if not math.isfinite(value) or abs(value) > bound:
            return _("{value} is beyond ±{bound:,.0f}").format(value=shown(value), bound=bound)
        return None

    return number


def _text(*, multiline: bool = False, blank: bool = True, longest: int = MAX_LINE) -> Check:
    def text(value: Any) -> str | None:
        if type(value) is not str:
            return _("{value} is not text").format(value=shown(value))
        if len(value) > longest:
            return _("is {length:,} characters long, more than {longest:,}").format(
                length=len(value), longest=longest
            )
        index = find_control(value, allow_newline=multiline)
        if index is not None:
            char = value[index]
            if char in "\n\r\u2028\u2029" and not multiline:
                return _("must be on one line (it holds a line break)")
            return _("character {index} is a control character (U+{code:04X})").format(
                index=index + 1, code=ord(char)
            )
        if not blank and not value.strip():
            return _("must not be empty")
        return None

    return text


def _choice(choices: Sequence[str]) -> Check:
    allowed = frozenset(choices)
    listing = ", ".join(choices)

    def choice(value: Any) -> str | None:
        if type(value) is str and value in allowed:
            return None
        return _("{value} is not one of {choices}").format(value=shown(value), choices=listing)

    return choice


def _json_scalar(value: Any) -> bool:
    if type(value) is float:
        return math.isfinite(value)
    return value is None or type(value) in (str, int, bool)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _json_object(value: Any) -> dict[str, Any] | str:
    """The object a JSON text holds, or the reason it is not one."""
    if type(value) is not str:
        return _("{value} is not text").format(value=shown(value))
    if len(value) > MAX_TEXT:
        return _("is {length:,} characters long, more than {longest:,}").format(
            length=len(value), longest=MAX_TEXT
        )
    try:
        loaded = json.loads(value, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return _("{value} is not a JSON object").format(value=shown(value))
    if type(loaded) is not dict:
        return _("{value} is not a JSON object").format(value=shown(value))
    return loaded


def _key_problem(key: str) -> str | None:
    if find_control(key) is not None or not key.strip() or len(key) > 200:
        return _("key {key} is not a field name").format(key=shown(key))
    return None


def _custom_fields(value: Any) -> str | None:
    if value == "{}":
        return None
    loaded = _json_object(value)
    if isinstance(loaded, str):
        return loaded
    for key, item in loaded.items():
        if (problem := _key_problem(key)) is not None:
            return problem
        if not _json_scalar(item) or (type(item) is str and find_control(item, True) is not None):
            return _("the value of {key} is not a plain value").format(key=shown(key))
    return None


def clock_problem(stamp: Any) -> str | None:
    """Why `stamp` is not a field clock "<naive UTC ISO time>|<device id>", or None."""
    if type(stamp) is not str:
        return _("clock {clock} is not text").format(clock=shown(stamp))
    at, sep, device = stamp.partition("|")
    if not sep or not device or find_control(device) is not None or len(stamp) > 300:
        return _("clock {clock} is not <time>|<device>").format(clock=shown(stamp))
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return _("clock {clock}: {time} is not an ISO time").format(
            clock=shown(stamp), time=shown(at)
        )
    if moment.tzinfo is not None:
        return _("clock {clock}: times are naive UTC").format(clock=shown(stamp))
    return None


def _clocks(value: Any) -> str | None:
    if value == "{}":
        return None
    loaded = _json_object(value)
    if isinstance(loaded, str):
        return loaded
    for key, stamp in loaded.items():
        problem = _key_problem(key) or clock_problem(stamp)
        if problem is not None:
            return problem
    return None


def _rrule(value: Any) -> str | None:
    if type(value) is not str or len(value) > 1000 or find_control(value) is not None:
        return _("{value} is not a recurrence rule").format(value=shown(value))
    return _rrule_problem(value)


@lru_cache(maxsize=1024)  # a portfolio holds a handful of distinct rules, repeated
def _rrule_problem(text: str) -> str | None:
    try:
        validate_rrule(text)
    except RecurrenceError as exc:
        return _("{value} is not a recurrence rule this program reads ({reason})").format(
            value=shown(text), reason=exc.reason
        )
    return None


def _any_stored(value: Any) -> str | None:
    """A column without a rule of its own: any value SQLite stores and a reader can show."""
    if value is None:
        return None
    if type(value) is str:
        return _MULTILINE(value)
    if type(value) is int:
        return (
            None
            if -MAX_INT <= value <= MAX_INT
            else _("{value} is beyond SQLite's integers").format(value=value)
        )
    if type(value) is float:
        return (
            None
            if math.isfinite(value)
            else _("{value} is not a finite number").format(value=shown(value))
        )
    return _("{value} is not a value a database column holds").format(value=shown(value))


# --- the columns ----------------------------------------------------------------------------

_LINE = _text()
_MULTILINE = _text(multiline=True, longest=MAX_TEXT)
_NAME = _required(_text(blank=False))
_ID = _required(_uuid)
_REF = _required(_uuid)
_MAYBE_REF = _optional(_uuid)
_MAYBE_LINE = _optional(_LINE)
_INSTANT_RULE = _required(_instant)
_MAYBE_INSTANT = _optional(_instant)
_DATE_RULE = _required(_date)
_MAYBE_DATE = _optional(_date)
_STAGES = tuple(s.value for s in Stage)
_DEAL_STAGES = tuple(s.value for s in DealStage)

BOOKKEEPING_RULES: Mapping[str, Check] = MappingProxyType(
    {
        "id": _ID,
        "created_at": _INSTANT_RULE,
        "updated_at": _INSTANT_RULE,
        "device_id": _required(_text(longest=200)),
        "deleted_at": _MAYBE_INSTANT,
        "clocks": _required(_clocks),
    }
)

_STAGE_MOVE = {
    "account_id": _REF,
    "from_stage": _optional(_choice(_STAGES)),
    "to_stage": _required(_choice(_STAGES)),
    "at": _INSTANT_RULE,
}

COLUMN_RULES: Mapping[str, Mapping[str, Check]] = MappingProxyType(
    {
        "account": {
            "name": _NAME,
            "legal_id": _MAYBE_LINE,
            "sector": _MAYBE_LINE,
            "size_band": _MAYBE_LINE,
            "city": _MAYBE_LINE,
            "region": _MAYBE_LINE,
            "source": _optional(_choice(SOURCES)),
            "referred_by_id": _MAYBE_REF,
            "stage": _required(_choice(_STAGES)),
            "potential": _optional(_cents),
            "accessibility": _optional(_whole(1, 5)),
            "risk_level": _optional(_choice(RISK_LEVELS)),
            "nps_score": _optional(_whole(0, 10)),
            "nps_date": _MAYBE_DATE,
            "tags": _required(_LINE),
            "notes": _required(_MULTILINE),
            "custom_fields": _required(_custom_fields),
            "lost_reason": _MAYBE_LINE,  # the settings' reasons, which a rep may extend
        },
        "contact": {
            "account_id": _REF,
            "name": _NAME,
            "role": _MAYBE_LINE,
            "email": _MAYBE_LINE,
            "phone": _MAYBE_LINE,
            "preferred_channel": _optional(_choice(CHANNELS)),
        },
        "product": {"name": _NAME, "family": _MAYBE_LINE},
        "interaction": {
            "account_id": _REF,
            "contact_id": _MAYBE_REF,
            "kind": _required(_choice(INTERACTION_KINDS)),
            "occurred_at": _INSTANT_RULE,
            "duration_minutes": _optional(_whole(0, MAX_DURATION_MINUTES)),
            "summary": _required(_MULTILINE),
            "outcome": _optional(_MULTILINE),
        },
        "followup": {
            "account_id": _REF,
            "contact_id": _MAYBE_REF,
            "title": _NAME,
            "due_on": _DATE_RULE,
            "due_at": _MAYBE_INSTANT,
            "done_at": _MAYBE_INSTANT,
            "outcome": _optional(_MULTILINE),
            "recurrence": _optional(_rrule),
            "series_start": _MAYBE_INSTANT,
            "deal_id": _MAYBE_REF,
        },
        "sale": {
            "account_id": _REF,
            "sold_on": _DATE_RULE,
            "amount": _required(_cents),
            "margin": _optional(_cents),
            "product_id": _MAYBE_REF,
            "order_ref": _MAYBE_LINE,
            "quantity": _optional(_number(MAX_QUANTITY)),
        },
        "stagechange": _STAGE_MOVE,
        "segment": {"name": _NAME, "filter_text": _required(_LINE)},
        "deal": {
            "account_id": _REF,
            "title": _NAME,
            "amount": _required(_cents),
            "probability": _optional(_whole(0, 100)),
            "stage": _required(_choice(_DEAL_STAGES)),
            "expected_close": _MAYBE_DATE,
            "family": _MAYBE_LINE,
            "lost_reason": _MAYBE_LINE,
            "created_on": _DATE_RULE,
            "closed_on": _MAYBE_DATE,
            "notes": _required(_MULTILINE),
        },
        "dealstagechange": {
            "deal_id": _REF,
            "from_stage": _optional(_choice(_DEAL_STAGES)),
            "to_stage": _required(_choice(_DEAL_STAGES)),
            "at": _INSTANT_RULE,
        },
    }
)


def column_rule(table: str, column: str) -> Check | None:
    """The check of one column, or None when this program has no rule for it."""
    if column in BOOKKEEPING_RULES:
        return BOOKKEEPING_RULES[column]
    return COLUMN_RULES.get(table, {}).get(column)


class RowRules:
    """The checks of one table's columns, in the order a bundle lists them.

    `first_problem` checks a run of rows column by column, each distinct text once (a run
    repeats its account ids, days and stages): far fewer checks than one per value."""

    table: str
    columns: tuple[str, ...]
    checks: tuple[Check, ...]
    _known: tuple[set[str], ...]  # texts found good in earlier runs, per column

    def __init__(self, table: str, columns: Sequence[str], checks: Sequence[Check]) -> None:
        self.table = table
        self.columns = tuple(columns)
        self.checks = tuple(checks)
        self._known = tuple(set() for _ in self.columns)

    def problem(self, values: Sequence[Any]) -> tuple[str, str] | None:
        """(column, reason) of the first value of one row its column refuses, or None."""
        for column, check, value in zip(self.columns, self.checks, values, strict=True):
            reason = check(value)
            if reason is not None:
                return column, reason
        return None

    def first_problem(self, rows: Sequence[Sequence[Any]]) -> tuple[int, str, str] | None:
        """(index of the row, column, reason) of the first refused value of `rows`, in row
        order then column order; None when every value is good."""
        if not rows:
            return None
        by_column = list(zip(*rows, strict=True))
        bad = [at for at, values in enumerate(by_column) if self._any_refused(at, values)]
        for index, row in enumerate(rows):
            for at in bad:
                reason = self.checks[at](row[at])
                if reason is not None:
                    return index, self.columns[at], reason
        return None

    def _any_refused(self, at: int, values: Sequence[Any]) -> bool:
        check = self.checks[at]
        kinds = set(map(type, values))
        if type(None) in kinds:
            if check(None) is not None:
                return True
            kinds.discard(type(None))
        # Only values of one type are deduplicated: 1, 1.0 and True are equal in a set.
        if len(kinds) > 1 or not kinds <= {str, int, float}:
            return any(check(v) is not None for v in values)
        distinct = set(values)
        distinct.discard(None)
        if kinds != {str}:
            # Every rule takes the numbers of one interval (or none): its ends decide.
            return bool(distinct) and (check(min(distinct)) or check(max(distinct))) is not None
        known = self._known[at]
        distinct -= known
        if any(check(v) is not None for v in distinct):
            return True
        if len(known) + len(distinct) <= _KNOWN_TEXTS:
            known |= distinct
        return False


def row_rules(table: str, columns: Sequence[str]) -> RowRules:
    """The rules of `table` for rows listing `columns`; a column without a rule of its own
    (added by a later version) must hold a plain stored value."""
    return RowRules(table, columns, [column_rule(table, c) or _any_stored for c in columns])
