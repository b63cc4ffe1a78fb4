"""Pipeline: prospects on a board by stage, and the potential × accessibility view that ranks
them (the seed method).

Arrows move the cursor between cards and columns; `>` / `<` move the selected prospect one
stage (from hot, forward is won, after a confirmation); every move is recorded by the service
as a StageChange. `m` switches to the ranked potential × accessibility view and back; `p`
cycles the period of the won column (year, quarter, month); enter opens the account.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from operator import attrgetter

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import ContentSwitcher, Input, Static

from portfolio_tui.domain.periods import PERIOD_KINDS, period_of
from portfolio_tui.domain.prospects import RankedProspect, prospect_matrix, score_prospects
from portfolio_tui.domain.stages import PROSPECT_STAGES, Stage
from portfolio_tui.i18n import N_, _, ngettext, pgettext
from portfolio_tui.i18n.terms import stage_label, stage_move_text
from portfolio_tui.service.views import PipelineCard
from portfolio_tui.tui.badges import STAGE_STYLES, stage_badge
from portfolio_tui.tui.modals.confirm import ConfirmModal
from portfolio_tui.tui.screens.base import LoadingScreen
from portfolio_tui.tui.screens.deals_board import BoardDealKeys
from portfolio_tui.tui.text import short_day, short_money
from portfolio_tui.tui.theme import theme_colour
from portfolio_tui.tui.widgets.card_column import CardColumn, LazyCards
from portfolio_tui.tui.widgets.deal_board import DealBoardView
from portfolio_tui.tui.widgets.keys_footer import KeysFooter
from portfolio_tui.tui.widgets.prospect_matrix import ProspectMatrix, band_label
from portfolio_tui.tui.widgets.virtual_table import TableColumn, VirtualTable

BOARD: tuple[tuple[str, str], ...] = (
    ("suspect", "Suspect"),
    ("cold", "Cold"),
    ("warm", "Warm"),
    ("hot", "Hot"),
    ("client", "Won"),
    ("lost", "Lost"),
)
PROSPECTS = {s.value for s in PROSPECT_STAGES}
# The actions of the prospects' views (off on the deals board, whose keys are `deal(...)`).
PROSPECT_ACTIONS = {"column", "card", "card_edge", "move", "open", "toggle_matrix",
                    "cycle_period"}  # fmt: skip
RANKED_COLUMNS = (
    TableColumn("rank", "#", 4, "right"),
    TableColumn("name", N_("Prospect"), None, min_width=20),
    TableColumn("stage", N_("Stage"), 7),
    TableColumn("potential", N_("Potential"), 10, "right"),
    TableColumn("access", N_("Access"), 6),
    TableColumn("score", N_("Expected"), 10, "right"),
    TableColumn("cell", N_("Potential × access"), 18),
    TableColumn("priority", N_("Priority"), 12),
)


def priority_label(label: str) -> str:
    """The seed method's advice for a priority: "work first" / "à travailler d'abord"."""
    labels = {
        "work first": pgettext("priority", "work first"),
        "develop": pgettext("priority", "develop"),
        "later": pgettext("priority", "later"),
    }
    return labels.get(label, label)


def _board_order(card: PipelineCard) -> tuple[bool, int, str]:
    """A column's order, as the service sends it: the largest potential first, then by name."""
    return card.potential is None, -(card.potential or 0), card.name.casefold()


def column_label(stage: str) -> str:
    """The head of a board column: the stage, "Won" and "Lost" for the last two."""
    if stage == "client":
        return pgettext("pipeline column", "Won")
    if stage == "lost":
        return pgettext("pipeline column", "Lost")
    return stage_label(stage)


# What a load reads: the cards of the board, the prospects ranked, and the day.
PipelineData = tuple[list[PipelineCard], list[RankedProspect], date]


def access_dots(accessibility: int | None) -> str:
    if accessibility is None:
        return "?····"
    level = max(0, min(5, accessibility))
    return "●" * level + "○" * (5 - level)


