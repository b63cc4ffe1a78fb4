"""Spreadsheet imports, the `imports` family of the Portfolio service.

Two ways in, both all or nothing:
- records people edit (accounts, contacts) are matched in memory and written through the
  Writer, so an import is one undo step and stamps field clocks for sync;
- facts (sales, interactions), which come by the million, stream through a temporary staging
  table and are inserted with one INSERT … SELECT that leaves out what the database already
  holds, on the raw connection in one transaction.
A file with a bad row writes nothing; every bad cell is reported as `FILE:LINE: FIELD: reason`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from portfolio_tui.domain.matching import (
    AmbiguousMatch,
    RecordIndex,
    looks_like_id,
    looks_like_legal_id,
)
from portfolio_tui.formats.csv_import import (
    Columns,
    KindSpec,
    Row,
    Table,
    check_day_first,
    check_header,
    plan_columns,
    read_rows,
    spec_for,
)
from portfolio_tui.formats.report import ImportRejected, ImportReport, ReportItem, RowError
from portfolio_tui.formats.sources import vcf_files
from portfolio_tui.formats.tables import open_table
from portfolio_tui.service.core import Core
from portfolio_tui.service.fact_import import BATCH, FACT_NEEDS, import_facts, index_contact, reject
from portfolio_tui.service.import_support import (
    ACCOUNT_FIELDS,
    CONTACT_FIELDS,
    account_state,
    card_rows,
    changes_text,
    contact_state,
    same_value,
    set_values,
)
from portfolio_tui.store import exchange_queries as xq
from portfolio_tui.store.models import Account, Contact, StageChange, new_id
from portfolio_tui.store.writes import Writer

Progress = Callable[[int, int], None]  # (rows read, lines in the file)


@dataclass
class _Plan:
    """What a records import will write: new rows, then changes to existing ones."""

    new_accounts: list[Account] = field(default_factory=list)
    new_contacts: list[Contact] = field(default_factory=list)
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → {field: value}
    deleted_accounts: set[str] = field(default_factory=set)  # ids no new row may take


class ImportCases:
    """Spreadsheet and vCard imports: all or nothing, with a dry run."""

    core: Core

    def __init__(self, core: Core) -> None:
        self.core = core

    def import_csv(
        self,
        kind: str,
        path: Path | str,
        mapping: dict[str, str] | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
        sheet: str | None = None,
    ) -> ImportReport:
        """Import a table of `kind` (accounts, contacts, sales, interactions): a CSV file, an
        Excel workbook or an OpenDocument spreadsheet (its first sheet, or `sheet`).

        With `dry_run`, nothing is written and the report says what would be inserted,
        updated and rejected. Otherwise a file with any rejected row raises ImportRejected
        and writes nothing. A file that can't be read at all raises a UserError naming it."""
        spec = spec_for(kind)
        source = str(path)
        table = open_table(Path(path), sheet)
        try:
            check_header(table.header, source, table.header_line)
            columns = plan_columns(table.header, spec, mapping or {}, source)
            check_day_first(table, columns, source)
            report = ImportReport(
                kind,
                source,
                dry_run,
                encoding=table.label,
                delimiter={"\t": "tab"}.get(table.delimiter, table.delimiter),
                columns=columns.used,
                ignored_columns=columns.ignored,
            )
            if kind in ("accounts", "contacts"):
                self._import_records(table, spec, columns, report, progress)
            elif kind == "deals":
                self._import_deals(table, spec, columns, report, progress)
            else:
                self._import_facts(table, spec, columns, report, progress)
        finally:
            table.close()
        if report.rejected and not dry_run:
            raise ImportRejected(report)
        return report

    def _import_deals(
        self, table: Any, spec: KindSpec, columns: Columns, report: ImportReport, progress: Any
    ) -> None:
        from portfolio_tui.service.deal_import import import_deals  # service/deal_import.py

        rows = list(self._rows(table, spec, columns, report, progress))
        import_deals(self.core, rows, report, f"import deals {table.path.name}")

    # --- shared ------------------------------------------------------------------------------

    def import_vcf(self, path: Path | str, dry_run: bool = False) -> ImportReport:
        """Create or update contacts from a .vcf file or a folder of them: matched on UID
        (our contact id, or an id made from another program's UID), then email, then name
        within the account; the account comes from X-PORTFOLIO-ACCOUNT-ID or ORG (created
        as a suspect when unknown). All or nothing."""
        path = Path(path).expanduser()
        files = vcf_files(path)
        report = ImportReport("contacts", str(path), dry_run, encoding="vCard")
        report.columns = [("FN", "name"), ("ORG", "account"), ("TITLE", "role"),
                          ("EMAIL", "email"), ("TEL", "phone")]  # fmt: skip
        rows = card_rows(files, report)
        self._import_contact_rows(rows, report)
        if report.rejected and not dry_run:
            raise ImportRejected(report)
        return report

    def _rows(
        self,
        table: Table,
        spec: KindSpec,
        columns: Columns,
        report: ImportReport,
        progress: Progress | None,
        needs: tuple[tuple[str, ...], ...] = (),
    ) -> Iterator[Row]:
        """The rows without errors; rejected ones go to the report. `needs`: groups of fields
        of which each row must give at least one."""
        total = table.lines
        for row in read_rows(table, spec, columns):
            report.rows += 1
            if progress is not None and report.rows % BATCH == 0:
                progress(report.rows, total)
            for group in needs if not row.errors or row.errors[0][0] != "row" else ():
                if not any(f in row.values for f in group) and not any(
                    e[0] in group for e in row.errors
                ):
                    row.errors.append((group[-1], "missing"))
            if row.errors:
                self._reject(report, row.line, row.errors)
                continue
            for name, what in row.warnings:
                report.warn(RowError(report.source, row.line, name, what))
            yield row
        if progress is not None:
            progress(report.rows, total)

    @staticmethod
    def _reject(report: ImportReport, line: int, errors: list[tuple[str, str]]) -> None:
        reject(report, line, errors)

    # --- accounts and contacts -----------------------------------------------------------------

    def _import_records(
        self,
        table: Table,
        spec: KindSpec,
        columns: Columns,
        report: ImportReport,
        progress: Progress | None,
    ) -> None:
        rows = list(self._rows(table, spec, columns, report, progress))
        self._write_records(spec.kind, rows, report, f"import {spec.kind} {table.path.name}")

    def _import_contact_rows(self, rows: list[Row], report: ImportReport) -> None:
        """Contacts read from another format (vCard), as rows of the contacts spec."""
        self._write_records("contacts", rows, report, f"import contacts {Path(report.source).name}")

    def _write_records(self, kind: str, rows: list[Row], report: ImportReport, label: str) -> None:
        with self.core.lock, self.core.db.transaction() as session:
            now = self.core.stored(self.core.now())
            writer = Writer(session, self.core.device_id, now, label)
            accounts = {a.id: a for a in xq.live_accounts(session)}
            deleted = xq.deleted_ids_orm(session, Account)
            index = RecordIndex()
            for a in accounts.values():
                index.add(a.id, name=a.name, legal_id=a.legal_id)
            plan = _Plan(deleted_accounts=deleted)
            if kind == "accounts":
                self._plan_accounts(rows, accounts, deleted, index, plan, report, now)
            else:
                self._plan_contacts(session, rows, accounts, index, plan, report, now)
            if report.rejected or report.dry_run:
                return
            self._apply(writer, plan, accounts)
        self.core.after_write(writer.changeset)

    def _plan_accounts(
        self,
        rows: list[Row],
        accounts: dict[str, Account],
        deleted: set[str],
        index: RecordIndex,
        plan: _Plan,
        report: ImportReport,
        now: datetime,
    ) -> None:
        state = {a.id: account_state(a) for a in accounts.values()}
        created: set[str] = set()
        referrals: list[tuple[int, str, str, bool]] = []
        for row in rows:
            v = row.values
            try:
                target = index.match(
                    record_id=v.get("id"), legal_id=v.get("legal_id"), name=v.get("name")
                )
            except AmbiguousMatch as exc:
                self._reject(report, row.line, [("name", f"{exc}: add an id or a legal id")])
                continue
            if target is None:
                if v.get("id") in deleted:
                    self._reject(report, row.line, [("id", "this account was deleted")])
                    continue
                if not v.get("name"):
                    self._reject(report, row.line, [("name", "missing (needed for a new account)")])
                    continue
                account = Account(
                    id=v.get("id") or new_id(),
                    name=v["name"],
                    stage=v.get("stage", "suspect"),
                    created_at=now,
                    updated_at=now,
                    **{f: v[f] for f in ACCOUNT_FIELDS if f in v and f != "name"},
                    custom_fields=json.dumps(row.custom, sort_keys=True) if row.custom else "{}",
                )
                plan.new_accounts.append(account)
                created.add(account.id)
                accounts[account.id] = account
                state[account.id] = account_state(account)
                index.add(account.id, name=account.name, legal_id=account.legal_id)
                report.add_item(ReportItem(row.line, "insert", account.name))
                target = account.id
            else:
                current = state[target]
                wanted = {f: v[f] for f in (*ACCOUNT_FIELDS, "stage") if f in v}
                if row.custom:
                    custom = {**json.loads(current["custom_fields"] or "{}"), **row.custom}
                    wanted["custom_fields"] = json.dumps(custom, sort_keys=True)
                changes = {
                    k: (current[k], w)
                    for k, w in wanted.items()
                    if not same_value(k, current[k], w)
                }
                if changes:
                    index.forget(target, name=current["name"], legal_id=current["legal_id"])
                    current.update({k: w for k, (_, w) in changes.items()})
                    index.add(target, name=current["name"], legal_id=current["legal_id"])
                    if target in created:
                        set_values(accounts[target], {k: w for k, (_, w) in changes.items()})
                    else:
                        plan.updates.setdefault(target, {}).update(
                            {k: w for k, (_, w) in changes.items()}
                        )
                    shown = {k: c for k, c in changes.items() if k != "custom_fields"}
                    if "custom_fields" in changes:
                        shown["custom"] = ("…", ", ".join(sorted(row.custom)))
                    report.add_item(
                        ReportItem(row.line, "update", current["name"], changes_text(shown))
                    )
                else:
                    report.add_item(ReportItem(row.line, "unchanged", current["name"]))
            if v.get("referred_by_id") or v.get("referred_by"):
                by_id = bool(v.get("referred_by_id"))
                ref = v["referred_by_id"] if by_id else v["referred_by"]
                referrals.append((row.line, target, ref, by_id))
        for line, account_id, ref, by_id in referrals:
            name = "referred_by_id" if by_id else "referred_by"
            try:
                referrer = index.resolve(ref)
            except AmbiguousMatch as exc:
                self._reject(report, line, [(name, str(exc))])
                continue
            if referrer is None:
                self._reject(report, line, [(name, f"no account '{ref}'")])
            elif referrer == account_id:
                self._reject(report, line, [("referred_by", "an account can't refer itself")])
            elif accounts[account_id].referred_by_id != referrer:
                if account_id in created:
                    accounts[account_id].referred_by_id = referrer
                else:
                    plan.updates.setdefault(account_id, {})["referred_by_id"] = referrer

    def _plan_contacts(
        self,
        session: Any,
        rows: list[Row],
        accounts: dict[str, Account],
        index: RecordIndex,
        plan: _Plan,
        report: ImportReport,
        now: datetime,
    ) -> None:
        contacts = {c.id: c for c in xq.live_contacts(session)}
        deleted = xq.deleted_ids_orm(session, Contact)
        people = RecordIndex()
        state: dict[str, dict[str, Any]] = {}
        for c in contacts.values():
            index_contact(people, c.id, c.name, c.email, c.account_id)
            state[c.id] = contact_state(c)
        new_contact_ids: set[str] = set()
        for row in rows:
            v = row.values
            name = v.get("name") or " ".join(
                x for x in (v.get("first_name"), v.get("last_name")) if x
            )
            try:
                account_id = self._account_for(v, index, accounts, plan, report, row.line, now)
            except _Rejected:
                continue
            scope = account_id if account_id else "*"
            try:
                target = people.match(
                    record_id=v.get("id"), email=v.get("email"), name=name or None, scope=scope
                )
            except AmbiguousMatch as exc:
                self._reject(report, row.line, [("name", f"{exc}: add an email or an id")])
                continue
            wanted: dict[str, Any] = {f: v[f] for f in CONTACT_FIELDS if f in v and f != "name"}
            if name:
                wanted["name"] = name
            if target is None:
                problems = []
                if v.get("id") in deleted:
                    problems.append(("id", "this contact was deleted"))
                if not name:
                    problems.append(("name", "missing (needed for a new contact)"))
                if account_id is None:
                    problems.append(("account", "missing (needed for a new contact)"))
                if problems:
                    self._reject(report, row.line, problems)
                    continue
                contact = Contact(
                    id=v.get("id") or new_id(),
                    account_id=account_id,
                    created_at=now,
                    updated_at=now,
                    **wanted,
                )
                plan.new_contacts.append(contact)
                new_contact_ids.add(contact.id)
                contacts[contact.id] = contact
                state[contact.id] = contact_state(contact)
                index_contact(people, contact.id, contact.name, contact.email, account_id)
                label = f"{contact.name} ({accounts[account_id].name})"
                report.add_item(ReportItem(row.line, "insert", label))
                continue
            current = state[target]
            if account_id is not None:
                wanted["account_id"] = account_id
            changes = {
                k: (current[k], w) for k, w in wanted.items() if not same_value(k, current[k], w)
            }
            label = f"{current['name']} ({accounts[current['account_id']].name})"
            if not changes:
                report.add_item(ReportItem(row.line, "unchanged", label))
                continue
            index_contact(people, target, current["name"], current["email"],
                           current["account_id"], forget=True)  # fmt: skip
            current.update({k: w for k, (_, w) in changes.items()})
            index_contact(people, target, current["name"], current["email"], current["account_id"])
            values = {k: w for k, (_, w) in changes.items()}
            if target in new_contact_ids:
                set_values(contacts[target], values)
            else:
                plan.updates.setdefault(target, {}).update(values)
            if "account_id" in changes:
                before, after = changes["account_id"]
                changes["account_id"] = (accounts[before].name, accounts[after].name)
            report.add_item(ReportItem(row.line, "update", label, changes_text(changes)))

    def _account_for(
        self,
        v: dict[str, Any],
        index: RecordIndex,
        accounts: dict[str, Account],
        plan: _Plan,
        report: ImportReport,
        line: int,
        now: datetime,
    ) -> str | None:
        """The account a contact row names (created as a suspect when unknown), or None."""
        if v.get("account_id"):
            if v["account_id"] in accounts:
                return v["account_id"]
            if not v.get("account"):
                self._reject(report, line, [("account_id", f"no account {v['account_id']}")])
                raise _Rejected
        ref = v.get("account")
        if not ref:
            return None
        try:
            found = index.resolve(ref)
        except AmbiguousMatch as exc:
            self._reject(report, line, [("account", f"{exc}: give its id or legal id")])
            raise _Rejected from None
        if found is not None:
            return found
        if looks_like_id(ref) or looks_like_legal_id(ref):
            self._reject(report, line, [("account", f"no account with the id '{ref}'")])
            raise _Rejected
        account = Account(name=ref.strip(), stage="suspect", created_at=now, updated_at=now)
        given = v.get("account_id")
        if given and given not in plan.deleted_accounts:
            account.id = given  # keeps the account's id from the file it was exported to
        plan.new_accounts.append(account)
        accounts[account.id] = account
        index.add(account.id, name=account.name)
        report.created.setdefault("accounts", []).append(account.name)
        return account.id

    def _apply(self, w: Writer, plan: _Plan, accounts: dict[str, Account]) -> None:
        # A new account may be referred by one inserted after it: link them once all exist.
        referrers = {a.id: a.referred_by_id for a in plan.new_accounts if a.referred_by_id}
        for account in plan.new_accounts:
            account.referred_by_id = None
            w.insert(account)
            w.insert(
                StageChange(account_id=account.id, from_stage=None, to_stage=account.stage,
                            at=w.now, created_at=w.now, updated_at=w.now)
            )  # fmt: skip
        w.session.flush()
        for account_id, referrer in referrers.items():
            accounts[account_id].referred_by_id = referrer
        for contact in plan.new_contacts:
            w.insert(contact)
        for record_id, values in plan.updates.items():
            if record_id in accounts:
                row: Any = accounts[record_id]
                before = row.stage
                w.update(row, **values)
                if "stage" in values and values["stage"] != before:
                    w.insert(
                        StageChange(account_id=record_id, from_stage=before,
                                    to_stage=values["stage"], at=w.now, created_at=w.now,
                                    updated_at=w.now)
                    )  # fmt: skip
            else:
                contact = w.session.get(Contact, record_id)
                w.update(contact, **values)

    # --- sales and interactions ----------------------------------------------------------------

    def _import_facts(
        self,
        table: Table,
        spec: KindSpec,
        columns: Columns,
        report: ImportReport,
        progress: Progress | None,
    ) -> None:
        needs = FACT_NEEDS[spec.kind]
        rows = self._rows(table, spec, columns, report, progress, needs)
        import_facts(self.core, spec.kind, rows, report)


class _Rejected(Exception):
    """A row already reported as rejected."""
