"""The reviews a rep hands their manager: weekly pipeline, monthly forecast, quarterly account
review. One document per cadence, Markdown or self-contained HTML, with the figures of the
CLI's own use cases (activity_report, kpi_report, client_report, abc, pipeline_report).

A saved segment narrows every account figure to its accounts; ABC classes, Pareto and RFM
scores stay those of the whole portfolio, and the deal forecast is shown only unnarrowed."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from portfolio_tui.domain.activity import ActivityPeriod, ActivityReport
from portfolio_tui.domain.rfm import RfmScore
from portfolio_tui.errors import UserError
from portfolio_tui.formats.review_document import ReviewDocument, Section
from portfolio_tui.formats.review_html import review_html
from portfolio_tui.formats.review_markdown import review_markdown
from portfolio_tui.i18n import _, current_language
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.service import review_sections as rs
from portfolio_tui.service.activity import ActivityCases
from portfolio_tui.service.churn import ChurnCases
from portfolio_tui.service.core import Core
from portfolio_tui.service.deals import DealCases
from portfolio_tui.service.reports import ReportCases
from portfolio_tui.store import activity_queries as aq
from portfolio_tui.store import queries

CADENCES: tuple[str, ...] = ("week", "month", "quarter")
HTML_SUFFIXES: tuple[str, ...] = (".html", ".htm")


@dataclass(frozen=True, slots=True)
class _Scope:
    """What one review covers: its period up to as_of, and the accounts (None: all)."""

    cadence: str
    as_of: date
    span: ActivityPeriod
    accounts: frozenset[str] | None
    segment: str | None

    def keeps(self, account_id: str) -> bool:
        return self.accounts is None or account_id in self.accounts


class ReviewCases:
    """The weekly, monthly and quarterly review documents."""

    core: Core
    reports: ReportCases
    activity: ActivityCases
    deals: DealCases
    churn: ChurnCases

    def __init__(
        self,
        core: Core,
        reports: ReportCases,
        activity: ActivityCases,
        deals: DealCases,
        churn: ChurnCases,
    ) -> None:
        self.core = core
        self.reports = reports
        self.activity = activity
        self.deals = deals
        self.churn = churn

    def review(
        self, cadence: str, as_of: date | None = None, *, segment: str | None = None
    ) -> ReviewDocument:
        """The review of `cadence` (week, month, quarter) up to as_of (default today)."""
        if cadence not in CADENCES:
            raise UserError(
                _("review: {cadence!r} is not one of {choices}").format(
                    cadence=cadence, choices=", ".join(CADENCES)
                )
            )
        day = as_of or self.core.today()
        accounts = self.reports.segment_accounts(segment, day)
        scope = _Scope(cadence, day, self.activity.period(cadence, day), accounts, segment)
        report = self.activity.activity_report(cadence, day, accounts=accounts)
        sections = [*self._week_sections(scope, report)]
        if cadence in ("month", "quarter"):
            sections += self._month_sections(scope)
        if cadence == "quarter":
            sections += self._quarter_sections(scope)
        return ReviewDocument(self._title(cadence), self._subtitle(scope), current_language(),
                              tuple(sections))  # fmt: skip

    def review_text(
        self,
        cadence: str,
        as_of: date | None = None,
        *,
        segment: str | None = None,
        html: bool = False,
    ) -> str:
        document = self.review(cadence, as_of, segment=segment)
        return review_html(document) if html else review_markdown(document)

    def write_review(
        self, path: Path, cadence: str, as_of: date | None = None, *, segment: str | None = None
    ) -> Path:
        """Write the review to `path`: HTML when it ends in .html, else Markdown. The file
        appears whole or not at all."""
        path = path.expanduser()
        html = path.suffix.lower() in HTML_SUFFIXES
        text = self.review_text(cadence, as_of, segment=segment, html=html)
        if path.is_dir():
            raise UserError(_("{path}: is a folder; give a file name").format(path=path))
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise UserError(_("{path}: the folder {folder} does not exist").format(
                path=path, folder=folder))  # fmt: skip
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return path

    # --- the sections -----------------------------------------------------------------------

    def _week_sections(self, scope: _Scope, report: ActivityReport) -> list[Section]:
        start, end = scope.span.start, scope.span.end
        interactions = [
            (i.account_id, i.kind)
            for i in self.activity.interactions(start, end)
            if scope.keeps(i.account_id)
        ]
        classes = {
            r.account_id: r.abc_class
            for r in self.reports.abc(self.reports.window(end, "12m")).ranked
        }
        with self.core.db.raw() as conn:
            deals = aq.deal_facts(conn)
            deal_moves = aq.deal_moves_between(conn, *self.activity.stored_bounds(start, end))
        if deals is not None:
            deals = [d for d in deals if scope.keeps(d.account_id)]
        moved = sum(
            1
            for _deal, account_id, at in deal_moves
            if scope.keeps(account_id) and start <= self.activity.local_day(at) <= end
        )
        monday = end - timedelta(days=end.weekday()) + timedelta(days=7)
        deals_section = rs.deals_section(
            deals, moved if deals is not None else None, start, end, self.core.settings.currency
        )
        closing = rs.deals_closing_table(deals, monday, monday + timedelta(days=6))
        deals_section = Section(deals_section.key, deals_section.title, deals_section.notes,
                                deals_section.figures, (), (closing,))  # fmt: skip
        follow_ups = Section("follow_ups", _("Follow-ups"), (), (), (),
                             (rs.overdue_table(self._overdue(scope)),))  # fmt: skip
        return [
            rs.activity_section(report),
            rs.interactions_section(interactions, classes),
            rs.stage_moves_section(self._stage_moves(scope)),
            deals_section,
            follow_ups,
        ]

    def _month_sections(self, scope: _Scope) -> list[Section]:
        currency = self.core.settings.currency
        kpis = self.reports.kpi_report(scope.as_of, "month", segment=scope.segment)
        danger = Section("danger", _("Clients in danger"), (), (), (),
                         (rs.danger_table(self._danger(scope), currency),))  # fmt: skip
        return [
            self._forecast(scope),
            rs.kpi_section(kpis, "kpis_month", _("The month, like for like"), currency),
            danger,
            rs.churn_section(
                self.churn.weighted_churn_risk(scope.as_of), currency, scope.segment is not None
            ),
        ]

    def _quarter_sections(self, scope: _Scope) -> list[Section]:
        currency = self.core.settings.currency
        segment = scope.segment
        quarter = self.reports.kpi_report(scope.as_of, "quarter", segment=segment)
        year = self.reports.kpi_report(scope.as_of, "year", segment=segment)
        abc = rs.abc_section(self.reports.abc(self.reports.window(scope.as_of)), currency)
        if segment is not None:
            note = _("ABC and Pareto over the whole portfolio.")
            abc = Section(abc.key, abc.title, (note,), abc.figures, abc.charts, abc.tables)
        scores = [
            r.rfm
            for r in self.reports.client_report(scope.as_of, segment=segment)
            if r.rfm is not None
        ]
        rfm = Section("rfm", _("R × F"), (), (), (), (rs.rf_grid_table(scores),))
        clients = Section("clients", _("New and lost clients"), (), (), (),
                          rs.new_lost_tables(quarter, currency))  # fmt: skip
        return [
            abc,
            rfm,
            rs.kpi_section(year, "kpis_year", _("Year N against N−1"), currency),
            clients,
            rs.concentration_section(quarter, currency),
            rs.matrix_section(quarter, currency),
            rs.churn_section(
                self.churn.weighted_churn_risk(scope.as_of), currency, segment is not None
            ),
            rs.projection_section(self.churn.projection(scope.as_of), currency),
            rs.funnel_section(quarter),
        ]

    # --- the facts --------------------------------------------------------------------------

    def _names(self) -> dict[str, str]:
        with self.core.db.raw() as conn:
            return {a: name for a, name, _stage in queries.account_names_stages(conn)}

    def _stage_moves(self, scope: _Scope) -> list[tuple[date, str, str | None, str]]:
        start, end = scope.span.start, scope.span.end
        names = self._names()
        with self.core.db.raw() as conn:
            rows = aq.stage_moves_between(conn, *self.activity.stored_bounds(start, end))
        moves = []
        for r in rows:
            day = self.activity.local_day(r.at)
            if start <= day <= end and r.account_id in names and scope.keeps(r.account_id):
                moves.append((day, names[r.account_id], r.from_stage, r.to_stage))
        return moves

    def _overdue(self, scope: _Scope) -> list[tuple[date, str, str]]:
        """The follow-ups due before as_of and still open at its end."""
        names = self._names()
        end = self.activity.day_start(scope.as_of + timedelta(days=1))
        with self.core.db.raw() as conn:
            rows = aq.follow_ups_created_before(conn, end)
        return [
            (f.due_on, names[f.account_id], f.title)
            for f in rows
            if f.account_id in names
            and scope.keeps(f.account_id)
            and f.due_on < scope.as_of
            and (f.done_at is None or self.activity.local_day(f.done_at) > scope.as_of)
        ]

    def _danger(self, scope: _Scope) -> list[tuple[str, RfmScore, int]]:
        rows = self.reports.client_report(scope.as_of, segment=scope.segment)
        danger = [r for r in rows if r.rfm is not None and r.rfm.segment in rs.DANGER_SEGMENTS]
        danger.sort(key=lambda r: (-r.revenue, r.name))
        return [(r.name, r.rfm, r.revenue) for r in danger if r.rfm is not None]

    def _forecast(self, scope: _Scope) -> Section:
        if scope.segment is not None:
            note = _("Deal forecast: shown for the whole portfolio only.")
            return Section("forecast", _("Deal forecast"), (note,))
        with self.core.db.raw() as conn:
            if not aq.table_exists(conn, "deal"):
                return rs.forecast_section(None, None)
        month_before = scope.as_of.replace(day=1) - timedelta(days=1)
        return rs.forecast_section(
            self.deals.pipeline_report(scope.as_of, "month"),
            self.deals.pipeline_report(month_before, "month"),
        )

    # --- titles -----------------------------------------------------------------------------

    def _title(self, cadence: str) -> str:
        titles = {
            "week": _("Weekly review"),
            "month": _("Monthly review"),
            "quarter": _("Quarterly account review"),
        }
        return titles[cadence]

    def _subtitle(self, scope: _Scope) -> str:
        text = _("{start} to {end}").format(
            start=fmt.date_long(scope.span.start), end=fmt.date_long(scope.span.end)
        )
        if scope.segment is not None:
            text += " · " + _("segment {name}").format(name=scope.segment)
        return text
