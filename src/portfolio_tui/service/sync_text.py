"""Words for sync results, shared by the CLI and the TUI: sizes, times, field values, clocks."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

MAX_VALUE = 40  # characters of a field value shown in a conflict line


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def local_text(moment: datetime, tz: tzinfo, *, seconds: bool = False) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def stamp_text(stamp: str, tz: tzinfo, *, seconds: bool = False) -> str:
    """An ISO UTC time from a bundle, in local time; as written when it isn't one."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return local_text(moment, tz, seconds=seconds)


def clock_text(stamp: str, tz: tzinfo, *, seconds: bool = False) -> str:
    """A field clock `<iso utc>|<device>` as local time and device."""
    at, _, device = stamp.partition("|")
    return f"{stamp_text(at, tz, seconds=seconds)} on {device}"


def quote(text: str | None) -> str:
    text = text or ""
    if len(text) > MAX_VALUE:
        text = text[: MAX_VALUE - 1] + "…"
    return f'"{text}"'


def value_text(value: Any) -> str:
    if value is None:
        return "(empty)"
    return quote(value) if isinstance(value, str) else str(value)


def counts_text(counts: dict[str, int]) -> str:
    shown = [f"{n} {table}" for table, n in counts.items() if n]
    return ", ".join(shown) or "no rows"
