"""Bulk imports of facts (sales, interactions), which come by the million, on the raw
connection in one transaction: into an empty table straight in, batch by batch; otherwise
through a temporary staging table and one INSERT … SELECT that leaves out what the database
already holds. Part of the `imports` family (service/imports.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time
from itertools import islice
from typing import Any

from portfolio_tui.domain.matching import (
    AmbiguousMatch,
    RecordIndex,
    looks_like_id,
    looks_like_legal_id,
)
from portfolio_tui.domain.money import cents_to_plain
from portfolio_tui.formats.csv_import import Row
from portfolio_tui.formats.report import ImportReport, ReportItem, RowError
from portfolio_tui.service.core import Core
from portfolio_tui.store import bulk
from portfolio_tui.store import exchange_queries as xq
from portfolio_tui.store.ids import new_id, uuid4_texts, uuid7_texts

BATCH = 20_000
NOON = time(12, 0)
# Groups of fields of which each row must give at least one.
FACT_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "sales": (("account_id", "account"), ("date",), ("amount",)),
    "interactions": (("account_id", "account"), ("kind",), ("date",)),
}
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


def stamp_text(moment: datetime) -> str:
    """A naive UTC instant as SQLAlchemy stores it, for rows written without the ORM."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def import_facts(core: Core, kind: str, rows: Iterable[Row], report: ImportReport) -> None:
    """Insert the `rows` of sales or interactions the database does not hold yet, in one
    transaction on the raw connection; nothing is written when a row is rejected or for a
    dry run. Into a table that has never held a row every row is new: they go straight in,
    with the indexes built once after; otherwise they go through the staging table, which
    finds those already there."""
    sales = kind == "sales"
    fact = xq.SALES if sales else xq.INTERACTIONS
    stamp = stamp_text(core.stored(core.now()))
    with core.lock, core.db.raw() as conn:
        conn.execute("BEGIN" if report.dry_run else "BEGIN IMMEDIATE")
        try:
            resolver = FactResolver(conn, report, stamp, core.device_id)
            to_row = resolver.sale if sales else _interaction_maker(core, resolver)
            accepted = _accepted(rows, to_row, report)
            if report.dry_run or not bulk.is_empty(conn, fact.table):
                _through_staging(resolver, fact, accepted)
            else:
                _straight_in(resolver, fact, accepted)
            conn.commit()
        except _RolledBack:
            conn.rollback()
            return
        except BaseException:
            conn.rollback()
            raise
    core.data_changed()


class _RolledBack(Exception):
    """The import writes nothing: a row was rejected, or it is a dry run."""


def _accepted(
    rows: Iterable[Row], to_row: Callable[[Row], tuple | None], report: ImportReport
) -> Iterator[tuple]:
    """The staging tuples of `rows` until one is rejected; every row is still read, so that
    the report lists every error of the file."""
    for row in rows:
        staged = to_row(row)
        if staged is not None and not report.rejected:
            yield staged


def _batches(items: Iterable[tuple]) -> Iterator[list[tuple]]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _through_staging(resolver: FactResolver, fact: xq.FactTable, staged: Iterable[tuple]) -> None:
    conn, report = resolver.conn, resolver.report
    xq.create_staging(conn, fact)
    for batch in _batches(staged):
        xq.stage(conn, fact, batch)
    if not report.rejected:
        for line, _row_id, why in xq.id_conflicts(conn, fact):
            reject(report, line, [("id", why)])
    if report.rejected:
        raise _RolledBack
    if report.dry_run:
        new = xq.count_new(conn, fact)
        for line, *values in xq.first_new_lines(conn, fact, 200):
            report.items.append(ReportItem(line, "insert", resolver.label(fact, values)))
        report.inserted, report.unchanged = new, report.rows - new
        raise _RolledBack
    resolver.write_new_records()
    report.inserted = xq.insert_new(conn, fact, resolver.stamp, resolver.device_id)
    report.unchanged = report.rows - report.inserted
    xq.drop_staging(conn)


