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
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portfolio_tui.domain.account_fields import EDITABLE_FIELDS
from portfolio_tui.domain.matching import (
    AmbiguousMatch,
    RecordIndex,
    email_key,
    legal_key,
    looks_like_id,
    looks_like_legal_id,
    name_key,
)
from portfolio_tui.domain.money import cents_to_plain
from portfolio_tui.errors import UserError
from portfolio_tui.formats import vcard
from portfolio_tui.formats.csv_import import (
    Columns,
    KindSpec,
    Row,
    plan_columns,
    read_rows,
    spec_for,
)
from portfolio_tui.formats.csv_read import CsvTable, open_csv, sniff_encoding
from portfolio_tui.formats.report import ImportRejected, ImportReport, ReportItem, RowError
from portfolio_tui.service.core import Core
from portfolio_tui.store import bulk
from portfolio_tui.store import exchange_queries as xq
from portfolio_tui.store.models import Account, Contact, StageChange, new_id
from portfolio_tui.store.writes import Writer

if TYPE_CHECKING:
    pass

Progress = Callable[[int, int], None]  # (rows read, lines in the file)
BATCH = 20_000
NOON = time(12, 0)
ACCOUNT_FIELDS = EDITABLE_FIELDS
CONTACT_FIELDS = ("name", "role", "email", "phone", "preferred_channel")
NEW_ACCOUNT_COLUMNS = (
    *xq.BOOKKEEPING,
    "name",
    "stage",
    "tags",
    "notes",
    "custom_fields",
)
STAGE_COLUMNS = (*xq.BOOKKEEPING, "account_id", "from_stage", "to_stage", "at")
PRODUCT_COLUMNS = (*xq.BOOKKEEPING, "name", "family")


_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}


def uuid4_texts() -> Iterator[str]:
    """Random version-4 UUIDs as text, endlessly; made from one os.urandom call per 4096,
    3x faster than str(uuid.uuid4()), which shows on a million-line import."""
    while True:
        raw = os.urandom(16 * 4096).hex()
        for i in range(0, len(raw), 32):
            h = raw[i : i + 32]
            yield f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


