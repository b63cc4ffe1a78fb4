"""The application service: every use case, once. The CLI and the TUI call nothing else."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from portfolio_tui import paths
from portfolio_tui.domain.abc import AbcResult, AbcThresholds, classify_abc
from portfolio_tui.domain.account_fields import clean_account_fields, nps_category
from portfolio_tui.domain.cadence import Cadence, contact_interval, contact_status
from portfolio_tui.domain.dates import When, parse_when
from portfolio_tui.domain.kpis import KpiInputs, Kpis, compute_kpis
from portfolio_tui.domain.periods import period_of
from portfolio_tui.domain.records import AccountFigures
from portfolio_tui.domain.recurrence import next_occurrence, validate_rrule
from portfolio_tui.domain.rfm import RfmScore, score_rfm
from portfolio_tui.domain.settings import Settings
from portfolio_tui.domain.stages import Stage, next_stage, parse_stage, previous_stage
from portfolio_tui.domain.window import Window, parse_window
from portfolio_tui.errors import Ambiguous, NotFound, UserError
from portfolio_tui.portfolio_files import FileExchange
from portfolio_tui.portfolio_sync import SyncExchange
from portfolio_tui.store import bulk, queries
from portfolio_tui.store.database import Database
from portfolio_tui.store.models import (
    Account,
    Contact,
    FollowUp,
    Interaction,
    Meta,
    Sale,
    StageChange,
)
from portfolio_tui.store.writes import ChangeSet, Writer
from portfolio_tui.views import (
    AccountCard,
    AccountView,
    Agenda,
    AgendaItem,
    ClientRow,
    ContactView,
    FollowUpView,
    Logged,
    PipelineCard,
    PortfolioRow,
    TimelineEntry,
)

Clock = Callable[[], datetime]
INTERACTION_KINDS = ("call", "meeting", "email", "visit", "note")
NO_FAMILY = "—"
UNDO_DEPTH = 100


def system_clock() -> datetime:
    return datetime.now(UTC)


def local_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


class Portfolio(FileExchange, SyncExchange):
    """One portfolio database, its settings, and the clock and zone it is worked in."""

    def __init__(
        self,
        db_path: Path,
        *,
        clock: Clock = system_clock,
        tz: tzinfo | None = None,
        settings: Settings | None = None,
    ) -> None:
        if settings is None:
            from portfolio_tui.config import load_settings

            settings = load_settings(paths.config_file())
        self.settings = settings
        self.db = Database(db_path)
        self._clock = clock
        self.tz = tz or local_zone()
        self._lock = threading.RLock()
        self._undo: list[ChangeSet] = []
        self._figures_cache: dict[tuple[date | None, date], list[AccountFigures]] = {}
        self._badges_cache: dict[tuple[date | None, date], tuple[AbcResult, dict]] = {}
        self._cadence = Cadence(
            by_class=dict(settings.cadence_by_class), by_stage=dict(settings.cadence_by_stage)
        )
        self.device_id = self._ensure_device_id()

    @property
    def path(self) -> Path:
        return self.db.path

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Portfolio:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- time -------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The current local time, aware."""
        return self._clock().astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()

    def _stored(self, moment: datetime) -> datetime:
        """Aware → naive UTC, as the database keeps instants."""
        return moment.astimezone(UTC).replace(tzinfo=None)

    def _local(self, stored: datetime) -> datetime:
        """A stored (naive UTC) instant in the local zone."""
        if stored.tzinfo is None:
            stored = stored.replace(tzinfo=UTC)
        return stored.astimezone(self.tz)

    def parse_when(self, phrase: str) -> When:
        return parse_when(phrase, self.now())

    # --- bookkeeping ------------------------------------------------------------------------

    def _ensure_device_id(self) -> str:
        with self.db.transaction() as session:
            meta = session.get(Meta, "device_id")
            if meta is None:
                meta = Meta(key="device_id", value=queries.new_device_id())
                session.add(meta)
            return meta.value

    @contextmanager
    def _write(self, label: str) -> Iterator[Writer]:
        """One transaction; what it changed becomes one undo step."""
        with self._lock, self.db.transaction() as session:
            writer = Writer(session, self.device_id, self._stored(self.now()), label)
            yield writer
        self._after_write(writer.changeset)

    def _after_write(self, changeset: ChangeSet | None) -> None:
        self.data_changed()
        if changeset is not None and changeset.changes:
            self._undo.append(changeset)
            del self._undo[:-UNDO_DEPTH]

    def data_changed(self) -> None:
        """Forget cached figures after a write that bypassed `_write` (bulk import, sync)."""
        self._figures_cache.clear()
        self._badges_cache.clear()

    def undo(self) -> str | None:
        """Revert the last change made through this Portfolio; returns its label."""
        if not self._undo:
            return None
        changeset = self._undo[-1]
        with self._lock, self.db.transaction() as session:
            Writer(session, self.device_id, self._stored(self.now()), "undo").revert(changeset)
        self._undo.pop()
        self.data_changed()
        return changeset.label

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    # --- look-ups ---------------------------------------------------------------------------

    def _account(self, session: Any, ref: str) -> Account:
        found = queries.find_accounts(session, ref)
        if not found:
            raise NotFound(f"no account matches {ref!r}")
        if len(found) > 1:
            raise Ambiguous("account", ref, [f"{a.name} ({a.id[:8]})" for a in found])
        return found[0]

    def resolve_account(self, ref: str) -> AccountView:
        with self.db.session() as session:
            return _account_view(self._account(session, ref))

    def search_accounts(self, text: str, limit: int = 20) -> list[tuple[str, str]]:
        """(id, name) of live accounts whose name contains `text`, for pickers."""
        with self.db.raw() as conn:
            return queries.search_account_names(conn, text, limit)

    def _follow_up(self, session: Any, ref: str) -> FollowUp:
        found = queries.find_follow_ups(session, ref)
        if not found:
            raise NotFound(f"no follow-up with id {ref!r}")
        if len(found) > 1:
            raise Ambiguous("follow-up id", ref, [f"{f.id[:8]} {f.title}" for f in found])
        return found[0]

    def _contact_id(self, session: Any, account: Account, name: str | None) -> str | None:
        if not name:
            return None
        found = queries.find_contact(session, account.id, name)
        if not found:
            raise NotFound(f"{account.name} has no contact named {name!r}")
        if len(found) > 1:
            raise Ambiguous("contact", name, [c.name for c in found])
        return found[0].id

    # --- accounts and contacts ---------------------------------------------------------------

    def add_account(self, name: str, *, stage: str = "suspect", **fields: str | None) -> str:
        referred_by = fields.pop("referred_by", None)
        values = clean_account_fields({"name": name, **fields})
        stage_value = parse_stage(stage).value
        with self._write(f"add account {name}") as w:
            account = Account(
                name=str(values.pop("name")),
                stage=stage_value,
                created_at=w.now,
                updated_at=w.now,
                **values,
            )
            if referred_by:
                account.referred_by_id = self._account(w.session, referred_by).id
            w.insert(account)
            w.insert(
                StageChange(
                    account_id=account.id,
                    from_stage=None,
                    to_stage=stage_value,
                    at=w.now,
                    created_at=w.now,
                    updated_at=w.now,
                )
            )
            return account.id

    def edit_account(self, ref: str, **fields: str | None) -> dict[str, Any]:
        """Change the given fields (texts as typed); returns {field: old value} of what changed."""
        referred_by = fields.pop("referred_by", None)
        values = clean_account_fields(fields)
        with self._write("edit account") as w:
            account = self._account(w.session, ref)
            w.changeset.label = f"edit {account.name}"
            if referred_by is not None:
                values["referred_by_id"] = (
                    self._account(w.session, referred_by).id if referred_by.strip() else None
                )
                if values["referred_by_id"] == account.id:
                    raise UserError("an account can't refer itself")
            return w.update(account, **values)

    def set_custom_field(self, ref: str, key: str, value: str | None) -> None:
        with self._write("edit custom field") as w:
            account = self._account(w.session, ref)
            custom = json.loads(account.custom_fields or "{}")
            if value is None:
                custom.pop(key, None)
            else:
                custom[key] = value
            w.update(account, custom_fields=json.dumps(custom, sort_keys=True))

    def delete_account(self, ref: str) -> str:
        with self._write("delete account") as w:
            account = self._account(w.session, ref)
            w.changeset.label = f"delete {account.name}"
            w.delete(account)
            return account.name

    def add_contact(
        self,
        account_ref: str,
        name: str,
        *,
        email: str | None = None,
        phone: str | None = None,
        role: str | None = None,
        preferred_channel: str | None = None,
    ) -> str:
        name = name.strip()
        if not name:
            raise UserError("name: must not be empty")
        if email and "@" not in email:
            raise UserError(f"email: {email!r} is not an email address")
        with self._write(f"add contact {name}") as w:
            account = self._account(w.session, account_ref)
            contact = Contact(
                account_id=account.id,
                name=name,
                email=(email or "").strip() or None,
                phone=(phone or "").strip() or None,
                role=(role or "").strip() or None,
                preferred_channel=(preferred_channel or "").strip().lower() or None,
                created_at=w.now,
                updated_at=w.now,
            )
            w.insert(contact)
            return contact.id

    # --- the daily routine -------------------------------------------------------------------

    def _moment(self, at: str | datetime | None) -> datetime:
        """A past or present instant from a phrase ("today 9:00", "2026-11-20 14:00")."""
        if at is None:
            return self.now()
        if isinstance(at, datetime):
            return at.astimezone(self.tz)
        when = self.parse_when(at)
        moment = when.at(self.tz) or datetime.combine(when.day, self.now().timetz())
        return moment

    def _follow_up_row(
        self,
        w: Writer,
        account: Account,
        title: str,
        when: When,
        contact_id: str | None = None,
        recurrence: str | None = None,
    ) -> FollowUp:
        due_at = when.at(self.tz)
        row = FollowUp(
            account_id=account.id,
            contact_id=contact_id,
            title=title.strip() or "Follow up",
            due_on=when.day,
            due_at=self._stored(due_at) if due_at else None,
            recurrence=recurrence,
            created_at=w.now,
            updated_at=w.now,
        )
        return w.insert(row)

    def log_interaction(
        self,
        kind: str,
        account_ref: str,
        summary: str,
        *,
        at: str | datetime | None = None,
        contact: str | None = None,
        outcome: str | None = None,
        duration_minutes: int | None = None,
        follow_up: str | None = None,
        follow_up_title: str | None = None,
    ) -> Logged:
        kind = kind.strip().lower()
        if kind not in INTERACTION_KINDS:
            raise UserError(f"kind: {kind!r} is not one of {', '.join(INTERACTION_KINDS)}")
        moment = self._moment(at)
        next_when = self.parse_when(follow_up) if follow_up else None
        with self._write(f"log {kind}") as w:
            account = self._account(w.session, account_ref)
            w.changeset.label = f"log {kind} with {account.name}"
            contact_id = self._contact_id(w.session, account, contact)
            interaction = w.insert(
                Interaction(
                    account_id=account.id,
                    contact_id=contact_id,
                    kind=kind,
                    occurred_at=self._stored(moment),
                    duration_minutes=duration_minutes,
                    summary=summary.strip(),
                    outcome=(outcome or "").strip() or None,
                    created_at=w.now,
                    updated_at=w.now,
                )
            )
            follow_up_id = None
            if next_when is not None:
                title = follow_up_title or f"Follow up: {summary.strip()}"[:120]
                follow_up_id = self._follow_up_row(w, account, title, next_when, contact_id).id
            return Logged(interaction.id, follow_up_id)

    def schedule_follow_up(
        self,
        account_ref: str,
        title: str,
        due: str | When,
        *,
        contact: str | None = None,
        recurrence: str | None = None,
    ) -> str:
        when = self.parse_when(due) if isinstance(due, str) else due
        rule = validate_rrule(recurrence) if recurrence else None
        with self._write("schedule follow-up") as w:
            account = self._account(w.session, account_ref)
            w.changeset.label = f"follow-up for {account.name}"
            contact_id = self._contact_id(w.session, account, contact)
            return self._follow_up_row(w, account, title, when, contact_id, rule).id

    def complete_follow_up(
        self,
        follow_up_ref: str,
        *,
        outcome: str | None = None,
        kind: str = "call",
        next_due: str | None = None,
        next_title: str | None = None,
    ) -> Logged:
        """Mark a follow-up done, log its outcome as an interaction, and schedule what comes
        next: `next_due` if given, and the next occurrence of a recurring follow-up."""
        if kind not in INTERACTION_KINDS:
            raise UserError(f"kind: {kind!r} is not one of {', '.join(INTERACTION_KINDS)}")
        next_when = self.parse_when(next_due) if next_due else None
        with self._write("complete follow-up") as w:
            row = self._follow_up(w.session, follow_up_ref)
            if row.done_at is not None:
                raise UserError(f"follow-up {row.id[:8]} ({row.title}) is already done")
            account = self._account(w.session, row.account_id)
            w.changeset.label = f"done: {row.title}"
            w.update(row, done_at=w.now, outcome=(outcome or "").strip() or None)
            interaction = w.insert(
                Interaction(
                    account_id=row.account_id,
                    contact_id=row.contact_id,
                    kind=kind,
                    occurred_at=w.now,
                    summary=row.title,
                    outcome=(outcome or "").strip() or None,
                    created_at=w.now,
                    updated_at=w.now,
                )
            )
            follow_up_id = None
            if row.recurrence:
                follow_up_id = self._next_occurrence(w, row, account)
            if next_when is not None:
                title = next_title or row.title
                follow_up_id = self._follow_up_row(w, account, title, next_when, row.contact_id).id
            return Logged(interaction.id, follow_up_id)

    def _next_occurrence(self, w: Writer, row: FollowUp, account: Account) -> str | None:
        start = (
            self._local(row.due_at)
            if row.due_at
            else datetime.combine(row.due_on, time(0), self.tz)
        )
        after = max(start, self.now())
        upcoming = next_occurrence(row.recurrence or "", after, start)
        if upcoming is None:
            return None
        when = When(upcoming.date(), upcoming.timetz().replace(tzinfo=None) if row.due_at else None)
        return self._follow_up_row(w, account, row.title, when, row.contact_id, row.recurrence).id

    def snooze(self, follow_up_ref: str, phrase: str = "+1d") -> date:
        """Push an open follow-up to `phrase` (from today); keeps its time when the phrase has
        none. Returns the new due day."""
        when = self.parse_when(phrase)
        with self._write("snooze") as w:
            row = self._follow_up(w.session, follow_up_ref)
            if row.done_at is not None:
                raise UserError(f"follow-up {row.id[:8]} ({row.title}) is already done")
            w.changeset.label = f"snooze: {row.title}"
            if when.time is None and row.due_at is not None:
                when = replace(when, time=self._local(row.due_at).time())
            due_at = when.at(self.tz)
            w.update(row, due_on=when.day, due_at=self._stored(due_at) if due_at else None)
            return when.day

    def delete_follow_up(self, follow_up_ref: str) -> None:
        with self._write("delete follow-up") as w:
            row = self._follow_up(w.session, follow_up_ref)
            w.changeset.label = f"delete follow-up {row.title}"
            w.delete(row)

    def move_stage(self, account_ref: str, stage: str | Stage) -> tuple[str, str]:
        """Move an account to `stage`, recording the change. Returns (from, to)."""
        target = parse_stage(stage) if isinstance(stage, str) else stage
        with self._write("move stage") as w:
            account = self._account(w.session, account_ref)
            if account.stage == target.value:
                raise UserError(f"{account.name} is already {target.value}")
            w.changeset.label = f"{account.name}: {account.stage} → {target.value}"
            before = account.stage
            w.update(account, stage=target.value)
            w.insert(
                StageChange(
                    account_id=account.id,
                    from_stage=before,
                    to_stage=target.value,
                    at=w.now,
                    created_at=w.now,
                    updated_at=w.now,
                )
            )
            return before, target.value

    def step_stage(self, account_ref: str, forward: bool = True) -> tuple[str, str]:
        """Move one step along suspect → cold → warm → hot → client (or back)."""
        account = self.resolve_account(account_ref)
        current = Stage(account.stage)
        target = next_stage(current) if forward else previous_stage(current)
        if target is None:
            where = "the end" if forward else "the start"
            raise UserError(f"{account.name} is {current.value}: already at {where} of the funnel")
        return self.move_stage(account.account_id, target)

    def record_sale(
        self,
        account_ref: str,
        sold_on: date,
        amount: int,
        *,
        margin: int | None = None,
        order_ref: str | None = None,
    ) -> str:
        with self._write("record sale") as w:
            account = self._account(w.session, account_ref)
            return w.insert(
                Sale(
                    account_id=account.id,
                    sold_on=sold_on,
                    amount=amount,
                    margin=margin,
                    order_ref=order_ref,
                    created_at=w.now,
                    updated_at=w.now,
                )
            ).id

    # --- analytics ---------------------------------------------------------------------------

    def window(self, as_of: date | None = None, window: str | None = None) -> Window:
        return parse_window(window or self.settings.window, as_of or self.today())

    def figures(self, window: Window) -> list[AccountFigures]:
        key = (window.start, window.as_of)
        cached = self._figures_cache.get(key)
        if cached is None:
            with self.db.raw() as conn:
                cached = queries.account_figures(conn, window.start, window.as_of)
            self._figures_cache[key] = cached
        return cached

    def _thresholds(self) -> AbcThresholds:
        return AbcThresholds(self.settings.abc_a, self.settings.abc_b)

    def abc(self, window: Window, by: str = "revenue") -> AbcResult:
        if by not in ("revenue", "margin"):
            raise UserError(f"--by: {by!r} is not revenue or margin")
        figures = self.figures(window)
        values = (
            (f.account_id, f.name, f.revenue if by == "revenue" else f.margin) for f in figures
        )
        return classify_abc(values, self._thresholds())

    def badges(self, window: Window | None = None) -> tuple[AbcResult, dict[str, RfmScore]]:
        """ABC classes (by revenue) and RFM scores over `window` (default: the settings')."""
        window = window or self.window()
        key = (window.start, window.as_of)
        cached = self._badges_cache.get(key)
        if cached is None:
            cached = self.abc(window), score_rfm(self.figures(window), window.as_of)
            self._badges_cache[key] = cached
        return cached

    def client_report(
        self, as_of: date | None = None, window: str | None = None, by: str = "revenue"
    ) -> list[ClientRow]:
        """Every live account with its figures and badges: the ABC ranking first (by value,
        then name, then id), then the accounts without a positive value, by name."""
        w = self.window(as_of, window)
        abc = self.abc(w, by)
        figures = {f.account_id: f for f in self.figures(w)}
        rfm = score_rfm(figures.values(), w.as_of)
        with self.db.raw() as conn:
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
            accounts.values(), key=lambda a: (a[1].lower(), a[0])
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
    ) -> Kpis:
        """`window` (default: the settings') is the one the ABC classes of the matrix rows use."""
        as_of = as_of or self.today()
        current = period_of(as_of, period)
        previous = current.previous()
        end_now = min(current.end, as_of)
        abc = self.abc(self.window(as_of, window))
        end_instant = self._stored(datetime.combine(as_of, time.max, self.tz))
        with self.db.raw() as conn:
            inputs = KpiInputs(
                as_of=as_of,
                period=current,
                accounts=queries.account_infos(conn),
                revenue_now=queries.revenue_by_account(conn, current.start, end_now),
                revenue_before=queries.revenue_by_account(conn, previous.start, previous.end),
                first_sale=queries.first_sales(conn, as_of),
                revenue_by_family_now=queries.revenue_by_account_family(
                    conn, current.start, end_now, NO_FAMILY
                ),
                stage_moves=queries.stage_moves(conn, end_instant),
                abc_classes={r.account_id: r.abc_class for r in abc.ranked},
            )
        return compute_kpis(
            inputs, concentration_alert=self.settings.concentration_alert, matrix_rows=rows
        )

    def cadence(self) -> Cadence:
        return self._cadence

    def _interval(self, abc_class: str | None, stage: str) -> int | None:
        interval = contact_interval(self.cadence(), abc_class, stage)
        if interval is None and stage == Stage.CLIENT.value:
            return self.settings.stale_after_days
        return interval

    def agenda(self) -> Agenda:
        """Today's work: dated follow-ups (overdue, today, next 7 days), then the accounts past
        their contact cadence with nothing planned."""
        today = self.today()
        abc, rfm = self.badges()
        with self.db.raw() as conn:
            open_rows = queries.open_follow_ups(conn, today + timedelta(days=7))
            last = {k: self._local(v).date() for k, v in queries.last_interactions(conn).items()}
            planned = queries.accounts_with_open_follow_up(conn)
            accounts = queries.account_names_stages(conn)
        overdue, due_today, upcoming = [], [], []
        for row in open_rows:
            item = AgendaItem(
                account_id=row.account_id,
                account_name=row.account_name,
                stage=row.stage,
                abc=abc.class_of(row.account_id),
                rfm=rfm.get(row.account_id),
                title=row.title,
                due_on=row.due_on,
                due_at=self._local(row.due_at) if row.due_at else None,
                days_since_contact=_days_since(last.get(row.account_id), today),
                follow_up_id=row.follow_up_id,
                recurring=bool(row.recurrence),
            )
            group = (
                overdue if row.due_on < today else due_today if row.due_on == today else upcoming
            )
            group.append(item)
        due_for_contact = []
        for account_id, name, stage in accounts:
            if account_id in planned or stage in (Stage.LOST.value,):
                continue
            abc_class = abc.class_of(account_id)
            status = contact_status(last.get(account_id), today, self._interval(abc_class, stage))
            if status.due:
                due_for_contact.append(
                    AgendaItem(
                        account_id=account_id,
                        account_name=name,
                        stage=stage,
                        abc=abc_class,
                        rfm=rfm.get(account_id),
                        title=_contact_reason(status.days_since, status.interval),
                        due_on=None,
                        due_at=None,
                        days_since_contact=status.days_since,
                    )
                )
        rank = {"A": 0, "B": 1, "C": 2}
        due_for_contact.sort(
            key=lambda i: (
                rank.get(i.abc or "", 3),
                -(i.days_since_contact or 10**6),
                i.account_name,
            )
        )
        return Agenda(today, overdue, due_today, upcoming, due_for_contact)

    def portfolio_rows(self, window: str | None = None) -> list[PortfolioRow]:
        w = self.window(None, window)
        abc, rfm = self.badges(w)
        revenue = {f.account_id: f.revenue for f in self.figures(w)}
        with self.db.raw() as conn:
            last = queries.last_interactions(conn)
            upcoming = queries.next_follow_ups(conn)
            contacts = queries.contact_names(conn)
            accounts = queries.account_list_fields(conn)
        rows = []
        for account_id, name, stage, city, sector, tags in accounts:
            follow_up = upcoming.get(account_id)
            seen = last.get(account_id)
            rows.append(
                PortfolioRow(
                    account_id=account_id,
                    name=name,
                    stage=stage,
                    abc=abc.class_of(account_id),
                    rfm=rfm.get(account_id),
                    revenue=revenue.get(account_id, 0),
                    last_contact=self._local(seen).date() if seen else None,
                    next_follow_up=follow_up[0] if follow_up else None,
                    next_follow_up_title=follow_up[1] if follow_up else None,
                    city=city,
                    sector=sector,
                    tags=tags or "",
                    contacts=tuple(contacts.get(account_id, ())),
                )
            )
        return rows

    def account_card(self, ref: str, window: str | None = None) -> AccountCard:
        w = self.window(None, window)
        abc, rfm = self.badges(w)
        previous = w.previous() if w.months is not None else None
        with self.db.session() as session:
            account = self._account(session, ref)
            interactions = queries.account_children(
                session, account.id, Interaction, Interaction.occurred_at
            )
            moves = queries.account_children(session, account.id, StageChange, StageChange.at)
            follow_ups = queries.account_children(
                session, account.id, FollowUp, FollowUp.due_on, descending=False
            )
            contacts = queries.account_children(
                session, account.id, Contact, Contact.name, descending=False
            )
            sales = queries.account_sales_with_family(session, account.id)
            referrer = (
                queries.get_live(session, Account, account.referred_by_id)
                if account.referred_by_id
                else None
            )
            referrals = queries.referrals(session, account.id)
        names = {c.id: c.name for c in contacts}
        timeline = [
            TimelineEntry(
                self._local(i.occurred_at),
                i.kind,
                i.summary,
                " · ".join(x for x in (names.get(i.contact_id or ""), i.outcome) if x),
            )
            for i in interactions
        ]
        timeline += [
            TimelineEntry(
                self._local(m.at),
                "stage",
                f"{m.from_stage} → {m.to_stage}" if m.from_stage else f"created as {m.to_stage}",
            )
            for m in moves
        ]
        by_family: dict[str, int] = {}
        revenue_now = revenue_before = 0
        for sale, product in sales:
            timeline.append(
                TimelineEntry(
                    datetime.combine(sale.sold_on, time(12), self.tz),
                    "sale",
                    product.name if product else (sale.order_ref or "sale"),
                    _sale_detail(sale, product),
                )
            )
            if w.contains(sale.sold_on):
                revenue_now += sale.amount
                family = (product.family if product else None) or NO_FAMILY
                by_family[family] = by_family.get(family, 0) + sale.amount
            elif previous is not None and previous.contains(sale.sold_on):
                revenue_before += sale.amount
        timeline.sort(key=lambda e: e.at, reverse=True)
        last_contact = self._local(interactions[0].occurred_at).date() if interactions else None
        abc_class = abc.class_of(account.id)
        interval = self._interval(abc_class, account.stage)
        contact_names = {c.id: c.name for c in contacts}
        return AccountCard(
            account=_account_view(account),
            abc=abc_class,
            rfm=rfm.get(account.id),
            window_label=w.label,
            revenue_now=revenue_now,
            revenue_before=revenue_before,
            nps_category=nps_category(account.nps_score),
            contact=contact_status(last_contact, self.today(), interval),
            referred_by=(referrer.id, referrer.name) if referrer else None,
            referrals=[(a.id, a.name) for a in referrals],
            timeline=timeline,
            contacts=[_contact_view(c) for c in contacts],
            open_follow_ups=[
                self._follow_up_view(f, contact_names) for f in follow_ups if f.done_at is None
            ],
            done_follow_ups=[
                self._follow_up_view(f, contact_names) for f in reversed(follow_ups) if f.done_at
            ],
            sales_by_family=sorted(by_family.items(), key=lambda kv: (-kv[1], kv[0])),
            suggested_follow_up=f"+{interval}d" if interval else "+7d",
        )

    def suggested_follow_up(self, account_ref: str) -> str:
        """A date phrase for the next contact, from the account's cadence."""
        account = self.resolve_account(account_ref)
        abc, _ = self.badges()
        interval = self._interval(abc.class_of(account.account_id), account.stage)
        return f"+{interval}d" if interval else "+7d"

    def _follow_up_view(self, row: FollowUp, contact_names: dict[str, str]) -> FollowUpView:
        return FollowUpView(
            follow_up_id=row.id,
            title=row.title,
            due_on=row.due_on,
            due_at=self._local(row.due_at) if row.due_at else None,
            done_at=self._local(row.done_at) if row.done_at else None,
            outcome=row.outcome,
            recurrence=row.recurrence,
            contact_name=contact_names.get(row.contact_id or ""),
        )

    def pipeline(self, period: str = "year") -> list[PipelineCard]:
        """Prospects by stage, plus the accounts won in the current period and the lost ones."""
        today = self.today()
        current = period_of(today, period)
        with self.db.raw() as conn:
            entered = queries.stage_entered(conn)
            upcoming = queries.next_follow_ups(conn)
            rows = queries.pipeline_accounts(conn)
        cards = []
        for account_id, name, stage, potential, accessibility in rows:
            since = entered.get(account_id)
            since_day = self._local(since).date() if since else None
            if stage == Stage.CLIENT.value and not (since_day and current.contains(since_day)):
                continue
            follow_up = upcoming.get(account_id)
            cards.append(
                PipelineCard(
                    account_id=account_id,
                    name=name,
                    stage=stage,
                    potential=potential,
                    accessibility=accessibility,
                    days_in_stage=(today - since_day).days if since_day else None,
                    next_follow_up=follow_up[0] if follow_up else None,
                )
            )
        return cards

    # --- demo --------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        with self.db.raw() as conn:
            return queries.count_accounts(conn) == 0

    def load_demo(
        self, *, accounts: int = 120, years: int = 3, seed: int = 42, force: bool = False
    ) -> dict[str, int]:
        """Fill the database with the demo portfolio; returns rows written per table."""
        from portfolio_tui import demo

        if not self.is_empty() and not force:
            raise UserError(f"{self.path} already holds accounts (use --force to replace them)")
        if accounts < 1 or years < 1:
            raise UserError("accounts and years must be at least 1")
        chunks = demo.generate(
            accounts=accounts,
            years=years,
            seed=seed,
            today=self.today(),
            now=self._stored(self.now()),
            device_id=self.device_id,
        )
        counts: dict[str, int] = {}
        with self._lock, self.db.raw() as conn, conn:
            bulk.wipe(conn, demo.TABLES_CHILDREN_FIRST)
            for data in chunks:
                for table, columns, rows in data.tables():
                    counts[table] = counts.get(table, 0) + bulk.insert_rows(
                        conn, table, columns, rows
                    )
        self._undo.clear()
        self.data_changed()
        return counts


