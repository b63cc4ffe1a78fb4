"""Use cases that move data through files: spreadsheet, vCard and iCalendar imports and
exports. Part of the Portfolio service (a base class of `Portfolio`), kept apart to keep
modules small. Spreadsheet imports live in `portfolio_imports.py`."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from portfolio_tui.domain.money import format_money
from portfolio_tui.errors import UserError
from portfolio_tui.formats import ical, vcard
from portfolio_tui.formats.csv_export import BOM, Column, write_csv
from portfolio_tui.formats.csv_import import KINDS as IMPORT_KINDS
from portfolio_tui.formats.csv_import import parse_mapping
from portfolio_tui.formats.report import ImportRejected, ImportReport, RowError
from portfolio_tui.formats.xlsx import write_xlsx
from portfolio_tui.i18n import _, current_language, pgettext
from portfolio_tui.i18n.terms import deal_stage_label, kind_word, segment_label, stage_word
from portfolio_tui.service.core import Core
from portfolio_tui.service.reports import ReportCases
from portfolio_tui.store import deal_queries, queries
from portfolio_tui.store import exchange_queries as xq

if TYPE_CHECKING:
    pass

# What the faces (CLI, TUI) use of the file formats: they reach exchange/ only through here.
__all__ = [
    "EXPORT_KINDS",
    "IMPORT_KINDS",
    "ExportCases",
    "ImportRejected",
    "ImportReport",
    "RowError",
    "VcfDirResult",
    "parse_mapping",
]

Target = Path | IO[str]

ACCOUNT_COLUMNS = (
    Column("id"),
    Column("name"),
    Column("legal_id"),
    Column("stage"),
    Column("sector"),
    Column("size_band"),
    Column("city"),
    Column("region"),
    Column("source"),
    Column("potential", "money"),
    Column("accessibility", "number"),
    Column("risk_level"),
    Column("nps_score", "number"),
    Column("nps_date", "date"),
    Column("tags"),
    Column("notes"),
    Column("referred_by"),
    Column("referred_by_id"),
)
FIGURE_COLUMNS = (
    Column("revenue", "money"),
    Column("margin", "money"),
    Column("abc"),
    Column("recency_days", "number"),
    Column("frequency", "number"),
    Column("monetary", "money"),
    Column("r", "number"),
    Column("f", "number"),
    Column("m", "number"),
    Column("rfm_segment"),
)
CONTACT_COLUMNS = (
    Column("id"),
    Column("account_id"),
    Column("account"),
    Column("name"),
    Column("role"),
    Column("email"),
    Column("phone"),
    Column("preferred_channel"),
)
SALE_COLUMNS = (
    Column("id"),
    Column("account_id"),
    Column("account"),
    Column("date", "date"),
    Column("amount", "money"),
    Column("margin", "money"),
    Column("product"),
    Column("family"),
    Column("order_ref"),
    Column("quantity", "number"),
)
INTERACTION_COLUMNS = (
    Column("id"),
    Column("account_id"),
    Column("account"),
    Column("contact_id"),
    Column("contact"),
    Column("kind"),
    Column("date", "datetime"),
    Column("duration", "number"),
    Column("summary"),
    Column("outcome"),
)
FOLLOW_UP_COLUMNS = (
    Column("id"),
    Column("account_id"),
    Column("account"),
    Column("contact"),
    Column("title"),
    Column("due_on", "date"),
    Column("time"),
    Column("recurrence"),
    Column("done_at", "datetime"),
    Column("outcome"),
)
DEAL_COLUMNS = (
    Column("id"),
    Column("account_id"),
    Column("account"),
    Column("title"),
    Column("amount", "money"),
    Column("probability", "number"),
    Column("stage"),
    Column("created"),
    Column("expected_close"),
    Column("closed"),
    Column("lost_reason"),
    Column("family"),
    Column("notes"),
)
EXPORT_KINDS = ("accounts", "contacts", "sales", "interactions", "followups", "deals")


@dataclass(frozen=True)
class VcfDirResult:
    written: int  # cards new or changed
    unchanged: int
    removed: int  # files of contacts deleted since the last export


@contextmanager
def _output(target: Target, *, bom: bool = False) -> Iterator[IO[str]]:
    """A text stream on `target`. A path is written to a temporary file beside it and moved
    into place at the end, so a failed export never leaves half a file."""
    if not isinstance(target, Path):
        if bom:
            target.write(BOM)
        yield target
        return
    target = target.expanduser()
    if target.is_dir():
        raise UserError(_("{target}: is a folder; give a file name").format(target=target))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(
            _("{target}: the folder {folder} does not exist").format(target=target, folder=folder)
        )
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
            yield out
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@contextmanager
def _binary_output(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` (created 0600, exclusively) to write a binary file
    to, moved into place when the block ends without an error."""
    target = target.expanduser()
    if target.is_dir():
        raise UserError(_("{target}: is a folder; give a file name").format(target=target))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(
            _("{target}: the folder {folder} does not exist").format(target=target, folder=folder)
        )
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    os.close(fd)
    try:
        yield Path(temp)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class ExportCases:
    """CSV exports, vCard and iCalendar."""

    core: Core
    reports: ReportCases

    def __init__(self, core: Core, reports: ReportCases) -> None:
        self.core = core
        self.reports = reports

    # --- CSV -----------------------------------------------------------------------------------

    def export_csv(
        self,
        kind: str,
        target: Target,
        excel: bool = False,
        *,
        segment: str | None = None,
        fmt: str | None = None,
    ) -> int:
        """Write every live record of `kind` as CSV (with a saved `segment`, those of its
        accounts only); returns the number of rows. With `fmt="xlsx"`, or a target path
        ending in .xlsx, an Excel workbook with typed cells instead."""
        if fmt not in (None, "csv", "xlsx"):
            raise UserError(_("can't export as {fmt!r}: choose csv or xlsx").format(fmt=fmt))
        as_xlsx = fmt == "xlsx" or (
            fmt is None and isinstance(target, Path) and target.suffix.lower() == ".xlsx"
        )
        if as_xlsx and not isinstance(target, Path):
            raise UserError(_("an .xlsx file is binary: give -o FILE.xlsx"))
        if kind not in EXPORT_KINDS:
            raise UserError(
                _("can't export {kind!r}: choose one of {choices}").format(
                    kind=kind, choices=", ".join(EXPORT_KINDS)
                )
            )
        keep = self.reports.segment_accounts(segment)
        with self.core.db.raw() as conn:
            columns, rows = getattr(self, f"_{kind}_table")(conn)
            if keep is not None:
                # The account's id is the first column of an account row, the second of others.
                at = 0 if kind == "accounts" else 1
                rows = (row for row in rows if row[at] in keep)
            if as_xlsx:
                assert isinstance(target, Path)
                with _binary_output(target) as temp:
                    return write_xlsx(temp, columns, rows, sheet=kind)
            with _output(target, bom=excel) as out:
                return write_csv(out, columns, rows, excel=excel)

    def _accounts_table(self, conn: Any) -> tuple[list[Column], Iterator[tuple]]:
        accounts = queries.live_accounts(conn)
        figures = {r.account_id: r for r in self.reports.client_report()}
        names = {a["id"]: a["name"] for a in accounts}
        custom = [json.loads(a["custom_fields"] or "{}") for a in accounts]
        keys = sorted({k for c in custom for k in c})
        columns = [*ACCOUNT_COLUMNS, *(Column("custom:" + k) for k in keys), *FIGURE_COLUMNS]

        def rows() -> Iterator[tuple]:
            for a, fields in zip(accounts, custom, strict=True):
                f = figures.get(a["id"])
                s = f.rfm if f else None
                yield (
                    *(a[c.header] for c in ACCOUNT_COLUMNS[:16]),
                    names.get(a["referred_by_id"] or ""),
                    a["referred_by_id"],
                    *(fields.get(k) for k in keys),
                    f.revenue if f else 0,
                    f.margin if f else 0,
                    f.abc if f else None,
                    *((s.recency_days, s.frequency, s.monetary, s.r, s.f, s.m, s.segment)
                      if s else (None,) * 7),
                )  # fmt: skip

        return columns, rows()

    def _contacts_table(self, conn: Any) -> tuple[tuple[Column, ...], Iterator[tuple]]:
        return CONTACT_COLUMNS, (r[:8] for r in xq.export_contacts(conn))

    def _sales_table(self, conn: Any) -> tuple[tuple[Column, ...], Iterator[tuple]]:
        return SALE_COLUMNS, xq.export_sales(conn)

    def _interactions_table(self, conn: Any) -> tuple[tuple[Column, ...], Iterator[tuple]]:
        def rows() -> Iterator[tuple]:
            for r in xq.export_interactions(conn):
                moment = self.core.local(datetime.fromisoformat(r[6]))
                yield (*r[:6], moment.strftime("%Y-%m-%d %H:%M:%S"), *r[7:])

        return INTERACTION_COLUMNS, rows()

    def _followups_table(self, conn: Any) -> tuple[tuple[Column, ...], Iterator[tuple]]:
        def rows() -> Iterator[tuple]:
            for r in xq.export_follow_ups(conn, open_only=False):
                due_at = self.core.local(datetime.fromisoformat(r[6])) if r[6] else None
                done = self.core.local(datetime.fromisoformat(r[8])) if r[8] else None
                yield (
                    *r[:6],
                    due_at.strftime("%H:%M") if due_at else None,
                    r[7],
                    done.strftime("%Y-%m-%d %H:%M") if done else None,
                    r[9],
                )

        return FOLLOW_UP_COLUMNS, rows()

    def _deals_table(self, conn: Any) -> tuple[tuple[Column, ...], Iterator[tuple]]:
        rows = deal_queries.deal_rows(conn, "all")
        return DEAL_COLUMNS, (
            (r.deal_id, r.account_id, r.account_name, r.title, r.amount, r.probability, r.stage,
             r.created_on, r.expected_close, r.closed_on, r.lost_reason, r.family, r.notes)
            for r in rows
        )  # fmt: skip

    # --- vCard ---------------------------------------------------------------------------------

    def contact_cards(self) -> list[vcard.Card]:
        """A card for each live contact: its account as ORG, address and badges in NOTE and
        CATEGORIES, the contact id as UID."""
        abc, rfm = self.reports.badges()
        with self.core.db.raw() as conn:
            contacts = xq.export_contacts(conn)
            accounts = xq.account_card_fields(conn)
        cards = []
        for cid, account_id, _org, name, role, email, phone, _channel, updated in contacts:
            org, stage, city, tags, custom_text = accounts[account_id]
            custom = json.loads(custom_text or "{}")
            abc_class = abc.class_of(account_id)
            score = rfm.get(account_id)
            note = [_("Stage: {stage}").format(stage=stage_word(stage))]
            categories = [stage]
            if abc_class:
                note.append(f"ABC: {abc_class}")
                categories.append(f"ABC {abc_class}")
            if score:
                segment = segment_label(score.segment)
                note.append(f"RFM: R{score.r} F{score.f} M{score.m} ({segment})")
                categories.append(score.segment)
            categories += [t for t in (tags or "").split(",") if t]
            cards.append(
                vcard.Card(
                    uid=cid,
                    name=name,
                    org=org,
                    title=role,
                    phone=phone,
                    email=email,
                    address=vcard.Address(
                        str(custom.get("address", "")),
                        city or "",
                        str(custom.get("postal_code", "")),
                        str(custom.get("country", "")),
                    ),
                    note="\n".join(note),
                    categories=categories,
                    revision=datetime.fromisoformat(updated),
                    account_id=account_id,
                )
            )
        return cards

    def export_vcf(self, target: Target, *, segment: str | None = None) -> int:
        """Every contact (with a saved `segment`, of its accounts) as a vCard 3.0 card in one
        file (or stream); returns the count."""
        keep = self.reports.segment_accounts(segment)
        cards = [c for c in self.contact_cards() if keep is None or c.account_id in keep]
        with _output(target) as out:
            out.write(vcard.cards_text(cards))
        return len(cards)

    def export_vcf_dir(self, folder: Path, *, segment: str | None = None) -> VcfDirResult:
        """One `<contact id>.vcf` per contact in `folder` (the vdir layout khard and
        vdirsyncer read). Unchanged cards are left untouched; the files of contacts deleted
        since are removed; other files are never touched."""
        folder = folder.expanduser()
        if folder.exists() and not folder.is_dir():
            raise UserError(_("{folder}: is a file, not a folder").format(folder=folder))
        folder.mkdir(parents=True, exist_ok=True)
        written = unchanged = removed = 0
        # Cards another program (khard, a phone) wrote there under its own UID: the contact
        # keeps that file and UID, so the folder never holds the same person twice.
        foreign = vcard.foreign_cards(folder)
        keep = self.reports.segment_accounts(segment)
        for card in self.contact_cards():
            if keep is not None and card.account_id not in keep:
                continue  # a saved segment's cards only
            path = folder / f"{card.uid}.vcf"
            if card.uid in foreign:
                path, card.uid = foreign[card.uid]
            text = vcard.card_text(card)
            if path.is_file() and path.read_bytes() == text.encode("utf-8"):
                unchanged += 1
                continue
            with _output(path) as out:
                out.write(text)
            written += 1
        with self.core.db.raw() as conn:
            gone = xq.contact_ids(conn, deleted=True)
        for uid in gone:
            path = foreign[uid][0] if uid in foreign else folder / f"{uid}.vcf"
            if path.is_file():
                path.unlink()
                removed += 1
        return VcfDirResult(written, unchanged, removed)

    # --- iCalendar -----------------------------------------------------------------------------

    def follow_up_events(self) -> list[ical.Event]:
        abc, rfm = self.reports.badges()
        with self.core.db.raw() as conn:
            rows = xq.export_follow_ups(conn, open_only=True)
            last = xq.last_interaction_details(conn)
            accounts = xq.account_card_fields(conn)
            deals = deal_queries.follow_up_deals(conn)
            series_starts = queries.series_starts(conn)
        events = []
        for (fid, account_id, account, contact, title, due_on, due_at, rule, _done, _outcome,
             updated, phone, email) in rows:  # fmt: skip
            stage = accounts[account_id][1]
            badges = [stage_word(stage)]
            if abc.class_of(account_id):
                badges.append(f"ABC {abc.class_of(account_id)}")
            score = rfm.get(account_id)
            if score:
                badges.append(f"RFM {score.r}{score.f}{score.m} {segment_label(score.segment)}")
            lines = [
                _("Account: {account} ({badges})").format(account=account, badges=", ".join(badges))
            ]
            if contact:
                reach = " · ".join(x for x in (contact, phone, email) if x)
                lines.append(pgettext("calendar", "Contact: {contact}").format(contact=reach))
            if account_id in last:
                kind, at, summary, outcome = last[account_id]
                when = self.core.local(datetime.fromisoformat(at)).strftime("%Y-%m-%d")
                detail = f"{summary} → {outcome}" if outcome else summary
                said = _("Last interaction: {when} {kind}: {detail}")
                lines.append(
                    said.format(when=when, kind=kind_word(kind), detail=detail).rstrip(": \u202f")
                )
            else:
                lines.append(_("Last interaction: none"))
            if fid in deals:
                lines.append(self._deal_line(*deals[fid]))
            day, start = self._event_start(due_on, due_at, series_starts.get(fid) if rule else None)
            events.append(
                ical.Event(
                    uid=fid,
                    summary=f"{title} — {account}",
                    description="\n".join(lines),
                    day=day,
                    start=start,
                    modified=datetime.fromisoformat(updated),
                    rrule=rule,
                    categories=[stage],
                )
            )
        return events

    def _event_start(
        self, due_on: str, due_at: str | None, series_start: datetime | None
    ) -> tuple[date, datetime | None]:
        """The event's local day and aware start. A series (one row, one UID) starts at its
        first occurrence, so that COUNT and UNTIL are counted as the app counts them."""
        start = datetime.fromisoformat(due_at).replace(tzinfo=UTC) if due_at else None
        if series_start is None:
            return date.fromisoformat(due_on), start
        first = self.core.local(series_start)
        return first.date(), first if start is not None else None

    def _deal_line(self, title: str, amount: int, stage: str) -> str:
        settings = self.core.settings
        money = format_money(amount, settings.currency, decimal_comma=settings.decimal_comma)
        return _("Deal: {title} ({amount}, {stage})").format(
            title=title, amount=money, stage=stage if current_language() == "en" else
            deal_stage_label(stage).lower())  # fmt: skip

    def export_ics(self, target: Target) -> int:
        """Every open follow-up as a VEVENT; returns the count."""
        events = self.follow_up_events()
        with _output(target) as out:
            out.write(ical.calendar_text(events, self.core.tz, "Portfolio follow-ups"))
        return len(events)
