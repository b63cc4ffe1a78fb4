"""The deal dialogs: add or edit a deal, lose it with its reason, and the offer to record the
sale of a deal just won (a yes/no question: `n` declines)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select

from portfolio_tui.domain.deals import OPEN_STAGES
from portfolio_tui.domain.money import MoneyError, cents_to_plain, parse_money
from portfolio_tui.i18n import N_, _
from portfolio_tui.i18n.terms import deal_stage_label, lost_reason_label
from portfolio_tui.service.deal_views import DealMoved, DealView
from portfolio_tui.tui.modals.confirm import ConfirmModal
from portfolio_tui.tui.modals.form import FormError, FormModal
from portfolio_tui.tui.widgets.date_input import DateInput


def _input(value: str = "", placeholder: str = "", name: str = "") -> Input:
    return Input(value, placeholder=placeholder, id=f"f-{name}", compact=True)


def _probability(text: str) -> int | None:
    """The probability typed ("60", "60 %"); None when empty (the stage's default applies)."""
    digits = text.strip().removesuffix("%").strip()
    if not digits:
        return None
    if not digits.isdigit() or int(digits) > 100:
        raise FormError("probability", _("{text!r} is not a percentage (0 to 100)").format(
            text=text))  # fmt: skip
    return int(digits)


class DealForm(FormModal):
    """A new deal (on a known account, or on the account typed), or the edit of one: only the
    fields changed are sent."""

    TITLE = N_("Deal")

    def __init__(
        self,
        *,
        deal: DealView | None = None,
        account_id: str | None = None,
        account_name: str = "",
        currency: str | None = None,
    ) -> None:
        super().__init__()
        self.deal = deal
        self.account_id = deal.account_id if deal else account_id
        self.account_name = deal.account_name if deal else account_name
        self.currency = currency
        self.initial = _texts(deal)

    def subtitle(self) -> str:
        heading = _("Edit the deal") if self.deal else _("New deal")
        return f"{heading} · {self.account_name}" if self.account_id else heading

    def fields(self) -> ComposeResult:
        if self.account_id is None:
            account = _input(self.account_name, _("name or id of the account"), "account")
            yield from self.row(_("Account"), account)
        yield from self.row(_("Title"), _input(self.initial["title"], _("what is sold"), "title"))
        amount = _input(self.initial["amount"], _("e.g. 12000 or 12 000,50"), "amount")
        yield from self.row(_("Amount"), amount)
        probability = _input(self.initial["probability"], _("the stage's when empty"),
                             "probability")  # fmt: skip
        yield from self.row(_("Probability %"), probability)
        if self.deal is None:
            stages = [(deal_stage_label(s.value), s.value) for s in OPEN_STAGES]
            stage = Select(stages, value=OPEN_STAGES[0].value, allow_blank=False,
                           id="f-stage", compact=True)  # fmt: skip
            yield from self.row(_("Stage"), stage)
        close = DateInput(self.initial["close"], allow_empty=True,
                          empty_text=_("no close date"), id="f-close")  # fmt: skip
        yield from self.row(_("Closes"), close)
        yield from self.row(_("Family"), _input(self.initial["family"], _("optional"), "family"))
        yield from self.row(_("Notes"), _input(self.initial["notes"], _("optional"), "notes"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-account" if self.account_id is None else "#f-title").focus()

    def collect(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "title": self.required("title"),
            "amount": self._amount(),
            "probability": _probability(self.text("probability")),
            "close": self.phrase("close"),
            "family": self.text("family") or None,
            "notes": self.text("notes"),
        }
        if self.deal is None:
            values["stage"] = self.choice("stage") or OPEN_STAGES[0].value
            values["account"] = self.account_id or self.required("account")
            return values
        changed = {k: v for k, v in values.items() if _as_text(k, v) != self.initial[k]}
        if not changed:
            raise FormError("title", _("nothing changed (escape closes the form)"))
        return changed

    def _amount(self) -> int:
        text = self.required("amount")
        try:
            cents = parse_money(text, self.currency)
        except MoneyError as error:
            raise FormError("amount", str(error)) from None
        if cents < 0:
            raise FormError("amount", _("must not be negative"))
        return cents

    def save(self, values: dict[str, Any]) -> str:
        deals = self.portfolio.deals
        if self.deal is None:
            account = values.pop("account")
            deal_id = deals.add_deal(account, values.pop("title"), **values)
            added = deals.deal(deal_id)
            return _("New deal: {title} ({account})").format(
                title=added.title, account=added.account_name
            )
        deals.edit_deal(self.deal.deal_id, **values)
        fields = ", ".join(values)
        return _("Saved {title}: {fields}").format(title=self.deal.title, fields=fields)


def _texts(deal: DealView | None) -> dict[str, str]:
    """Each field of the form as the text it starts from."""
    if deal is None:
        return {k: "" for k in ("title", "amount", "probability", "close", "family", "notes")}
    return {
        "title": deal.title,
        "amount": cents_to_plain(deal.amount),
        "probability": "" if deal.own_probability is None else str(deal.own_probability),
        "close": deal.expected_close.isoformat() if deal.expected_close else "",
        "family": deal.family or "",
        "notes": deal.notes,
    }


def _as_text(name: str, value: Any) -> str:
    """A collected value as the form's starting text, to tell whether the rep changed it."""
    if value is None:
        return ""
    if name == "amount":
        return cents_to_plain(value)
    return str(value)


class LoseDealForm(FormModal):
    """A deal lost: its reason, from the settings' list."""

    TITLE = N_("Deal lost")

    def __init__(self, deal: DealView, reasons: tuple[str, ...]) -> None:
        super().__init__()
        self.deal = deal
        self.reasons = reasons

    def subtitle(self) -> str:
        return f"{self.deal.account_name} · {self.deal.title}"

    def fields(self) -> ComposeResult:
        options = [(lost_reason_label(r), r) for r in self.reasons]
        select = Select(options, prompt=_("(choose the reason)"), id="f-reason", compact=True)
        yield from self.row(_("Reason"), select)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-reason").focus()

    def collect(self) -> dict[str, Any]:
        reason = self.choice("reason")
        if reason is None:
            raise FormError("reason", _("choose why the deal was lost"))
        return {"reason": reason}

    def save(self, values: dict[str, Any]) -> str:
        moved = self.portfolio.deals.lose_deal(self.deal.deal_id, values["reason"])
        return _("{title}: lost ({reason})").format(
            title=moved.title, reason=lost_reason_label(values["reason"])
        )


def record_sale_question(moved: DealMoved, amount: str) -> ConfirmModal:
    """The offer made once a deal is won: record its sale today (`y`), or not (`n`)."""
    question = _("{title} is won. Record the sale of {amount} to {account} today?").format(
        title=moved.title, amount=amount, account=moved.account_name
    )
    if moved.account_became_client:
        question = _("{account} is now a client.").format(account=moved.account_name)
        question += " " + _("Record the sale of {amount} ({title}) today?").format(
            amount=amount, title=moved.title
        )
    return ConfirmModal(question)
