"""Pickles for the cache file (`service/derived.kept_object`): the project's records come back
exactly and fast (the agenda of 20,000 accounts: ~22,000 items), without a codec per record.

The cache file is private to the user (0600, in their cache folder), but a pickle can name any
callable; reading one back allows only the project's own classes (not its functions) and the
standard values they hold, so a file put there by anything else fails to load (and is computed
again) instead of running what it names.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from enum import Enum
from operator import attrgetter
from typing import IO, Any
from zoneinfo import ZoneInfo

UnpicklingError = pickle.UnpicklingError

_ALLOWED = {
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("zoneinfo", "ZoneInfo"),
    ("decimal", "Decimal"),
    ("builtins", "frozenset"),
    ("builtins", "set"),
}
_OWN = "portfolio_tui."


def _attribute(cls: type, name: str) -> Any:
    """`getattr(cls, name)`, which pickles an enum member and a zone, for those two only."""
    if isinstance(cls, type) and issubclass(cls, Enum):
        return cls[name]
    if cls is ZoneInfo and name == "_unpickle":
        return ZoneInfo._unpickle
    raise pickle.UnpicklingError(f"{cls!r}.{name} is not a record of the cache")


class _Restricted(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("builtins", "getattr"):
            return _attribute
        if (module, name) == (__name__, "_record"):
            return _record
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        if module.startswith(_OWN) and "." not in name:
            found = super().find_class(module, name)
            # A record's class or an enum: making one only sets its fields, where any other
            # class (the database, a file) or a function would do what a pickle asks.
            if isinstance(found, type) and (is_dataclass(found) or issubclass(found, Enum)):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a record of the cache")


def _record(cls: type, values: tuple[Any, ...]) -> Any:
    """One of the project's dataclasses, back from its field values: set directly, as pickle
    does for any object but without `dataclasses.fields` per record (~3 times faster)."""
    record = object.__new__(cls)
    for name, value in zip(_field_names(cls), values, strict=True):
        object.__setattr__(record, name, value)
    return record


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        if not is_dataclass(cls):
            raise pickle.UnpicklingError(f"{cls!r} is not a record of the cache")
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    return names


_FIELDS: dict[type, tuple[str, ...]] = {}


def _reducer_of(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """How a record of `cls` is pickled: made again by its class from its field values (the
    class's own `__init__`, twice as fast as setting them one by one), or by `_record` when
    making it does more (a `__post_init__`, a field made there); None for another class."""
    if not (cls.__module__.startswith(_OWN) and is_dataclass(cls)):
        return None
    names = _field_names(cls)
    values = attrgetter(*names) if len(names) > 1 else lambda record: (getattr(record, names[0]),)
    if hasattr(cls, "__post_init__") or not all(f.init for f in fields(cls)):
        return lambda record: (_record, (cls, values(record)))
    return lambda record: (cls, values(record))


class _Pickler(pickle.Pickler):
    def __init__(self, file: IO[bytes]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._reducers: dict[type, Callable[[Any], tuple[Any, ...]] | None] = {}

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        try:
            reduce = self._reducers[cls]
        except KeyError:
            reduce = self._reducers[cls] = _reducer_of(cls)
        return NotImplemented if reduce is None else reduce(obj)


def dumps(value: object) -> bytes:
    out = io.BytesIO()
    _Pickler(out).dump(value)
    return out.getvalue()


def loads(data: bytes) -> Any:
    return _Restricted(io.BytesIO(data)).load()