class PipelineScreen(LoadingScreen[PipelineData]):
    TITLE = N_("Pipeline")
    AUTO_FOCUS = ""  # the board takes the arrows; the ranked table is focused in its view
    BINDINGS = [
        Binding("left", "column(-1)", N_("Column left"), show=False, id="pipeline.left"),
        Binding("right", "column(1)", N_("Column right"), show=False, id="pipeline.right"),
        Binding("up", "card(-1)", N_("Card up"), show=False, id="pipeline.up"),
        Binding("down", "card(1)", N_("Card down"), show=False, id="pipeline.down"),
        Binding("home", "card_edge(0)", N_("First card"), show=False, id="pipeline.first"),
        Binding("end", "card_edge(1)", N_("Last card"), show=False, id="pipeline.last"),
        Binding("greater_than_sign", "move(True)", N_("Stage →"), id="pipeline.forward"),
        Binding("less_than_sign", "move(False)", N_("← Stage"), id="pipeline.back"),
        Binding("enter", "open", N_("Open"), id="pipeline.open"),
        Binding("m", "toggle_matrix", N_("Potential × access"), id="pipeline.matrix"),
        Binding("p", "cycle_period", N_("Won period"), id="pipeline.period"),
        Binding("d", "toggle_deals", N_("Deals"), id="pipeline.deals"),
        # The deals board's keys (BoardDealKeys): the same arrows, > < and enter.
        Binding("left", "deal('column', -1)", N_("Column left"), show=False, id="deals.left"),
        Binding("right", "deal('column', 1)", N_("Column right"), show=False, id="deals.right"),
        Binding("up", "deal('card', -1)", N_("Card up"), show=False, id="deals.up"),
        Binding("down", "deal('card', 1)", N_("Card down"), show=False, id="deals.down"),
        Binding("home", "deal('edge', 0)", N_("First card"), show=False, id="deals.first"),
        Binding("end", "deal('edge', 1)", N_("Last card"), show=False, id="deals.last"),
        Binding("greater_than_sign", "deal('move', 1)", N_("Stage →"), id="deals.forward"),
        Binding("less_than_sign", "deal('move', 0)", N_("← Stage"), id="deals.back"),
        Binding("n", "deal('add')", N_("New deal"), id="deals.add"),
        Binding("w", "deal('win')", N_("Won"), id="deals.win"),
        Binding("l", "deal('lose')", N_("Lost…"), id="deals.lose"),
        Binding("e", "deal('edit')", N_("Edit"), id="deals.edit"),
        # Priority, as on the Portfolio: the text typed right behind it lands in the filter.
        Binding("slash", "deal('filter')", N_("Filter"), id="deals.filter", priority=True),
        Binding("enter", "deal('open')", N_("Open"), id="deals.open"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.period = "year"
        self.cards: dict[str, list[PipelineCard]] = {stage: [] for stage, _head in BOARD}
        self.ranked: list[RankedProspect] = []
        self.column = 1  # cold: where a rep usually starts
        self.rows: dict[str, int] = {stage: 0 for stage, _head in BOARD}
        self.today: date | None = None
        self._moving = False  # from a move until the board shows it
        self._follow: str | None = None  # the account to select once the board is reloaded
        self.deal_keys = BoardDealKeys(self, self._deal_changed)

    def compose(self) -> ComposeResult:
        yield Static(id="pipeline-title")
        with ContentSwitcher(initial="pipeline-board", id="pipeline-views"):
            with Horizontal(id="pipeline-board"):
                for stage, _head in BOARD:
                    with Vertical(classes="pipeline-column"):
                        yield Static(id=f"head-{stage}", classes="pipeline-head")
                        yield CardColumn(stage, id=f"col-{stage}")
            with Vertical(id="pipeline-matrix"):
                yield ProspectMatrix(id="prospect-matrix")
                yield VirtualTable(
                    RANKED_COLUMNS,
                    self._ranked_cells,
                    lambda r: r.account_id,
                    empty_text=_("No prospect to rank."),
                    id="ranked-table",
                )
            yield DealBoardView(id="pipeline-deals")
        yield KeysFooter()

    @property
    def matrix_shown(self) -> bool:
        return self._view_shown() == "pipeline-matrix"

    @property
    def ranked_table(self) -> VirtualTable[RankedProspect]:
        return self.query_one("#ranked-table", VirtualTable)

    def column_widget(self, stage: str) -> CardColumn:
        return self.query_one(f"#col-{stage}", CardColumn)

    # --- data: the board, reloaded in a worker; the cursor stays on its card --------------

    def prepare(self) -> None:
        self._show_title()

    def load_inputs(self) -> object:
        return self.period

    def load(self) -> PipelineData:
        portfolio = self.portfolio
        cards = portfolio.reports.pipeline(self.period)
        ranked = score_prospects(c for c in cards if c.stage in PROSPECTS)
        return cards, ranked, portfolio.today()

    def show(self, data: PipelineData) -> None:
        cards, ranked, today = data
        self.today = today
        self.cards = {stage: [] for stage, _head in BOARD}
        for card in cards:
            if card.stage in self.cards:
                self.cards[card.stage].append(card)
        self.ranked = ranked
        if self._follow is not None and not self.load_pending:
            self._select_account(self._follow)
            self._follow = None
            self._moving = False  # the board shows the move: the next one may start
        for stage, _head in BOARD:
            self._fill_column(stage)
        self._highlight_column()
        self.query_one(ProspectMatrix).show(prospect_matrix(ranked))
        self.ranked_table.invalidate()
        self.ranked_table.set_items(ranked)
        self._show_title()
        if self.deals_shown:
            self.deal_board.reload()

    def _select_account(self, account_id: str) -> None:
        for i, (stage, _head) in enumerate(BOARD):
            for j, card in enumerate(self.cards[stage]):
                if card.account_id == account_id:
                    self.column, self.rows[stage] = i, j
                    return

    def _fill_column(self, stage: str) -> None:
        cards = LazyCards(self.cards[stage], attrgetter("account_id"), self._card_lines)
        self.column_widget(stage).set_cards(cards, self.rows[stage])
        self.rows[stage] = self.column_widget(stage).selected
        label = column_label(stage)
        if stage == Stage.CLIENT.value and self.today is not None:
            label = f"{label} {period_of(self.today, self.period).label}"
        head = Text(f" {label}", style=f"bold {STAGE_STYLES[stage]}".replace("strike", ""))
        head.append(f"  {len(cards)}", style="bold")
        self.query_one(f"#head-{stage}", Static).update(head)

    def _card_lines(self, card: PipelineCard) -> tuple[Text, ...]:
        settings = self.portfolio.settings
        name = Text(card.name, style="bold")
        value = Text(short_money(card.potential, settings))
        value.append(f" {access_dots(card.accessibility)}", style="dim")
        # Clamped: a stage change stamped by a device whose clock runs ahead is "today".
        days = (
            "—"
            if card.days_in_stage is None
            else _("{days}d").format(days=max(0, card.days_in_stage))
        )
        if card.next_follow_up is None:
            when = Text(_("{days} in stage").format(days=days), style="dim")
        else:
            overdue = self.today is not None and card.next_follow_up < self.today
            error = theme_colour(self.app.theme_variables, "error")
            colour = f"bold {error}" if overdue else ""
            when = Text(f"{days} · ", style="dim")
            when.append(_("due {day}").format(day=short_day(card.next_follow_up)), style=colour)
        return (name, value, when)

    def _ranked_cells(self, r: RankedProspect) -> tuple[Text | str, ...]:
        settings = self.portfolio.settings
        return (
            str(r.rank),
            Text(r.name),
            stage_badge(r.stage),
            short_money(r.potential, settings),
            access_dots(r.accessibility),
            short_money(r.score, settings),
            f"{band_label(r.potential_band)} × {band_label(r.accessibility_band)}",
            f"{r.priority} {priority_label(r.priority_label)}",
        )

    def _show_title(self) -> None:
        if self.deals_shown:
            self._show_deals_title()
            return
        title = Text(_("Pipeline"), style="bold")
        if not self.loaded:
            title.append("  " + _("loading…"), style="italic")
        else:
            prospects = sum(len(self.cards[s]) for s in PROSPECTS)
            title.append(
                "  "
                + ngettext("{count} prospect", "{count} prospects", prospects).format(
                    count=prospects
                )
            )
            won = len(self.cards[Stage.CLIENT.value])
            if self.today is not None:
                label = period_of(self.today, self.period).label
                title.append(" · " + _("{won} won in {period}").format(won=won, period=label))
        view = _("potential × accessibility, best first") if self.matrix_shown else _("board")
        title.append(f" · {view}", style="dim")
        self.query_one("#pipeline-title", Static).update(title)

    # --- cursor ---------------------------------------------------------------------------

    @property
    def stage(self) -> str:
        return BOARD[self.column][0]

    def selected_card(self) -> PipelineCard | None:
        if self.matrix_shown:
            item = self.ranked_table.cursor_item
            if item is None:
                return None
            return next(
                (
                    c
                    for cards in self.cards.values()
                    for c in cards
                    if c.account_id == item.account_id
                ),
                None,
            )
        cards = self.cards[self.stage]
        index = self.rows[self.stage]
        return cards[index] if 0 <= index < len(cards) else None

    def _highlight_column(self) -> None:
        for i, (stage, _head) in enumerate(BOARD):
            self.column_widget(stage).set_active(i == self.column)

    def action_column(self, delta: int) -> None:
        self.column = max(0, min(len(BOARD) - 1, self.column + delta))
        self._highlight_column()

    def action_card(self, delta: int) -> None:
        self._select_row(self.rows[self.stage] + delta)

    def action_card_edge(self, last: int) -> None:
        self._select_row(len(self.cards[self.stage]) - 1 if last else 0)

    def _select_row(self, index: int) -> None:
        column = self.column_widget(self.stage)
        column.select(index)
        self.rows[self.stage] = column.selected

    @on(CardColumn.Clicked)
    def _card_clicked(self, event: CardColumn.Clicked) -> None:
        self.column = [s for s, _ in BOARD].index(event.column.stage)
        self._highlight_column()
        self._select_row(event.index)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "deal":
            if parameters == ("filter",) and isinstance(self.focused, Input):
                return None  # typed into the field
            return self.deals_shown
        if action in PROSPECT_ACTIONS and self.deals_shown:
            return False
        # In the potential × accessibility view the ranked table has the arrows.
        return not (action in ("column", "card", "card_edge") and self.matrix_shown)

    # --- moves ----------------------------------------------------------------------------

    def action_move(self, forward: bool) -> None:
        if self._moving:
            return
        card = self.selected_card()
        if card is None:
            self.notify(_("No prospect selected."))
            return
        if forward and card.stage == Stage.HOT.value:

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._start_move(card, True)

            self.app.push_screen(
                ConfirmModal(_("Mark {name} as won? It becomes a client.").format(name=card.name)),
                confirmed,
            )
            return
        self._start_move(card, forward)

    def _start_move(self, card: PipelineCard, forward: bool) -> None:
        self._moving = True
        self._step(card, forward)

    @work(thread=True, exit_on_error=False, group="pipeline-move")
    def _step(self, card: PipelineCard, forward: bool) -> None:
        try:
            before, after = self.portfolio.routine.step_stage(card.account_id, forward)
        except BaseException:
            self.app.call_from_thread(self._move_failed)
            raise  # the worker fails: on_worker_state_changed shows it
        self.app.call_from_thread(self._moved, card, before, after)

    def _moved(self, card: PipelineCard, before: str, after: str) -> None:
        self.notify(f"{card.name}: {stage_move_text(before, after)}", markup=False)
        self._show_moved(card, after)
        self._follow = card.account_id
        self.refresh_data()

    def _show_moved(self, card: PipelineCard, after: str) -> None:
        """The card stands in its new column at once, where the reload will put it (by
        potential, then name); the reload then shows the whole board fresh."""
        for stage in (card.stage, after):
            if stage in self.cards:
                self.cards[stage] = [
                    c for c in self.cards[stage] if c.account_id != card.account_id
                ]
        if after in self.cards:
            self.cards[after].append(replace(card, stage=after, days_in_stage=0))
            self.cards[after].sort(key=_board_order)
            self._select_account(card.account_id)
        for stage in dict.fromkeys((card.stage, after)):
            if stage in self.cards:
                self._fill_column(stage)
        self._highlight_column()

    def _move_failed(self) -> None:
        self._moving = False

    # --- views ----------------------------------------------------------------------------

    def action_toggle_matrix(self) -> None:
        switcher = self._switcher
        if self.matrix_shown:
            switcher.current = "pipeline-board"
            self.set_focus(None)
        else:
            switcher.current = "pipeline-matrix"
            self.ranked_table.focus()
        self._show_title()
        self.refresh_bindings()

    def action_cycle_period(self) -> None:
        i = PERIOD_KINDS.index(self.period)
        self.period = PERIOD_KINDS[(i + 1) % len(PERIOD_KINDS)]
        self.refresh_data()

    @on(VirtualTable.Selected, "#ranked-table")
    def _ranked_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        card = self.selected_card()
        if card is None:
            self.notify(_("No prospect selected."))
            return
        self.portfolio_app.open_account(card.account_id)

    # --- the deals board (d switches to it and back) --------------------------------------

    @property
    def deals_shown(self) -> bool:
        return self._view_shown() == "pipeline-deals"

    def _view_shown(self) -> str | None:
        # The footer asks (check_action) before the switcher may be mounted: no query that
        # raises. And a child by its id, not a query, which walks the board's every card
        # (~4 ms, at each of the footer's checks).
        try:
            return self._switcher.current
        except NoMatches:
            return None

    @property
    def _switcher(self) -> ContentSwitcher:
        return self.get_child_by_id("pipeline-views", ContentSwitcher)

    @property
    def deal_board(self) -> DealBoardView:
        return self.query_one(DealBoardView)

    def action_toggle_deals(self) -> None:
        switcher = self._switcher
        if self.deals_shown:
            switcher.current = "pipeline-board"
        else:
            switcher.current = "pipeline-deals"
            self.deal_board.reload()
        self.set_focus(None)
        self._show_title()
        self.refresh_bindings()

    @on(DealBoardView.Shown)
    def _deals_shown(self) -> None:
        self._show_title()

    def _show_deals_title(self) -> None:
        title = Text(_("Pipeline"), style="bold")
        title.append("  ")
        title.append_text(self.deal_board.title())
        self.query_one("#pipeline-title", Static).update(title)

    def _deal_changed(self, deal_id: str | None) -> None:
        self.deal_board.follow = deal_id
        self.deal_board.mark_stale()
        self.refresh_data()  # a won deal may have made a prospect a client

    def action_deal(self, name: str, arg: int = 0) -> None:
        self.deal_keys.run(name, arg)
