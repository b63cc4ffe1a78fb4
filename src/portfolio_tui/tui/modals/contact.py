"""A contact edited on the Account screen, and its line shown whole (phone, e-mail)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Select

from portfolio_tui.domain.account_fields import CHANNELS
from portfolio_tui.domain.text import visible
from portfolio_tui.i18n import N_, _
from portfolio_tui.service.views import ContactView
from portfolio_tui.tui.modals.form import FormError, FormModal

# (field, label) of the texts the form edits.
TEXT_FIELDS = (("name", N_("Name")), ("role", N_("Role")), ("email", N_("Email")),
               ("phone", N_("Phone")))  # fmt: skip


def contact_at(contacts: Sequence[ContactView], row: int) -> ContactView | None:
    """The contact on table row `row` (the nearest one), None when there is none."""
    return contacts[min(max(row, 0), len(contacts) - 1)] if contacts else None


def contact_line(contact: ContactView | None) -> Text:
    """Name, role, phone and e-mail in full, as typed; a word when there is no contact."""
    if contact is None:
        return Text(_("no contact selected"), style="dim")
    parts = [visible(p) for p in (contact.name, contact.role, contact.phone, contact.email) if p]
    return Text(" · ".join(parts))


class EditContactForm(FormModal):
    """Every field of a contact; only the fields changed are sent (`routine.edit_contact`)."""

    TITLE = N_("Edit contact")
    AUTO_FOCUS = "#f-name"

    def __init__(self, contact: ContactView, account_name: str) -> None:
        super().__init__()
        self.contact = contact
        self.account_name = account_name

    def subtitle(self) -> str:
        return self.account_name

    def _initial(self, name: str) -> str:
        return getattr(self.contact, name) or ""

    def fields(self) -> ComposeResult:
        for name, label in TEXT_FIELDS:
            field = Input(self._initial(name), id=f"f-{name}", compact=True)
            yield from self.row(_(label), field)
        channels = Select([(c, c) for c in CHANNELS], prompt=_("(no preference)"), compact=True,
                          value=self.contact.preferred_channel or Select.NULL,
                          id="f-preferred_channel")  # fmt: skip
        yield from self.row(_("Prefers"), channels)

    def collect(self) -> dict[str, Any]:
        changed: dict[str, Any] = {}
        for name, _label in TEXT_FIELDS:
            text = self.text(name)
            if text != self._initial(name).strip():
                changed[name] = text
        if self.choice("preferred_channel") != self.contact.preferred_channel:
            changed["preferred_channel"] = self.choice("preferred_channel") or ""
        if "email" in changed and changed["email"] and "@" not in changed["email"]:
            message = _("{text} is not an email address").format(text=repr(changed["email"]))
            raise FormError("email", message)
        if not changed:
            raise FormError("name", _("nothing changed (escape closes the form)"))
        return changed

    def save(self, values: dict[str, Any]) -> str:
        self.portfolio.routine.edit_contact(self.contact.contact_id, **values)
        name = values.get("name", self.contact.name)
        return _("Saved {name} ({account})").format(name=name, account=self.account_name)