def _straight_in(resolver: FactResolver, fact: xq.FactTable, staged: Iterable[tuple]) -> None:
    """Every batch goes into the empty fact table, after the accounts and products it names
    (the foreign keys are checked row by row). An id the file gives twice is refused as the
    staging path refuses it; the other rows need no looking for."""
    conn, report = resolver.conn, resolver.report
    given_on: dict[str, list[int]] = {}  # id the file gives → its lines
    with bulk.bulk_load(conn, (fact.table, "account")):
        for batch in _batches(staged):
            if any(t[1] for t in batch):
                batch = [t for t in batch if not t[1] or _first_time(given_on, t[2], t[0])]
            resolver.write_new_records()
            report.inserted += xq.insert_facts(
                conn, fact, batch, resolver.stamp, resolver.device_id
            )
        for row_id, lines in given_on.items():
            if len(lines) > 1:
                reject(report, lines[-1], [("id", f"{row_id} is also the id of line {lines[0]}")])
        if report.rejected:
            raise _RolledBack  # before the indexes are built again: the rollback restores them
        resolver.write_new_records()
    report.unchanged = report.rows - report.inserted


def _first_time(given_on: dict[str, list[int]], row_id: str, line: int) -> bool:
    lines = given_on.setdefault(row_id, [])
    lines.append(line)
    return len(lines) == 1


def _interaction_maker(core: Core, resolver: FactResolver) -> Callable[[Row], tuple | None]:
    tz = core.tz

    def make(row: Row) -> tuple | None:
        v = row.values
        day, moment = v["date"]
        moment = v.get("time") or moment or NOON
        occurred = core.stored(datetime.combine(day, moment, tz))
        return resolver.interaction(row, stamp_text(occurred))

    return make


def reject(report: ImportReport, line: int, errors: list[tuple[str, str]]) -> None:
    """Count a rejected row and list each of its errors."""
    report.rejected_rows += 1
    for name, reason in errors:
        report.reject(RowError(report.source, line, name, reason))


@dataclass
class FactResolver:
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
    sale_ids: Iterator[str] = field(default_factory=uuid7_texts)  # appended, never typed
    interaction_ids: Iterator[str] = field(default_factory=uuid4_texts)  # named by prefix
    _accounts_written: int = 0
    _products_written: int = 0

    def __post_init__(self) -> None:
        for account_id, legal_id, name in xq.account_keys(self.conn):
            self.accounts.add(account_id, name=name, legal_id=legal_id)
        for product_id, name, _family in xq.product_keys(self.conn):
            self.products.setdefault(name.casefold(), product_id)

    def _reject(self, row: Row, name: str, reason: str) -> None:
        reject(self.report, row.line, [(name, reason)])

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
            v["id"] if given else next(self.sale_ids),
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
                    index_contact(self.contacts, c_id, c_name, c_email, c_account)
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
            v["id"] if given else next(self.interaction_ids),
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
        """Insert the accounts (with their first stage) and products planned since the last
        call: before each batch of facts that may name them."""
        accounts = self.new_accounts[self._accounts_written :]
        products = self.new_products[self._products_written :]
        self._accounts_written += len(accounts)
        self._products_written += len(products)
        meta = (self.stamp, self.stamp, self.device_id, "{}")
        bulk.insert_rows(
            self.conn,
            "account",
            NEW_ACCOUNT_COLUMNS,
            ((i, *meta, name, stage, "", "", "{}") for i, name, stage in accounts),
        )
        bulk.insert_rows(
            self.conn,
            "stagechange",
            STAGE_COLUMNS,
            ((new_id(), *meta, i, None, stage, self.stamp) for i, _name, stage in accounts),
        )
        bulk.insert_rows(
            self.conn,
            "product",
            PRODUCT_COLUMNS,
            ((i, *meta, name, family) for i, name, family in products),
        )


def index_contact(
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
