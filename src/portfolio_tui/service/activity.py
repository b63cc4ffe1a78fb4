"""The activity index use case: reads the period's facts and hands them to domain/activity.py.

Days are the rep's local days. Priority accounts are the A clients of the 12-month window at
as_of and the accounts hot or warm at as_of (by the stage history). Results are forward stage
changes, won deals (once the `deal` table exists) and sales, up to as_of."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from portfolio_tui.domain.activity import (
    ACTIVITY_PERIODS,
    ActivityPeriod,
    ActivityReport,
    CadenceFact,
    FollowUpDone,
    Interaction,
    activity_index,
    activity_period,
)
from portfolio_tui.domain.cadence import contact_interval
from portfolio_tui.domain.stages import FUNNEL, Stage
from portfolio_tui.errors import UserError
from portfolio_tui.i18n import _
from portfolio_tui.service.core import Core
from portfolio_tui.service.deal_cards import LocalDays
from portfolio_tui.service.derived import digest, kept_read
from portfolio_tui.service.reports import ReportCases
from portfolio_tui.store import activity_queries as aq
from portfolio_tui.store import queries
from portfolio_tui.store.derived import BOOK_TABLES

PRIORITY_STAGES: frozenset[str] = frozenset({Stage.HOT.value, Stage.WARM.value})
A_CLIENT_WINDOW = "12m"
_FUNNEL_RANK = {stage.value: rank for rank, stage in enumerate(FUNNEL)}


def lever_words(lever: str) -> str:
    """What pulling the lever means, in words."""
    words = {
        "quantity": _("more contacts: calls, meetings, visits and emails"),
        "orientation": _("more of your contacts on priority accounts (A clients, hot and warm)"),
        "efficiency": _("more contacts turned into results (a stage forward, a deal, a sale)"),
    }
    return words[lever]


def is_forward_move(from_stage: str | None, to_stage: str) -> bool:
    """A step forward along suspect → … → client; creation and moves to lost are not."""
    if from_stage not in _FUNNEL_RANK or to_stage not in _FUNNEL_RANK:
        return False
    return _FUNNEL_RANK[to_stage] > _FUNNEL_RANK[from_stage]


class ActivityCases:
    """The rep's effort of a period: the activity index and what stands next to it."""

    core: Core
    reports: ReportCases

    def __init__(self, core: Core, reports: ReportCases) -> None:
        self.core = core
        self.reports = reports
        self.days = LocalDays(core.tz)  # one zone conversion per UTC hour

    def period(self, period: str = "week", as_of: date | None = None) -> ActivityPeriod:
        if period not in ACTIVITY_PERIODS:
            choices = ", ".join(ACTIVITY_PERIODS)
            raise UserError(
                _("period: {period!r} is not one of {choices}").format(
                    period=period, choices=choices
                )
            )
        return activity_period(as_of or self.core.today(), period)

    def a_clients(self, as_of: date) -> set[str]:
        """The A accounts of the 12-month window at as_of."""
        abc = self.reports.abc(self.reports.window(as_of, A_CLIENT_WINDOW))
        return {r.account_id for r in abc.ranked if r.abc_class == "A"}

    def stages_at(self, as_of: date) -> dict[str, str]:
        """Each live account's stage at the end of as_of: the last change recorded by then,
        else its stage today (an account whose history starts later)."""
        end = self.day_start(as_of + timedelta(days=1))
        with self.core.db.raw() as conn:
            stages = {a: stage for a, _, stage in queries.account_names_stages(conn)}
            moved = aq.last_stages_before(conn, end)
        return {a: moved.get(a, stage) for a, stage in stages.items()}

    def priority_accounts(self, as_of: date) -> set[str]:
        """The A clients at as_of and the accounts hot or warm at as_of."""
        stages = self.stages_at(as_of)
        hot_or_warm = {
            account_id for account_id, stage in stages.items() if stage in PRIORITY_STAGES
        }
        return self.a_clients(as_of) | hot_or_warm

    def activity_report(
        self,
        period: str = "week",
        as_of: date | None = None,
        *,
        accounts: Collection[str] | None = None,
    ) -> ActivityReport:
        """The activity index of the `period` (week, month, quarter) up to as_of (default
        today); `accounts`, when given, narrows every figure to those accounts. Kept per book
        version (`derived.kept_read`): it reads most of the book (~1.3 s on 20,000 accounts)."""
        span = self.period(period, as_of)
        narrowed = None if accounts is None else sorted(accounts)
        key = (span.start, span.end, period, digest(narrowed))
        return kept_read(
            self.core, "activity", key, BOOK_TABLES, lambda: self._index(span, period, accounts)
        )

    def _index(
        self, span: ActivityPeriod, period: str, accounts: Collection[str] | None
    ) -> ActivityReport:
        keep = _Keep(accounts)
        targets = self.core.settings.activity
        follow_ups = self._follow_ups(span.end)
        return activity_index(
            [i for i in self.interactions(span.start, span.end) if keep(i.account_id)],
            span.end,
            period,
            priority_accounts={a for a in self.priority_accounts(span.end) if keep(a)},
            results=self._results(span, keep),
            follow_ups_done=self._follow_ups_done(follow_ups, keep),
            pending_follow_up_dues=self._pending_dues(follow_ups, span.end, keep),
            a_clients=self._a_client_facts(span.end, keep),
            targets=targets,
        )

    # --- the facts, in local days -----------------------------------------------------------

    def day_start(self, day: date) -> datetime:
        """The stored (naive UTC) instant at which the local `day` starts."""
        return self.core.stored(datetime.combine(day, time(0), self.core.tz))

    def stored_bounds(self, start: date, end: date) -> tuple[datetime, datetime]:
        """Stored instants a day wider than the local days start..end on each side: the rows
        read between them are then filtered on their local day."""
        return self.day_start(start - timedelta(days=1)), self.day_start(end + timedelta(days=2))

    def local_day(self, stored: datetime) -> date:
        if stored.tzinfo is not None:
            return self.core.local(stored).date()
        return self.days.of(stored.isoformat(sep=" "))

    def interactions(self, start: date, end: date) -> list[Interaction]:
        """Every interaction of the local days start..end (notes included)."""
        with self.core.db.raw() as conn:
            rows = aq.interactions_between(conn, *self.stored_bounds(start, end))
        facts = [Interaction(r.account_id, r.kind, self.local_day(r.occurred_at)) for r in rows]
        return [i for i in facts if start <= i.day <= end]

    def forward_moves(self, start: date, end: date) -> list[tuple[str, date]]:
        """(account id, local day) of each forward stage change of the days start..end."""
        with self.core.db.raw() as conn:
            rows = aq.stage_moves_between(conn, *self.stored_bounds(start, end))
        moves = [
            (r.account_id, self.local_day(r.at))
            for r in rows
            if is_forward_move(r.from_stage, r.to_stage)
        ]
        return [(account_id, day) for account_id, day in moves if start <= day <= end]

    def won_deal_days(self, start: date, end: date) -> list[tuple[str, date]] | None:
        """(account id, close day) of the deals won in start..end; None without a deal table."""
        with self.core.db.raw() as conn:
            return aq.won_deal_days(conn, start, end)

    def _results(self, span: ActivityPeriod, keep: _Keep) -> dict[str, list[date]]:
        # Results count only up to as_of (the domain also caps them at 30 days after the
        # interaction), so the period's own days hold every result that can count.
        with self.core.db.raw() as conn:
            sales = aq.sale_days_between(conn, span.start, span.end)
        found = [*self.forward_moves(span.start, span.end), *sales]
        found += self.won_deal_days(span.start, span.end) or []
        results: dict[str, list[date]] = {}
        for account_id, day in found:
            if keep(account_id):
                results.setdefault(account_id, []).append(day)
        return results

    def _follow_ups(self, as_of: date) -> list[aq.FollowUpFact]:
        with self.core.db.raw() as conn:
            return aq.follow_ups_created_before(conn, self.day_start(as_of + timedelta(days=1)))

    def _follow_ups_done(
        self, follow_ups: list[aq.FollowUpFact], keep: _Keep
    ) -> list[FollowUpDone]:
        return [
            FollowUpDone(f.due_on, self.local_day(f.done_at))
            for f in follow_ups
            if f.done_at is not None and keep(f.account_id)
        ]

    def _pending_dues(
        self, follow_ups: list[aq.FollowUpFact], as_of: date, keep: _Keep
    ) -> list[date]:
        """The due days of the follow-ups still open at the end of as_of."""
        return [
            f.due_on
            for f in follow_ups
            if keep(f.account_id) and (f.done_at is None or self.local_day(f.done_at) > as_of)
        ]

    def _a_client_facts(self, as_of: date, keep: _Keep) -> list[CadenceFact]:
        with self.core.db.raw() as conn:
            last = aq.last_interactions_before(conn, self.day_start(as_of + timedelta(days=1)))
            stages = {a: stage for a, _, stage in queries.account_names_stages(conn)}
        facts = []
        for account_id in sorted(self.a_clients(as_of)):
            if not keep(account_id) or account_id not in stages:
                continue
            interval = contact_interval(self.core.cadence_rules, "A", stages[account_id])
            seen = last.get(account_id)
            facts.append(
                CadenceFact(
                    self.local_day(seen) if seen else None,
                    interval or self.core.settings.stale_after_days,
                )
            )
        return facts


class _Keep:
    """Whether an account id is in the narrowed set (every account without one)."""

    def __init__(self, accounts: Collection[str] | None) -> None:
        self._accounts = None if accounts is None else frozenset(accounts)

    def __call__(self, account_id: str) -> bool:
        return self._accounts is None or account_id in self._accounts
