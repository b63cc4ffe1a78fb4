"""The daily routine's write use cases: accounts, contacts, interactions, follow-ups, stages.
One validation for both faces: texts (`check_text`), e-mails, dates in the past or future."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from portfolio_tui.domain.account_fields import (
    INTERACTION_KINDS,
    clean_account_fields,
)
from portfolio_tui.domain.dates import When
from portfolio_tui.domain.recurrence import parse_repeat
from portfolio_tui.domain.stages import Stage, next_stage, parse_stage, previous_stage
from portfolio_tui.domain.text import fold
from portfolio_tui.errors import FieldError, NotFound, UserError
from portfolio_tui.i18n import _
from portfolio_tui.i18n.terms import kind_word as _kind
from portfolio_tui.i18n.terms import stage_word as _stage
from portfolio_tui.service.core import Core
from portfolio_tui.service.follow_up_dates import first_occurrence, next_of_series, series_first
from portfolio_tui.service.text_checks import checked, contact_values, interaction_texts
from portfolio_tui.service.views import AccountAdded, Logged
from portfolio_tui.store.models import (
    Account,
    Contact,
    FollowUp,
    Interaction,
    Sale,
    StageChange,
)
from portfolio_tui.store.writes import Writer


class RoutineCases:
    """Writes of the daily routine: accounts, contacts, interactions, follow-ups, stages."""

    core: Core

    def __init__(self, core: Core) -> None:
        self.core = core

    # --- accounts and contacts ---------------------------------------------------------------

    def create_account(
        self, name: str, *, stage: str = "suspect", **fields: str | None
    ) -> AccountAdded:
        """A new account (texts as typed); `lost_reason` with the stage lost."""
        referred_by = fields.pop("referred_by", None)
        reason = self._lost_reason(fields.pop("lost_reason", None))
        values = clean_account_fields({"name": name, **fields})
        stage_value = parse_stage(stage).value
        if reason is not None and stage_value != Stage.LOST.value:
            raise FieldError("lost_reason", _("only a lost account has a lost reason"))
        with self.core.write(_("add account {name}").format(name=values["name"])) as w:
            account = Account(
                name=str(values.pop("name")),
                stage=stage_value,
                lost_reason=reason,
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
            return AccountAdded(account.id, account.name, stage_value)

    def add_account(self, name: str, *, stage: str = "suspect", **fields: str | None) -> str:
        """`create_account`, returning the new account's id."""
        return self.create_account(name, stage=stage, **fields).account_id

    def edit_account(self, ref: str, **fields: str | None) -> dict[str, Any]:
        """Change the given fields (texts as typed); returns {field: old value} of what changed."""
        referred_by = fields.pop("referred_by", None)
        values = clean_account_fields(fields)
        with self.core.write("edit account") as w:
            account = self.core.account(w.session, ref)
            w.changeset.label = _("edit {name}").format(name=account.name)
            if referred_by is not None:
                values["referred_by_id"] = (
                    self.core.account(w.session, referred_by).id if referred_by.strip() else None
                )
                if values["referred_by_id"] == account.id:
                    raise UserError(_("an account can't refer itself"))
            return w.update(account, **values)

    def set_custom_field(self, ref: str, key: str, value: str | None) -> None:
        key = checked("field", key)
        value = None if value is None else checked(key, value, multiline=True)
        with self.core.write(_("edit custom field")) as w:
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
            w.changeset.label = _("delete {name}").format(name=account.name)
            w.delete(account)
            return account.name

    def add_contact(self, account_ref: str, name: str, **fields: str | None) -> str:
        """A contact of the account: `fields` among email, phone, role, preferred_channel."""
        values = contact_values({"name": name, **fields})
        with self.core.write(_("add contact {name}").format(name=values["name"])) as w:
            account = self.core.account(w.session, account_ref)
            contact = Contact(account_id=account.id, created_at=w.now, updated_at=w.now, **values)
            w.insert(contact)
            return contact.id

    def edit_contact(self, ref: str, **fields: str | None) -> dict[str, Any]:
        """Change the given fields of the contact with id `ref` (empty clears one, the name
        excepted); returns {field: old value} of what changed."""
        values = contact_values(fields)
        with self.core.write("edit contact") as w:
            contact = _live_contact(w, ref)
            w.changeset.label = _("edit contact {name}").format(name=contact.name)
            return w.update(contact, **values)

    def delete_contact(self, ref: str) -> str:
        """Delete the contact with id `ref` (a tombstone: undo brings it back); its name."""
        with self.core.write("delete contact") as w:
            contact = _live_contact(w, ref)
            w.changeset.label = _("delete contact {name}").format(name=contact.name)
            w.delete(contact)
            return contact.name

    # --- dates as typed -----------------------------------------------------------------------

    def _moment(self, at: str | datetime | None) -> datetime:
        """An instant from a phrase ("today 9:00", "2026-11-20 14:00"); a day alone is that
        day at the current time of day."""
        if at is None:
            return self.core.now()
        if isinstance(at, datetime):
            return at.astimezone(self.core.tz)
        when = self.core.parse_when(at)
        return when.at(self.core.tz) or datetime.combine(when.day, self.core.now().timetz())

    def _when(self, what: str, phrase: str | When, allow_past: bool) -> When:
        """A follow-up date as typed, refused (PastDate) before today or now unless allowed."""
        when = self.core.parse_when(phrase) if isinstance(phrase, str) else phrase
        self.core.refuse_past(what, when, allow_past)
        return when

    # --- follow-ups ---------------------------------------------------------------------------

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
            title=checked("title", title)[:200] or "Follow up",
            due_on=when.day,
            due_at=self.core.stored(due_at) if due_at else None,
            recurrence=recurrence,
            series_start=self.core.stored(self.core.start_of(when)) if recurrence else None,
            created_at=w.now,
            updated_at=w.now,
        )
        return w.insert(row)

    def schedule_follow_up(
        self,
        account_ref: str,
        title: str,
        due: str | When,
        *,
        contact: str | None = None,
        recurrence: str | None = None,
        allow_past: bool = False,
    ) -> str:
        """A follow-up due `due`; `recurrence` in words ("every monday", "tous les mois le 5")
        or as an RRULE makes it a series. A due date in the past is a PastDate unless allowed."""
        when = self._when("due", due, allow_past)
        rule = parse_repeat(recurrence) if recurrence else None
        if rule is not None:
            when = first_occurrence(rule, when, self.core)
        with self.core.write("schedule follow-up") as w:
            account = self.core.account(w.session, account_ref)
            w.changeset.label = _("follow-up for {name}").format(name=account.name)
            contact_id = self.core.contact_id(w.session, account, contact)
            return self._follow_up_row(w, account, title, when, contact_id, rule).id

    def _open_follow_up(self, w: Writer, ref: str) -> FollowUp:
        row = self.core.follow_up(w.session, ref)
        if row.done_at is not None:
            message = _("follow-up {id} ({title}) is already done")
            raise UserError(message.format(id=row.id[:8], title=row.title))
        return row

    def _close(
        self, w: Writer, row: FollowUp, outcome: str | None, next_when: When | None
    ) -> tuple[FollowUp | None, When | None]:
        """Done on `row`: a series moves on to its next occurrence (or to `next_when`); a
        one-off, or a series that is over, is closed and `next_when` planned as a new one.
        Returns the follow-up open next and its date; (None, None) when nothing comes next."""
        upcoming = next_of_series(self.core, row) if row.recurrence else None
        if upcoming is not None:
            upcoming = next_when or upcoming
            due_at = upcoming.at(self.core.tz)
            w.update(
                row,
                due_on=upcoming.day,
                due_at=self.core.stored(due_at) if due_at else None,
                series_start=self.core.stored(series_first(self.core, row)),
            )
            return row, upcoming
        w.update(row, done_at=w.now, outcome=outcome)
        if next_when is None:
            return None, None
        account = self.core.account(w.session, row.account_id)
        return self._follow_up_row(w, account, row.title, next_when, row.contact_id), next_when

    def complete_follow_up(
        self,
        follow_up_ref: str,
        *,
        outcome: str | None = None,
        kind: str = "call",
        next_due: str | None = None,
        next_title: str | None = None,
        allow_past: bool = False,
    ) -> Logged:
        """Mark a follow-up done and log its outcome as an interaction. What comes next: a
        recurring one moves to its next occurrence (the same row, gone once the series is
        over); `next_due` plans the next one (for a series: the date of its next occurrence).
        `next_due` in the past is a PastDate unless allowed."""
        if kind not in INTERACTION_KINDS:
            message = _("{kind!r} is not one of {choices}")
            raise FieldError(
                "kind", message.format(kind=kind, choices=", ".join(INTERACTION_KINDS))
            )
        outcome = checked("outcome", outcome) or None
        next_when = self._when("next", next_due, allow_past) if next_due else None
        with self.core.write("complete follow-up") as w:
            row = self._open_follow_up(w, follow_up_ref)
            account = self.core.account(w.session, row.account_id)
            w.changeset.label = _("done: {title}").format(title=row.title)
            title = checked("title", next_title) if next_title else None
            interaction = w.insert(
                Interaction(
                    account_id=row.account_id,
                    contact_id=row.contact_id,
                    kind=kind,
                    occurred_at=w.now,
                    summary=row.title,
                    outcome=outcome,
                    created_at=w.now,
                    updated_at=w.now,
                )
            )
            return self._logged(w, interaction, account, row, outcome, next_when, title)

    def _logged(
        self,
        w: Writer,
        interaction: Interaction,
        account: Account,
        row: FollowUp,
        outcome: str | None,
        next_when: When | None,
        next_title: str | None = None,
    ) -> Logged:
        was_series = bool(row.recurrence)
        open_next, when = self._close(w, row, outcome, next_when)
        if open_next is not None and next_title and open_next.id != row.id:
            w.update(open_next, title=next_title)
        return Logged(
            interaction.id,
            open_next.id if open_next else None,
            account_id=account.id,
            account_name=account.name,
            next_due=when,
            closed_follow_up_id=row.id,
            series_over=was_series and row.done_at is not None,
        )

    def snooze(
        self, follow_up_ref: str, phrase: str | None = None, *, allow_past: bool = False
    ) -> date:
        """Push an open follow-up to `phrase` (from today; by default the next working day);
        keeps its time when the phrase has none. A date in the past is a PastDate unless
        allowed. Returns the day understood."""
        when = self._when("snooze", phrase or self.core.working_day_phrase(1), allow_past)
        with self.core.write("snooze") as w:
            row = self._open_follow_up(w, follow_up_ref)
            w.changeset.label = _("snooze: {title}").format(title=row.title)
            if when.time is None and row.due_at is not None:
                when = replace(when, time=self.core.local(row.due_at).time())
                self.core.refuse_past("snooze", when, allow_past)
            due_at = when.at(self.core.tz)
            w.update(row, due_on=when.day, due_at=self.core.stored(due_at) if due_at else None)
            return when.day

    # --- interactions -------------------------------------------------------------------------

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
        close_follow_up: str | None = None,
        next_due: str | None = None,
        allow_past: bool = False,
        allow_future: bool = False,
    ) -> Logged:
        """Log a call, meeting, e-mail, visit or note. `follow_up` plans a new follow-up;
        `close_follow_up` (an open follow-up of the account due today or before) is closed by
        this interaction, and `next_due` plans what comes after it: one change, one undo.
        An interaction after now is a FutureDate, a follow-up date before now a PastDate,
        unless allowed."""
        kind, summary, outcome = interaction_texts(kind, summary, outcome, duration_minutes)
        moment = self._moment(at)
        self.core.refuse_future("interaction", moment, allow_future)
        new_when = self._when("follow-up", follow_up, allow_past) if follow_up else None
        if next_due and not close_follow_up:
            raise UserError(_("next_due plans the next of a follow-up: give close_follow_up too"))
        next_when = self._when("next", next_due, allow_past) if next_due else None
        with self.core.write(f"log {kind}") as w:
            account = self.core.account(w.session, account_ref)
            w.changeset.label = _("log {kind} with {name}").format(
                kind=_kind(kind), name=account.name
            )
            contact_id = self.core.contact_id(w.session, account, contact)
            interaction = w.insert(
                Interaction(
                    account_id=account.id,
                    contact_id=contact_id,
                    kind=kind,
                    occurred_at=self.core.stored(moment),
                    duration_minutes=duration_minutes,
                    summary=summary,
                    outcome=outcome,
                    created_at=w.now,
                    updated_at=w.now,
                )
            )
            logged = Logged(interaction.id, account_id=account.id, account_name=account.name)
            if close_follow_up:
                row = self._closable(w, account, close_follow_up)
                logged = self._logged(w, interaction, account, row, outcome, next_when)
            if new_when is not None:
                title = checked("title", follow_up_title) or f"Follow up: {summary}"[:120]
                row = self._follow_up_row(w, account, title, new_when, contact_id)
                logged = replace(logged, follow_up_id=row.id, next_due=new_when)
            return logged

    def _closable(self, w: Writer, account: Account, ref: str) -> FollowUp:
        row = self._open_follow_up(w, ref)
        if row.account_id != account.id:
            raise UserError(
                _("follow-up {id} ({title}) is not {name}'s").format(
                    id=row.id[:8], title=row.title, name=account.name
                )
            )
        if row.due_on > self.core.today():
            message = _("follow-up {id} ({title}) is not due yet")
            raise UserError(message.format(id=row.id[:8], title=row.title))
        return row

    def delete_follow_up(self, follow_up_ref: str) -> None:
        with self.core.write("delete follow-up") as w:
            row = self.core.follow_up(w.session, follow_up_ref)
            w.changeset.label = _("delete follow-up {title}").format(title=row.title)
            w.delete(row)

    def move_stage(
        self,
        account_ref: str,
        stage: str | Stage,
        *,
        at: str | datetime | None = None,
        reason: str | None = None,
    ) -> tuple[str, str]:
        """Move an account to `stage` ("won" is client), recording the change at `at` (a
        phrase or an instant, default now: a past one brings in the history). `reason`, for
        the stage lost, is one of the settings' lost reasons. Returns (from, to)."""
        target = parse_stage(stage) if isinstance(stage, str) else stage
        lost_reason = self._lost_reason(reason)
        if lost_reason is not None and target is not Stage.LOST:
            raise FieldError("reason", _("only a lost account has a lost reason"))
        moment = None if at is None else self.core.stored(self._moment(at))
        with self.core.write("move stage") as w:
            account = self.core.account(w.session, account_ref)
            if account.stage == target.value:
                message = _("{name} is already {stage}")
                raise UserError(message.format(name=account.name, stage=_stage(target.value)))
            w.changeset.label = f"{account.name}: {_stage(account.stage)} → {_stage(target.value)}"
            before = account.stage
            w.update(account, stage=target.value, lost_reason=lost_reason)
            w.insert(
                StageChange(
                    account_id=account.id,
                    from_stage=before,
                    to_stage=target.value,
                    at=moment or w.now,
                    created_at=w.now,
                    updated_at=w.now,
                )
            )
            return before, target.value

    def mark_lost(
        self, account_ref: str, reason: str, *, at: str | datetime | None = None
    ) -> tuple[str, str]:
        """Mark an account lost for `reason` (one of `settings.account_lost_reasons`)."""
        if not reason.strip():
            raise FieldError(
                "reason", _("say why it is lost: {reasons}").format(reasons=self._reason_list())
            )
        return self.move_stage(account_ref, Stage.LOST, at=at, reason=reason)

    def _lost_reason(self, text: str | None) -> str | None:
        """The settings' lost reason `text` names (case and accents ignored), None for none."""
        if text is None or not text.strip():
            return None
        wanted = fold(text.strip())
        for reason in self.core.settings.account_lost_reasons:
            if fold(reason) == wanted:
                return reason
        message = _("{text!r} is not one of {choices}")
        raise FieldError("reason", message.format(text=text, choices=self._reason_list()))

    def _reason_list(self) -> str:
        return ", ".join(self.core.settings.account_lost_reasons)

    def step_stage(self, account_ref: str, forward: bool = True) -> tuple[str, str]:
        """Move one step along suspect → cold → warm → hot → client (or back)."""
        account = self.core.resolve_account(account_ref)
        current = Stage(account.stage)
        target = next_stage(current) if forward else previous_stage(current)
        if target is None:
            message = _("{name} is {stage}: already at the end of the funnel") if forward else None
            message = message or _("{name} is {stage}: already at the start of the funnel")
            raise UserError(message.format(name=account.name, stage=_stage(current.value)))
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
        with self.core.write(_("record sale")) as w:
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


def _live_contact(w: Writer, ref: str) -> Contact:
    contact = w.session.get(Contact, ref)
    if contact is None or contact.deleted_at is not None:
        raise NotFound(_("no contact with id {ref!r}").format(ref=ref))
    return contact
