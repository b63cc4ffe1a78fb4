"""Deals ("affaires"): their writes (add, edit, move, win, lose, next action), the lists and
the board, the pipeline figures and the white-space suggestions. Part of the Portfolio service.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Final, TypeVar

from portfolio_tui.domain.deals import (
    DEFAULT_ROTTING_DAYS,
    OPEN_STAGES,
    DealError,
    DealStage,
    PipelineFigures,
    StageMove,
    parse_deal_stage,
    pipeline_figures,
)
from portfolio_tui.domain.stages import Stage
from portfolio_tui.errors import Ambiguous, NotFound, UserError
from portfolio_tui.i18n import _, current_language
from portfolio_tui.i18n.terms import deal_stage_label
from portfolio_tui.service.core import Core
from portfolio_tui.service.deal_cards import (
    STAGES,
    LocalDays,
    ViewContext,
    deal_view,
    facts_of_stored,
)
from portfolio_tui.service.deal_views import (
    DealBoard,
    DealMoved,
    DealView,
    WhiteSpaceRow,
    account_order,
    match_lost_reason,
)
from portfolio_tui.service.derived import kept_read
from portfolio_tui.service.reports import ReportCases
from portfolio_tui.service.whitespace import cells, check_by, suggestions
from portfolio_tui.store import deal_queries
from portfolio_tui.store.deal_queries import DealRow
from portfolio_tui.store.writes import Writer

if TYPE_CHECKING:  # the models come with the ORM, imported by the writes that make rows
    from portfolio_tui.store.models import Account, Deal

SCOPES: Final = ("open", "closed", "all")
# The board shows won and lost deals closed in the last days, not the whole history.
BOARD_CLOSED_DAYS = 30
# What Today's candidate deals are read from (their next actions, from the follow-ups, are not).
_AGENDA_DEAL_TABLES = ("deal", "dealstagechange", "interaction", "account")


class _Keep:
    """The default of `edit_deal`'s fields: leave the field as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = _Keep()


T = TypeVar("T")


