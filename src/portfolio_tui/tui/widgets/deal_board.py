"""The deals board: a filter line, then a column per deal stage (qualification, proposal,
negotiation, then the deals won and lost lately), each a `CardColumn` of deal cards.

A card shows the account (marked ⚠ when the deal is rotting in its stage), the title, then the
amount, the probability, the expected close (bold in the error colour once past) and the days
in stage. The screen owns the keys: it moves the cursor through `column_by`, `card_by` and
`card_edge`, and reads `selected_deal()`. `reload()` reads the board through the service in a
worker, filtered by the text of the filter line, and keeps the cursor on the deal it was on.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from operator import attrgetter

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from portfolio_tui.domain.deals import DealStage
from portfolio_tui.domain.settings import Settings
from portfolio_tui.i18n import _, current_language, ngettext
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.i18n.terms import deal_stage_label, lost_reason_label
from portfolio_tui.service.deal_views import DealBoard, DealView
from portfolio_tui.tui.context import portfolio_app
from portfolio_tui.tui.text import short_money
from portfolio_tui.tui.theme import theme_colour
from portfolio_tui.tui.widgets.card_column import CardColumn, LazyCards

DEAL_STAGES: tuple[str, ...] = tuple(stage.value for stage in DealStage)
ROTTING_MARK = "⚠"
# The colours of the columns' headings: the prospect board's, from cold to won.
STAGE_COLOURS = {
    "qualification": "#79c0ff",
    "proposal": "#d29922",
    "negotiation": "#f85149",
    "won": "#3fb950",
    "lost": "#6e7681",
}


def days_text(days: int) -> str:
    """Days in the current stage, narrow: "59d" / "59 j" (U+00A0 before the unit)."""
    return _("{days}d").format(days=max(0, days))


def percent_width() -> int:
    """The probability column: "100%" in English, "100 %" in French."""
    return 4 if current_language() == "en" else 5


def probability_text(probability: int) -> str:
    """A deal's probability: "40%" / "40 %" (CLDR: U+00A0 before the sign in French)."""
    return fmt.percent(probability / 100, 0)


def deal_card_lines(
    deal: DealView, settings: Settings, today: date, colours: dict[str, str]
) -> tuple[Text, Text, Text]:
    """The three lines of a deal's card; `colours` maps "warning" and "error" to colours."""
    account = Text()
    if deal.rotting:
        account.append(f"{ROTTING_MARK} ", style=f"bold {colours.get('warning', '')}")
    account.append(deal.account_name, style="bold")
    figures = Text(short_money(deal.amount, settings))
    figures.append(f" {probability_text(deal.probability)}", style="dim")
    if deal.is_open:
        late = deal.expected_close is not None and deal.expected_close < today
        close = f"{deal.expected_close:%d/%m}" if deal.expected_close else "—"
        figures.append(f" {close}", style=f"bold {colours.get('error', '')}" if late else "")
        days = f" {days_text(deal.days_in_stage)}"
        figures.append(days, style=f"bold {colours.get('warning', '')}" if deal.rotting else "")
    elif deal.stage == DealStage.LOST and deal.lost_reason:
        figures.append(f" {lost_reason_label(deal.lost_reason)}", style="dim")
    elif deal.closed_on is not None:
        figures.append(f" {deal.closed_on:%d/%m}", style="dim")
    return account, Text(deal.title), figures


