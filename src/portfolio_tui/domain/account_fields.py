"""Validation of account fields typed by a user (CLI flags, form inputs, spreadsheet cells)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from portfolio_tui.domain.money import parse_money
from portfolio_tui.domain.text import TextError, check_text, fold
from portfolio_tui.i18n import _, field_error

SOURCES = ("inbound", "outbound", "referral", "event", "other")
RISK_LEVELS = ("low", "medium", "high")
CHANNELS = ("phone", "email", "visit", "video", "sms")
INTERACTION_KINDS = ("call", "meeting", "email", "visit", "note")
TEXT_FIELDS = ("name", "legal_id", "sector", "size_band", "city", "region", "notes")
EDITABLE_FIELDS = (
    *TEXT_FIELDS,
    "source",
    "potential",
    "accessibility",
    "risk_level",
    "nps_score",
    "nps_date",
    "tags",
)


class AccountFieldError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field_error(field, reason))
        self.field = field
        self.reason = reason


# The French a rep types for a source or a risk level (accents and case ignored), as the
# French screens show them; the English keys are read too.
_FRENCH_CHOICES = {
    "entrant": "inbound",
    "sortant": "outbound",
    "prospection": "outbound",
    "recommandation": "referral",
    "evenement": "event",
    "salon": "event",
    "autre": "other",
    "faible": "low",
    "moyen": "medium",
    "eleve": "high",
}


def _choice(field: str, text: str, choices: tuple[str, ...]) -> str:
    value = text.strip().lower()
    value = value if value in choices else _FRENCH_CHOICES.get(fold(value), value)
    if value not in choices:
        reason = _("{text!r} is not one of {choices}")
        raise AccountFieldError(field, reason.format(text=text, choices=", ".join(choices)))
    return value


def _int_in(field: str, text: str, low: int, high: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise AccountFieldError(
            field, _("{text!r} is not a whole number").format(text=text)
        ) from None
    if not low <= value <= high:
        reason = _("{value} is not between {low} and {high}")
        raise AccountFieldError(field, reason.format(value=value, low=low, high=high))
    return value


def normalise_tags(text: str) -> str:
    seen: dict[str, None] = {}
    for tag in text.replace(";", ",").split(","):
        tag = tag.strip().lower()
        if tag:
            seen.setdefault(tag)
    return ",".join(seen)


def clean_account_fields(raw: Mapping[str, str | None]) -> dict[str, object]:
    """Typed values for the given text fields; an empty text clears an optional field.
    Raises AccountFieldError naming the first bad field."""
    clean: dict[str, object] = {}
    for field, text in raw.items():
        if field not in EDITABLE_FIELDS:
            raise AccountFieldError(field, _("is not an account field"))
        text = checked_text(field, (text or "").strip(), multiline=field == "notes")
        if field == "name":
            if not text:
                raise AccountFieldError("name", _("must not be empty"))
            clean[field] = text
        elif field in ("notes", "tags"):
            clean[field] = normalise_tags(text) if field == "tags" else text
        elif not text:
            clean[field] = None
        elif field in TEXT_FIELDS:
            clean[field] = text
        elif field == "source":
            clean[field] = _choice(field, text, SOURCES)
        elif field == "risk_level":
            clean[field] = _choice(field, text, RISK_LEVELS)
        elif field == "potential":
            try:
                clean[field] = parse_money(text)
            except ValueError as exc:
                raise AccountFieldError(field, str(exc)) from None
        elif field == "accessibility":
            clean[field] = _int_in(field, text, 1, 5)
        elif field == "nps_score":
            clean[field] = _int_in(field, text, 0, 10)
        elif field == "nps_date":
            try:
                clean[field] = date.fromisoformat(text)
            except ValueError:
                raise AccountFieldError(
                    field, _("{text!r} is not a date (YYYY-MM-DD)").format(text=text)
                ) from None
    return clean


def checked_text(field: str, text: str, *, multiline: bool = False) -> str:
    """`text` ready to store (NFC), or an AccountFieldError when it holds a control character
    (or a line break, unless `multiline`)."""
    try:
        return check_text(field, text, allow_newline=multiline)
    except TextError as error:
        raise AccountFieldError(field, error.message) from None


def nps_category(score: int | None) -> str | None:
    """Promoter 9-10, passive 7-8, detractor 0-6."""
    if score is None:
        return None
    if score >= 9:
        return "promoter"
    return "passive" if score >= 7 else "detractor"
