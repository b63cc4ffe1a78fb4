"""What the record imports (accounts, contacts; service/imports.py) share: reading vCard
files into contact rows, comparing values, and describing changes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from portfolio_tui.domain.account_fields import EDITABLE_FIELDS
from portfolio_tui.domain.matching import email_key, legal_key, name_key
from portfolio_tui.errors import UserError
from portfolio_tui.formats import vcard
from portfolio_tui.formats.csv_import import Row
from portfolio_tui.formats.csv_read import sniff_encoding
from portfolio_tui.formats.report import ImportReport, RowError
from portfolio_tui.store.models import Account, Contact

ACCOUNT_FIELDS = EDITABLE_FIELDS
CONTACT_FIELDS = ("name", "role", "email", "phone", "preferred_channel")


def card_rows(files: Sequence[Path], report: ImportReport) -> list[Row]:
    """The cards of vCard `files` as rows of the contacts import. A card with a control
    character or a bad e-mail address is rejected in `report`, naming its file and line."""
    rows: list[Row] = []
    for file in files:
        encoding = sniff_encoding(file)
        text = file.read_text(encoding=encoding.name)
        try:
            cards = vcard.parse_cards(text, str(file))
        except vcard.VcardError as exc:
            raise UserError(str(exc)) from None
        for card in cards:
            report.rows += 1
            values, errors = vcard.card_values(card)
            if errors:
                report.rejected_rows += 1
                for name, reason in errors:
                    report.reject(RowError(str(file), card.line, name, reason))
                continue
            rows.append(Row(card.line, values))
    return rows


def changes_text(changes: dict[str, tuple[Any, Any]]) -> str:
    def show(value: Any) -> str:
        return "∅" if value in (None, "") else str(value)

    return "; ".join(f"{k}: {show(a)} → {show(b)}" for k, (a, b) in changes.items())


# Values matched loosely are not changed by a row that differs only in case or spacing: a
# spreadsheet saying "ACME" or "552 100 554" does not rename "Acme" or reformat its SIREN.
_LOOSE = {"name": name_key, "legal_id": legal_key, "email": email_key}


def same_value(name: str, current: Any, wanted: Any) -> bool:
    loose = _LOOSE.get(name)
    if loose is not None and current is not None and wanted is not None:
        return loose(current) == loose(wanted)
    return current == wanted


def account_state(a: Account) -> dict[str, Any]:
    return {
        **{f: getattr(a, f) for f in (*ACCOUNT_FIELDS, "stage")},
        "custom_fields": a.custom_fields,
    }


def contact_state(c: Contact) -> dict[str, Any]:
    return {f: getattr(c, f) for f in (*CONTACT_FIELDS, "account_id")}


def set_values(row: Any, values: dict[str, Any]) -> None:
    for k, v in values.items():
        setattr(row, k, v)
