"""Completion of file paths in an Input: the first entry of the folder that starts with what is
typed (folders end with "/"); right arrow or end accepts it, as for any Textual suggestion."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.suggester import Suggester


def complete_path(value: str, suffixes: tuple[str, ...] = ()) -> str | None:
    """`value` completed with the first matching entry (hidden ones only when asked for), or
    None. Files are offered only when their name ends with one of `suffixes` (any if empty)."""
    if not value:
        return None
    typed = Path(value).expanduser()
    folder, start = (typed, "") if value.endswith(("/", "\\")) else (typed.parent, typed.name)
    try:
        entries = sorted(folder.iterdir(), key=lambda p: (not p.is_dir(), p.name.lower()))
    except OSError:
        return None
    for entry in entries:
        name = entry.name
        if not name.startswith(start) or name == start:
            continue
        if name.startswith(".") and not start.startswith("."):
            continue
        is_dir = entry.is_dir()
        if not is_dir and suffixes and not name.lower().endswith(suffixes):
            continue
        return value + name[len(start) :] + ("/" if is_dir else "")
    return None


class PathSuggester(Suggester):
    def __init__(self, suffixes: tuple[str, ...] = ()) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.suffixes = suffixes

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value, self.suffixes)
