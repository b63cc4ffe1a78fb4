"""Every modal form of the routine. Each one saves through one Portfolio call and is dismissed
with a one-line summary; see `modals.form.FormModal` for validation, errors and escape."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.widgets import Input, Label, Select

from portfolio_tui.domain.account_fields import (
    CHANNELS,
    INTERACTION_KINDS,
    RISK_LEVELS,
    SOURCES,
)
from portfolio_tui.domain.money import cents_to_plain
from portfolio_tui.i18n import N_, _, current_language, pgettext
from portfolio_tui.i18n.terms import interaction_kind_label, risk_label, source_label
from portfolio_tui.service.views import AccountView, AgendaItem, FollowUpView, Logged
from portfolio_tui.tui.modals.form import FormError, FormModal
from portfolio_tui.tui.text import day_text
from portfolio_tui.tui.widgets.date_input import DateInput, long_when

MAX_DURATION_MINUTES = 24 * 60
CLOSING_KINDS = ("call", "meeting", "visit")  # what can close a follow-up when logged


def _kind_select(kind: str = "call") -> Select[str]:
    return Select(
        [(interaction_kind_label(k).lower(), k) for k in INTERACTION_KINDS],
        value=kind,
        allow_blank=False,
        id="f-kind",
        compact=True,
    )


def _contact_select(contacts: Sequence[str]) -> Select[str]:
    return Select([(c, c) for c in contacts], prompt=_("(nobody in particular)"), id="f-contact",
                  compact=True)  # fmt: skip


def _input(value: str = "", placeholder: str = "", name: str = "") -> Input:
    return Input(value, placeholder=placeholder, id=f"f-{name}", compact=True)


class _AccountForm(FormModal):
    """A form about one account, named under the title."""

    def __init__(self, account_id: str, account_name: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.account_name = account_name

    def subtitle(self) -> str:
        return self.account_name

    @work(thread=True, exit_on_error=False, group="suggest")
    def suggest_date(self, field: str) -> None:
        """The account's next contact date, put in `field` once read (the form opens at once,
        so that the keys typed right after the one that opened it land in it)."""
        phrase = self.portfolio.reports.suggested_follow_up(self.account_id)
        self.app.call_from_thread(self.fill_if_untouched, field, phrase)


class DoneForm(_AccountForm):
    """Done with a follow-up: what came of it, and when to follow up next."""

    TITLE = N_("Done")

    def __init__(self, item: AgendaItem, suggested: str | None = None) -> None:
        super().__init__(item.account_id, item.account_name)
        assert item.follow_up_id is not None
        self.item = item
        self.suggested = suggested  # None: read from the account's cadence once shown
        self.logged: Logged | None = None  # what the save wrote, for the screen to show at once
        self.next_title: str | None = None

    def on_mount(self) -> None:
        super().on_mount()
        if self.suggested is None:
            self.suggest_date("next_due")

    def subtitle(self) -> str:
        return f"{self.account_name} · {self.item.title}"

    def fields(self) -> ComposeResult:
        outcome = _input(placeholder=_("what came of it"), name="outcome")
        yield from self.row(_("Outcome"), outcome)
        yield from self.row(_("Kind"), _kind_select())
        next_when = DateInput(
            self.suggested or "",
            allow_empty=True,
            empty_text=_("no next follow-up"),
            id="f-next_due",
        )
        yield from self.row(_("Next follow-up"), next_when)
        next_title = _input(placeholder=self.item.title, name="next_title")
        yield from self.row(_("Next: what"), next_title)

    def collect(self) -> dict[str, Any]:
        return {
            "outcome": self.text("outcome"),
            "kind": self.choice("kind") or "call",
            "next_due": self.phrase("next_due"),
            "next_title": self.text("next_title") or None,
        }

    def save(self, values: dict[str, Any]) -> str:
        assert self.item.follow_up_id is not None
        self.logged = self.portfolio.routine.complete_follow_up(self.item.follow_up_id, **values)
        self.next_title = values["next_title"]
        summary = _("Done: {title} ({account})").format(
            title=self.item.title, account=self.account_name
        )
        if values["next_due"]:
            when = long_when(self.portfolio.parse_when(values["next_due"]))
            summary += _("; next {when}").format(when=when)
        return summary


class SnoozeForm(_AccountForm):
    TITLE = N_("Snooze")

    def __init__(self, item: AgendaItem, phrase: str = "+1d") -> None:
        super().__init__(item.account_id, item.account_name)
        self.item = item
        self.initial = phrase
        self.snoozed: tuple[date, time | None] | None = None  # the day and time saved

    def subtitle(self) -> str:
        return f"{self.account_name} · {self.item.title}"

    def fields(self) -> ComposeResult:
        yield from self.row(_("Until"), DateInput(self.initial, id="f-until"))

    def collect(self) -> dict[str, Any]:
        return {"phrase": self.phrase("until")}

    def save(self, values: dict[str, Any]) -> str:
        assert self.item.follow_up_id is not None
        day: date = self.portfolio.routine.snooze(
            self.item.follow_up_id, values["phrase"], allow_past=values.get("allow_past", False)
        )
        # The time: the phrase's, else the one the follow-up had (as the service keeps it).
        at = self.portfolio.parse_when(values["phrase"]).time if values["phrase"] else None
        if at is None and self.item.due_at is not None:
            at = self.item.due_at.time()
        self.snoozed = (day, at)
        return _("Snoozed: {title} ({account}) to {day}").format(
            title=self.item.title, account=self.account_name, day=day_text(day, year=True)
        )


class LogForm(_AccountForm):
    """Log a call, meeting, email, visit or note, and optionally plan what comes next.

    When the account has open follow-ups due today or before, a call, meeting or visit can
    close one in the same save (the most overdue by default, or `close`), and the date field,
    then "Next follow-up", plans the one after it: one flow, one undo step. The follow-ups
    are read once the form is shown, so the keys typed at once land in Summary; a date typed
    by then is kept (it becomes the next one's), the proposed one fills an untouched field."""

    TITLE = N_("Log an interaction")
    SHORT = 30  # lines: on a shorter terminal (80×24) the rows close up (see `on_resize`)

    def __init__(
        self,
        account_id: str,
        account_name: str,
        kind: str = "call",
        contacts: Sequence[str] = (),
        close: str | None = None,
    ) -> None:
        super().__init__(account_id, account_name)
        self.kind = kind
        self.contacts = list(contacts)
        self.prefer_close = close  # the follow-up to close by default, when it can be
        self.closable: list[FollowUpView] = []
        self._suggested: str | None = None  # the next date proposed for the one closed
        self._filled = ""  # what the form put in the date field itself
        self.logged: Logged | None = None  # what the save wrote, for the screen to show at once

    def fields(self) -> ComposeResult:
        yield from self.row(_("Kind"), _kind_select(self.kind))
        summary = _input(placeholder=_("what was said"), name="summary")
        yield from self.row(_("Summary"), summary)
        # TRANSLATORS: a date phrase the parser reads ("maintenant")
        yield from self.row(_("When"), DateInput(_("now"), id="f-at"))
        if self.contacts:
            yield from self.row(_("With"), _contact_select(self.contacts))
        yield from self.row(_("Outcome"), _input(placeholder=_("optional"), name="outcome"))
        yield from self.row(_("Minutes"), _input(placeholder=_("optional"), name="duration"))
        close = Select[str]([], prompt=_("(leave it open)"), id="f-close", compact=True)
        yield from self.row(pgettext("close a follow-up", "Close"), close)
        follow_up = DateInput("", allow_empty=True, empty_text=_("no follow-up"), id="f-follow_up")
        yield from self.row(_("Follow up"), follow_up)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-summary").focus()
        self.on_resize()
        self._show_close()
        self._read_closable()

    # --- the follow-up this log closes ----------------------------------------------------

    @work(thread=True, exit_on_error=False, group="closable")
    def _read_closable(self) -> None:
        closable = self.portfolio.reports.closable_follow_ups(self.account_id)
        if not closable:
            return
        ids = [f.follow_up_id for f in closable]
        chosen = closable[ids.index(self.prefer_close)] if self.prefer_close in ids else closable[0]
        # A series knows its next occurrence; a one-off's next is proposed from the cadence.
        phrase = None if chosen.recurrence else self.portfolio.reports.suggested_follow_up(
            self.account_id)  # fmt: skip
        self.app.call_from_thread(self._offer_to_close, closable, chosen, phrase)

    def _offer_to_close(self, closable: list[FollowUpView], chosen: FollowUpView,
                        phrase: str | None) -> None:  # fmt: skip
        self.closable = closable
        select = self.query_one("#f-close", Select)
        select.set_options([(_closable_label(f), f.follow_up_id) for f in closable])
        select.value = chosen.follow_up_id
        self._suggested = phrase
        self._show_close()

    def _to_close(self) -> FollowUpView | None:
        """The follow-up this log will close, if any."""
        if not self.closable or self.choice("kind") not in CLOSING_KINDS:
            return None
        chosen = self.choice("close")
        return next((f for f in self.closable if f.follow_up_id == chosen), None)

    def _show_close(self) -> None:
        """Close for a call, meeting or visit on an account with a follow-up due; the date
        field then plans the next of the one closed ("Next follow-up"), else a new one."""
        field = self.query_one("#f-close")
        fields = self.query_one("#form-fields").children
        shown = bool(self.closable) and self.choice("kind") in CLOSING_KINDS
        fields[fields.index(field) - 1].display = field.display = shown
        if not shown and self.focused is field:
            self.query_one("#f-summary").focus()
        closing = self._to_close()
        date_field = self.query_one("#f-follow_up", DateInput)
        label = fields[fields.index(date_field) - 1]
        assert isinstance(label, Label)
        label.update(_("Next follow-up") if closing else _("Follow up"))
        if closing is None:
            empty = _("no follow-up")
        elif closing.recurrence:
            empty = _("the series' next occurrence")
        else:
            empty = _("no next follow-up")
        date_field.set_empty_text(empty)
        # The date proposed for the next one, while the rep has not typed there.
        untouched = date_field.value in ("", self._filled)
        if untouched:
            date_field.value = (self._suggested or "") if closing else ""
            self._filled = date_field.value  # as shown: in the rep's words ("+7j")
            self._typed_at_mount["f-follow_up"] = self._filled

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id in ("f-kind", "f-close"):
            self._show_close()

    def on_resize(self) -> None:
        """The error line and the hint stay in view on 24 lines: no gap between the rows."""
        short = self.app.size.height < self.SHORT
        self.query_one("#form-fields").styles.grid_gutter_horizontal = 0 if short else 1

    # --- saving -----------------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        duration_text = self.text("duration")
        duration = None
        if duration_text:
            if not duration_text.isdigit() or int(duration_text) > MAX_DURATION_MINUTES:
                message = _("{text} is not minutes (0 to {most})").format(
                    text=repr(duration_text), most=MAX_DURATION_MINUTES
                )
                raise FormError("duration", message)
            duration = int(duration_text)
        closing = self._to_close()
        return {
            "kind": self.choice("kind") or "call",
            "summary": self.required("summary"),
            "at": self.phrase("at"),
            "contact": self.choice("contact") if self.contacts else None,
            "outcome": self.text("outcome") or None,
            "duration_minutes": duration,
            "follow_up": None if closing else self.phrase("follow_up"),
            "close_follow_up": closing.follow_up_id if closing else None,
            "next_due": self.phrase("follow_up") if closing else None,
        }

    def save(self, values: dict[str, Any]) -> str:
        kind, summary = values.pop("kind"), values.pop("summary")
        logged = self.portfolio.routine.log_interaction(kind, self.account_id, summary, **values)
        self.logged = logged
        what = interaction_kind_label(kind).lower()
        closed = next((f for f in self.closable if f.follow_up_id == logged.closed_follow_up_id),
                      None)  # fmt: skip
        if closed is not None:
            text = _("Logged {kind} with {account}; done: {title}").format(
                kind=what, account=self.account_name, title=closed.title
            )
            if logged.next_due is not None:
                text += _("; next {when}").format(when=long_when(logged.next_due))
            return text
        if logged.follow_up_id:
            text = _("Logged {kind} with {account} and planned a follow-up")
        else:
            text = _("Logged {kind} with {account}")
        return text.format(kind=what, account=self.account_name)


def _closable_label(follow_up: FollowUpView) -> str:
    mark = "↻ " if follow_up.recurrence else ""
    return f"{mark}{follow_up.title} · {day_text(follow_up.due_on)}"


class FollowUpForm(_AccountForm):
    TITLE = N_("New follow-up")

    def __init__(
        self,
        account_id: str,
        account_name: str,
        suggested: str | None = None,
        contacts: Sequence[str] = (),
    ) -> None:
        super().__init__(account_id, account_name)
        self.suggested = suggested  # None: read from the account's cadence once shown
        self.contacts = list(contacts)

    def on_mount(self) -> None:
        super().on_mount()
        if self.suggested is None:
            self.suggest_date("due")

    def fields(self) -> ComposeResult:
        yield from self.row(_("What"), _input(_("Follow up"), name="title"))
        yield from self.row(_("Due"), DateInput(self.suggested or "", id="f-due"))
        if self.contacts:
            yield from self.row(_("With"), _contact_select(self.contacts))
        repeat = _input(placeholder=_("optional RRULE, e.g. FREQ=MONTHLY"), name="recurrence")
        yield from self.row(_("Repeat"), repeat)

    def collect(self) -> dict[str, Any]:
        return {
            "title": self.required("title"),
            "due": self.phrase("due"),
            "contact": self.choice("contact") if self.contacts else None,
            "recurrence": self.text("recurrence") or None,
        }

    def save(self, values: dict[str, Any]) -> str:
        self.portfolio.routine.schedule_follow_up(self.account_id, **values)
        when = long_when(self.portfolio.parse_when(values["due"]))
        return _("Planned: {title} ({account}) on {when}").format(
            title=values["title"], account=self.account_name, when=when
        )


# (field, label, hint) in the order the edit form shows them.
ACCOUNT_FORM_FIELDS = (
    ("name", N_("Name"), ""),
    ("legal_id", N_("Legal id"), "SIREN / SIRET"),
    ("sector", N_("Sector"), ""),
    ("size_band", N_("Size"), "TPE, PME, ETI…"),
    ("city", N_("City"), ""),
    ("region", N_("Region"), ""),
    ("source", N_("Source"), ""),  # hint: the sources in the rep's words (`_choices_hint`)
    ("referred_by", N_("Referred by"), N_("account name")),
    ("potential", N_("Potential"), N_("a year, e.g. 25000")),
    ("accessibility", N_("Accessibility"), N_("1 (hard) to 5 (easy)")),
    ("risk_level", N_("Risk"), ""),
    ("nps_score", N_("NPS score"), N_("0 to 10")),
    ("nps_date", N_("NPS date"), N_("YYYY-MM-DD")),
    ("tags", N_("Tags"), N_("comma-separated")),
    ("notes", N_("Notes"), ""),
)


def account_texts(account: AccountView, referred_by: str | None) -> dict[str, str]:
    """Each editable field as the text the edit form starts from."""
    texts = {}
    for name, _label, _hint in ACCOUNT_FORM_FIELDS:
        if name == "referred_by":
            value: object = referred_by
        elif name == "potential" and account.potential is not None:
            value = cents_to_plain(account.potential)
            value = value.replace(".", ",") if current_language() == "fr" else value
        elif name == "source" and account.source:
            value = source_label(account.source)  # read back in either language
        elif name == "risk_level" and account.risk_level:
            value = risk_label(account.risk_level)
        else:
            value = getattr(account, name)
        texts[name] = "" if value is None else str(value)
    return texts


def _choices_hint(name: str) -> str:
    """The placeholder of a field: the choices of source and risk in the rep's words."""
    if name == "source":
        return " / ".join(source_label(s) for s in SOURCES)
    if name == "risk_level":
        return " / ".join(risk_label(r) for r in RISK_LEVELS)
    return ""


class EditAccountForm(_AccountForm):
    """Every editable field of an account; only the fields changed are sent."""

    TITLE = N_("Edit account")

    def __init__(self, account: AccountView, referred_by: str | None = None) -> None:
        super().__init__(account.account_id, account.name)
        self.initial = account_texts(account, referred_by)

    def fields(self) -> ComposeResult:
        for name, label, hint in ACCOUNT_FORM_FIELDS:
            placeholder = _(hint) if hint else _choices_hint(name)  # _("") is the header
            yield from self.row(_(label), _input(self.initial[name], placeholder, name))

    def collect(self) -> dict[str, Any]:
        changed = {}
        for name, _label, _hint in ACCOUNT_FORM_FIELDS:
            text = self.query_one(f"#f-{name}", Input).value
            if text.strip() != self.initial[name].strip():
                changed[name] = text
        if not changed:
            raise FormError("name", _("nothing changed (escape closes the form)"))
        return changed

    def save(self, values: dict[str, Any]) -> str:
        self.portfolio.routine.edit_account(self.account_id, **values)
        fields = ", ".join(n.replace("_", " ") for n in values)
        return _("Saved {account}: {fields}").format(account=self.account_name, fields=fields)


class AddContactForm(_AccountForm):
    TITLE = N_("Add a contact")

    def fields(self) -> ComposeResult:
        yield from self.row(_("Name"), _input(name="name"))
        yield from self.row(_("Role"), _input(placeholder=_("optional"), name="role"))
        yield from self.row(_("Email"), _input(placeholder=_("optional"), name="email"))
        yield from self.row(_("Phone"), _input(placeholder=_("optional"), name="phone"))
        channels = Select([(c, c) for c in CHANNELS], prompt=_("(no preference)"), compact=True,
                          id="f-preferred_channel")  # fmt: skip
        yield from self.row(_("Prefers"), channels)

    def collect(self) -> dict[str, Any]:
        email = self.text("email")
        if email and "@" not in email:
            raise FormError("email", _("{text} is not an email address").format(text=repr(email)))
        return {
            "name": self.required("name"),
            "role": self.text("role") or None,
            "email": email or None,
            "phone": self.text("phone") or None,
            "preferred_channel": self.choice("preferred_channel"),
        }

    def save(self, values: dict[str, Any]) -> str:
        name = values.pop("name")
        self.portfolio.routine.add_contact(self.account_id, name, **values)
        return _("Added {name} to {account}").format(name=name, account=self.account_name)
