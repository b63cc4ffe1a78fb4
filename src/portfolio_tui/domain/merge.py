"""The merge rules of laptop-to-laptop sync, on plain rows: no SQL, no I/O.

A row is a tuple of column values in the order of a `RowShape`. Every field takes the value
of its latest write: the field's clock `"<iso utc>|<device id>"` in the row's `clocks`; a
field without a clock still holds the value it was created with and loses against any
clocked write. Equal clocks are broken by device id (inside the clock), then by the value
itself, so the result never depends on which side is local.

The merge is a join: commutative, associative and idempotent. That is what makes a sync
order-independent and replicas convergent. Its result is canonical (clocks as sorted JSON,
bookkeeping derived from both sides), so replicas end equal byte for byte."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from portfolio_tui.domain.records import BOOKKEEPING

LABEL_COLUMNS = ("name", "title", "summary", "to_stage", "order_ref")

Row = tuple[Any, ...]


class MergeError(ValueError):
    """An incoming row that can't be merged (bad clocks, bad values)."""


@dataclass(frozen=True)
class RowShape:
    """The columns of one table, in row order."""

    table: str
    columns: tuple[str, ...]

    def __post_init__(self) -> None:
        missing = [c for c in BOOKKEEPING if c not in self.columns]
        if missing:
            raise ValueError(f"{self.table}: no {', '.join(missing)} column")

    def index(self, column: str) -> int:
        return self.columns.index(column)

    @property
    def data_columns(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in BOOKKEEPING)


@dataclass(frozen=True)
class Conflict:
    """One field written on both sides with different values; the later write won."""

    table: str
    row_id: str
    label: str | None  # the record's name or title, to show a person
    field: str
    local_value: Any
    incoming_value: Any
    local_clock: str
    incoming_clock: str
    winner: str  # "local" or "incoming"

    @property
    def winning_value(self) -> Any:
        return self.local_value if self.winner == "local" else self.incoming_value

    @property
    def winning_device(self) -> str:
        clock = self.local_clock if self.winner == "local" else self.incoming_clock
        return clock.partition("|")[2]


# --- orders ---------------------------------------------------------------------------------

_STORED_TYPES = frozenset({type(None), int, float, str})
# A field without a clock sorts below every clocked write.
_UNCLOCKED: tuple[Any, ...] = (0,)


def clock_key(stamp: str | None) -> tuple[Any, ...]:
    """Sort key of a clock stamp: time, then device id, then the text itself."""
    if stamp is None:
        return _UNCLOCKED
    if not isinstance(stamp, str):
        raise MergeError(f"clock {stamp!r} is not text")
    at, sep, device = stamp.partition("|")
    if not sep or not device:
        raise MergeError(f"clock {stamp!r} is not <time>|<device>")
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        raise MergeError(f"clock {stamp!r}: {at!r} is not an ISO time") from None
    if moment.tzinfo is not None:
        raise MergeError(f"clock {stamp!r}: times are naive UTC")
    return (1, moment, device, stamp)


def value_key(value: Any) -> tuple[Any, ...]:
    """A total order on stored values (NULL < numbers < text), for deterministic ties."""
    if value is None:
        return (0,)
    if isinstance(value, bool):
        raise MergeError(f"value {value!r} is not a stored value")
    if isinstance(value, int | float):
        return (1, value, isinstance(value, float))
    if isinstance(value, str):
        return (2, value)
    raise MergeError(f"value {value!r} is not a stored value")


def parse_clocks(text: Any) -> dict[str, str]:
    """The `clocks` column as {field: stamp}; every stamp checked."""
    if text == "{}":
        return {}
    if not isinstance(text, str):
        raise MergeError(f"clocks {text!r} is not text")
    try:
        clocks = json.loads(text or "{}")
    except ValueError:
        raise MergeError(f"clocks {text!r} is not JSON") from None
    if not isinstance(clocks, dict):
        raise MergeError(f"clocks {text!r} is not a JSON object")
    for stamp in clocks.values():
        clock_key(stamp)
    return clocks


