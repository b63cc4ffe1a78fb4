"""The read side of the Portfolio service: analytics (ABC, RFM, KPIs) and the views the
screens and commands show (agenda, portfolio rows, account card, pipeline)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING

from portfolio_tui.domain.abc import AbcResult, AbcThresholds, classify_abc
from portfolio_tui.domain.account_fields import nps_category
from portfolio_tui.domain.cadence import Cadence, contact_interval, contact_status
from portfolio_tui.domain.kpis import KpiInputs, Kpis, compute_kpis
from portfolio_tui.domain.periods import COMPARISONS, LIKE_FOR_LIKE, compared_span, period_of
from portfolio_tui.domain.records import AccountFigures
from portfolio_tui.domain.rfm import RfmScore, score_rfm
from portfolio_tui.domain.stages import Stage
from portfolio_tui.domain.text import sort_key
from portfolio_tui.domain.window import Window, parse_window
from portfolio_tui.errors import UserError
from portfolio_tui.i18n import _
from portfolio_tui.service.account_card import (
    NO_FAMILY,
    AccountRows,
    account_timeline,
    contact_view,
    revenue_split,
)
from portfolio_tui.service.core import Core, account_view
from portfolio_tui.service.derived import (
    NO_BADGES,
    CardBadges,
    kept_agenda,
    kept_agenda_output,
    kept_card_badges,
    kept_figures,
    kept_last_contacts,
    kept_read,
)
from portfolio_tui.service.pipeline import pipeline_cards
from portfolio_tui.service.portfolio_rows import make_rows
from portfolio_tui.service.views import (
    AccountCard,
    Agenda,
    AgendaItem,
    ClientRow,
    DealAgendaItem,
    FollowUpView,
    PipelineCard,
    PortfolioRow,
)
from portfolio_tui.store import queries, rows

if TYPE_CHECKING:
    from portfolio_tui.service.churn import ChurnCases
    from portfolio_tui.store.models import FollowUp

Clock = Callable[[], datetime]
# What the KPIs read besides the sales: the accounts (stages, fields), their stage moves, the
# products' families.
_KPI_TABLES = ("account", "stagechange", "product")
_PORTFOLIO_TABLES = ("account", "interaction", "followup", "contact")


class ReportCases:
    """Reads: figures, ABC and RFM badges, reports, the agenda, the screens' views."""

    core: Core

    def __init__(self, core: Core) -> None:
        self.core = core

    # --- analytics ---------------------------------------------------------------------------

    def window(self, as_of: date | None = None, window: str | None = None) -> Window:
        return parse_window(window or self.core.settings.window, as_of or self.core.today())

    def figures(self, window: Window) -> list[AccountFigures]:
        """Per account, its figures over `window`, kept per sales version (service/derived)."""
        return kept_figures(self.core, window)

    def abc(self, window: Window, by: str = "revenue") -> AbcResult:
        """The classes of `window`'s figures, kept with them for their sales version."""
        if by not in ("revenue", "margin"):
            raise UserError(_("--by: {by!r} is not revenue or margin").format(by=by))
        kept, key = self.core.kept_cache, (self.core.fresh_caches(), f"abc|{by}|{window}")
        if key not in kept:
            values = ((f.account_id, f.name, f.revenue if by == "revenue" else f.margin)
                      for f in self.figures(window))  # fmt: skip
            settings = self.core.settings
            kept[key] = classify_abc(values, AbcThresholds(settings.abc_a, settings.abc_b))
        return kept[key]  # type: ignore[no-any-return]

    def badges(self, window: Window | None = None) -> tuple[AbcResult, dict[str, RfmScore]]:
        """ABC classes (by revenue) and RFM scores over `window` (default: the settings'), kept
        per sales version (`derived.kept_read`: the Dashboard's first panels at the next start)."""
        w = window or self.window()
        return kept_read(self.core, "abc_rfm", (w.start, w.as_of), (),
                         lambda: (self.abc(w), score_rfm(self.figures(w), w.as_of)))  # fmt: skip

    def segment_accounts(
        self, segment: str | None, as_of: date | None = None
    ) -> frozenset[str] | None:
        """The ids of the accounts the saved segment `segment` holds at as_of; None (every
        account) without one. Classes and scores stay those of the whole portfolio."""
        if segment is None:
            return None
        from portfolio_tui.service.segments import SegmentCases  # built on these reads

        return SegmentCases(self.core, self).account_ids(segment, as_of)

    def client_report(
        self,
        as_of: date | None = None,
        window: str | None = None,
        by: str = "revenue",
        *,
        segment: str | None = None,
    ) -> list[ClientRow]:
        """Every live account with its figures and badges: the ABC ranking first (by value,
        then name, then id), then the accounts without a positive value, by name. With a
        saved `segment`, only its accounts (ranked and classed among all)."""
        keep = self.segment_accounts(segment, as_of)
        w = self.window(as_of, window)
        rows = kept_read(self.core, "clients", (w.start, w.as_of, by), ("account",),
                         lambda: self._client_rows(w, by))  # fmt: skip
        return rows if keep is None else [r for r in rows if r.account_id in keep]

    def _client_rows(self, w: Window, by: str) -> list[ClientRow]:
        abc = self.abc(w, by)
        figures = {f.account_id: f for f in self.figures(w)}
        rfm = score_rfm(figures.values(), w.as_of)
        with self.core.db.raw() as conn:
            accounts = {a[0]: a for a in queries.account_names_stages(conn)}
        rows = []
        for ranked in abc.ranked:
            account_id, name, stage = accounts.pop(ranked.account_id)
            f = figures[account_id]
            rows.append(
                ClientRow(
                    account_id, name, stage, f.revenue, f.margin, ranked.abc_class,
                    rfm.get(account_id),
                )
            )  # fmt: skip
        for account_id, name, stage in sorted(
            accounts.values(), key=lambda a: (sort_key(a[1]), a[0])
        ):
            f = figures.get(account_id)
            rows.append(
                ClientRow(
                    account_id, name, stage, f.revenue if f else 0, f.margin if f else 0, None,
                    rfm.get(account_id),
                )
            )  # fmt: skip
        return rows

    def kpi_report(
        self,
        as_of: date | None = None,
        period: str = "year",
        rows: str = "abc",
        window: str | None = None,
        *,
        segment: str | None = None,
        previous: str = LIKE_FOR_LIKE,
        inputs: KpiInputs | None = None,
    ) -> Kpis:
        """`window` (default: the settings') is the one the ABC classes of the matrix rows use.
        With a saved `segment`, the figures of its accounts only (classes from all).
        `previous`: "like_for_like" compares with the same span of the previous period (1-2
        Dec against 1-2 Nov), "full" with all of it; the result's `comparison` says which."""
        if rows != "abc" and rows not in queries.ACCOUNT_INFO_FIELDS:
            raise UserError(_("rows: {rows!r} is not one of {choices}").format(
                rows=rows, choices=", ".join(("abc", *queries.ACCOUNT_INFO_FIELDS))))  # fmt: skip
        if previous not in COMPARISONS:
            raise UserError(_("previous: {previous!r} is not one of {choices}").format(
                previous=previous, choices=", ".join(COMPARISONS)))  # fmt: skip
        if inputs is None and segment is None:  # the book's: kept (`derived.kept_read`)
            day, w = as_of or self.core.today(), self.window(as_of, window)
            key = (day, period, rows, w.start, w.as_of, previous)
            compute = partial(self._kpis, as_of, period, rows, window, None, previous, None)
            return kept_read(self.core, "kpis", key, _KPI_TABLES, compute)
        return self._kpis(as_of, period, rows, window, segment, previous, inputs)

    def _kpis(self, as_of: date | None, period: str, rows: str, window: str | None,
              segment: str | None, previous: str, inputs: KpiInputs | None) -> Kpis:  # fmt: skip
        inputs = inputs or self.kpi_inputs(as_of, period, window, previous)
        keep = self.segment_accounts(segment, inputs.as_of)
        if keep is not None:
            from portfolio_tui.service.segments import narrowed_kpi_inputs

            inputs = narrowed_kpi_inputs(inputs, keep)
        return compute_kpis(
            inputs, concentration_alert=self.core.settings.concentration_alert, matrix_rows=rows
        )

    def kpi_inputs(
        self, as_of: date | None, period: str, window: str | None, previous: str
    ) -> KpiInputs:
        """What `kpi_report` (`inputs`) computes from: the period's revenue read, the rest
        (accounts, first sales, stage moves, classes) kept per version of what they read."""
        as_of = as_of or self.core.today()
        w = self.window(as_of, window)
        # In memory only: the next start reads the KPIs themselves back, and this, the largest
        # value kept (~8 MB pickled), cost the TUI ~20 MB at its peak to write.
        base = kept_read(self.core, "kpi_base", (as_of, w.start, w.as_of), _KPI_TABLES,
                         lambda: self._kpi_base(as_of, window), in_file=False)  # fmt: skip
        current = period_of(as_of, period)
        before_start, before_end = compared_span(current, as_of, previous)
        end_now = min(current.end, as_of)
        with self.core.db.raw() as conn:
            return replace(
                base,
                period=current,
                revenue_now=queries.revenue_by_account(conn, current.start, end_now),
                revenue_before=queries.revenue_by_account(conn, before_start, before_end),
                revenue_by_family_now=queries.revenue_by_account_family(
                    conn, current.start, end_now, NO_FAMILY
                ),
                previous=previous,
            )

    def _kpi_base(self, as_of: date, window: str | None) -> KpiInputs:
        """The KPI inputs that don't depend on the period (the period's own left empty)."""
        abc = self.abc(self.window(as_of, window))
        end_instant = self.core.stored(datetime.combine(as_of, time.max, self.core.tz))
        with self.core.db.raw() as conn:
            return KpiInputs(
                as_of, period_of(as_of, "year"), queries.account_infos(conn), {}, {},
                queries.first_sales(conn, as_of), {}, queries.stage_moves(conn, end_instant),
                {r.account_id: r.abc_class for r in abc.ranked},
                lost_reasons=queries.lost_reasons(conn),
            )  # fmt: skip

    def cadence(self) -> Cadence:
        return self.core.cadence_rules

    def _interval(self, abc_class: str | None, stage: str) -> int | None:
        interval = contact_interval(self.cadence(), abc_class, stage)
        if interval is None and stage == Stage.CLIENT.value:
            return self.core.settings.stale_after_days
        return interval

    def agenda(self) -> Agenda:
        """Today's work: dated follow-ups (overdue, today, next 7 days), then the accounts past
        their contact cadence with nothing planned; the deals closing or rotting, the A clients
        in danger. Kept per book version (`derived.kept_agenda`)."""
        return kept_agenda(self.core, self._agenda)

    def agenda_output(self, key: tuple[object, ...], render: Callable[[Agenda], str]) -> str:
        """`render(agenda)`, kept with the agenda under `key` (`derived.kept_agenda_output`)."""
        return kept_agenda_output(self.core, key, lambda: render(self.agenda()))

    def _agenda(self) -> Agenda:
        today = self.core.today()
        badges = self.account_badges()
        last = kept_last_contacts(self.core)
        with self.core.db.raw() as conn:
            open_rows = queries.open_follow_ups(conn, today + timedelta(days=7))
            planned = queries.accounts_with_open_follow_up(conn)
            accounts = queries.account_names_stages(conn)
        overdue, due_today, upcoming = [], [], []
        for row in open_rows:
            abc, rfm, _alive = badges.get(row.account_id, NO_BADGES)
            item = AgendaItem(
                account_id=row.account_id,
                account_name=row.account_name,
                stage=row.stage,
                abc=abc,
                rfm=rfm,
                title=row.title,
                due_on=row.due_on,
                due_at=self.core.local(row.due_at) if row.due_at else None,
                days_since_contact=_days_since(last.get(row.account_id), today),
                follow_up_id=row.follow_up_id,
                recurring=bool(row.recurrence),
            )
            group = (
                overdue if row.due_on < today else due_today if row.due_on == today else upcoming
            )
            group.append(item)
        unplanned = [a for a in accounts if a[0] not in planned and a[2] != Stage.LOST.value]
        due_for_contact = self._due_for_contact(unplanned, last, badges, today)
        closing, rotting = self._deals_for_today()
        at_risk = self._churn().clients_in_danger(today)
        return Agenda(
            today, overdue, due_today, upcoming, due_for_contact, closing, rotting, at_risk
        )

    def _due_for_contact(
        self,
        accounts: list[tuple[str, str, str]],
        last: dict[str, date],
        badges: dict[str, CardBadges],
        today: date,
    ) -> list[AgendaItem]:
        """The accounts past their contact cadence, A first, then the longest without contact."""
        due = []
        for account_id, name, stage in accounts:
            abc_class, rfm, _alive = badges.get(account_id, NO_BADGES)
            status = contact_status(last.get(account_id), today, self._interval(abc_class, stage))
            if status.due:
                due.append(
                    AgendaItem(
                        account_id=account_id,
                        account_name=name,
                        stage=stage,
                        abc=abc_class,
                        rfm=rfm,
                        title=_contact_reason(status.days_since, status.interval),
                        due_on=None,
                        due_at=None,
                        days_since_contact=status.days_since,
                    )
                )
        rank = {"A": 0, "B": 1, "C": 2}
        due.sort(
            key=lambda i: (
                rank.get(i.abc or "", 3),
                -(i.days_since_contact or 10**6),
                i.account_name,
            )
        )
        return due

    def _deals_for_today(self) -> tuple[list[DealAgendaItem], list[DealAgendaItem]]:
        from portfolio_tui.service.deals import DealCases  # deals build on these reads

        closing, rotting = DealCases(self.core, self).agenda_deals()
        return [d.agenda_item() for d in closing], [d.agenda_item() for d in rotting]

    def _churn(self) -> ChurnCases:
        from portfolio_tui.service.churn import ChurnCases  # churn builds on these reads

        return ChurnCases(self.core, self)

    def portfolio_rows(self, window: str | None = None) -> list[PortfolioRow]:
        """A row per live account, kept per version of what they show (`derived.kept_read`)."""
        w = self.window(None, window)
        key, tables = (w.start, w.as_of, self.core.today()), _PORTFOLIO_TABLES
        # In memory only: made again from kept pieces faster than read back (`portfolio_rows`).
        rows = partial(self._rows, w, window)
        return kept_read(self.core, "portfolio", key, tables, rows, in_file=False)

    def _rows(self, w: Window, window: str | None) -> list[PortfolioRow]:
        revenue = {f.account_id: f.revenue for f in self.figures(w)}
        return make_rows(self.core, revenue, self.account_badges(window))

    def account_badges(self, window: str | None = None) -> dict[str, CardBadges]:
        """Every account's ABC class, RFM score and P(alive), kept for the next process."""
        w = self.window(None, window)
        return kept_card_badges(self.core, w, partial(self._compute_badges, w))

    def account_card(self, ref: str, window: str | None = None) -> AccountCard:
        w = self.window(None, window)
        rows = self._account_rows(ref)
        account, contacts = rows.account, rows.contacts
        timeline = account_timeline(rows, self.core.local, self.core.tz, self.core.settings)
        revenue_now, revenue_before, by_family = revenue_split(rows.sales, w)
        last = rows.interactions[0].occurred_at if rows.interactions else None
        last_contact = self.core.local(last).date() if last else None
        abc_class, rfm, p_alive = self.account_badges(window).get(account.id, NO_BADGES)
        interval = self._interval(abc_class, account.stage)
        names = {c.id: c.name for c in contacts}
        return AccountCard(
            account=account_view(account),
            abc=abc_class,
            rfm=rfm,
            window_label=w.label,
            revenue_now=revenue_now,
            revenue_before=revenue_before,
            nps_category=nps_category(account.nps_score),
            contact=contact_status(last_contact, self.core.today(), interval),
            referred_by=(rows.referrer.id, rows.referrer.name) if rows.referrer else None,
            referrals=[(a.id, a.name) for a in rows.referrals],
            timeline=timeline,
            contacts=[contact_view(c) for c in contacts],
            open_follow_ups=[
                self._follow_up_view(f, names) for f in rows.follow_ups if f.done_at is None
            ],
            done_follow_ups=[
                self._follow_up_view(f, names) for f in reversed(rows.follow_ups) if f.done_at
            ],
            sales_by_family=sorted(by_family.items(), key=lambda kv: (-kv[1], kv[0])),
            suggested_follow_up=self.core.working_day_phrase(interval or 7),
            p_alive=p_alive,
        )

    def _compute_badges(self, w: Window) -> dict[str, CardBadges]:
        (abc, rfm), alive = self.badges(w), self._churn().p_alive_by_account(self.core.today())
        ids = {r.account_id for r in abc.ranked} | rfm.keys() | alive.keys()
        return {i: (abc.class_of(i), rfm.get(i), alive.get(i)) for i in ids}

    def _account_rows(self, ref: str) -> AccountRows:
        with self.core.db.raw() as conn:  # records, not models: no ORM on this read
            account = self.core.account_record(conn, ref)
            children = partial(rows.account_children, conn, account_id=account.id)
            follow_ups = children("followup", order_by="due_on", descending=False)
            return AccountRows(
                account=account,
                interactions=children("interaction", order_by="occurred_at"),
                moves=children("stagechange", order_by="at"),
                follow_ups=sorted(follow_ups, key=_due_order),
                contacts=children("contact", order_by="name", descending=False),
                sales=rows.account_sales_with_family(conn, account.id),
                referrer=rows.live_account(conn, account.referred_by_id)
                if account.referred_by_id
                else None,
                referrals=rows.referrals(conn, account.id),
            )

    def suggested_follow_up(self, account_ref: str) -> str:
        """A date phrase ("+14d") for the next contact: the account's cadence (a week without
        one), moved on to the next working day (settings' `working_days`, French holidays)."""
        account = self.core.resolve_account(account_ref)
        abc, _ = self.badges()
        interval = self._interval(abc.class_of(account.account_id), account.stage)
        return self.core.working_day_phrase(interval or 7)

    def proposed_snooze(self) -> str:
        """The snooze the forms propose: the next working day, as a phrase ("+1d", "+3d")."""
        return self.core.working_day_phrase(1)

    def closable_follow_ups(self, account_ref: str) -> list[FollowUpView]:
        """The account's open follow-ups due today or before, by date and time: those a call,
        meeting or visit logged now can close (`log_interaction(close_follow_up=…)`)."""
        today = self.core.today()
        return [f for f in self.account_card(account_ref).open_follow_ups if f.due_on <= today]

    def _follow_up_view(self, row: FollowUp, contact_names: dict[str, str]) -> FollowUpView:
        return FollowUpView(
            follow_up_id=row.id,
            title=row.title,
            due_on=row.due_on,
            due_at=self.core.local(row.due_at) if row.due_at else None,
            done_at=self.core.local(row.done_at) if row.done_at else None,
            outcome=row.outcome,
            recurrence=row.recurrence,
            contact_name=contact_names.get(row.contact_id or ""),
        )

    def pipeline(self, period: str = "year") -> list[PipelineCard]:
        """Prospects by stage, plus the accounts won in the current period and the lost ones;
        kept per version of the accounts, stage moves and follow-ups they read (the Pipeline
        reads them at each showing: ~0.4 s of 20,000 accounts)."""
        key, tables = (period, self.core.today()), ("account", "stagechange", "followup")
        return kept_read(
            self.core, "pipeline", key, tables, partial(pipeline_cards, self.core, period)
        )


def _due_order(row: FollowUp) -> tuple[date, bool, datetime]:
    """By day, then by time, the all-day ones after the timed ones (as on Today)."""
    return row.due_on, row.due_at is None, row.due_at or datetime.min


def _days_since(last: date | None, today: date) -> int | None:
    return (today - last).days if last else None


def _contact_reason(days_since: int | None, interval: int | None) -> str:
    if days_since is None:
        return "Never contacted"
    return f"No contact for {days_since} days (every {interval})"
