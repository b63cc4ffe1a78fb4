"""Errors a user can cause. The CLI prints them as one line and exits 2; the TUI shows them
inline. Anything else is a bug."""

from __future__ import annotations


class UserError(Exception):
    """A request that can't be carried out as given; nothing was written."""


class DatabaseError(UserError):
    """A database file that can't be opened, or is newer than this program."""


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


def _input_errors() -> tuple[type[Exception], ...]:
    from portfolio_tui.domain.account_fields import AccountFieldError
    from portfolio_tui.domain.dates import DatePhraseError
    from portfolio_tui.domain.money import MoneyError
    from portfolio_tui.domain.recurrence import RecurrenceError
    from portfolio_tui.domain.settings import SettingsError
    from portfolio_tui.domain.stages import StageError
    from portfolio_tui.domain.window import WindowError

    return (
        AccountFieldError,
        DatePhraseError,
        MoneyError,
        RecurrenceError,
        SettingsError,
        StageError,
        WindowError,
    )


# Every exception that means "the input was wrong": the CLI prints it as one line and exits 2,
# the TUI shows it inline. The domain raises ValueError subclasses; the service UserError.
USER_ERRORS: tuple[type[Exception], ...] = (UserError, *_input_errors())
