"""The deal parts the screens share: `DealActions` (the deal keys of Pipeline and Account: add,
move, win, lose with its reason, edit, a deal from a suggestion, and after a win the offer to
record the sale), and the Account screen's Deals and "To develop" panes.

Every write goes through the service in a thread worker of the screen; once it is done the
rep is told, and the screen's `on_changed(deal_id)` shows the data fresh.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from portfolio_tui.domain.deals import DealStage
from portfolio_tui.i18n import _, ngettext
from portfolio_tui.i18n.terms import deal_stage_label
from portfolio_tui.service.deal_views import DealMoved, DealView, WhiteSpaceRow
from portfolio_tui.tui.context import portfolio_app
from portfolio_tui.tui.modals.confirm import ConfirmModal
from portfolio_tui.tui.modals.deal import DealForm, LoseDealForm, record_sale_question
from portfolio_tui.tui.text import money, short_money
from portfolio_tui.tui.widgets.deal_board import (
    ROTTING_MARK,
    DealBoardView,
    days_text,
    percent_width,
    probability_text,
)
from portfolio_tui.tui.widgets.timeline import TimelineTable

if TYPE_CHECKING:
    from portfolio_tui.tui.screens.account import AccountScreen
    from portfolio_tui.tui.screens.base import ModeScreen

WRITE_GROUP = "deal-write"


class DealActions:
    """The deal keys of one screen. `on_changed(deal_id)` is called after each write."""

    host: ModeScreen
    on_changed: Callable[[str | None], None]
    busy: bool  # a write is running: the next key waits for it

    def __init__(self, host: ModeScreen, on_changed: Callable[[str | None], None]) -> None:
        self.host = host
        self.on_changed = on_changed
        self.busy = False

    def need(self, deal: DealView | None) -> DealView | None:
        """`deal`, or None after telling the rep that no deal is selected."""
        if deal is None:
            self.host.notify(_("No deal selected."))
        return deal

    # --- forms ----------------------------------------------------------------------------

    def add(self, account_id: str | None, account_name: str = "") -> None:
        """The new-deal form, on `account_id`, or on the account the rep types (`account_name`
        prefilled)."""
        currency = self.host.portfolio.settings.currency
        form = DealForm(account_id=account_id, account_name=account_name, currency=currency)
        self.host.portfolio_app.open_form(form)

    def edit(self, deal: DealView) -> None:
        currency = self.host.portfolio.settings.currency
        self.host.portfolio_app.open_form(DealForm(deal=deal, currency=currency))

    def lose(self, deal: DealView) -> None:
        if deal.stage == DealStage.LOST:
            self.host.notify(_("{title} is already lost.").format(title=deal.title))
            return
        reasons = self.host.portfolio.settings.deal_lost_reasons
        self.host.portfolio_app.open_form(LoseDealForm(deal, reasons))

    def on_deal(self, name: str, deal: DealView, forward: bool = True) -> None:
        """The key `name` (move, win, lose, edit) on `deal`."""
        if name == "move":
            self.step(deal, forward)
        elif name == "win":
            self.win(deal)
        elif name == "lose":
            self.lose(deal)
        elif name == "edit":
            self.edit(deal)

    # --- moves ----------------------------------------------------------------------------

    def step(self, deal: DealView, forward: bool) -> None:
        """One stage forward or back; forward from negotiation is a win, asked first."""
        if self.busy:
            return
        if forward and deal.stage == DealStage.NEGOTIATION:
            question = _("Mark {title} ({account}) as won?").format(
                title=deal.title, account=deal.account_name
            )

            def answered(yes: bool | None) -> None:
                if yes:
                    self.win(deal)

            self.host.app.push_screen(ConfirmModal(question), answered)
            return
        self._run(lambda: self.host.portfolio.deals.step_deal(deal.deal_id, forward))

    def win(self, deal: DealView) -> None:
        if self.busy:
            return
        if deal.stage == DealStage.WON:
            self.host.notify(_("{title} is already won.").format(title=deal.title))
            return
        self._run(lambda: self.host.portfolio.deals.win_deal(deal.deal_id))

    def from_suggestion(self, row: WhiteSpaceRow) -> None:
        if self.busy:
            return
        self._run(lambda: self.host.portfolio.deals.deal_from_suggestion(row))

    def _run(self, write: Callable[[], Any]) -> None:
        self.busy = True
        self.host.run_worker(
            lambda: self._write(write), thread=True, exit_on_error=False, group=WRITE_GROUP
        )

    def _write(self, write: Callable[[], Any]) -> None:
        app = self.host.app
        try:
            result = write()
        except BaseException:
            app.call_from_thread(setattr, self, "busy", False)
            raise  # the worker fails: the screen reports it
        app.call_from_thread(self._written, result)

    def _written(self, result: DealMoved | str) -> None:
        self.busy = False
        if isinstance(result, str):  # a new deal's id
            self.host.notify(_("New deal from the suggestion."), markup=False)
            self.on_changed(result)
            return
        moved = result
        before, after = deal_stage_label(moved.from_stage), deal_stage_label(moved.to_stage)
        self.host.notify(f"{moved.title}: {before} → {after}", markup=False)
        self.on_changed(moved.deal_id)
        if moved.offer_sale:
            self._offer_sale(moved)

    # --- the sale of a deal won -----------------------------------------------------------

    def _offer_sale(self, moved: DealMoved) -> None:
        amount = money(moved.amount, self.host.portfolio.settings)

        def answered(yes: bool | None) -> None:
            if yes:
                self.host.run_worker(lambda: self._record_sale(moved), thread=True,
                                     exit_on_error=False, group=WRITE_GROUP)  # fmt: skip

        self.host.app.push_screen(record_sale_question(moved, amount), answered)

    def _record_sale(self, moved: DealMoved) -> None:
        portfolio = self.host.portfolio
        portfolio.routine.record_sale(moved.account_id, portfolio.today(), moved.amount)
        self.host.app.call_from_thread(self._sale_recorded, moved)

    def _sale_recorded(self, moved: DealMoved) -> None:
        amount = money(moved.amount, self.host.portfolio.settings)
        self.host.notify(_("Sale recorded: {amount} to {account}").format(
            amount=amount, account=moved.account_name), markup=False)  # fmt: skip
        self.on_changed(moved.deal_id)


def short_day(day: date | None, today: date) -> str:
    """ "21/12" this year, "21/12/25" another; "—" for none."""
    if day is None:
        return "—"
    return f"{day:%d/%m}" if day.year == today.year else f"{day:%d/%m/%y}"


class AccountDealsPane(Vertical):
    """The Account screen's deals, then its white-space suggestions ("À développer")."""

    DEFAULT_CSS = """
    AccountDealsPane {
        height: auto;
    }
    AccountDealsPane #account-deals {
        height: auto;
        max-height: 6;
        overflow-x: hidden;
    }
    AccountDealsPane #suggestions {
        height: auto;
        max-height: 4;
        overflow-x: hidden;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.account_id: str | None = None
        self.deals: list[DealView] = []
        self.suggestions: list[WhiteSpaceRow] = []

    def compose(self) -> ComposeResult:
        yield Label(_("Deals"), classes="pane-title", id="deals-title")
        yield DataTable(id="account-deals", cursor_type="row", show_header=False)
        yield Label(_("To develop"), classes="pane-title", id="suggestions-title")
        yield DataTable(id="suggestions", cursor_type="row", show_header=False)

    def on_mount(self) -> None:
        deals = self.query_one("#account-deals", DataTable)
        for label, width in ((_("Stage"), 13), (_("Title"), 25), (_("Amount"), 8),
                             ("%", percent_width()), (_("Closes"), 8), (_("Days"), 5)):  # fmt: skip
            deals.add_column(label, width=width)
        suggestions = self.query_one("#suggestions", DataTable)
        for label, width in ((_("Family"), 26), (_("Estimate"), 12), (_("Peers"), 20)):
            suggestions.add_column(label, width=width)

    @property
    def deals_table(self) -> DataTable[Any]:
        return self.query_one("#account-deals", DataTable)

    @property
    def suggestions_table(self) -> DataTable[Any]:
        return self.query_one("#suggestions", DataTable)

    def load(self, account_id: str) -> None:
        self.account_id = account_id
        self._load(account_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="account-deals")
    def _load(self, account_id: str) -> None:
        portfolio = portfolio_app(self.app).portfolio
        deals = portfolio.deals.account_deals(account_id)
        suggestions = portfolio.deals.account_suggestions(account_id)
        self.app.call_from_thread(self._show, account_id, deals, suggestions, portfolio.today())

    def _show(
        self,
        account_id: str,
        deals: list[DealView],
        suggestions: list[WhiteSpaceRow],
        today: date,
    ) -> None:
        if account_id != self.account_id:
            return  # another account was opened meanwhile
        selected = self.selected_deal()
        self.deals, self.suggestions = deals, suggestions
        self._fill_deals(today, selected.deal_id if selected else None)
        self._fill_suggestions()

    def _fill_deals(self, today: date, keep: str | None) -> None:
        settings = portfolio_app(self.app).portfolio.settings
        table = self.deals_table
        table.clear()
        for deal in self.deals:
            late = deal.is_open and deal.expected_close is not None and deal.expected_close < today
            day = deal.expected_close if deal.is_open else deal.closed_on
            close = short_day(day, today)
            days = days_text(deal.days_in_stage) if deal.is_open else ""
            mark = f"{ROTTING_MARK} " if deal.rotting else ""
            table.add_row(
                Text(mark + deal_stage_label(deal.stage), style="bold" if deal.rotting else ""),
                Text(deal.title),
                Text(short_money(deal.amount, settings), justify="right"),
                Text(probability_text(deal.probability), justify="right"),
                Text(close, style="bold" if late else ""),
                Text(days),
                key=deal.deal_id,
            )
        if not self.deals:
            table.add_row(Text(_("no deal yet"), style="dim"), Text(_("n adds one"), style="dim"))
        else:
            rows = [d.deal_id for d in self.deals]
            table.move_cursor(row=rows.index(keep) if keep in rows else 0)
        count = sum(d.is_open for d in self.deals)
        title = _("Deals") + " · " + ngettext("{n} open", "{n} open", count).format(n=count)
        self.query_one("#deals-title", Label).update(title)

    def _fill_suggestions(self) -> None:
        settings = portfolio_app(self.app).portfolio.settings
        table = self.suggestions_table
        table.clear()
        for s in self.suggestions:
            peers = _("{buying} of {peers} peers").format(buying=s.peers_buying, peers=s.peers)
            table.add_row(Text(s.family), Text(money(s.estimate, settings), justify="right"),
                          Text(peers, style="dim"))  # fmt: skip
        if not self.suggestions:
            table.add_row(Text(_("nothing its peers buy more"), style="dim"))

    def selected_deal(self) -> DealView | None:
        if not self.deals:
            return None
        row = self.deals_table.cursor_row
        return self.deals[min(max(row, 0), len(self.deals) - 1)]

    def selected_suggestion(self) -> WhiteSpaceRow | None:
        if not self.suggestions:
            return None
        row = self.suggestions_table.cursor_row
        return self.suggestions[min(max(row, 0), len(self.suggestions) - 1)]


class BoardDealKeys:
    """The deals board's keys on the Pipeline screen: `run(name, arg)` for its `deal(...)`
    bindings (column, card, edge, move, open, add, win, lose, edit, filter)."""

    host: ModeScreen
    actions: DealActions

    def __init__(self, host: ModeScreen, on_changed: Callable[[str | None], None]) -> None:
        self.host = host
        self.actions = DealActions(host, on_changed)

    @property
    def board(self) -> DealBoardView:
        return self.host.query_one(DealBoardView)

    def run(self, name: str, arg: int = 0) -> None:
        board = self.board
        cursor: dict[str, Callable[[], None]] = {
            "column": lambda: board.column_by(arg),
            "card": lambda: board.card_by(arg),
            "edge": lambda: board.card_edge(bool(arg)),
            "filter": board.focus_filter,
            "add": lambda: self.actions.add(None, deal.account_name if deal else ""),
        }
        deal = board.selected_deal()
        if name in cursor:
            cursor[name]()
            return
        if (deal := self.actions.need(deal)) is None:
            return
        if name == "open":
            self.host.portfolio_app.open_account(deal.account_id)
        else:
            self.actions.on_deal(name, deal, bool(arg))


class AccountDealKeys:
    """The Account screen's deal keys: `d` goes timeline → Deals → To develop → timeline;
    on the Deals pane `> < w l e` act on the deal selected (the account's `> < e` step aside);
    `n` adds a deal, or on "To develop" makes the suggestion selected a deal."""

    host: AccountScreen
    actions: DealActions

    def __init__(self, host: AccountScreen, on_changed: Callable[[str | None], None]) -> None:
        self.host = host
        self.actions = DealActions(host, on_changed)

    @property
    def pane(self) -> AccountDealsPane:
        return self.host.query_one(AccountDealsPane)

    def allows(self, action: str, parameters: tuple[object, ...]) -> bool:
        # The footer asks while the pane may still be composing its tables, so the answer
        # comes from the focused widget alone, never from a query that could miss.
        focused_id = self.host.focused.id if self.host.focused else None
        on_deals = focused_id == "account-deals"
        on_suggestions = focused_id == "suggestions"
        if action == "deal":
            name = parameters[0] if parameters else ""
            if name in ("move", "win", "lose", "edit"):
                return on_deals
            if name == "suggestion":
                return on_suggestions
            return name != "add" or not on_suggestions
        return not (on_deals and (action == "stage" or parameters == ("email",)))

    def run(self, name: str, arg: int = 0) -> None:
        pane = self.pane
        if name == "focus":
            self._focus_next()
        elif name == "add":
            if card := self.host.card:
                self.actions.add(card.account.account_id, card.account.name)
        elif name == "suggestion":
            if suggestion := pane.selected_suggestion():
                self.actions.from_suggestion(suggestion)
        elif deal := self.actions.need(pane.selected_deal()):
            self.actions.on_deal(name, deal, bool(arg))

    def _focus_next(self) -> None:
        pane, focused = self.pane, self.host.focused
        if focused is pane.deals_table:
            pane.suggestions_table.focus()
        elif focused is pane.suggestions_table:
            self.host.query_one(TimelineTable).focus()
        else:
            pane.deals_table.focus()
