"""Planning a records import (accounts, contacts): what each row inserts or changes, before
anything is written, so the whole file can be refused and a dry run can show it all."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from portfolio_tui.domain.matching import AmbiguousMatch, RecordIndex
from portfolio_tui.formats.csv_import import Row
from portfolio_tui.formats.report import ImportReport, ReportItem
from portfolio_tui.service.fact_import import index_contact, reject
from portfolio_tui.service.import_support import (
    ACCOUNT_FIELDS,
    CONTACT_FIELDS,
    account_state,
    changes_text,
    contact_state,
    same_value,
    set_values,
)
from portfolio_tui.store.models import Account, Contact, new_id


@dataclass
class RecordPlan:
    """What a records import will write: new rows, then changes to existing ones."""

    new_accounts: list[Account] = field(default_factory=list)
    new_contacts: list[Contact] = field(default_factory=list)
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → {field: value}
    deleted_accounts: set[str] = field(default_factory=set)  # ids no new row may take


@dataclass
class AccountRun:
    """One accounts import being planned: what each row inserts or changes, in order, so a
    later row sees the accounts the earlier ones created or renamed."""

    accounts: dict[str, Account]
    deleted: set[str]
    index: RecordIndex
    plan: RecordPlan
    report: ImportReport
    now: datetime
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.state = {a.id: account_state(a) for a in self.accounts.values()}

    def reject(self, line: int, field_name: str, reason: str) -> None:
        reject(self.report, line, [(field_name, reason)])

    def plan_row(self, row: Row) -> str | None:
        """The id of the account the row lands on, or None when the row is rejected."""
        v = row.values
        try:
            target = self.index.match(
                record_id=v.get("id"), legal_id=v.get("legal_id"), name=v.get("name")
            )
        except AmbiguousMatch as exc:
            self.reject(row.line, "name", f"{exc}: add an id or a legal id")
            return None
        if target is not None:
            self._update(row, target)
            return target
        if v.get("id") in self.deleted:
            self.reject(row.line, "id", "this account was deleted")
            return None
        if not v.get("name"):
            self.reject(row.line, "name", "missing (needed for a new account)")
            return None
        return self._insert(row)

    def _insert(self, row: Row) -> str:
        v = row.values
        account = Account(
            id=v.get("id") or new_id(),
            name=v["name"],
            stage=v.get("stage", "suspect"),
            created_at=self.now,
            updated_at=self.now,
            **{f: v[f] for f in ACCOUNT_FIELDS if f in v and f != "name"},
            custom_fields=json.dumps(row.custom, sort_keys=True) if row.custom else "{}",
        )
        self.plan.new_accounts.append(account)
        self.created.add(account.id)
        self.accounts[account.id] = account
        self.state[account.id] = account_state(account)
        self.index.add(account.id, name=account.name, legal_id=account.legal_id)
        self.report.add_item(ReportItem(row.line, "insert", account.name))
        return account.id

    def _update(self, row: Row, target: str) -> None:
        current = self.state[target]
        wanted = {f: row.values[f] for f in (*ACCOUNT_FIELDS, "stage") if f in row.values}
        if row.custom:
            custom = {**json.loads(current["custom_fields"] or "{}"), **row.custom}
            wanted["custom_fields"] = json.dumps(custom, sort_keys=True)
        changes = {
            k: (current[k], w) for k, w in wanted.items() if not same_value(k, current[k], w)
        }
        if not changes:
            self.report.add_item(ReportItem(row.line, "unchanged", current["name"]))
            return
        values = {k: w for k, (_, w) in changes.items()}
        self.index.forget(target, name=current["name"], legal_id=current["legal_id"])
        current.update(values)
        self.index.add(target, name=current["name"], legal_id=current["legal_id"])
        if target in self.created:
            set_values(self.accounts[target], values)
        else:
            self.plan.updates.setdefault(target, {}).update(values)
        shown = {k: c for k, c in changes.items() if k != "custom_fields"}
        if "custom_fields" in changes:
            shown["custom"] = ("…", ", ".join(sorted(row.custom)))
        self.report.add_item(ReportItem(row.line, "update", current["name"], changes_text(shown)))

    def link_referral(self, line: int, account_id: str, ref: str, by_id: bool) -> None:
        name = "referred_by_id" if by_id else "referred_by"
        try:
            referrer = self.index.resolve(ref)
        except AmbiguousMatch as exc:
            self.reject(line, name, str(exc))
            return
        if referrer is None:
            self.reject(line, name, f"no account '{ref}'")
        elif referrer == account_id:
            self.reject(line, "referred_by", "an account can't refer itself")
        elif self.accounts[account_id].referred_by_id != referrer:
            if account_id in self.created:
                self.accounts[account_id].referred_by_id = referrer
            else:
                self.plan.updates.setdefault(account_id, {})["referred_by_id"] = referrer


@dataclass
class ContactRun:
    """One contacts import being planned, row by row (see `AccountRun`)."""

    accounts: dict[str, Account]
    plan: RecordPlan
    report: ImportReport
    now: datetime
    deleted: set[str]
    contacts: dict[str, Contact] = field(default_factory=dict)
    people: RecordIndex = field(default_factory=RecordIndex)
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)

    def know(self, contacts: Iterable[Contact]) -> None:
        for c in contacts:
            self.contacts[c.id] = c
            index_contact(self.people, c.id, c.name, c.email, c.account_id)
            self.state[c.id] = contact_state(c)

    def plan_row(self, row: Row, account_id: str | None) -> None:
        v = row.values
        name = v.get("name") or " ".join(x for x in (v.get("first_name"), v.get("last_name")) if x)
        try:
            target = self.people.match(
                record_id=v.get("id"),
                email=v.get("email"),
                name=name or None,
                scope=account_id if account_id else "*",
            )
        except AmbiguousMatch as exc:
            reject(self.report, row.line, [("name", f"{exc}: add an email or an id")])
            return
        wanted: dict[str, Any] = {f: v[f] for f in CONTACT_FIELDS if f in v and f != "name"}
        if name:
            wanted["name"] = name
        if target is None:
            self._insert(row, account_id, wanted)
        else:
            if account_id is not None:
                wanted["account_id"] = account_id
            self._update(row, target, wanted)

    def _insert(self, row: Row, account_id: str | None, wanted: dict[str, Any]) -> None:
        problems = []
        if row.values.get("id") in self.deleted:
            problems.append(("id", "this contact was deleted"))
        if not wanted.get("name"):
            problems.append(("name", "missing (needed for a new contact)"))
        if account_id is None:
            problems.append(("account", "missing (needed for a new contact)"))
        if problems or account_id is None:
            reject(self.report, row.line, problems)
            return
        contact = Contact(
            id=row.values.get("id") or new_id(),
            account_id=account_id,
            created_at=self.now,
            updated_at=self.now,
            **wanted,
        )
        self.plan.new_contacts.append(contact)
        self.created.add(contact.id)
        self.contacts[contact.id] = contact
        self.state[contact.id] = contact_state(contact)
        index_contact(self.people, contact.id, contact.name, contact.email, account_id)
        label = f"{contact.name} ({self.accounts[account_id].name})"
        self.report.add_item(ReportItem(row.line, "insert", label))

    def _update(self, row: Row, target: str, wanted: dict[str, Any]) -> None:
        current = self.state[target]
        changes = {
            k: (current[k], w) for k, w in wanted.items() if not same_value(k, current[k], w)
        }
        label = f"{current['name']} ({self.accounts[current['account_id']].name})"
        if not changes:
            self.report.add_item(ReportItem(row.line, "unchanged", label))
            return
        index_contact(self.people, target, current["name"], current["email"],
                      current["account_id"], forget=True)  # fmt: skip
        values = {k: w for k, (_, w) in changes.items()}
        current.update(values)
        index_contact(self.people, target, current["name"], current["email"], current["account_id"])
        if target in self.created:
            set_values(self.contacts[target], values)
        else:
            self.plan.updates.setdefault(target, {}).update(values)
        if "account_id" in changes:
            before, after = changes["account_id"]
            changes["account_id"] = (self.accounts[before].name, self.accounts[after].name)
        self.report.add_item(ReportItem(row.line, "update", label, changes_text(changes)))
