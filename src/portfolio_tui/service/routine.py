"""The daily routine's write use cases: accounts, contacts, interactions, follow-ups, stages.
Part of the Portfolio service (a base class of `Portfolio`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

from portfolio_tui.domain.account_fields import INTERACTION_KINDS, clean_account_fields
from portfolio_tui.domain.dates import When
from portfolio_tui.domain.recurrence import next_occurrence, validate_rrule
from portfolio_tui.domain.stages import Stage, next_stage, parse_stage, previous_stage
from portfolio_tui.errors import UserError
from portfolio_tui.service.core import Core
from portfolio_tui.service.views import (
    Logged,
)
from portfolio_tui.store.models import (
    Account,
    Contact,
    FollowUp,
    Interaction,
    Sale,
    StageChange,
)
from portfolio_tui.store.writes import Writer

Clock = Callable[[], datetime]


class RoutineCases:
    """Writes of the daily routine: accounts, contacts, interactions, follow-ups, stages."""

    core: Core

    def __init__(self, core: Core) -> None:
        self.core = core

    # --- accounts and contacts ---------------------------------------------------------------

    def add_account(self, name: str, *, stage: str = "suspect", **fields: str | None) -> str:
        referred_by = fields.pop("referred_by", None)
        values = clean_account_fields({"name": name, **fields})
        stage_value = parse_stage(stage).value
        with self.core.write(f"add account {name}") as w:
            account = Account(
                name=str(values.pop("name")),
                stage=stage_value,
                created_at=w.now,
                updated_at=w.now,
                **values,
            )
            if referred_by:
                account.referred_by_id = self.core.account(w.session, referred_by).id
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
        with self.core.write("edit account") as w:
            account = self.core.account(w.session, ref)
            w.changeset.label = f"edit {account.name}"
            if referred_by is not None:
                values["referred_by_id"] = (
                    self.core.account(w.session, referred_by).id if referred_by.strip() else None
                )
                if values["referred_by_id"] == account.id:
                    raise UserError("an account can't refer itself")
            return w.update(account, **values)

    def set_custom_field(self, ref: str, key: str, value: str | None) -> None:
        with self.core.write("edit custom field") as w:
            account = self.core.account(w.session, ref)
            custom = json.loads(account.custom_fields or "{}")
            if value is None:
                custom.pop(key, None)
            else:
                custom[key] = value
            w.update(account, custom_fields=json.dumps(custom, sort_keys=True))

    def delete_account(self, ref: str) -> str:
        with self.core.write("delete account") as w:
            account = self.core.account(w.session, ref)
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
        with self.core.write(f"add contact {name}") as w:
            account = self.core.account(w.session, account_ref)
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
            return self.core.now()
        if isinstance(at, datetime):
            return at.astimezone(self.core.tz)
        when = self.core.parse_when(at)
        moment = when.at(self.core.tz) or datetime.combine(when.day, self.core.now().timetz())
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
        due_at = when.at(self.core.tz)
        row = FollowUp(
            account_id=account.id,
            contact_id=contact_id,
            title=title.strip() or "Follow up",
            due_on=when.day,
            due_at=self.core.stored(due_at) if due_at else None,
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
        next_when = self.core.parse_when(follow_up) if follow_up else None
        with self.core.write(f"log {kind}") as w:
            account = self.core.account(w.session, account_ref)
            w.changeset.label = f"log {kind} with {account.name}"
            contact_id = self.core.contact_id(w.session, account, contact)
            interaction = w.insert(
                Interaction(
                    account_id=account.id,
                    contact_id=contact_id,
                    kind=kind,
                    occurred_at=self.core.stored(moment),
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
        when = self.core.parse_when(due) if isinstance(due, str) else due
        rule = validate_rrule(recurrence) if recurrence else None
        with self.core.write("schedule follow-up") as w:
            account = self.core.account(w.session, account_ref)
            w.changeset.label = f"follow-up for {account.name}"
            contact_id = self.core.contact_id(w.session, account, contact)
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
        next_when = self.core.parse_when(next_due) if next_due else None
        with self.core.write("complete follow-up") as w:
            row = self.core.follow_up(w.session, follow_up_ref)
            if row.done_at is not None:
                raise UserError(f"follow-up {row.id[:8]} ({row.title}) is already done")
            account = self.core.account(w.session, row.account_id)
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
            self.core.local(row.due_at)
            if row.due_at
            else datetime.combine(row.due_on, time(0), self.core.tz)
        )
        after = max(start, self.core.now())
        upcoming = next_occurrence(row.recurrence or "", after, start)
        if upcoming is None:
            return None
        when = When(upcoming.date(), upcoming.timetz().replace(tzinfo=None) if row.due_at else None)
        return self._follow_up_row(w, account, row.title, when, row.contact_id, row.recurrence).id

    def snooze(self, follow_up_ref: str, phrase: str = "+1d") -> date:
        """Push an open follow-up to `phrase` (from today); keeps its time when the phrase has
        none. Returns the new due day."""
        when = self.core.parse_when(phrase)
        with self.core.write("snooze") as w:
            row = self.core.follow_up(w.session, follow_up_ref)
            if row.done_at is not None:
                raise UserError(f"follow-up {row.id[:8]} ({row.title}) is already done")
            w.changeset.label = f"snooze: {row.title}"
            if when.time is None and row.due_at is not None:
                when = replace(when, time=self.core.local(row.due_at).time())
            due_at = when.at(self.core.tz)
            w.update(row, due_on=when.day, due_at=self.core.stored(due_at) if due_at else None)
            return when.day

    def delete_follow_up(self, follow_up_ref: str) -> None:
        with self.core.write("delete follow-up") as w:
            row = self.core.follow_up(w.session, follow_up_ref)
            w.changeset.label = f"delete follow-up {row.title}"
            w.delete(row)

    def move_stage(self, account_ref: str, stage: str | Stage) -> tuple[str, str]:
        """Move an account to `stage`, recording the change. Returns (from, to)."""
        target = parse_stage(stage) if isinstance(stage, str) else stage
        with self.core.write("move stage") as w:
            account = self.core.account(w.session, account_ref)
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
        account = self.core.resolve_account(account_ref)
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
        with self.core.write("record sale") as w:
            account = self.core.account(w.session, account_ref)
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
