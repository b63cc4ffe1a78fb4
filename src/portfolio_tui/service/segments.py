"""Saved segments: named filters over the accounts (domain/segments.py), kept as synced rows.

A segment's id is a UUID derived from its folded name: the same name saved on two laptops is
the same row, which a sync merges field by field, and a deleted name saved again revives it.
The rows a filter reads are computed at as_of over the settings' window (ABC, RFM segment,
revenue) with the days since the last contact and the churn model's P(alive) (None for an
account without orders, or when the book can't be fitted: a `p_alive` term matches nothing)."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from portfolio_tui.domain.account_fields import nps_category
from portfolio_tui.domain.kpis import KpiInputs
from portfolio_tui.domain.segments import (
    SegmentError,
    SegmentFilter,
    fold,
    parse_segment,
    validate_segment_name,
)
from portfolio_tui.errors import NotFound, UserError
from portfolio_tui.i18n import _
from portfolio_tui.service.core import Core
from portfolio_tui.service.reports import ReportCases
from portfolio_tui.store import queries
from portfolio_tui.store import segment_queries as sq

_ID_NAMESPACE = uuid.UUID("6f1d2c1e-3b0a-4c55-9a43-5e6a1b0c7d21")


def segment_id(name: str) -> str:
    """The id of the segment called `name` (ignoring case, accents and spacing)."""
    return str(uuid.uuid5(_ID_NAMESPACE, fold(validate_segment_name(name))))


@dataclass(frozen=True, slots=True)
class SavedSegment:
    segment_id: str
    name: str
    filter_text: str  # canonical: parse_segment reads it back to the same filter


@dataclass(frozen=True, slots=True)
class SegmentMember:
    """One account a segment holds, with the facts the filter read."""

    account_id: str
    name: str
    facts: dict[str, Any]


class SegmentCases:
    """Save, list and delete segments; the accounts a segment holds."""

    core: Core
    reports: ReportCases

    def __init__(self, core: Core, reports: ReportCases) -> None:
        self.core = core
        self.reports = reports

    def save(self, name: str, terms: str | Sequence[str]) -> tuple[SavedSegment, bool]:
        """Save (or replace) the segment `name`; returns it and whether one was replaced."""
        tidy = _checked(validate_segment_name, name)
        text = terms if isinstance(terms, str) else " ".join(terms)
        canonical = str(_checked(parse_segment, text))
        row_id = segment_id(tidy)
        from portfolio_tui.store.models import Segment  # with the ORM, as the write needs it

        with self.core.write(_("save segment {name}").format(name=tidy)) as w:
            row = sq.segment_by_id(w.session, row_id)
            replaced = row is not None and row.deleted_at is None
            if row is None:
                w.insert(
                    Segment(
                        id=row_id,
                        name=tidy,
                        filter_text=canonical,
                        created_at=w.now,
                        updated_at=w.now,
                    )
                )
            else:
                w.update(row, name=tidy, filter_text=canonical, deleted_at=None)
        return SavedSegment(row_id, tidy, canonical), replaced

    def list(self) -> builtins.list[SavedSegment]:
        with self.core.db.raw() as conn:
            return [SavedSegment(*row) for row in sq.live_segments(conn)]

    def get(self, name: str) -> SavedSegment:
        wanted = segment_id(_checked(validate_segment_name, name))
        for segment in self.list():
            if segment.segment_id == wanted:
                return segment
        names = ", ".join(s.name for s in self.list()) or _("none saved yet")
        raise NotFound(
            _("no segment named {name!r} (saved: {names})").format(name=name, names=names)
        )

    def delete(self, name: str) -> str:
        """Tombstone the segment `name` (undoable); returns its name."""
        segment = self.get(name)
        with self.core.write(_("delete segment {name}").format(name=segment.name)) as w:
            row = sq.segment_by_id(w.session, segment.segment_id)
            assert row is not None
            w.delete(row)
        return segment.name

    def filter_of(self, name: str) -> SegmentFilter:
        return parse_segment(self.get(name).filter_text)

    def members(self, name: str, as_of: date | None = None) -> builtins.list[SegmentMember]:
        """The live accounts the segment `name` holds at as_of (default today), by name."""
        return self.matching(self.filter_of(name), as_of)

    def account_ids(self, name: str, as_of: date | None = None) -> frozenset[str]:
        return frozenset(m.account_id for m in self.members(name, as_of))

    def matching(
        self, segment: SegmentFilter, as_of: date | None = None
    ) -> builtins.list[SegmentMember]:
        uses_p_alive = any(term.field == "p_alive" for term in segment.terms)
        rows = self.account_rows(as_of, with_p_alive=uses_p_alive)
        return [m for m in rows if segment.matches(m.facts)]

    def account_rows(
        self, as_of: date | None = None, *, with_p_alive: bool = True
    ) -> builtins.list[SegmentMember]:
        """Every live account with the facts a filter reads (see domain/segments.ROW_KEYS);
        P(alive) (the churn model's fit, the costly part) only `with_p_alive`."""
        window = self.reports.window(as_of)
        alive: dict[str, float] = {}
        if with_p_alive:
            from portfolio_tui.service.churn import ChurnCases  # churn builds on these reads

            alive = ChurnCases(self.core, self.reports).p_alive_by_account(window.as_of)
        abc, rfm = self.reports.badges(window)
        revenue = {f.account_id: f.revenue for f in self.reports.figures(window)}
        with self.core.db.raw() as conn:
            accounts = sq.account_facts(conn)
            last = queries.last_interactions(conn)
        members = []
        for a in accounts:
            seen = last.get(a.account_id)
            days = (window.as_of - self.core.local(seen).date()).days if seen else None
            score = rfm.get(a.account_id)
            facts: dict[str, Any] = {
                "abc": abc.class_of(a.account_id),
                "stage": a.stage,
                "segment": score.segment if score else None,
                "nps_category": nps_category(a.nps_score),
                "sector": a.sector,
                "city": a.city,
                "region": a.region,
                "tags": a.tags,
                "p_alive": alive.get(a.account_id),
                "revenue_cents": revenue.get(a.account_id, 0),
                "last_contact_days": days,
            }
            members.append(SegmentMember(a.account_id, a.name, facts))
        return members


def _checked(check: Any, text: str) -> Any:
    try:
        return check(text)
    except SegmentError as error:
        raise UserError(str(error)) from None


def narrowed_kpi_inputs(inputs: KpiInputs, keep: Collection[str]) -> KpiInputs:
    """The KPI inputs of the accounts in `keep` only."""
    return replace(
        inputs,
        accounts=[a for a in inputs.accounts if a.account_id in keep],
        revenue_now={k: v for k, v in inputs.revenue_now.items() if k in keep},
        revenue_before={k: v for k, v in inputs.revenue_before.items() if k in keep},
        first_sale={k: v for k, v in inputs.first_sale.items() if k in keep},
        revenue_by_family_now={
            k: v for k, v in inputs.revenue_by_family_now.items() if k[0] in keep
        },
        stage_moves=[m for m in inputs.stage_moves if m.account_id in keep],
        abc_classes={k: v for k, v in inputs.abc_classes.items() if k in keep},
        lost_reasons={k: v for k, v in inputs.lost_reasons.items() if k in keep},
    )
