"""The checks every text a rep types goes through, the same for the CLI and the TUI: control
characters, e-mail addresses, a contact's fields, an interaction's kind, summary and duration."""

from __future__ import annotations

from portfolio_tui.domain.account_fields import (
    CHANNELS,
    INTERACTION_KINDS,
    AccountFieldError,
    checked_text,
)
from portfolio_tui.domain.text import is_valid_email
from portfolio_tui.errors import FieldError
from portfolio_tui.i18n import _


def checked(field: str, text: str | None, *, multiline: bool = False) -> str:
    """Stripped, checked text ("" for None): a FieldError names a control character."""
    try:
        return checked_text(field, (text or "").strip(), multiline=multiline)
    except AccountFieldError as error:
        raise FieldError(field, error.reason) from None


def checked_email(text: str | None) -> str | None:
    email = checked("email", text)
    if email and not is_valid_email(email):
        raise FieldError("email", _("{email!r} is not an e-mail address").format(email=email))
    return email or None


MAX_DURATION_MINUTES = 7 * 24 * 60  # a week: what sync accepts too


def interaction_texts(
    kind: str, summary: str, outcome: str | None, duration_minutes: int | None
) -> tuple[str, str, str | None]:
    """The kind, summary and outcome of an interaction, checked as every face gets them."""
    kind = kind.strip().lower()
    if kind not in INTERACTION_KINDS:
        raise FieldError(
            "kind",
            _("{kind!r} is not one of {choices}").format(
                kind=kind, choices=", ".join(INTERACTION_KINDS)
            ),
        )
    summary = checked("summary", summary, multiline=True)
    if not summary:
        raise FieldError("summary", _("must not be empty"))
    if duration_minutes is not None and not 0 <= duration_minutes <= MAX_DURATION_MINUTES:
        raise FieldError(
            "duration",
            _("must be between 0 and {max_duration_minutes} minutes").format(
                max_duration_minutes=MAX_DURATION_MINUTES
            ),
        )
    return kind, summary, checked("outcome", outcome) or None


CONTACT_FIELDS = ("name", "email", "phone", "role", "preferred_channel")


def contact_values(fields: dict[str, str | None]) -> dict[str, str | None]:
    """The contact fields given, checked as typed; a name must not be empty."""
    if unknown := sorted(set(fields) - set(CONTACT_FIELDS)):
        raise FieldError(unknown[0], "not a contact field: " + ", ".join(CONTACT_FIELDS))
    values = {
        k: checked_email(v) if k == "email" else checked(k, v) or None for k, v in fields.items()
    }
    if "name" in values and not values["name"]:
        raise FieldError("name", _("must not be empty"))
    if channel := values.get("preferred_channel"):
        values["preferred_channel"] = channel.lower()
        if values["preferred_channel"] not in CHANNELS:  # sync refuses any other: so do we
            raise FieldError(
                "preferred_channel",
                _("{text!r} is not one of {choices}").format(
                    text=channel, choices=", ".join(CHANNELS)
                ),
            )
    return values
