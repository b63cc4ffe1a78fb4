"""Today, the home screen: what to do this morning, in the order to do it.

Dated follow-ups in three groups (Overdue, Today, Next 7 days), then the A clients at risk
(with why), then the accounts due for contact. `d` completes a follow-up (outcome, and the
next one proposed from the cadence), `s` snoozes it, `l` logs an interaction, `n` plans a
follow-up, enter opens the account.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from portfolio_tui.i18n import N_, _, pgettext
from portfolio_tui.service.views import Agenda, AtRiskItem
from portfolio_tui.tui.modals.forms import DoneForm, FollowUpForm, LogForm, SnoozeForm
from portfolio_tui.tui.screens.base import LoadingScreen
from portfolio_tui.tui.screens.deals_board import TodayDeals
from portfolio_tui.tui.text import day_text
from portfolio_tui.tui.widgets.agenda_table import (
    AgendaEntry,
    AgendaTable,
    agenda_groups,
    row_key,
)
from portfolio_tui.tui.widgets.virtual_table import VirtualTable
from portfolio_tui.tui.widgets.welcome import Welcome


class TodayScreen(LoadingScreen[Agenda]):
    TITLE = N_("Today")
    CSS_PATH = "today.tcss"
    AUTO_FOCUS = "#agenda"
    BINDINGS = [
        # priority: enter opens the account whatever is focused on the screen.
        Binding("enter", "open", N_("Open"), id="today.open", priority=True),
        Binding("d", "done", N_("Done"), id="today.done"),
        Binding("s", "snooze", N_("Snooze"), id="today.snooze"),
        Binding("l", "log", N_("Log"), id="today.log"),
        Binding("n", "new_follow_up", N_("New follow-up"), id="today.new"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.agenda: Agenda | None = None
        self._items: dict[str, AgendaEntry] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="today-title")
        yield Welcome(id="welcome")  # how to start, in place of the agenda, while no account
        yield AgendaTable(id="agenda")
        yield TodayDeals(id="today-deals")  # tab reaches it; enter opens the deal's account
        yield Footer(compact=True)

    @property
    def table(self) -> AgendaTable:
        return self.query_one("#agenda", AgendaTable)

    # --- data: the agenda, reloaded in a worker; the cursor stays on its row ---------------

    def prepare(self) -> None:
        # Words, not Textual's loading indicator: its animation repaints ~15 times a second and
        # took the GIL from the worker, making the first load ~50% slower.
        self.query_one("#today-title", Static).update(Text(_("Today · loading the agenda…")))
        self.table.empty_text = _("Loading…")

    def load(self) -> Agenda:
        return self.portfolio.reports.agenda()

    def show(self, agenda: Agenda) -> None:
        self.agenda = agenda
        self._items = {row_key(item): item for _, items in agenda_groups(agenda) for item in items}
        self.table.show(agenda, keep_cursor_on=self.selected_key())
        self.query_one(TodayDeals).show(agenda.deals_closing, agenda.deals_rotting, agenda.today,
                                        self.portfolio.settings)  # fmt: skip
        self._show_title(agenda)
        self.query_one(Welcome).check()

    def _show_title(self, agenda: Agenda) -> None:
        day = day_text(agenda.today, year=True)
        title = Text.assemble((_("Today · {day}").format(day=day), "bold"))
        counts = (
            (pgettext("agenda count", "overdue"), len(agenda.overdue)),
            (pgettext("agenda count", "today"), len(agenda.due_today)),
            (pgettext("agenda count", "next 7 days"), len(agenda.upcoming)),
            (pgettext("agenda count", "at risk"), len(agenda.at_risk)),
            (pgettext("agenda count", "due for contact"), len(agenda.due_for_contact)),
        )
        title.append("   " + " · ".join(f"{n} {label}" for label, n in counts))
        self.query_one("#today-title", Static).update(title)

    # --- cursor ---------------------------------------------------------------------------

    def selected_key(self) -> str | None:
        row = self.table.cursor_item
        return row_key(row) if row is not None else None

    def selected_item(self) -> AgendaEntry | None:
        key = self.selected_key()
        return self._items.get(key) if key else None

    @on(VirtualTable.Selected, "#agenda")
    def _selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        self.action_open()

    # --- actions --------------------------------------------------------------------------

    def _need_item(self) -> AgendaEntry | None:
        item = self.selected_item()
        if item is None:
            self.notify(_("Nothing selected: move to a follow-up or an account first."))
        return item

    def action_open(self) -> None:
        deals = self.query_one(TodayDeals)
        if self.focused is deals:
            if deal := deals.selected_item():
                self.portfolio_app.open_account(deal.account_id)
            return
        if item := self._need_item():
            self.portfolio_app.open_account(item.account_id)

    def action_done(self) -> None:
        item = self._need_item()
        if item is None:
            return
        if isinstance(item, AtRiskItem):
            self._at_risk_hint(item)
            return
        if item.follow_up_id is None:
            self.notify(
                f"{item.account_name} has no follow-up to mark done. "
                "Press l to log the contact you made, or n to plan one.",
                title="Nothing planned",
                markup=False,
            )
            return
        # Opened at once (the form reads the proposed date itself): the keys typed right
        # after `d` land in its first field, not on this screen.
        self.portfolio_app.open_form(DoneForm(item))

    def action_snooze(self) -> None:
        item = self._need_item()
        if item is None:
            return
        if isinstance(item, AtRiskItem):
            self._at_risk_hint(item)
            return
        if item.follow_up_id is None:
            self.notify(
                f"{item.account_name} is due for contact, not a follow-up: there is nothing to "
                "snooze. Press n to plan a follow-up for a later day.",
                title="Nothing to snooze",
                markup=False,
            )
            return
        self.portfolio_app.open_form(SnoozeForm(item))

    def _at_risk_hint(self, item: AtRiskItem) -> None:
        self.notify(
            _("{name} is at risk ({why}), not a follow-up. Press l to log a contact or n to "
              "plan one: either clears the alert.").format(name=item.account_name,
                                                           why=item.title),
            title=_("At risk"),
            markup=False,
        )  # fmt: skip

    def action_log(self) -> None:
        if item := self._need_item():
            self.portfolio_app.open_form(LogForm(item.account_id, item.account_name))

    def action_new_follow_up(self) -> None:
        item = self._need_item()
        if item is not None:
            self.portfolio_app.open_form(FollowUpForm(item.account_id, item.account_name))
