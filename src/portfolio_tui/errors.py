"""Errors a user can cause. The CLI prints them as one line and exits 2; the TUI shows them
inline. Anything else is a bug."""

from __future__ import annotations


class UserError(Exception):
    """A request that can't be carried out as given; nothing was written."""


class NotFound(UserError):
    pass


class Ambiguous(UserError):
    def __init__(self, what: str, ref: str, candidates: list[str]) -> None:
        listing = "; ".join(candidates[:10]) + ("; …" if len(candidates) > 10 else "")
        super().__init__(f"{what} {ref!r} is ambiguous: {listing}")
        self.candidates = candidates


class FieldError(UserError):
    """A bad value for one field; `location` names where it came from (file:line)."""

    def __init__(self, field: str, reason: str, location: str | None = None) -> None:
        prefix = f"{location}: " if location else ""
        super().__init__(f"{prefix}{field}: {reason}")
        self.field = field
        self.reason = reason
        self.location = location