def stamp_text(moment: datetime) -> str:
    """A naive UTC instant as SQLAlchemy stores it, for rows written without the ORM."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _changes_text(changes: dict[str, tuple[Any, Any]]) -> str:
    def show(value: Any) -> str:
        return "∅" if value in (None, "") else str(value)

    return "; ".join(f"{k}: {show(a)} → {show(b)}" for k, (a, b) in changes.items())


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
    ) -> ImportReport:
        """Import a spreadsheet of `kind` (accounts, contacts, sales, interactions).

        With `dry_run`, nothing is written and the report says what would be inserted,
        updated and rejected. Otherwise a file with any rejected row raises ImportRejected
        and writes nothing. A file that can't be read at all raises a UserError naming it."""
        spec = spec_for(kind)
        source = str(path)
        table = open_csv(Path(path))
        columns = plan_columns(table.header, spec, mapping or {}, source)
        report = ImportReport(
            kind,
            source,
            dry_run,
            encoding=table.encoding.label,
            delimiter={"\t": "tab"}.get(table.delimiter, table.delimiter),
            columns=columns.used,
            ignored_columns=columns.ignored,
        )
        if kind in ("accounts", "contacts"):
            self._import_records(table, spec, columns, report, progress)
        else:
            self._import_facts(table, spec, columns, report, progress)
        if report.rejected and not dry_run:
            raise ImportRejected(report)
        return report

    # --- shared ------------------------------------------------------------------------------

    def import_vcf(self, path: Path | str, dry_run: bool = False) -> ImportReport:
        """Create or update contacts from a .vcf file or a folder of them: matched on UID
        (our contact id), then email, then name within the account; the account comes from
        X-PORTFOLIO-ACCOUNT-ID or ORG (created as a suspect when unknown). All or nothing."""
        path = Path(path).expanduser()
        files = sorted(path.glob("*.vcf")) if path.is_dir() else [path]
        if not path.exists():
            raise UserError(f"{path}: no such file or folder")
        if path.is_dir() and not files:
            raise UserError(f"{path}: no .vcf files in this folder")
        report = ImportReport("contacts", str(path), dry_run, encoding="vCard")
        report.columns = [("FN", "name"), ("ORG", "account"), ("TITLE", "role"),
                          ("EMAIL", "email"), ("TEL", "phone")]  # fmt: skip
        rows: list[Row] = []
        for file in files:
            encoding = sniff_encoding(file)
            text = file.read_text(encoding=encoding.name)
            source = str(file)
            try:
                cards = vcard.parse_cards(text, source)
            except vcard.VcardError as exc:
                raise UserError(str(exc)) from None
            for card in cards:
                values: dict[str, Any] = {"name": card.name}
                if _is_uuid(card.uid):
                    values["id"] = card.uid
                if card.account_id and _is_uuid(card.account_id):
                    values["account_id"] = card.account_id
                for key, value in (("account", card.org), ("role", card.title),
                                   ("email", card.email), ("phone", card.phone)):  # fmt: skip
                    if value:
                        values[key] = value
                rows.append(Row(card.line, values))
                report.rows += 1
        self._import_contact_rows(rows, report)
        if report.rejected and not dry_run:
            raise ImportRejected(report)
        return report

    def _rows(
        self,
        table: CsvTable,
        spec: KindSpec,
        columns: Columns,
        report: ImportReport,
        progress: Progress | None,
        needs: tuple[tuple[str, ...], ...] = (),
    ) -> Iterator[Row]:
        """The rows without errors; rejected ones go to the report. `needs`: groups of fields
        of which each row must give at least one."""
        total = table.encoding.lines
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
            yield row
        if progress is not None:
            progress(report.rows, total)

    @staticmethod
    def _reject(report: ImportReport, line: int, errors: list[tuple[str, str]]) -> None:
        report.rejected_rows += 1
        for name, reason in errors:
            report.reject(RowError(report.source, line, name, reason))

    # --- accounts and contacts -----------------------------------------------------------------

    def _import_records(
        self,
        table: CsvTable,
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
        state = {a.id: _account_state(a) for a in accounts.values()}
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
                state[account.id] = _account_state(account)
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
                    k: (current[k], w) for k, w in wanted.items() if not _same(k, current[k], w)
                }
                if changes:
                    index.forget(target, name=current["name"], legal_id=current["legal_id"])
                    current.update({k: w for k, (_, w) in changes.items()})
                    index.add(target, name=current["name"], legal_id=current["legal_id"])
                    if target in created:
                        _set(accounts[target], {k: w for k, (_, w) in changes.items()})
                    else:
                        plan.updates.setdefault(target, {}).update(
                            {k: w for k, (_, w) in changes.items()}
                        )
                    shown = {k: c for k, c in changes.items() if k != "custom_fields"}
                    if "custom_fields" in changes:
                        shown["custom"] = ("…", ", ".join(sorted(row.custom)))
                    report.add_item(
                        ReportItem(row.line, "update", current["name"], _changes_text(shown))
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
            _index_contact(people, c.id, c.name, c.email, c.account_id)
            state[c.id] = _contact_state(c)
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
                state[contact.id] = _contact_state(contact)
                _index_contact(people, contact.id, contact.name, contact.email, account_id)
                label = f"{contact.name} ({accounts[account_id].name})"
                report.add_item(ReportItem(row.line, "insert", label))
                continue
            current = state[target]
            if account_id is not None:
                wanted["account_id"] = account_id
            changes = {k: (current[k], w) for k, w in wanted.items() if not _same(k, current[k], w)}
            label = f"{current['name']} ({accounts[current['account_id']].name})"
            if not changes:
                report.add_item(ReportItem(row.line, "unchanged", label))
                continue
            _index_contact(people, target, current["name"], current["email"],
                           current["account_id"], forget=True)  # fmt: skip
            current.update({k: w for k, (_, w) in changes.items()})
            _index_contact(people, target, current["name"], current["email"], current["account_id"])
            values = {k: w for k, (_, w) in changes.items()}
            if target in new_contact_ids:
                _set(contacts[target], values)
            else:
                plan.updates.setdefault(target, {}).update(values)
            if "account_id" in changes:
                before, after = changes["account_id"]
                changes["account_id"] = (accounts[before].name, accounts[after].name)
            report.add_item(ReportItem(row.line, "update", label, _changes_text(changes)))

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
        table: CsvTable,
        spec: KindSpec,
        columns: Columns,
        report: ImportReport,
        progress: Progress | None,
    ) -> None:
        sales = spec.kind == "sales"
        fact = xq.SALES if sales else xq.INTERACTIONS
        stamp = stamp_text(self.core.stored(self.core.now()))
        needs: tuple[tuple[str, ...], ...] = (
            (("account_id", "account"), ("date",), ("amount",))
            if sales
            else (("account_id", "account"), ("kind",), ("date",))
        )
        with self.core.lock, self.core.db.raw() as conn:
            conn.execute("BEGIN" if report.dry_run else "BEGIN IMMEDIATE")
            try:
                resolver = _FactResolver(conn, report, stamp, self.core.device_id)
                to_row = resolver.sale if sales else self._interaction_maker(resolver)
                xq.create_staging(conn, fact)
                batch: list[tuple] = []
                for row in self._rows(table, spec, columns, report, progress, needs):
                    staged = to_row(row)
                    if staged is None or report.rejected:
                        continue
                    batch.append(staged)
                    if len(batch) >= BATCH:
                        xq.stage(conn, fact, batch)
                        batch.clear()
                if report.rejected:
                    conn.rollback()
                    return
                xq.stage(conn, fact, batch)
                for line, _row_id, why in xq.id_conflicts(conn, fact):
                    self._reject(report, line, [("id", why)])
                if report.rejected:
                    conn.rollback()
                    return
                if report.dry_run:
                    new = xq.count_new(conn, fact)
                    for line, *values in xq.first_new_lines(conn, fact, 200):
                        report.items.append(
                            ReportItem(line, "insert", resolver.label(fact, values))
                        )
                    report.inserted, report.unchanged = new, report.rows - new
                    conn.rollback()
                    return
                resolver.write_new_records()
                report.inserted = xq.insert_new(conn, fact, stamp, self.core.device_id)
                report.unchanged = report.rows - report.inserted
                xq.drop_staging(conn)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        self.core.data_changed()

    def _interaction_maker(self, resolver: _FactResolver) -> Callable[[Row], tuple | None]:
        tz = self.core.tz

        def make(row: Row) -> tuple | None:
            v = row.values
            day, moment = v["date"]
            moment = v.get("time") or moment or NOON
            occurred = self.core.stored(datetime.combine(day, moment, tz))
            return resolver.interaction(row, stamp_text(occurred))

        return make


