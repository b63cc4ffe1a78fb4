"""Today, the home screen: what to do this morning, in the order to do it.

Dated follow-ups in three groups (Overdue, Today, Next 7 days), then the accounts due for
contact. `d` completes a follow-up (outcome, and the next one proposed from the cadence),
`s` snoozes it, `l` logs an interaction, `n` plans a follow-up, enter opens the account.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker

from portfolio_tui.tui.formatting import days_ago, due_text
from portfolio_tui.tui.screens.forms import DoneForm, FollowUpForm, LogForm, SnoozeForm
from portfolio_tui.tui.widgets.badges import abc_badge, rfm_badge, stage_badge
from portfolio_tui.views import Agenda, AgendaItem

GROUP_PREFIX = "group:"
# Theme variables colouring each group's heading.
GROUP_COLOURS = {
    "Overdue": "error",
    "Today": "warning",
    "Next 7 days": "primary",
    "Due for contact": "accent",
}
# (label, width): fixed, so the last column stays on an 120-column screen.
COLUMNS = (("When", 16), ("Account", 25), ("Class", 7), ("RFM", 23), ("To do", 25), ("Last", 9))


def _item_key(item: AgendaItem) -> str:
    return f"fu:{item.follow_up_id}" if item.follow_up_id else f"acct:{item.account_id}"


class TodayScreen(Screen):
    TITLE = "Today"
    CSS_PATH = "../today.tcss"
    BINDINGS = [
        # priority: the focused table binds enter too (hidden), which would hide this one.
        Binding("enter", "open", "Open", id="today.open", priority=True),
        Binding("d", "done", "Done", id="today.done"),
        Binding("s", "snooze", "Snooze", id="today.snooze"),
        Binding("l", "log", "Log", id="today.log"),
        Binding("n", "new_follow_up", "New follow-up", id="today.new"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._first_load = True  # on_mount's load is still on its way
        self.agenda: Agenda | None = None
        self._items: dict[str, AgendaItem] = {}
        self._last_row = 0

    def compose(self) -> ComposeResult:
        yield Static(id="today-title")
        table: DataTable[Text | str] = DataTable(id="agenda", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, key=label.lower(), width=width)
        table.loading = True
        self.refresh_data()

    def on_screen_resume(self) -> None:
        # Textual resumes a mode screen twice when it first shows it; on_mount is loading.
        if not self._first_load:
            self.refresh_data()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "refresh" and event.worker.is_finished:
            self._first_load = False

    # --- data -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="refresh")
    def refresh_data(self) -> None:
        agenda = self.app.portfolio.agenda()  # type: ignore[attr-defined]
        self.app.call_from_thread(self._show, agenda)

    def _show(self, agenda: Agenda) -> None:
        self.agenda = agenda
        table = self.query_one(DataTable)
        kept = self.selected_key()
        table.clear()
        self._items.clear()
        today = agenda.today
        for name, items in agenda.groups:
            if not items:
                continue
            colour = self.app.theme_variables.get(GROUP_COLOURS[name], "")
            heading = Text(name, style=f"bold {colour}")
            count = Text(f"{len(items)}", style=colour)
            table.add_row(heading, count, key=GROUP_PREFIX + name)
            for item in items:
                key = _item_key(item)
                self._items[key] = item
                table.add_row(*self._cells(item, today, name == "Overdue"), key=key)
        if not self._items:
            table.add_row(Text("Nothing to do: no follow-up due and nobody past their cadence."),
                          key=GROUP_PREFIX + "empty")  # fmt: skip
        table.loading = False
        self._restore_cursor(kept)
        self._show_title(agenda)

    def _cells(self, item: AgendaItem, today, overdue: bool) -> tuple[Text, ...]:
        if item.due_on is not None:
            when = Text(due_text(item.due_on, item.due_at, today), style="bold" if overdue else "")
        else:
            when = Text("due", style="italic")
        badge = abc_badge(item.abc) if item.abc else stage_badge(item.stage)
        # A recurring follow-up is marked before its title, which the column may cut.
        title = Text.assemble(("↻ " if item.recurring else "", "dim"), item.title)
        title.overflow, title.no_wrap = "ellipsis", True
        return (
            when,
            Text(item.account_name, overflow="ellipsis", no_wrap=True),
            badge,
            rfm_badge(item.rfm),
            title,
            Text(days_ago(item.days_since_contact)),
        )

    def _show_title(self, agenda: Agenda) -> None:
        title = Text.assemble((f"Today · {agenda.today:%a %d %b %Y}", "bold"))
        counts = (
            ("overdue", len(agenda.overdue)),
            ("today", len(agenda.due_today)),
            ("next 7 days", len(agenda.upcoming)),
            ("due for contact", len(agenda.due_for_contact)),
        )
        title.append("   " + " · ".join(f"{n} {label}" for label, n in counts))
        self.query_one("#today-title", Static).update(title)

    # --- cursor ---------------------------------------------------------------------------

    def selected_key(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return key

    def selected_item(self) -> AgendaItem | None:
        key = self.selected_key()
        return self._items.get(key) if key else None

    def _restore_cursor(self, key: str | None) -> None:
        table = self.query_one(DataTable)
        if key and key in self._items:
            table.move_cursor(row=table.get_row_index(key))
        else:
            table.move_cursor(row=min(self._last_row, max(table.row_count - 1, 0)))
        self._skip_heading(table, forward=True)

    def _skip_heading(self, table: DataTable, forward: bool) -> None:
        """Group headings can't be selected: step over them in the direction of travel."""
        row = table.cursor_row
        for step in (1, -1) if forward else (-1, 1):
            probe = row
            while 0 <= probe < table.row_count:
                key = table.coordinate_to_cell_key(Coordinate(probe, 0)).row_key.value
                if key in self._items:
                    if probe != row:
                        table.move_cursor(row=probe)
                    return
                probe += step

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        forward = event.cursor_row >= self._last_row
        self._last_row = event.cursor_row
        if key not in self._items:
            self._skip_heading(event.data_table, forward)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    # --- actions --------------------------------------------------------------------------

    def _need_item(self) -> AgendaItem | None:
        item = self.selected_item()
        if item is None:
            self.notify("Nothing selected: move to a follow-up or an account first.")
        return item

    def action_open(self) -> None:
        if item := self._need_item():
            self.app.open_account(item.account_id)  # type: ignore[attr-defined]

    def action_done(self) -> None:
        item = self._need_item()
        if item is None:
            return
        if item.follow_up_id is None:
            self.notify(
                f"{item.account_name} has no follow-up to mark done. "
                "Press l to log the contact you made, or n to plan one.",
                title="Nothing planned",
                markup=False,
            )
            return
        self._open_done_form(item)

    @work(thread=True, exit_on_error=False, group="form")
    def _open_done_form(self, item: AgendaItem) -> None:
        phrase = self.app.portfolio.suggested_follow_up(item.account_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.app.open_form, DoneForm(item, phrase))  # type: ignore[attr-defined]

    def action_snooze(self) -> None:
        item = self._need_item()
        if item is None:
            return
        if item.follow_up_id is None:
            self.notify(
                f"{item.account_name} is due for contact, not a follow-up: there is nothing to "
                "snooze. Press n to plan a follow-up for a later day.",
                title="Nothing to snooze",
                markup=False,
            )
            return
        self.app.open_form(SnoozeForm(item))  # type: ignore[attr-defined]

    def action_log(self) -> None:
        if item := self._need_item():
            self.app.open_form(LogForm(item.account_id, item.account_name))  # type: ignore[attr-defined]

    def action_new_follow_up(self) -> None:
        item = self._need_item()
        if item is not None:
            self._open_follow_up_form(item)

    @work(thread=True, exit_on_error=False, group="form")
    def _open_follow_up_form(self, item: AgendaItem) -> None:
        phrase = self.app.portfolio.suggested_follow_up(item.account_id)  # type: ignore[attr-defined]
        form = FollowUpForm(item.account_id, item.account_name, phrase)
        self.app.call_from_thread(self.app.open_form, form)  # type: ignore[attr-defined]
