"""The merge rules of laptop-to-laptop sync, on plain rows: no SQL, no I/O.

A row is a tuple of column values in the order of a `RowShape`. Every field takes the value
of its latest write: the field's clock `"<iso utc>|<device id>"` in the row's `clocks`; a
field without a clock still holds the value it was created with and loses against any
clocked write. Equal clocks are broken by device id (inside the clock), then by the value
itself, so the result never depends on which side is local.

The merge is a join: commutative, associative and idempotent. That is what makes a sync
order-independent and replicas convergent. Its result is canonical (clocks as sorted JSON,
bookkeeping derived from both sides), so replicas end equal byte for byte.

Facts (a shape with `append_only`: sales, interactions, stage changes) are added and
tombstoned, never edited: an incoming version of a fact already held brings its tombstone
and nothing else; a value it would change is kept as it is and named in `MergeResult`.

A clock from the future would win every later merge; `clamp_future` brings a row's clocks and
`updated_at` back to a given time before it is merged."""

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
    """The columns of one table, in row order; `append_only` for a table of facts."""

    table: str
    columns: tuple[str, ...]
    append_only: bool = False

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
    if shape.append_only:
        return _merge_fact(shape, local, incoming, local_clocks, incoming_clocks), []

    merged, merged_clocks, conflicts = _merge_fields(
        shape, local, incoming, local_clocks, incoming_clocks
    )
    # Clocks of columns this program doesn't know (none today): keep the later stamp.
    for column in (local_clocks.keys() | incoming_clocks.keys()) - set(shape.data_columns):
        stamps = [s for s in (local_clocks.get(column), incoming_clocks.get(column)) if s]
        merged_clocks[column] = max(stamps, key=clock_key)
    merged[clocks_at] = dump_clocks(merged_clocks)
    _merge_bookkeeping(columns, merged, local, incoming)
    if conflicts:
        label = row_label(shape, merged)
        conflicts = [replace(c, label=label) for c in conflicts]
    return tuple(merged), conflicts


def _merge_fields(
    shape: RowShape,
    local: Sequence[Any],
    incoming: Sequence[Any],
    local_clocks: dict[str, str],
    incoming_clocks: dict[str, str],
) -> tuple[list[Any], dict[str, str], list[Conflict]]:
    """Each data field of the later write: the merged values, their clocks, the conflicts."""
    merged = list(local)
    merged_clocks: dict[str, str] = {}
    conflicts: list[Conflict] = []
    row_id = local[shape.index("id")]
    for i, column in enumerate(shape.columns):
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
                    row_id=row_id,
                    label=None,
                    field=column,
                    local_value=mine,
                    incoming_value=theirs,
                    local_clock=my_clock,
                    incoming_clock=their_clock,
                    winner="incoming" if take_theirs else "local",
                )
            )
    return merged, merged_clocks, conflicts


def _merge_bookkeeping(
    columns: tuple[str, ...], merged: list[Any], local: Sequence[Any], incoming: Sequence[Any]
) -> None:
    """The earlier creation, and the last writer: the later (updated_at, device_id) of the two
    sides, taken together."""
    created_at = columns.index("created_at")
    merged[created_at] = min(local[created_at], incoming[created_at], key=value_key)
    updated_at, device_at = columns.index("updated_at"), columns.index("device_id")
    latest = max(
        (local, incoming), key=lambda r: (value_key(r[updated_at]), value_key(r[device_at]))
    )
    merged[updated_at], merged[device_at] = latest[updated_at], latest[device_at]


def _merge_fact(
    shape: RowShape,
    local: Sequence[Any],
    incoming: Sequence[Any],
    local_clocks: dict[str, str],
    incoming_clocks: dict[str, str],
) -> Row:
    """A fact held here, merged with another version of it: only a tombstone is taken.

    Of two tombstones the later write wins (as for any field); no write revives a fact. Its
    other fields keep their values and clocks, and its bookkeeping changes only with the
    tombstone."""
    columns = shape.columns
    at, clocks_at = columns.index("deleted_at"), columns.index("clocks")
    mine = (local[at], local_clocks.get("deleted_at"))
    theirs = (incoming[at], incoming_clocks.get("deleted_at"))
    merged = list(local)
    if _tombstone_key(*theirs) > _tombstone_key(*mine):
        merged[at] = theirs[0]
        local_clocks = dict(local_clocks)
        if theirs[1] is None:
            local_clocks.pop("deleted_at", None)
        else:
            local_clocks["deleted_at"] = theirs[1]
        _merge_bookkeeping(columns, merged, local, incoming)
    merged[clocks_at] = dump_clocks(local_clocks)
    return tuple(merged)


def _tombstone_key(deleted_at: Any, clock: str | None) -> tuple[Any, ...]:
    return (deleted_at is not None, clock_key(clock), value_key(deleted_at))


def fact_rewrites(shape: RowShape, local: Sequence[Any], incoming: Sequence[Any]) -> list[str]:
    """The fields of a fact held here whose values `incoming` would change: never taken."""
    return [
        column
        for column, mine, theirs in zip(shape.columns, local, incoming, strict=True)
        if column not in BOOKKEEPING and column != "deleted_at" and mine != theirs
    ]


# --- clocks from the future -----------------------------------------------------------------


def clamp_future(
    shape: RowShape, row: Sequence[Any], limit: datetime, to: datetime
) -> tuple[Row, int]:
    """`row` with every field clock and `updated_at` later than `limit` brought back to `to`
    (both naive UTC), and how many were. Clocks and `updated_at` must be valid already."""
    clocks_at, updated_at = shape.index("clocks"), shape.index("updated_at")
    clamped = 0
    result = list(row)
    if datetime.fromisoformat(row[updated_at]) > limit:
        result[updated_at] = to.isoformat(sep=" ", timespec="microseconds")
        clamped += 1
    if row[clocks_at] != "{}":
        clocks = parse_clocks(row[clocks_at])
        for column, stamp in clocks.items():
            at, _, device = stamp.partition("|")
            if datetime.fromisoformat(at) > limit:
                clocks[column] = f"{to.isoformat(timespec='microseconds')}|{device}"
                clamped += 1
        if clamped:
            result[clocks_at] = dump_clocks(clocks)
    return (tuple(result), clamped) if clamped else (tuple(row), 0)


def row_label(shape: RowShape, row: Sequence[Any]) -> str | None:
    """A human name for a row: its name, title or summary, if it has one."""
    for column in LABEL_COLUMNS:
        if column in shape.columns:
            value = row[shape.columns.index(column)]
            if value:
                return str(value)
    return None