class DealBoardView(Vertical):
    """The filter line and the columns of the deals board; posts `Shown` after each load."""

    class Shown(Message):
        """The board shows fresh data."""

    DEFAULT_CSS = """
    DealBoardView {
        height: 1fr;
    }
    DealBoardView #deals-filter {
        height: 1;
        border: none;
        padding: 0 1;
    }
    DealBoardView #deal-columns {
        height: 1fr;
    }
    DealBoardView .deal-column {
        width: 1fr;
        height: 1fr;
        border-right: vkey $panel-lighten-2;
    }
    DealBoardView .deal-head {
        height: 1;
        background: $panel;
    }
    DealBoardView.-stale #deal-columns {
        text-opacity: 55%;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.board: DealBoard | None = None
        self.today: date | None = None
        self.column = 0
        self.rows: dict[str, int] = {stage: 0 for stage in DEAL_STAGES}
        self.follow: str | None = None  # the deal to select once the board is reloaded
        self.loads = 0

    def compose(self) -> ComposeResult:
        placeholder = _("/ to filter deals: account, title, family")
        yield Input(placeholder=placeholder, id="deals-filter", compact=True)
        with Horizontal(id="deal-columns"):
            for stage in DEAL_STAGES:
                with Vertical(classes="deal-column"):
                    yield Static(id=f"deal-head-{stage}", classes="deal-head")
                    yield CardColumn(stage, id=f"deal-col-{stage}")

    # --- data -----------------------------------------------------------------------------

    @property
    def filter_text(self) -> str:
        return self.query_one("#deals-filter", Input).value

    def reload(self, follow: str | None = None) -> None:
        """Read the board again (in a worker); select the deal `follow` once shown."""
        if follow is not None:
            self.follow = follow
        self._load(self.filter_text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="deal-board")
    def _load(self, text: str) -> None:
        portfolio = portfolio_app(self.app).portfolio
        board = portfolio.deals.board(text)
        self.app.call_from_thread(self.show, board, portfolio.today(), portfolio.settings)

    def mark_stale(self) -> None:
        """A write changed the deals: the cards shown are dimmed until the fresh ones come,
        never passed off as current."""
        if self.board is not None:
            self.add_class("-stale")

    def show(self, board: DealBoard, today: date, settings: Settings) -> None:
        self.remove_class("-stale")
        selected = self.selected_deal()
        self.board, self.today = board, today
        follow = self.follow or (selected.deal_id if selected else None)
        self.follow = None
        if follow is not None:
            self.select_deal(follow)
        variables = self.app.theme_variables
        colours = {name: theme_colour(variables, name) for name in ("warning", "error")}
        for stage in DEAL_STAGES:
            deals = board.column(stage)
            lines = partial(deal_card_lines, settings=settings, today=today, colours=colours)
            cards = LazyCards(deals, attrgetter("deal_id"), lines)
            column = self.column_widget(stage)
            column.set_cards(cards, self.rows[stage])
            self.rows[stage] = column.selected
            self._show_head(stage, deals, settings)
        self._highlight_column()
        self.loads += 1
        self.post_message(self.Shown())

    def _show_head(self, stage: str, deals: tuple[DealView, ...], settings: Settings) -> None:
        head = Text(f" {deal_stage_label(stage)}", style=f"bold {STAGE_COLOURS[stage]}")
        head.append(f" {len(deals)}", style="bold")
        head.append(f" {short_money(sum(d.amount for d in deals), settings)}", style="dim")
        self.query_one(f"#deal-head-{stage}", Static).update(head)

    def counts(self) -> tuple[int, int, int]:
        """(open deals, their amount, rotting ones) on the board as shown."""
        if self.board is None:
            return 0, 0, 0
        deals = [d for _stage, cards in self.board.columns for d in cards if d.is_open]
        return len(deals), sum(d.amount for d in deals), sum(d.rotting for d in deals)

    def title(self) -> Text:
        count, amount, rotting = self.counts()
        text = Text(ngettext("{n} open deal", "{n} open deals", count).format(n=count))
        if self.board is not None and self.loads:
            settings = portfolio_app(self.app).portfolio.settings
            text.append(f" · {short_money(amount, settings)}")
            if rotting:
                text.append(f" · {ROTTING_MARK} ")
                text.append(ngettext("{n} rotting", "{n} rotting", rotting).format(n=rotting))
        if self.filter_text.strip():
            text.append(" · " + _("filter: {text}").format(text=self.filter_text.strip()))
        text.append(" · " + _("deals board"), style="dim")
        return text

    # --- the filter -----------------------------------------------------------------------

    def focus_filter(self) -> None:
        self.screen.set_focus(self.query_one("#deals-filter", Input))  # before the next key

    @on(Input.Changed, "#deals-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._load(event.value)

    @on(Input.Submitted, "#deals-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.set_focus(None)  # the arrows go back to the board

    def key_escape(self) -> None:
        if self.screen.focused is self.query_one("#deals-filter", Input):
            self.screen.set_focus(None)

    # --- cursor ---------------------------------------------------------------------------

    def column_widget(self, stage: str) -> CardColumn:
        return self.query_one(f"#deal-col-{stage}", CardColumn)

    @property
    def stage(self) -> str:
        return DEAL_STAGES[self.column]

    def selected_deal(self) -> DealView | None:
        if self.board is None:
            return None
        deals = self.board.column(self.stage)
        index = self.rows[self.stage]
        return deals[index] if 0 <= index < len(deals) else None

    def select_deal(self, deal_id: str) -> bool:
        if self.board is None:
            return False
        for i, stage in enumerate(DEAL_STAGES):
            for j, deal in enumerate(self.board.column(stage)):
                if deal.deal_id == deal_id:
                    self.column, self.rows[stage] = i, j
                    self.column_widget(stage).select(j)
                    self._highlight_column()
                    return True
        return False

    def _highlight_column(self) -> None:
        for i, stage in enumerate(DEAL_STAGES):
            self.column_widget(stage).set_active(i == self.column)

    def column_by(self, delta: int) -> None:
        self.column = max(0, min(len(DEAL_STAGES) - 1, self.column + delta))
        self._highlight_column()

    def card_by(self, delta: int) -> None:
        self._select_row(self.rows[self.stage] + delta)

    def card_edge(self, last: bool) -> None:
        count = len(self.board.column(self.stage)) if self.board else 0
        self._select_row(count - 1 if last else 0)

    def _select_row(self, index: int) -> None:
        column = self.column_widget(self.stage)
        column.select(index)
        self.rows[self.stage] = column.selected

    @on(CardColumn.Clicked)
    def _card_clicked(self, event: CardColumn.Clicked) -> None:
        event.stop()
        self.column = DEAL_STAGES.index(event.column.stage)
        self._highlight_column()
        self._select_row(event.index)