def dump_clocks(clocks: dict[str, str]) -> str:
    if not clocks:
        return "{}"
    return json.dumps(clocks, sort_keys=True)  # as store/writes.py writes them


# --- the merge ------------------------------------------------------------------------------


def merge_row(
    shape: RowShape, local: Sequence[Any] | None, incoming: Sequence[Any]
) -> tuple[Row, list[Conflict]]:
    """The join of two versions of one row (`local` None: the row is new here).

    Returns the merged row in canonical form and the conflicts it resolved."""
    if len(incoming) != len(shape.columns) or (local is not None and len(local) != len(incoming)):
        raise MergeError(
            f"{shape.table}: a row has {len(incoming)} values, not {len(shape.columns)}"
        )
    for value in incoming:
        if type(value) not in _STORED_TYPES:
            value_key(value)  # raises: not a value a database stores
    columns = shape.columns
    id_at = columns.index("id")
    clocks_at = columns.index("clocks")
    if not isinstance(incoming[id_at], str) or not incoming[id_at]:
        raise MergeError(f"{shape.table}: id {incoming[id_at]!r} is not text")
    incoming_clocks = parse_clocks(incoming[clocks_at])
    if local is None:
        if incoming[clocks_at] == "{}":  # canonical already
            return tuple(incoming), []
        merged = list(incoming)
        merged[clocks_at] = dump_clocks(incoming_clocks)
        return tuple(merged), []
    if local[id_at] != incoming[id_at]:
        raise MergeError(f"{shape.table}: can't merge row {incoming[id_at]} into {local[id_at]}")
    local_clocks = parse_clocks(local[clocks_at])

    merged = list(local)
    merged_clocks: dict[str, str] = {}
    conflicts: list[Conflict] = []
    for i, column in enumerate(columns):
        if column in BOOKKEEPING:
            continue
        mine, theirs = local[i], incoming[i]
        my_clock, their_clock = local_clocks.get(column), incoming_clocks.get(column)
        take_theirs = (clock_key(their_clock), value_key(theirs)) > (
            clock_key(my_clock),
            value_key(mine),
        )
        merged[i] = theirs if take_theirs else mine
        winning_clock = their_clock if take_theirs else my_clock
        if winning_clock is not None:
            merged_clocks[column] = winning_clock
        if my_clock is not None and their_clock is not None and mine != theirs:
            conflicts.append(
                Conflict(
                    table=shape.table,
                    row_id=local[id_at],
                    label=None,
                    field=column,
                    local_value=mine,
                    incoming_value=theirs,
                    local_clock=my_clock,
                    incoming_clock=their_clock,
                    winner="incoming" if take_theirs else "local",
                )
            )
    # Clocks of columns this program doesn't know (none today): keep the later stamp.
    for column in (local_clocks.keys() | incoming_clocks.keys()) - set(shape.data_columns):
        stamps = [s for s in (local_clocks.get(column), incoming_clocks.get(column)) if s]
        merged_clocks[column] = max(stamps, key=clock_key)
    merged[clocks_at] = dump_clocks(merged_clocks)

    created_at = columns.index("created_at")
    merged[created_at] = min(local[created_at], incoming[created_at], key=value_key)
    # The last writer: the later (updated_at, device_id) of the two sides, taken together.
    updated_at, device_at = columns.index("updated_at"), columns.index("device_id")
    latest = max(
        (local, incoming), key=lambda r: (value_key(r[updated_at]), value_key(r[device_at]))
    )
    merged[updated_at], merged[device_at] = latest[updated_at], latest[device_at]

    if conflicts:
        label = row_label(shape, merged)
        conflicts = [replace(c, label=label) for c in conflicts]
    return tuple(merged), conflicts


def row_label(shape: RowShape, row: Sequence[Any]) -> str | None:
    """A human name for a row: its name, title or summary, if it has one."""
    for column in LABEL_COLUMNS:
        if column in shape.columns:
            value = row[shape.columns.index(column)]
            if value:
                return str(value)
    return None
