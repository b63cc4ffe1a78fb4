"""One account: the header card, then its timeline, follow-ups, contacts and sales by family.

It shows `app.current_account_id` (set by `app.open_account`); with none yet, the best-ranked
A account. Keys log an interaction of each kind, plan a follow-up, move the stage, edit the
account and add a contact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, Static

from portfolio_tui.domain.stages import Stage, next_stage
from portfolio_tui.domain.text import visible
from portfolio_tui.errors import NotFound
from portfolio_tui.i18n import N_, _
from portfolio_tui.i18n.terms import stage_label, window_label
from portfolio_tui.service.views import AccountCard, ContactView
from portfolio_tui.tui.modals.confirm import ConfirmModal
from portfolio_tui.tui.modals.contact import EditContactForm, contact_at, contact_line
from portfolio_tui.tui.modals.entry import EntryModal, entry_at_cursor
from portfolio_tui.tui.modals.forms import AddContactForm, EditAccountForm, FollowUpForm, LogForm
from portfolio_tui.tui.modals.lost import LostForm
from portfolio_tui.tui.modals.sale import SaleForm
from portfolio_tui.tui.screens.account_header import header_text
from portfolio_tui.tui.screens.base import LoadingScreen, on_fresh_data
from portfolio_tui.tui.screens.deals_board import AccountDealKeys, AccountDealsPane
from portfolio_tui.tui.text import money
from portfolio_tui.tui.widgets.agenda_table import due_day_text
from portfolio_tui.tui.widgets.keys_footer import KeysFooter
from portfolio_tui.tui.widgets.timeline import TimelineTable

if TYPE_CHECKING:  # the service is imported when the app first opens it
    from portfolio_tui.service import Portfolio

LOG = Binding.Group(N_("Log"), compact=True)
STAGE = Binding.Group(N_("Stage"), compact=True)
DELETE = Binding.Group(N_("Delete"), compact=True)
DEALS = Binding.Group(N_("Deals"), compact=True)
# The keys of the Deals pane, active while it has the focus (AccountDealKeys).
DEAL = Binding.Group(N_("Deal"), compact=True)


def best_account(portfolio: Portfolio) -> str | None:
    """The account to show before any was opened: the top of the ABC ranking, else the first
    account by name."""
    abc, _ = portfolio.reports.badges()
    if abc.ranked:
        return abc.ranked[0].account_id
    found = portfolio.search_accounts("", limit=1)
    return found[0][0] if found else None


class AccountScreen(LoadingScreen[AccountCard | str]):
    """Loads the card of the account to show, or the sentence saying why there is none."""

    TITLE = N_("Account")
    COLLECT_AFTER_LOAD = False  # one account's card: nothing worth a full collection
    BINDINGS = [
        # First, so that on the Deals pane its keys come first in the footer, in one group.
        Binding(">", "deal('move', 1)", N_("Deal stage →"), id="account.deal_forward", group=DEAL),
        Binding("<", "deal('move', 0)", N_("← Deal stage"), id="account.deal_back", group=DEAL),
        Binding("w", "deal('win')", N_("Deal won"), id="account.deal_win", group=DEAL),
        Binding("l", "deal('lose')", N_("Deal lost…"), id="account.deal_lose", group=DEAL),
        Binding("e", "deal('edit')", N_("Edit deal"), id="account.deal_edit", group=DEAL),
        Binding("c", "log('call')", N_("Call"), id="account.call", group=LOG),
        Binding("m", "log('meeting')", N_("Meeting"), id="account.meeting", group=LOG),
        Binding("e", "log('email')", N_("Email"), id="account.email", group=LOG),
        Binding("v", "log('visit')", N_("Visit"), id="account.visit", group=LOG),
        Binding("o", "log('note')", N_("Note"), id="account.note", group=LOG),
        Binding("f", "follow_up", N_("Follow-up"), id="account.follow_up"),
        Binding(">", "stage(True)", N_("Stage forward"), id="account.stage_forward", group=STAGE),
        Binding("<", "stage(False)", N_("Stage back"), id="account.stage_back", group=STAGE),
        Binding("E", "edit", N_("Edit"), id="account.edit"),
        Binding("a", "add_contact", N_("Add contact"), id="account.add_contact"),
        Binding("K", "edit_contact", N_("Edit contact"), id="account.edit_contact"),
        Binding("y", "copy_contact('phone')", N_("Copy phone"), id="account.copy_phone"),
        Binding("Y", "copy_contact('email')", N_("Copy e-mail"), id="account.copy_email"),
        Binding("s", "sale", N_("Sale…"), id="account.sale"),
        Binding("L", "mark_lost", N_("Lost…"), id="account.lost", group=STAGE),
        Binding("r", "open_entry", N_("Read entry"), id="account.entry"),
        Binding(
            "X", "delete_contact", N_("Delete contact"), id="account.delete_contact", group=DELETE
        ),
        Binding(
            "x",
            "delete_follow_up",
            N_("Delete follow-up"),
            id="account.delete_follow_up",
            group=DELETE,
        ),
        Binding("D", "delete_account", N_("Delete account"), id="account.delete", group=DELETE),
        Binding("d", "deal('focus')", N_("Deals"), id="account.deals", group=DEALS),
        Binding("n", "deal('add')", N_("New deal"), id="account.deal_add", group=DEALS),
        Binding("n", "deal('suggestion')", N_("Make it a deal"), id="account.suggestion_deal"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.card: AccountCard | None = None
        self._moving = False  # a stage move is being written: the next waits for it
        self.deal_keys = AccountDealKeys(self, self._deal_changed)

    def compose(self) -> ComposeResult:
        yield Static(id="account-header")
        with Horizontal(id="account-body"):
            with Vertical(id="timeline-pane"):
                yield Label(_("Timeline"), classes="pane-title")
                yield TimelineTable(id="timeline")
                yield AccountDealsPane(id="deals-pane")
            with Vertical(id="side-pane"):
                yield Label(_("Follow-ups"), classes="pane-title")
                yield DataTable(id="follow-ups", cursor_type="row", show_header=False)
                yield Label(_("Contacts"), classes="pane-title")
                yield DataTable(id="contacts", cursor_type="row", show_header=False)
                yield Static(id="contact-detail")
                yield Static(id="account-notes")
                yield Label(_("Sales by family"), classes="pane-title", id="families-title")
                yield DataTable(id="families", cursor_type="row", show_header=False)
        yield KeysFooter()

    # --- data -----------------------------------------------------------------------------

    def prepare(self) -> None:
        # Fixed widths: the side pane is about 46 columns wide on a 120-column screen.
        follow_ups = self.query_one("#follow-ups", DataTable)
        follow_ups.add_column(_("Due"), width=16)
        follow_ups.add_column(_("What"), width=24)
        contacts = self.query_one("#contacts", DataTable)
        contacts.add_column(_("Name"), width=15)
        contacts.add_column(_("Role"), width=11)
        contacts.add_column(_("Reach"), width=13)
        families = self.query_one("#families", DataTable)
        families.add_column(_("Family"), width=24)
        families.add_column(_("Revenue"), width=16)
        self.query_one("#account-body").loading = True

    def load_inputs(self) -> object:
        return self.portfolio_app.current_account_id

    def load(self) -> AccountCard | str:
        account_id = self.portfolio_app.current_account_id or best_account(self.portfolio)
        if account_id is None:
            return _("No account yet: press 2 to add one.")
        try:
            return self.portfolio.reports.account_card(account_id)
        except NotFound:
            return _("This account no longer exists.")

    def show(self, data: AccountCard | str) -> None:
        if not self.load_pending:
            self._moving = False  # the card shows the last stage move: the next may start
        if isinstance(data, str):
            self._show_nothing(data)
        else:
            self._show_card(data)

    # Shown dimmed from a save (or a switch) until the data read after it is shown: nothing
    # stale passes for current.
    STALE_PARTS = ("#account-header", "#timeline", "#follow-ups")

    def refresh_data(self) -> None:
        super().refresh_data()
        if self.card is not None:
            self._mark_stale(True)

    def _mark_stale(self, stale: bool) -> None:
        for selector in self.STALE_PARTS:
            self.query_one(selector).set_class(stale, "-stale")

    def _show_nothing(self, message: str) -> None:
        self._mark_stale(False)
        self.card = None
        self.query_one("#account-header", Static).update(Text(message, style="italic"))
        self.query_one("#account-body").loading = False
        self.query_one(TimelineTable).show(())

    def _show_card(self, card: AccountCard) -> None:
        wanted = self.portfolio_app.current_account_id
        if wanted is not None and wanted != card.account.account_id:
            # Read before the rep opened another account, whose load is on its way: showing
            # it (and taking it as the current account) would aim the next key at it.
            return
        same_account = self.card is not None and self.card.account.account_id == (
            card.account.account_id
        )
        self.card = card
        self.portfolio_app.current_account_id = card.account.account_id
        self.sub_title = card.account.name
        settings = self.portfolio.settings
        header = header_text(card, settings, self.app.theme_variables)
        self.query_one("#account-header", Static).update(header)
        timeline = self.query_one(TimelineTable)
        row = timeline.cursor_row if same_account else 0
        timeline.show(card.timeline)
        timeline.move_cursor(row=row)
        self._fill_side(card)
        self.deals_pane.load(card.account.account_id)
        self.query_one("#account-body").loading = False
        if not same_account:
            timeline.focus()
        self._mark_stale(False)

    def _fill_side(self, card: AccountCard) -> None:
        today = self.portfolio.today()
        follow_ups = self.query_one("#follow-ups", DataTable)
        follow_ups.clear()
        for f in card.open_follow_ups:
            late = f.due_on < today
            when = Text(due_day_text(f.due_on, f.due_at, today), style="bold" if late else "")
            follow_ups.add_row(when, Text(f.title + (" ↻" if f.recurrence else "")))
        if not card.open_follow_ups:
            follow_ups.add_row(
                Text(_("none planned"), style="dim"), Text(_("f plans one"), style="dim")
            )
        contacts = self.query_one("#contacts", DataTable)
        contacts.clear()
        for c in card.contacts:
            contacts.add_row(Text(c.name), Text(c.role or ""), Text(c.phone or c.email or ""))
        if not card.contacts:
            contacts.add_row(
                Text(_("none yet"), style="dim"), Text(_("a adds one"), style="dim"), ""
            )
        self._show_contact_detail()
        notes = self.query_one("#account-notes", Static)
        notes.display = bool(card.account.notes.strip())
        notes.update(Text(_("Notes: ") + visible(card.account.notes), style="italic"))
        families = self.query_one("#families", DataTable)
        families.clear()
        self.query_one("#families-title", Label).update(
            _("Sales by family ({window})").format(window=window_label(card.window_label))
        )
        for family, cents in card.sales_by_family:
            families.add_row(
                Text(family), Text(money(cents, self.portfolio.settings), justify="right")
            )
        if not card.sales_by_family:
            families.add_row(Text(_("no sales in the window"), style="dim"), "")

    # --- actions --------------------------------------------------------------------------

    def _need_card(self) -> AccountCard | None:
        if self.card is None:
            self.notify(_("No account shown yet."))
        return self.card

    def _contact_names(self, card: AccountCard) -> list[str]:
        return [c.name for c in card.contacts]

    @on_fresh_data
    def action_log(self, kind: str) -> None:
        if card := self._need_card():
            form = LogForm(card.account.account_id, card.account.name, kind,
                           self._contact_names(card))  # fmt: skip
            self.portfolio_app.open_form(form)

    @on_fresh_data
    def action_follow_up(self) -> None:
        if card := self._need_card():
            form = FollowUpForm(card.account.account_id, card.account.name,
                                card.suggested_follow_up, self._contact_names(card))  # fmt: skip
            self.portfolio_app.open_form(form)

    @on_fresh_data
    def action_edit(self) -> None:
        if card := self._need_card():
            referrer = card.referred_by[1] if card.referred_by else None
            self.portfolio_app.open_form(EditAccountForm(card.account, referrer))

    @on_fresh_data
    def action_add_contact(self) -> None:
        if card := self._need_card():
            form = AddContactForm(card.account.account_id, card.account.name)
            self.portfolio_app.open_form(form)

    @on_fresh_data
    def action_stage(self, forward: bool) -> None:
        if self._moving:  # the card shows the stage before that move: wait for the new one
            self.after_next_load(lambda: self.action_stage(forward))
            return
        card = self._need_card()
        if card is None:
            return
        account = card.account
        if forward and next_stage(Stage(account.stage)) is Stage.CLIENT:
            question = _("Mark {name} as won (hot → client)?").format(name=account.name)

            def answered(yes: bool | None) -> None:
                if yes:
                    self._start_move(account.account_id, True)

            self.app.push_screen(ConfirmModal(question), answered)
            return
        self._start_move(account.account_id, forward)

    def _start_move(self, account_id: str, forward: bool) -> None:
        self._moving = True
        self._step_stage(account_id, forward)

    @work(thread=True, exit_on_error=False, group="write")
    def _step_stage(self, account_id: str, forward: bool) -> None:
        try:
            before, after = self.portfolio.routine.step_stage(account_id, forward)
        except BaseException:
            self.app.call_from_thread(self._move_failed)
            raise
        # `_moving` stays set until the card shows the new stage (see `show`), so the next
        # `>` knows whether it would make a client and must ask first.
        self.app.call_from_thread(self._stage_moved, before, after)

    def _move_failed(self) -> None:
        self._moving = False
        self.run_waiting_actions()

    def _stage_moved(self, before: str, after: str) -> None:
        if self.card is not None:  # the header says the new stage at once
            card = replace(self.card, account=replace(self.card.account, stage=after))
            header = header_text(card, self.portfolio.settings, self.app.theme_variables)
            self.query_one("#account-header", Static).update(header)
        name = self.card.account.name if self.card else ""
        before_label, after_label = stage_label(before).lower(), stage_label(after).lower()
        self.notify(f"{name}: {before_label} → {after_label}", markup=False)
        self.refresh_data()

    # --- contacts, sales, lost, the timeline's entries ---------------------------------------

    def _selected_contact(self) -> ContactView | None:
        """The contact under the Contacts cursor; None (and a word) when there is none."""
        card = self._need_card()
        if card is None:
            return None
        if not card.contacts:
            self.notify(_("No contact yet: a adds one."))
            return None
        return contact_at(card.contacts, self.query_one("#contacts", DataTable).cursor_row)

    def _show_contact_detail(self) -> None:
        row = self.query_one("#contacts", DataTable).cursor_row
        contact = contact_at(self.card.contacts, row) if self.card else None
        self.query_one("#contact-detail", Static).update(contact_line(contact))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "contacts":
            self._show_contact_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if isinstance(event.data_table, TimelineTable):
            self.action_open_entry()
        elif event.data_table.id == "contacts":
            self.action_edit_contact()

    @on_fresh_data
    def action_edit_contact(self) -> None:
        if (contact := self._selected_contact()) and self.card:
            self.portfolio_app.open_form(EditContactForm(contact, self.card.account.name))

    @on_fresh_data
    def action_copy_contact(self, what: str) -> None:
        contact = self._selected_contact()
        if contact is None:
            return
        text = contact.phone if what == "phone" else contact.email
        if not text:
            missing = _("{name} has no phone") if what == "phone" else _("{name} has no e-mail")
            self.notify(missing.format(name=contact.name), markup=False)
            return
        self.app.copy_to_clipboard(text)
        self.notify(_("Copied {text}").format(text=visible(text)), markup=False)

    @on_fresh_data
    def action_delete_contact(self) -> None:
        contact = self._selected_contact()
        if contact is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(lambda: self.portfolio.routine.delete_contact(contact.contact_id),
                             _("Deleted the contact {name}").format(name=contact.name))  # fmt: skip

        question = _("Delete the contact {name}?").format(name=contact.name)
        self.app.push_screen(ConfirmModal(question), answered)

    @on_fresh_data
    def action_sale(self) -> None:
        if card := self._need_card():
            self.portfolio_app.open_form(SaleForm(card.account.account_id, card.account.name))

    @on_fresh_data
    def action_mark_lost(self) -> None:
        card = self._need_card()
        if card is None:
            return
        if card.account.stage == Stage.LOST.value:
            self.notify(_("{name} is already lost.").format(name=card.account.name), markup=False)
            return
        reasons = self.portfolio_app.settings.account_lost_reasons
        self.portfolio_app.open_form(LostForm(card.account.account_id, card.account.name, reasons))

    @on_fresh_data
    def action_open_entry(self) -> None:
        timeline = self.card.timeline if self.card else []
        entry = entry_at_cursor(self.query_one(TimelineTable), timeline)
        if entry is None or self.card is None:
            self.notify(_("No timeline entry here."))
            return
        self.app.push_screen(EntryModal(entry, self.card.account.name))

    # --- deletions (tombstones: ctrl+z brings them back) ------------------------------------

    @on_fresh_data
    def action_delete_follow_up(self) -> None:
        card = self._need_card()
        if card is None:
            return
        if not card.open_follow_ups:
            self.notify(_("No follow-up planned for this account."))
            return
        row = self.query_one("#follow-ups", DataTable).cursor_row
        chosen = card.open_follow_ups[min(max(row, 0), len(card.open_follow_ups) - 1)]

        done = _("Deleted the follow-up {title}").format(title=repr(chosen.title))

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(lambda: self.portfolio.routine.delete_follow_up(chosen.follow_up_id),
                             done)  # fmt: skip

        question = _("Delete the follow-up {title}?").format(title=repr(chosen.title))
        self.app.push_screen(ConfirmModal(question), answered)

    @on_fresh_data
    def action_delete_account(self) -> None:
        card = self._need_card()
        if card is None:
            return
        account = card.account

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(lambda: self.portfolio.routine.delete_account(account.account_id),
                             _("Deleted {name}").format(name=account.name))  # fmt: skip

        question = _("Delete {name}? (ctrl+z brings it back)").format(name=account.name)
        self.app.push_screen(ConfirmModal(question), answered)

    @work(thread=True, exit_on_error=False, group="write")
    def _delete(self, delete: Callable[[], object], message: str) -> None:
        delete()
        self.app.call_from_thread(self._deleted, message)

    def _deleted(self, message: str) -> None:
        self.notify(_("{message} · ctrl+z undoes it").format(message=message), markup=False)
        self.refresh_data()

    # --- deals: the Deals pane (d focuses it) and "To develop" ------------------------------

    @property
    def deals_pane(self) -> AccountDealsPane:
        return self.query_one(AccountDealsPane)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.deal_keys.allows(action, parameters)

    def action_deal(self, name: str, arg: int = 0) -> None:
        self.deal_keys.run(name, arg)

    def _deal_changed(self, deal_id: str | None) -> None:
        self.refresh_data()  # a won deal makes the account a client
