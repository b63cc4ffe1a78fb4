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

from collections.abc import Callable, Iterator
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
from portfolio_tui.formats.report import ImportRejected, ImportReport, RowError
from portfolio_tui.formats.sources import vcf_files
from portfolio_tui.formats.tables import open_table
from portfolio_tui.service.core import Core
from portfolio_tui.service.fact_import import BATCH, FACT_NEEDS, import_facts, reject
from portfolio_tui.service.import_support import (
    card_rows,
)
from portfolio_tui.service.record_plans import AccountRun, ContactRun, RecordPlan
from portfolio_tui.store import exchange_queries as xq
from portfolio_tui.store.models import Account, Contact, StageChange
from portfolio_tui.store.writes import Writer

Progress = Callable[[int, int], None]  # (rows read, lines in the file)


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
        # A row giving a value for every column read misses nothing (nearly all of them).
        full = (
            len(columns.fields)
            if all(not columns.fields.keys().isdisjoint(g) for g in needs)
            else -1
        )
        for row in read_rows(table, spec, columns):
            report.rows += 1
            if progress is not None and report.rows % BATCH == 0:
                progress(report.rows, total)
            if len(row.values) != full and (not row.errors or row.errors[0][0] != "row"):
                _add_missing(row, needs)
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
        with self.core.lock, self.core.stamped_along(), self.core.db.transaction() as session:
            now = self.core.stored(self.core.now())
            writer = Writer(session, self.core.device_id, now, label)
            accounts = {a.id: a for a in xq.live_accounts(session)}
            deleted = xq.deleted_ids_orm(session, Account)
            index = RecordIndex()
            for a in accounts.values():
                index.add(a.id, name=a.name, legal_id=a.legal_id)
            plan = RecordPlan(deleted_accounts=deleted)
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
        plan: RecordPlan,
        report: ImportReport,
        now: datetime,
    ) -> None:
        run = AccountRun(accounts, deleted, index, plan, report, now)
        referrals: list[tuple[int, str, str, bool]] = []
        for row in rows:
            target = run.plan_row(row)
            v = row.values
            if target is not None and (v.get("referred_by_id") or v.get("referred_by")):
                by_id = bool(v.get("referred_by_id"))
                ref = v["referred_by_id"] if by_id else v["referred_by"]
                referrals.append((row.line, target, ref, by_id))
        for line, account_id, ref, by_id in referrals:
            run.link_referral(line, account_id, ref, by_id)

    def _plan_contacts(
        self,
        session: Any,
        rows: list[Row],
        accounts: dict[str, Account],
        index: RecordIndex,
        plan: RecordPlan,
        report: ImportReport,
        now: datetime,
    ) -> None:
        run = ContactRun(accounts, plan, report, now, xq.deleted_ids_orm(session, Contact))
        run.know(xq.live_contacts(session))
        for row in rows:
            try:
                account_id = self._account_for(
                    row.values, index, accounts, plan, report, row.line, now
                )
            except _Rejected:
                continue
            run.plan_row(row, account_id)

    def _account_for(
        self,
        v: dict[str, Any],
        index: RecordIndex,
        accounts: dict[str, Account],
        plan: RecordPlan,
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

    def _apply(self, w: Writer, plan: RecordPlan, accounts: dict[str, Account]) -> None:
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


def _add_missing(row: Row, needs: tuple[tuple[str, ...], ...]) -> None:
    """A "missing" error for each group of `needs` of which the row gives no field and none
    is already in error."""
    values = row.values.keys()
    for group in needs:
        if values.isdisjoint(group) and not any(e[0] in group for e in row.errors):
            row.errors.append((group[-1], "missing"))


class _Rejected(Exception):
    """A row already reported as rejected."""
