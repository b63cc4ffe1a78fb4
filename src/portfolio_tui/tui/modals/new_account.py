"""A new account or prospect with its first contact, from any screen (the app's `A` key)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select

from portfolio_tui.domain.stages import FUNNEL
from portfolio_tui.i18n import N_, _
from portfolio_tui.i18n.terms import stage_label
from portfolio_tui.tui.modals.form import FormError, FormModal

# (field, label) of the account, then of its first contact (`contact_` fields).
ACCOUNT_FIELDS = (("name", N_("Name")), ("city", N_("City")), ("sector", N_("Sector")))
CONTACT_FIELDS = (
    ("contact_name", N_("Contact")),
    ("contact_role", N_("Role")),
    ("contact_email", N_("Email")),
    ("contact_phone", N_("Phone")),
)


class NewAccountForm(FormModal):
    """Name, stage, city and sector; then, optionally, the first contact. Two writes: if the
    contact is refused, the account stays created and saving again only adds the contact."""

    TITLE = N_("New account")
    AUTO_FOCUS = "#f-name"

    def __init__(self) -> None:
        super().__init__()
        self.created_id: str | None = None  # set by the save, in its worker

    def fields(self) -> ComposeResult:
        stages = [(stage_label(s.value), s.value) for s in FUNNEL]
        yield from self.row(_("Name"), Input(id="f-name", compact=True))
        stage = Select(stages, value="suspect", allow_blank=False, id="f-stage", compact=True)
        yield from self.row(_("Stage"), stage)
        for name, label in (*ACCOUNT_FIELDS[1:], *CONTACT_FIELDS):
            hint = _("optional")
            yield from self.row(_(label), Input(placeholder=hint, id=f"f-{name}", compact=True))

    def collect(self) -> dict[str, Any]:
        values: dict[str, Any] = {"name": self.required("name"), "stage": self.choice("stage")}
        for name, _label in (*ACCOUNT_FIELDS[1:], *CONTACT_FIELDS):
            values[name] = self.text(name) or None
        email = values["contact_email"]
        if email and "@" not in email:
            raise FormError(
                "contact_email", _("{text} is not an email address").format(text=repr(email))
            )
        has_contact = any(values[name] for name, _label in CONTACT_FIELDS)
        if has_contact and not values["contact_name"]:
            raise FormError(
                "contact_name", _("name the contact (or leave every contact field empty)")
            )
        return values

    def save(self, values: dict[str, Any]) -> str:
        routine = self.portfolio.routine
        name = values["name"]
        if self.created_id is None:
            self.created_id = routine.create_account(
                name,
                stage=values["stage"] or "suspect",
                city=values["city"],
                sector=values["sector"],
            ).account_id
        contact = values["contact_name"]
        if not contact:
            return _("Created {name}").format(name=name)
        routine.add_contact(
            self.created_id,
            contact,
            role=values["contact_role"],
            email=values["contact_email"],
            phone=values["contact_phone"],
        )
        return _("Created {name} with {contact}").format(name=name, contact=contact)
