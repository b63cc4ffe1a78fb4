"""Today, the home screen: what to do this morning, in the order to do it.

Dated follow-ups in three groups (Overdue, Today, Next 7 days), then the A clients at risk
(with why), then the accounts due for contact. `d` completes a follow-up (outcome, and the
next one proposed from the cadence), `s` snoozes it, `l` logs an interaction, `n` plans a
follow-up, enter opens the account.

After a save the rows it changed show their new state at once (`today_patch`), and the cursor
behaves the same after every action: after done and snooze it stays at its place in the list,
on the row that came next; after an undo it is on the row restored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from portfolio_tui.i18n import N_, _, pgettext
from portfolio_tui.service.views import Agenda, AgendaItem, AtRiskItem
from portfolio_tui.tui.modals.form import FormModal
from portfolio_tui.tui.modals.forms import DoneForm, FollowUpForm, LogForm, SnoozeForm
from portfolio_tui.tui.screens.base import LoadingScreen
from portfolio_tui.tui.screens.today_patch import Change, closed, patched, redated, row_after
from portfolio_tui.tui.text import day_text
from portfolio_tui.tui.widgets.agenda_table import (
    AgendaEntry,
    AgendaTable,
    agenda_groups,
    row_key,
)
from portfolio_tui.tui.widgets.keys_footer import KeysFooter
from portfolio_tui.tui.widgets.today_deals import TodayDeals
from portfolio_tui.tui.widgets.virtual_table import VirtualTable
from portfolio_tui.tui.widgets.welcome import Welcome

Saved = tuple[Change, AgendaItem | None]  # what a save changed, and the row it acted on
UNDO_MEMORY = 20  # rows acted on, remembered to find the one an undo brings back


@dataclass(slots=True)
class Acted:
    """A row the rep acted on, and its due date before: when a load shows it due so again,
    an undo brought it back and the cursor goes to it."""

    key: str
    due: tuple[date | None, time | None]


def _due(item: AgendaItem) -> tuple[date | None, time | None]:
    return item.due_on, item.due_at.time() if item.due_at is not None else None


class TodayScreen(LoadingScreen[Agenda]):
    TITLE = N_("Today")
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
        self._acted: list[Acted] = []  # oldest first

    def compose(self) -> ComposeResult:
        yield Static(id="today-title")
        yield Welcome(id="welcome")  # how to start, in place of the agenda, while no account
        yield AgendaTable(id="agenda")
        yield TodayDeals(id="today-deals")  # tab reaches it; enter opens the deal's account
        yield KeysFooter()

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
        restored = self._restored(agenda)
        self._show_agenda(agenda, restored or self.selected_key())
        self.query_one(Welcome).check()

    def _show_agenda(self, agenda: Agenda, cursor_on: str | None) -> None:
        self.agenda = agenda
        self._items = {row_key(item): item for _, items in agenda_groups(agenda) for item in items}
        self.table.show(agenda, keep_cursor_on=cursor_on)
        self._show_title(agenda)
        self.query_one(TodayDeals).show(agenda.deals_closing, agenda.deals_rotting, agenda.today,
                                        self.portfolio.settings)  # fmt: skip

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

    # --- after a save: the rows changed at once, the cursor in its place -------------------

    def _restored(self, agenda: Agenda) -> str | None:
        """The row acted on that `agenda` shows due as it was before (an undo brought it
        back), the oldest if several; it is forgotten."""
        due = {row_key(i): _due(i) for _, items in agenda.groups for i in items}
        back = [acted for acted in self._acted if due.get(acted.key) == acted.due]
        self._acted = [acted for acted in self._acted if acted not in back]
        return back[0].key if back else None

    def saved(self, change: Change, acted: AgendaItem | None = None) -> None:
        """A form saved `change`, done to the row `acted` (if on Today): shown at once, and
        when the cursor was on that row it stays at its place, on the row after; the reload
        on its way shows the truth."""
        if self.agenda is None:
            return
        cursor = self.selected_key()
        if acted is not None:
            key = row_key(acted)
            moved = next((i for i in change.dated if row_key(i) == key), None)
            if moved is None or _due(moved) != _due(acted):
                # One record a row: acting on it again supersedes what it was before.
                kept = [a for a in self._acted if a.key != key]
                self._acted = [*kept, Acted(key, _due(acted))][-UNDO_MEMORY:]
                if key == cursor:
                    cursor = row_after(self.table.items, self.table.cursor_row)
        self._show_agenda(patched(self.agenda, change), cursor)

    def _open(self, form: FormModal, change_of: Callable[[], Saved | None]) -> None:
        """Open `form`; once saved, what `change_of()` says it changed (and the row it acted
        on) is shown at once."""

        def on_saved(_summary: str) -> None:
            if (saved := change_of()) is not None:
                self.saved(*saved)

        self.portfolio_app.open_form(form, on_saved)

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
                _("{name} has no follow-up to mark done. Press l to log the contact you made, "
                  "or n to plan one.").format(name=item.account_name),
                title=_("Nothing planned"),
                markup=False,
            )  # fmt: skip
            return
        # Opened at once (the form reads the proposed date itself): the keys typed right
        # after `d` land in its first field, not on this screen.
        form = DoneForm(item)

        def change() -> Saved | None:
            logged = form.logged
            if logged is None:
                return None
            due = (logged.next_due.day, logged.next_due.time) if logged.next_due else None
            return closed(item, logged.follow_up_id, due, form.next_title), item

        self._open(form, change)

    def action_snooze(self) -> None:
        item = self._need_item()
        if item is None:
            return
        if isinstance(item, AtRiskItem):
            self._at_risk_hint(item)
            return
        if item.follow_up_id is None:
            self.notify(
                _("{name} is due for contact, not a follow-up: there is nothing to snooze. "
                  "Press n to plan a follow-up for a later day.").format(name=item.account_name),
                title=_("Nothing to snooze"),
                markup=False,
            )  # fmt: skip
            return
        form = SnoozeForm(item)

        def change() -> Saved | None:
            if form.snoozed is None:
                return None
            return Change(dated=(redated(item, *form.snoozed),)), item

        self._open(form, change)

    def _at_risk_hint(self, item: AtRiskItem) -> None:
        self.notify(
            _("{name} is at risk ({why}), not a follow-up. Press l to log a contact or n to "
              "plan one: either clears the alert.").format(name=item.account_name,
                                                           why=item.title),
            title=_("At risk"),
            markup=False,
        )  # fmt: skip

    def action_log(self) -> None:
        item = self._need_item()
        if item is None:
            return
        close = item.follow_up_id if isinstance(item, AgendaItem) else None
        form = LogForm(item.account_id, item.account_name, close=close)

        def change() -> Saved | None:
            logged = form.logged
            if logged is None:
                return None
            closed_item = self._items.get(f"fu:{logged.closed_follow_up_id}")
            if logged.closed_follow_up_id is None or not isinstance(closed_item, AgendaItem):
                return Change(contacted=item.account_id), None
            due = (logged.next_due.day, logged.next_due.time) if logged.next_due else None
            return closed(closed_item, logged.follow_up_id, due), closed_item

        self._open(form, change)

    def action_new_follow_up(self) -> None:
        item = self._need_item()
        if item is None:
            return
        account_id = item.account_id
        form = FollowUpForm(account_id, item.account_name)
        # The new follow-up shows with the reload; the account's "due for contact" or "at
        # risk" row goes at once (a follow-up planned clears both).
        self._open(form, lambda: (Change(planned=account_id), None))
