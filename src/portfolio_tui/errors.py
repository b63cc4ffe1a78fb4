"""Errors a user can cause. The CLI prints them as one line and exits 2; the TUI shows them
inline. Anything else is a bug."""

from __future__ import annotations

from datetime import date, datetime

from portfolio_tui.i18n import _, current_language, field_error, pgettext
from portfolio_tui.i18n import formats as fmt


class UserError(Exception):
    """A request that can't be carried out as given; nothing was written."""


class DatabaseError(UserError):
    """A database file that can't be opened, or is newer than this program."""


class NotFound(UserError):
    pass


class Ambiguous(UserError):
    def __init__(self, what: str, ref: str, candidates: list[str]) -> None:
        listing = "; ".join(candidates[:10]) + ("; …" if len(candidates) > 10 else "")
        super().__init__(
            _("{what} {ref!r} is ambiguous: {listing}").format(what=what, ref=ref, listing=listing)
        )
        self.candidates = candidates


class FieldError(UserError):
    """A bad value for one field; `location` names where it came from (file:line)."""

    def __init__(self, field: str, reason: str, location: str | None = None) -> None:
        named = field_error(field, reason)  # "sold on: …" / "date de vente : …"
        where = _("{field}: {message}").format(field=location, message=named) if location else None
        super().__init__(where or named)
        self.field = field
        self.reason = reason
        self.location = location


class PastDate(UserError):
    """A follow-up, snooze or next date before now; `moment` is the date understood (a day for
    an all-day date, an aware datetime for a time). Allowed with `allow_past=True`."""

    def __init__(self, what: str, moment: date | datetime) -> None:
        super().__init__(
            _("{what}: {moment} is in the past").format(what=_what(what), moment=_shown(moment))
        )
        self.what = what
        self.moment = moment


class FutureDate(UserError):
    """An interaction dated after now; `moment` is the instant understood. Allowed with
    `allow_future=True`."""

    def __init__(self, what: str, moment: date | datetime) -> None:
        super().__init__(
            _("{what}: {moment} is in the future").format(what=_what(what), moment=_shown(moment))
        )
        self.what = what
        self.moment = moment


def _what(what: str) -> str:
    """The date a PastDate or FutureDate is about, in the current language ("due" → "échéance")."""
    names = {
        "due": pgettext("refused date", "due"),
        "next": pgettext("refused date", "next"),
        "snooze": pgettext("refused date", "snooze"),
        "follow-up": pgettext("refused date", "follow-up"),
        "interaction": pgettext("refused date", "interaction"),
    }
    return names.get(what, what)


def _shown(moment: date | datetime) -> str:
    """`Thu 26 Nov 2026 09:00` (en), `jeu. 26 nov. 2026 09:00` (fr)."""
    if current_language() == "en":
        return moment.strftime(
            "%a %d %b %Y %H:%M" if isinstance(moment, datetime) else "%a %d %b %Y"
        )
    text = f"{fmt.day_short(moment)} {moment.year}"
    return f"{text} {fmt.time_short(moment)}" if isinstance(moment, datetime) else text


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
