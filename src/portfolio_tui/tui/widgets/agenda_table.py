"""Today's agenda as one table: a heading row per group, then its follow-ups or accounts.

The A clients at risk (`Agenda.at_risk`, "À risque") come just before the accounts due for
contact: that group can run to thousands of rows, and the few clients slipping away must not
sit below them. Their row says since when and why (P(alive) low, revenue down).

A `GroupedTable` (a `VirtualTable`), so only the rows on screen are drawn: a big portfolio's
agenda holds ~10,000 rows, which Textual's DataTable took ~2 s to measure. The cursor never
rests on a heading: it steps over it in the direction it was moving.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from rich.text import Text

from portfolio_tui.i18n import N_, _, current_language, pgettext
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.service.views import Agenda, AgendaItem, AtRiskItem
from portfolio_tui.tui.badges import abc_badge, rfm_badge, stage_badge
from portfolio_tui.tui.text import day_text, days_ago
from portfolio_tui.tui.widgets.grouped_table import GroupedTable, GroupHeading, heading_key
from portfolio_tui.tui.widgets.virtual_table import TableColumn

AT_RISK = N_("At risk")
BEFORE_AT_RISK = "Due for contact"  # the group the at-risk clients are shown before
# Theme variables colouring each group's heading.
GROUP_COLOURS = {
    "Overdue": "error",
    "Today": "warning",
    "Next 7 days": "primary",
    "Due for contact": "accent",
    AT_RISK: "error",
}
# Fixed widths but Account and To do, which share what is left (29 each at 120 columns).
COLUMNS = (
    TableColumn("when", N_("When"), 16),
    TableColumn("account", N_("Account"), None, min_width=20, narrow=16),
    TableColumn("class", N_("Class"), 7),
    TableColumn("rfm", N_("RFM"), 23, narrow=4),  # at 80 columns the code only ("554…")
    TableColumn("todo", N_("To do"), None, min_width=20, narrow=16),
    TableColumn("last", N_("Last"), 9),
)
EMPTY = N_("Nothing to do: no follow-up due and nobody past their cadence.")
# French timed dates run longer ("lun. 30 nov. 14:30", "mer. 2 déc. 2026"): 20 wide.
FRENCH_WHEN_WIDTH = 20


def due_day_text(due_on: date, due_at: datetime | None, today: date) -> str:
    """A due date in the one style of a "When" column: the day, then the time if any
    ("Fri 20 Nov", "Wed 02 Dec 09:00"), never "6 days ago" next to "Tue 24 Nov" (the group
    heading says Overdue, Today or Next 7 days)."""
    text = day_text(due_on, year=due_on.year != today.year)
    return f"{text} {fmt.time_short(due_at)}" if due_at is not None else text


def agenda_columns() -> tuple[TableColumn, ...]:
    """The columns in the current language: English keeps its 16-wide "When"."""
    if current_language() == "en":
        return COLUMNS
    return (replace(COLUMNS[0], width=FRENCH_WHEN_WIDTH), *COLUMNS[1:])


AgendaEntry = AgendaItem | AtRiskItem
AgendaRow = GroupHeading | AgendaItem | AtRiskItem


def row_key(row: AgendaRow) -> str:
    if isinstance(row, GroupHeading):
        return heading_key(row)
    if isinstance(row, AtRiskItem):
        return f"risk:{row.account_id}"
    return f"fu:{row.follow_up_id}" if row.follow_up_id else f"acct:{row.account_id}"


def agenda_groups(agenda: Agenda) -> list[tuple[str, Sequence[AgendaEntry]]]:
    """The agenda's groups in the order shown: "At risk" just before "Due for contact"."""
    groups: list[tuple[str, Sequence[AgendaEntry]]] = []
    for name, items in agenda.groups:
        if name == BEFORE_AT_RISK:
            groups.append((AT_RISK, agenda.at_risk))
        groups.append((name, items))
    return groups


def agenda_rows(agenda: Agenda) -> list[AgendaRow]:
    rows: list[AgendaRow] = []
    for name, items in agenda_groups(agenda):
        if items:
            rows.append(GroupHeading(name, len(items)))
            rows.extend(items)
    return rows


class AgendaTable(GroupedTable[AgendaRow]):
    GROUP_COLOURS = GROUP_COLOURS

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            agenda_columns(), self.cells, row_key, empty_text=_(EMPTY), zebra_stripes=True, id=id
        )
        self.today: date | None = None

    def show(self, agenda: Agenda, keep_cursor_on: str | None) -> None:
        """Show `agenda`; the cursor stays on the row keyed `keep_cursor_on` when it is still
        there, else on the same line (the row after one just done)."""
        rows = agenda_rows(agenda)
        self.today = agenda.today
        self.empty_text = _(EMPTY)
        keys = [row_key(row) for row in rows]
        if keep_cursor_on not in keys:
            line = min(self.cursor_row, len(rows) - 1)
            keep_cursor_on = keys[line] if line >= 0 else None
        self.invalidate()  # same keys, new contents (a snoozed date, a new count)
        self.set_items(rows, keep_cursor_on=keep_cursor_on)

    def index_of(self, key: str) -> int | None:
        return next((i for i, row in enumerate(self.items) if row_key(row) == key), None)

    # --- cells --------------------------------------------------------------------------------

    def cells(self, row: AgendaRow) -> tuple[Text | str, ...]:
        if isinstance(row, GroupHeading):
            return self.heading_cells(row)
        if isinstance(row, AtRiskItem):
            return self.at_risk_cells(row)
        item = row
        if item.due_on is not None and self.today is not None:
            overdue = item.due_on < self.today
            when = Text(
                due_day_text(item.due_on, item.due_at, self.today), style="bold" if overdue else ""
            )
        else:
            when = Text(pgettext("agenda", "due"), style="italic")
        # As a span, so the badge's background stops at its text and the padding stays plain.
        badge = Text.assemble(abc_badge(item.abc) if item.abc else stage_badge(item.stage))
        # A recurring follow-up is marked before its title, which the column may cut.
        title = Text.assemble(("↻ " if item.recurring else "", "dim"), item.title)
        return (
            when,
            Text(item.account_name),
            badge,
            rfm_badge(item.rfm),
            title,
            Text(days_ago(item.days_since_contact)),
        )

    def at_risk_cells(self, item: AtRiskItem) -> tuple[Text | str, ...]:
        """Since when, the account, its class, its P(alive), why it is at risk."""
        alive = "" if item.p_alive is None else _("P(alive) {p}").format(
            p=fmt.percent(item.p_alive, 0))  # fmt: skip
        return (
            Text(_("since {day}").format(day=day_text(item.since)), style="italic"),
            Text(item.account_name),
            Text.assemble(abc_badge(item.abc) if item.abc else stage_badge(item.stage)),
            Text(alive, style="dim"),
            Text(item.title),
            Text(""),
        )