class _Rejected(Exception):
    """A row already reported as rejected."""


@dataclass
class _FactResolver:
    """Turns rows of sales and interactions into staging tuples: accounts, products and
    contacts looked up once per distinct cell; unknown accounts and products planned."""

    conn: sqlite3.Connection
    report: ImportReport
    stamp: str
    device_id: str
    accounts: RecordIndex = field(default_factory=RecordIndex)
    contacts: RecordIndex = field(default_factory=RecordIndex)
    products: dict[str, str] = field(default_factory=dict)  # name key → id
    _refs: dict[str, str] = field(default_factory=dict)  # account cell → id
    new_accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (id, name, stage)
    _contacts_loaded: bool = False
    new_products: list[tuple[str, str, str | None]] = field(default_factory=list)
    ids: Iterator[str] = field(default_factory=uuid4_texts)

    def __post_init__(self) -> None:
        for account_id, legal_id, name in xq.account_keys(self.conn):
            self.accounts.add(account_id, name=name, legal_id=legal_id)
        for product_id, name, _family in xq.product_keys(self.conn):
            self.products.setdefault(name.casefold(), product_id)

    def _reject(self, row: Row, name: str, reason: str) -> None:
        ImportCases._reject(self.report, row.line, [(name, reason)])

    def account(self, row: Row, stage: str) -> str | None:
        v = row.values
        given = v.get("account_id")
        if given is not None:
            if given in self.accounts.by_id:
                return given
            if "account" not in v:
                self._reject(row, "account_id", f"no account {given}")
                return None
        ref = v["account"]
        found = self._refs.get(ref)
        if found is not None:
            return found
        try:
            found = self.accounts.resolve(ref)
        except AmbiguousMatch as exc:
            self._reject(row, "account", f"{exc}: give its id or legal id")
            return None
        if found is None:
            if looks_like_id(ref) or looks_like_legal_id(ref):
                self._reject(row, "account", f"no account with the id '{ref}'")
                return None
            found = new_id()
            self.accounts.add(found, name=ref)
            self.new_accounts.append((found, ref, stage))
            self.report.created.setdefault("accounts", []).append(ref)
        self._refs[ref] = found
        return found

    def product(self, v: dict[str, Any]) -> str | None:
        name = v.get("product") or v.get("family")
        if not name:
            return None
        key = name.casefold()
        found = self.products.get(key)
        if found is None:
            found = self.products[key] = new_id()
            self.new_products.append((found, name, v.get("family")))
            self.report.created.setdefault("products", []).append(name)
        return found

    def sale(self, row: Row) -> tuple | None:
        account_id = self.account(row, "client")
        if account_id is None:
            return None
        v = row.values
        given = "id" in v
        return (
            row.line,
            given,
            v["id"] if given else next(self.ids),
            account_id,
            v["date"].isoformat(),
            v["amount"],
            v.get("margin"),
            self.product(v),
            v.get("order_ref"),
            v.get("quantity"),
        )

    def interaction(self, row: Row, occurred_at: str) -> tuple | None:
        account_id = self.account(row, "suspect")
        if account_id is None:
            return None
        v = row.values
        contact_id = None
        if v.get("contact_id") or v.get("contact"):
            if not self._contacts_loaded:
                self._contacts_loaded = True
                for c_id, c_account, c_name, c_email in xq.contact_keys(self.conn):
                    _index_contact(self.contacts, c_id, c_name, c_email, c_account)
            ref = v.get("contact_id") or v["contact"]
            try:
                contact_id = self.contacts.match(
                    record_id=ref if looks_like_id(ref) else None,
                    email=ref if "@" in ref else None,
                    name=ref,
                    scope=account_id,
                )
            except AmbiguousMatch as exc:
                self._reject(row, "contact", str(exc))
                return None
            if contact_id is None:
                self._reject(row, "contact", f"'{ref}' is not a contact of this account")
                return None
        given = "id" in v
        return (
            row.line,
            given,
            v["id"] if given else next(self.ids),
            account_id,
            contact_id,
            v["kind"],
            occurred_at,
            v.get("duration"),
            v.get("summary", ""),
            v.get("outcome"),
        )

    def label(self, fact: xq.FactTable, values: list[Any]) -> str:
        account = self.accounts.names.get(values[0], values[0])
        if fact is xq.SALES:
            return f"{values[1]}  {account}  {cents_to_plain(values[2])}"
        return f"{values[3][:16]}  {account}  {values[2]}"

    def write_new_records(self) -> None:
        meta = (self.stamp, self.stamp, self.device_id, "{}")
        bulk.insert_rows(
            self.conn,
            "account",
            NEW_ACCOUNT_COLUMNS,
            ((i, *meta, name, stage, "", "", "{}") for i, name, stage in self.new_accounts),
        )
        bulk.insert_rows(
            self.conn,
            "stagechange",
            STAGE_COLUMNS,
            (
                (new_id(), *meta, i, None, stage, self.stamp)
                for i, _name, stage in self.new_accounts
            ),
        )
        bulk.insert_rows(
            self.conn,
            "product",
            PRODUCT_COLUMNS,
            ((i, *meta, name, family) for i, name, family in self.new_products),
        )