class DealCases:
    """Every use case of deals, on the shared core."""

    core: Core
    reports: ReportCases  # windows and ABC classes, for the white space

    def __init__(self, core: Core, reports: ReportCases) -> None:
        self.core = core
        self.reports = reports

    # --- look-ups and checks ----------------------------------------------------------------

    def _deal(self, session: Any, ref: str) -> Deal:
        found = deal_queries.find_deals(session, ref)
        if not found:
            raise NotFound(_("no deal with id {ref!r}").format(ref=ref))
        if len(found) > 1:
            raise Ambiguous(_("deal id"), ref, [f"{d.id[:8]} {d.title}" for d in found])
        return found[0]

    def _close_day(self, close: str | date | None) -> date | None:
        if close is None or isinstance(close, date):
            return close
        if not close.strip():
            return None
        return self.core.parse_when(close).day

    def lost_reason(self, text: str) -> str:
        """`text` as one of the settings' lost reasons (any case); an error otherwise."""
        reason = match_lost_reason(self.core.settings.deal_lost_reasons, text)
        if reason is not None:
            return reason
        choices = ", ".join(self.core.settings.deal_lost_reasons)
        raise UserError(
            _("reason: {text!r} is not one of {choices}").format(text=text, choices=choices)
        )

    def probabilities(self) -> dict[DealStage, int]:
        return {DealStage(k): v for k, v in self.core.settings.deal_probability.items()}

    # --- writes -----------------------------------------------------------------------------

    def add_deal(
        self,
        account_ref: str,
        title: str,
        *,
        amount: int,
        probability: int | None = None,
        close: str | date | None = None,
        stage: str = DealStage.QUALIFICATION,
        family: str | None = None,
        notes: str = "",
    ) -> str:
        """A new open deal on the account; returns its id."""
        values = _clean_values(title=title, amount=amount, probability=probability)
        target = _parse_stage(stage)
        if target not in OPEN_STAGES:
            raise UserError(_("a new deal is open: add it, then mark it won or lost"))
        expected = self._close_day(close)
        from portfolio_tui.store.models import Deal

        with self.core.write("add deal") as w:
            account = self.core.account(w.session, account_ref)
            w.changeset.label = _("add deal {title} ({name})").format(
                title=values["title"], name=account.name
            )
            deal = w.insert(
                Deal(
                    account_id=account.id,
                    stage=target.value,
                    expected_close=expected,
                    family=(family or "").strip() or None,
                    created_on=self.core.today(),
                    notes=notes.strip(),
                    created_at=w.now,
                    updated_at=w.now,
                    **values,
                )
            )
            self._record_move(w, deal.id, None, target.value)
            return deal.id

    def edit_deal(
        self,
        ref: str,
        *,
        title: str | _Keep = KEEP,
        amount: int | _Keep = KEEP,
        probability: int | _Keep | None = KEEP,
        close: str | date | _Keep | None = KEEP,
        family: str | _Keep | None = KEEP,
        notes: str | _Keep = KEEP,
    ) -> dict[str, Any]:
        """Change the given fields (None clears an optional one); returns {field: old value}."""
        given = {"title": title, "amount": amount, "probability": probability}
        values: dict[str, Any] = _clean_values(
            **{k: v for k, v in given.items() if not isinstance(v, _Keep)}
        )
        if not isinstance(close, _Keep):
            values["expected_close"] = self._close_day(close)
        if not isinstance(family, _Keep):
            values["family"] = (family or "").strip() or None
        if not isinstance(notes, _Keep):
            values["notes"] = notes.strip()
        with self.core.write("edit deal") as w:
            deal = self._deal(w.session, ref)
            w.changeset.label = _("edit deal {title}").format(title=deal.title)
            return w.update(deal, **values)

    def move_deal(
        self, ref: str, stage: str | DealStage, *, reason: str | None = None
    ) -> DealMoved:
        """Move a deal to `stage`. Won: closed today, and a prospect account becomes a client.
        Lost: closed today with `reason` (required). Back to an open stage: reopened."""
        target = _parse_stage(stage) if isinstance(stage, str) else stage
        lost_reason = self.lost_reason(reason) if reason else None
        if target is DealStage.LOST and lost_reason is None:
            raise UserError(_("a lost deal needs its reason: {choices}").format(
                choices=", ".join(self.core.settings.deal_lost_reasons)))  # fmt: skip
        with self.core.write("move deal") as w:
            deal = self._deal(w.session, ref)
            if deal.stage == target.value:
                raise UserError(_("{title} is already {stage}").format(
                    title=deal.title, stage=target.value))  # fmt: skip
            account = self.core.account(w.session, deal.account_id)
            before = deal.stage
            w.changeset.label = f"{deal.title}: {_stage(before)} → {_stage(target.value)}"
            closed = target not in OPEN_STAGES
            w.update(
                deal,
                stage=target.value,
                closed_on=self.core.today() if closed else None,
                lost_reason=lost_reason if target is DealStage.LOST else None,
            )
            self._record_move(w, deal.id, before, target.value)
            became_client = target is DealStage.WON and self._make_client(w, account)
            return DealMoved(
                deal.id, deal.title, account.id, account.name, before, target.value,
                deal.amount, became_client,
            )  # fmt: skip

    def win_deal(self, ref: str) -> DealMoved:
        return self.move_deal(ref, DealStage.WON)

    def lose_deal(self, ref: str, reason: str) -> DealMoved:
        return self.move_deal(ref, DealStage.LOST, reason=reason)

    def step_deal(self, ref: str, forward: bool = True) -> DealMoved:
        """One step along qualification → proposal → negotiation → won (or back)."""
        deal = self.deal(ref)
        funnel = [*OPEN_STAGES, DealStage.WON]
        if deal.stage not in funnel:
            raise UserError(_("{title} is lost: move it to an open stage").format(title=deal.title))
        index = funnel.index(DealStage(deal.stage)) + (1 if forward else -1)
        if not 0 <= index < len(funnel):
            raise UserError(_("{title} is already at the end of the funnel").format(
                title=deal.title))  # fmt: skip
        return self.move_deal(deal.deal_id, funnel[index])

    def delete_deal(self, ref: str) -> str:
        with self.core.write("delete deal") as w:
            deal = self._deal(w.session, ref)
            w.changeset.label = _("delete deal {title}").format(title=deal.title)
            w.delete(deal)
            return deal.title

    def plan_next_action(self, ref: str, title: str, due: str) -> str:
        """A follow-up linked to the deal (its next action); returns the follow-up's id."""
        when = self.core.parse_when(due)
        from portfolio_tui.store.models import FollowUp

        with self.core.write("deal next action") as w:
            deal = self._deal(w.session, ref)
            w.changeset.label = _("next action: {title}").format(title=deal.title)
            due_at = when.at(self.core.tz)
            row = FollowUp(
                account_id=deal.account_id,
                deal_id=deal.id,
                title=title.strip() or deal.title,
                due_on=when.day,
                due_at=self.core.stored(due_at) if due_at else None,
                created_at=w.now,
                updated_at=w.now,
            )
            return w.insert(row).id

    def deal_from_suggestion(self, suggestion: WhiteSpaceRow) -> str:
        """A qualification deal for a white-space suggestion, its estimate as the amount."""
        title = _("{family}: first order").format(family=suggestion.family)
        return self.add_deal(
            suggestion.account_id, title, amount=suggestion.estimate, family=suggestion.family
        )

    def _record_move(self, w: Writer, deal_id: str, before: str | None, after: str) -> None:
        from portfolio_tui.store.models import DealStageChange

        w.insert(
            DealStageChange(
                deal_id=deal_id,
                from_stage=before,
                to_stage=after,
                at=w.now,
                created_at=w.now,
                updated_at=w.now,
            )
        )

    def _make_client(self, w: Writer, account: Account) -> bool:
        if account.stage == Stage.CLIENT.value:
            return False
        before = account.stage
        w.update(account, stage=Stage.CLIENT.value)
        from portfolio_tui.store.models import StageChange

        w.insert(
            StageChange(
                account_id=account.id,
                from_stage=before,
                to_stage=Stage.CLIENT.value,
                at=w.now,
                created_at=w.now,
                updated_at=w.now,
            )
        )
        return True

    # --- reads ------------------------------------------------------------------------------

    def deals(self, scope: str = "open", account: str | None = None) -> list[DealView]:
        """The live deals in `scope` (open, closed, all), of one account if given."""
        if scope not in SCOPES:
            raise UserError(_("scope: {scope!r} is not one of {choices}").format(
                scope=scope, choices=", ".join(SCOPES)))  # fmt: skip
        account_id = self.core.resolve_account(account).account_id if account else None
        with self.core.db.raw() as conn:
            rows = deal_queries.deal_rows(conn, scope, account_id)
            return self._views(conn, rows, only_these=account_id is not None)

    def account_deals(self, account_ref: str) -> list[DealView]:
        """Every live deal of the account, as the Account screen and `show` list them: the open
        ones first, by stage then expected close; then the closed ones, the latest first."""
        return sorted(self.deals("all", account_ref), key=account_order)

    def deal(self, ref: str) -> DealView:
        with self.core.db.session() as session:
            deal_id = self._deal(session, ref).id
        with self.core.db.raw() as conn:
            rows = deal_queries.deal_rows(conn, "all", deal_id=deal_id)
            if not rows:
                raise NotFound(_("no deal with id {ref!r}").format(ref=ref))
            return self._views(conn, rows, only_these=True)[0]

    def board(self, text: str = "") -> DealBoard:
        """The deals board: open deals by stage, then those won or lost lately; `text` filters
        on account name, title and family."""
        today = self.core.today()
        since = today - timedelta(days=BOARD_CLOSED_DAYS)
        with self.core.db.raw() as conn:
            rows = deal_queries.deal_rows(conn, "all", closed_since=since)
            needle = text.strip().casefold()
            if needle:
                rows = [r for r in rows if needle in _haystack(r)]
            views = self._views(conn, rows)
        by_stage: dict[str, list[DealView]] = {stage.value: [] for stage in DealStage}
        for view in views:
            by_stage.setdefault(view.stage, []).append(view)
        return DealBoard(tuple((stage, tuple(cards)) for stage, cards in by_stage.items()))

    def agenda_deals(self) -> tuple[list[DealView], list[DealView]]:
        """For Today: open deals closing this week (Monday to Sunday) or before, and the
        rotting open deals."""
        today = self.core.today()
        week_end = today + timedelta(days=6 - today.weekday())
        # Rotting: no change nor interaction for more than the stage's days, as local days;
        # a stored (UTC) instant is at most a day off its local day, hence the day of margin.
        limits = self._rotting_days()
        quiet_before = {
            stage.value: (today - timedelta(days=limits.get(stage, DEFAULT_ROTTING_DAYS[stage]))
                          + timedelta(days=1)).isoformat()
            for stage in OPEN_STAGES
        }  # fmt: skip
        # The candidates, with their stage days and last activity, kept per version of what
        # they read: a follow-up snoozed (Today's most common write) reads only the next actions.
        rows, entered, last = kept_read(
            self.core, "agenda_deals", (today,), _AGENDA_DEAL_TABLES,
            lambda: self._agenda_candidates(week_end, quiet_before),
        )  # fmt: skip
        with self.core.db.raw() as conn:
            actions = deal_queries.deal_next_actions(conn, [r.deal_id for r in rows])
        open_deals = self._views_of(rows, entered, last, actions)
        closing = [d for d in open_deals if d.expected_close and d.expected_close <= week_end]
        rotting = [d for d in open_deals if d.rotting]
        rotting.sort(key=_longest_rotting_first)
        return closing, rotting

    def _rotting_days(self) -> dict[DealStage, int]:
        return {STAGES[k]: v for k, v in self.core.settings.deal_rotting_days.items()}

    def _agenda_candidates(
        self, week_end: date, quiet_before: dict[str, str]
    ) -> tuple[list[DealRow], dict[str, str], dict[str, str]]:
        """Today's candidate deals, when each entered its stage, its account's last activity."""
        with self.core.db.raw() as conn:
            rows = deal_queries.agenda_candidate_rows(conn, week_end, quiet_before)
            entered = deal_queries.deal_stage_entered(conn, [r.deal_id for r in rows])
            accounts = [r.account_id for r in rows]
            last = deal_queries.last_interaction_of_deal_accounts(conn, accounts)
        return rows, entered, last

    def _views(self, conn: Any, rows: list[DealRow], only_these: bool = False) -> list[DealView]:
        """The cards of `rows`; `only_these`: the stage days, activity and next actions read for
        these rows only (a few of them), not for every deal at once."""
        deal_ids = [r.deal_id for r in rows] if only_these else None
        account_ids = [r.account_id for r in rows] if only_these else None
        entered = deal_queries.deal_stage_entered(conn, deal_ids)
        last = deal_queries.last_interaction_of_deal_accounts(conn, account_ids)
        actions = deal_queries.deal_next_actions(conn, deal_ids)
        return self._views_of(rows, entered, last, actions)

    def _views_of(
        self,
        rows: list[DealRow],
        entered: dict[str, str],
        last: dict[str, str],
        actions: dict[str, tuple[str, date, str]],
    ) -> list[DealView]:
        days = LocalDays(self.core.tz)
        context = ViewContext(
            today=self.core.today(),
            probabilities=self.probabilities(),
            rotting_days=self._rotting_days(),
            entered={k: days.of(v) for k, v in entered.items()},
            last_activity={k: days.of(v) for k, v in last.items()},
            actions=actions,
        )
        return [deal_view(r, context) for r in rows]

    # --- figures ----------------------------------------------------------------------------

    def pipeline_report(self, as_of: date | None = None, period: str = "year") -> PipelineFigures:
        """The pipeline figures as of `as_of` (default today) for its `period` to date."""
        as_of = as_of or self.core.today()
        if period not in ("month", "quarter", "year"):
            raise UserError(_("period: {period!r} is not month, quarter or year").format(
                period=period))  # fmt: skip
        end = self.core.stored(datetime.combine(as_of, time.max, self.core.tz))
        with self.core.db.raw() as conn:
            facts = facts_of_stored(deal_queries.deal_fact_rows(conn))
            raw_moves = deal_queries.deal_moves(conn, end)
        days = LocalDays(self.core.tz)
        moves = [
            StageMove(deal_id, STAGES[before] if before else None, STAGES[after], days.of(at))
            for deal_id, before, after, at in raw_moves
        ]
        return pipeline_figures(facts, moves, as_of, period, self.probabilities())

    def whitespace(
        self, as_of: date | None = None, window: str | None = None, by: str = "sector"
    ) -> list[WhiteSpaceRow]:
        """What to sell next: per client, the families most of its segment's peers bought.
        Kept per version of the sales, accounts and products (`derived.kept_read`)."""
        return self._white_space("whitespace", as_of, window, by, list)

    def account_suggestions(
        self, account_ref: str, as_of: date | None = None, window: str | None = None
    ) -> list[WhiteSpaceRow]:
        """The white space of one account ("À développer"), by sector."""
        account_id = self.core.resolve_account(account_ref).account_id
        return [r for r in self.whitespace(as_of, window) if r.account_id == account_id]

    def whitespace_cells(
        self, as_of: date | None = None, window: str | None = None, by: str = "sector"
    ) -> set[tuple[str, str]]:
        """The (segment, family) cells of the dashboard's matrix that hold a suggestion, kept
        apart from the suggestions (the Dashboard needs a few cells, not 20,000 rows)."""
        return self._white_space("whitespace_cells", as_of, window, by, cells)

    def _white_space(
        self, kind: str, as_of: date | None, window: str | None, by: str,
        shape: Callable[[list[WhiteSpaceRow]], T],
    ) -> T:  # fmt: skip
        """The suggestions in `shape`, kept per version of the sales, accounts and products."""
        check_by(by)
        w = self.reports.window(as_of, window)
        return kept_read(self.core, kind, (w.start, w.as_of, by), ("account", "product"),
                         lambda: shape(suggestions(self.core, self.reports, w, by)))  # fmt: skip


