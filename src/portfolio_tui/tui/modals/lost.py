"""Mark a prospect lost, with a reason from the list (the settings add the rep's own)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Select

from portfolio_tui.i18n import N_, _
from portfolio_tui.i18n.terms import lost_reason_label, stage_label
from portfolio_tui.tui.modals.form import FormError, FormModal


class LostForm(FormModal):
    """`routine.mark_lost(account, reason)`: one change, one undo."""

    TITLE = N_("Mark lost")
    AUTO_FOCUS = "#f-reason"

    def __init__(self, account_id: str, account_name: str, reasons: tuple[str, ...]) -> None:
        super().__init__()
        self.account_id = account_id
        self.account_name = account_name
        self.reasons = reasons

    def subtitle(self) -> str:
        return self.account_name

    def fields(self) -> ComposeResult:
        options = [(lost_reason_label(r).replace("_", " "), r) for r in self.reasons]
        reason = Select(options, prompt=_("(why?)"), id="f-reason", compact=True)
        yield from self.row(_("Reason"), reason)

    @property
    def touched(self) -> bool:
        return super().touched or self.choice("reason") is not None

    def collect(self) -> dict[str, Any]:
        reason = self.choice("reason")
        if reason is None:
            raise FormError("reason", _("choose why it is lost"))
        return {"reason": reason}

    def save(self, values: dict[str, Any]) -> str:
        before, _after = self.portfolio.routine.mark_lost(self.account_id, values["reason"])
        return _("{account}: {before} → lost ({reason})").format(
            account=self.account_name,
            before=stage_label(before).lower(),
            reason=lost_reason_label(values["reason"]),
        )