def _index_contact(
    index: RecordIndex,
    contact_id: str,
    name: str | None,
    email: str | None,
    account_id: str | None,
    *,
    forget: bool = False,
) -> None:
    """A contact is found by email anywhere, and by name within its account or, for a row
    that names no account, anywhere ("*")."""
    op = index.forget if forget else index.add
    op(contact_id, name=name, email=email, scope=account_id)
    op(contact_id, name=name, scope="*")


# Values matched loosely are not changed by a row that differs only in case or spacing: a
# spreadsheet saying "ACME" or "552 100 554" does not rename "Acme" or reformat its SIREN.
_LOOSE = {"name": name_key, "legal_id": legal_key, "email": email_key}


def _same(name: str, current: Any, wanted: Any) -> bool:
    loose = _LOOSE.get(name)
    if loose is not None and current is not None and wanted is not None:
        return loose(current) == loose(wanted)
    return current == wanted


def _account_state(a: Account) -> dict[str, Any]:
    return {
        **{f: getattr(a, f) for f in (*ACCOUNT_FIELDS, "stage")},
        "custom_fields": a.custom_fields,
    }


def _contact_state(c: Contact) -> dict[str, Any]:
    return {f: getattr(c, f) for f in (*CONTACT_FIELDS, "account_id")}


def _set(row: Any, values: dict[str, Any]) -> None:
    for k, v in values.items():
        setattr(row, k, v)


def _is_uuid(text: str | None) -> bool:
    from portfolio_tui.domain.matching import looks_like_id

    return bool(text) and looks_like_id(text or "")