def _haystack(row: DealRow) -> str:
    return " ".join((row.account_name, row.title, row.family or "")).casefold()


def _parse_stage(text: str) -> DealStage:
    try:
        return parse_deal_stage(text)
    except DealError as error:
        raise UserError(_("stage: {detail}").format(detail=error.detail)) from None


def _clean_values(**values: Any) -> dict[str, Any]:
    """Checked title, amount (cents, not negative) and probability (0-100 or None)."""
    clean: dict[str, Any] = {}
    if "title" in values:
        title = str(values["title"]).strip()
        if not title:
            raise UserError(_("title: must not be empty"))
        clean["title"] = title
    if "amount" in values:
        amount = values["amount"]
        if not isinstance(amount, int) or amount < 0:
            raise UserError(_("amount: must not be negative"))
        clean["amount"] = amount
    if "probability" in values:
        probability = values["probability"]
        if probability is not None and not 0 <= probability <= 100:
            raise UserError(_("probability: must be between 0 and 100"))
        clean["probability"] = probability
    return clean


def _stage(stage: str) -> str:
    """A deal stage in an undo label: its key in English, its label in French."""
    return stage if current_language() == "en" else deal_stage_label(stage).lower()


def _longest_rotting_first(deal: DealView) -> tuple[int, str, str, str]:
    return -deal.days_in_stage, deal.account_name.casefold(), deal.title.casefold(), deal.deal_id
