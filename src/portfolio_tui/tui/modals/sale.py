"""A sale entered by hand on the Account screen (`routine.record_sale`)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from portfolio_tui.domain.money import MoneyError, parse_money
from portfolio_tui.i18n import N_, _
from portfolio_tui.tui.modals.form import FormError, FormModal
from portfolio_tui.tui.text import day_text, money
from portfolio_tui.tui.widgets.date_input import DateInput


class SaleForm(FormModal):
    """The day sold (a phrase: `today`, `01/12/2026`), the amount, and optionally the margin
    and the order reference."""

    TITLE = N_("Enter a sale")
    AUTO_FOCUS = "#f-amount"

    def __init__(self, account_id: str, account_name: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.account_name = account_name

    def subtitle(self) -> str:
        return self.account_name

    def fields(self) -> ComposeResult:
        yield from self.row(
            _("Amount"), Input(placeholder=_("e.g. 1 234,50"), id="f-amount", compact=True)
        )
        # TRANSLATORS: a date phrase the parser reads ("aujourd'hui")
        yield from self.row(_("Sold on"), DateInput(_("today"), id="f-sold_on"))
        yield from self.row(
            _("Margin"), Input(placeholder=_("optional"), id="f-margin", compact=True)
        )
        yield from self.row(
            _("Order"), Input(placeholder=_("optional"), id="f-order_ref", compact=True)
        )

    def _cents(self, name: str) -> int | None:
        text = self.text(name)
        if not text:
            return None
        try:
            return parse_money(text, self.portfolio_app.settings.currency)
        except MoneyError as error:
            raise FormError(name, str(error)) from None

    def collect(self) -> dict[str, Any]:
        amount = self._cents("amount")
        if amount is None:
            raise FormError("amount", _("must not be empty"))
        phrase = self.phrase("sold_on")
        if phrase is None:
            raise FormError("sold_on", _("must not be empty"))
        return {"sold_on": phrase, "amount": amount, "margin": self._cents("margin"),
                "order_ref": self.text("order_ref") or None}  # fmt: skip

    def save(self, values: dict[str, Any]) -> str:
        day = self.portfolio.parse_when(values.pop("sold_on")).day
        self.portfolio.routine.record_sale(self.account_id, day, **values)
        amount = money(values["amount"], self.portfolio.settings)
        return _("Sale of {amount} on {day} entered for {account}").format(
            amount=amount, day=day_text(day, year=True), account=self.account_name
        )