def _days_since(last: date | None, today: date) -> int | None:
    return (today - last).days if last else None


def _contact_reason(days_since: int | None, interval: int | None) -> str:
    if days_since is None:
        return "Never contacted"
    return f"No contact for {days_since} days (every {interval})"


def _sale_detail(sale: Sale, product: Any) -> str:
    from portfolio_tui.domain.money import cents_to_plain

    parts = [cents_to_plain(sale.amount)]
    if product is not None and product.family:
        parts.append(product.family)
    if sale.order_ref:
        parts.append(sale.order_ref)
    return " · ".join(parts)


def _account_view(a: Account) -> AccountView:
    return AccountView(
        account_id=a.id,
        name=a.name,
        stage=a.stage,
        legal_id=a.legal_id,
        sector=a.sector,
        size_band=a.size_band,
        city=a.city,
        region=a.region,
        source=a.source,
        potential=a.potential,
        accessibility=a.accessibility,
        risk_level=a.risk_level,
        nps_score=a.nps_score,
        nps_date=a.nps_date,
        tags=a.tags,
        notes=a.notes,
        custom_fields=json.loads(a.custom_fields or "{}"),
    )


def _contact_view(c: Contact) -> ContactView:
    return ContactView(c.id, c.name, c.role, c.email, c.phone, c.preferred_channel)
