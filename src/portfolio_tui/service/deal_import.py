"""`import deals`: spreadsheet rows of deals matched and written through the Writer, all or
nothing, with a dry run. A deal matches by id, else by account and title (any case); an
unknown account is refused (deals are not a way to create accounts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from portfolio_tui.domain.deals import OPEN_STAGES, DealStage
from portfolio_tui.domain.matching import AmbiguousMatch, RecordIndex
from portfolio_tui.formats.csv_import import Row
from portfolio_tui.formats.report import ImportReport, ReportItem, RowError
from portfolio_tui.i18n import _
from portfolio_tui.service.core import Core
from portfolio_tui.service.deal_views import match_lost_reason
from portfolio_tui.store import deal_queries
from portfolio_tui.store import exchange_queries as xq
from portfolio_tui.store.models import Account, Deal, DealStageChange, new_id
from portfolio_tui.store.writes import Writer

NOON = time(12, 0)
# Spreadsheet field → Deal column, for the fields a row may change.
_COLUMN_OF = {
    "title": "title",
    "amount": "amount",
    "probability": "probability",
    "stage": "stage",
    "created": "created_on",
    "expected_close": "expected_close",
    "closed": "closed_on",
    "lost_reason": "lost_reason",
    "family": "family",
    "notes": "notes",
}


class _Refused(Exception):
    def __init__(self, name: str, reason: str) -> None:
        super().__init__(reason)
        self.name = name
        self.reason = reason


@dataclass
class _DealPlan:
    new: list[Deal] = field(default_factory=list)
    updates: list[tuple[Deal, dict[str, Any]]] = field(default_factory=list)


def import_deals(core: Core, rows: list[Row], report: ImportReport, label: str) -> None:
    """Plan every row, then, unless a row was refused or it is a dry run, write them all."""
    with core.lock, core.stamped_along(), core.db.transaction() as session:
        writer = Writer(session, core.device_id, core.stored(core.now()), label)
        planner = _Planner(core, session)
        plan = _DealPlan()
        for row in rows:
            try:
                planner.plan(row, plan, report)
            except _Refused as refused:
                report.rejected_rows += 1
                report.reject(RowError(report.source, row.line, refused.name, refused.reason))
        if report.rejected or report.dry_run:
            return
        _apply(core, writer, plan)
    core.after_write(writer.changeset)


class _Planner:
    """Matches rows to accounts and deals, checks them, and says what each would change."""

    def __init__(self, core: Core, session: Any) -> None:
        self.core = core
        self.accounts: dict[str, Account] = {a.id: a for a in xq.live_accounts(session)}
        self.index = RecordIndex()
        for a in self.accounts.values():
            self.index.add(a.id, name=a.name, legal_id=a.legal_id)
        self.deals: dict[str, Deal] = {d.id: d for d in deal_queries.live_deals(session)}
        self.deleted = deal_queries.deleted_deal_ids(session)
        self.by_title = {(d.account_id, d.title.casefold()): d.id for d in self.deals.values()}

    def plan(self, row: Row, plan: _DealPlan, report: ImportReport) -> None:
        v = row.values
        if v.get("id") in self.deleted:
            raise _Refused("id", _("this deal was deleted"))
        account_id = self._account(v)
        deal = self.deals.get(v.get("id", ""))
        if deal is None and account_id and v.get("title"):
            deal = self.deals.get(self.by_title.get((account_id, v["title"].casefold()), ""))
        wanted = self._wanted(v)
        if deal is None:
            new = self._new_deal(v, account_id, wanted)
            plan.new.append(new)
            self.deals[new.id] = new
            self.by_title[(new.account_id, new.title.casefold())] = new.id
            report.add_item(ReportItem(row.line, "insert", self._label(new)))
            return
        if account_id and account_id != deal.account_id:
            raise _Refused("account", _("this deal belongs to another account"))
        changes = {k: w for k, w in wanted.items() if getattr(deal, k) != w}
        if "stage" in changes:
            changes.update(self._closing_follows(deal, changes))
        _check_closing({**_state(deal), **changes})
        if not changes:
            report.add_item(ReportItem(row.line, "unchanged", self._label(deal)))
            return
        plan.updates.append((deal, changes))
        shown = ", ".join(f"{k}: {getattr(deal, k)} → {w}" for k, w in changes.items())
        report.add_item(ReportItem(row.line, "update", self._label(deal), shown))

    def _closing_follows(self, deal: Deal, changes: dict[str, Any]) -> dict[str, Any]:
        """A stage change closes the deal today, or reopens it, unless the row says when."""
        if changes["stage"] in OPEN_STAGES:
            return {} if "closed_on" in changes else {"closed_on": None, "lost_reason": None}
        if deal.closed_on is None and "closed_on" not in changes:
            return {"closed_on": self.core.today()}
        return {}

    def _account(self, v: dict[str, Any]) -> str | None:
        if v.get("account_id"):
            if v["account_id"] not in self.accounts:
                raise _Refused("account_id", _("no account with this id"))
            return str(v["account_id"])
        if not v.get("account"):
            return None
        try:
            found = self.index.resolve(v["account"])
        except AmbiguousMatch as exc:
            raise _Refused("account", str(exc)) from None
        if found is None:
            raise _Refused("account", _("no account {name!r}").format(name=v["account"]))
        return found

    def _wanted(self, v: dict[str, Any]) -> dict[str, Any]:
        wanted = {_COLUMN_OF[k]: value for k, value in v.items() if k in _COLUMN_OF}
        if wanted.get("lost_reason"):
            reasons = self.core.settings.deal_lost_reasons
            reason = match_lost_reason(reasons, wanted["lost_reason"])
            if reason is None:
                raise _Refused(
                    "lost_reason",
                    _("{text!r} is not one of {choices}").format(
                        text=wanted["lost_reason"], choices=", ".join(reasons)
                    ),
                )
            wanted["lost_reason"] = reason
        if wanted.get("amount", 0) < 0:
            raise _Refused("amount", _("must not be negative"))
        if "title" in wanted and not str(wanted["title"]).strip():
            raise _Refused("title", _("must not be empty"))
        return wanted

    def _new_deal(self, v: dict[str, Any], account_id: str | None, wanted: dict[str, Any]) -> Deal:
        for name, present in (("account", account_id), ("title", v.get("title"))):
            if not present:
                raise _Refused(name, _("missing (needed for a new deal)"))
        if "amount" not in v:
            raise _Refused("amount", _("missing (needed for a new deal)"))
        stage = wanted.get("stage", DealStage.QUALIFICATION.value)
        if stage not in OPEN_STAGES and not wanted.get("closed_on"):
            wanted["closed_on"] = self.core.today()
        deal = Deal(
            id=v.get("id") or new_id(),
            account_id=account_id,
            created_on=wanted.pop("created_on", None) or self.core.today(),
            **{"stage": stage, "notes": "", **{k: w for k, w in wanted.items() if k != "stage"}},
        )
        _check_closing(_state(deal))
        return deal

    def _label(self, deal: Deal) -> str:
        account = self.accounts.get(deal.account_id)
        return f"{deal.title} ({account.name if account else deal.account_id[:8]})"


def _state(deal: Deal) -> dict[str, Any]:
    return {"stage": deal.stage, "closed_on": deal.closed_on, "created_on": deal.created_on}


def _check_closing(state: dict[str, Any]) -> None:
    closed: date | None = state.get("closed_on")
    if state["stage"] in OPEN_STAGES and closed is not None:
        raise _Refused("closed", _("an open deal has no closing date"))
    if closed is not None and closed < state["created_on"]:
        raise _Refused("closed", _("before the deal was created"))


def _apply(core: Core, w: Writer, plan: _DealPlan) -> None:
    for deal in plan.new:
        deal.created_at = deal.updated_at = w.now
        w.insert(deal)
        moment = datetime.combine(deal.created_on, NOON, core.tz)
        _move(w, deal.id, None, deal.stage, core.stored(moment))
    for deal, changes in plan.updates:
        before = deal.stage
        w.update(deal, **changes)
        if "stage" in changes:
            _move(w, deal.id, before, deal.stage, w.now)


def _move(w: Writer, deal_id: str, before: str | None, after: str, at: datetime) -> None:
    w.insert(
        DealStageChange(
            deal_id=deal_id,
            from_stage=before,
            to_stage=after,
            at=at,
            created_at=w.now,
            updated_at=w.now,
        )
    )
