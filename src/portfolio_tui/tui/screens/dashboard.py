"""Dashboard: the period's KPIs against the period before, ABC and Pareto, the R × F grid,
revenue by segment × product family, and the funnel.

Then the rep's own activity ("Mon activité"), the weighted churn risk with the clients weighing
most, and the book in four years with and without new clients. The activity panel is here, not
on Today: Today is the to-do list and must open fast; this is where the rep looks at figures.

`p` cycles the period (year, quarter, month), `w` the sales window of the ABC, Pareto and RFM
panels (12m, 24m, all), `r` the rows of the matrix (ABC class, sector, region, size, source),
`a` the activity period (week, month, quarter; only that panel reloads), `G` the saved segment
the KPIs, funnel, matrix and activity are narrowed to (classes, scores and churn stay those of
the whole book, as in `report kpis --segment`), `c` compares the period so far with the same
span of the previous one (like for like, the default) or with all of it; the titles say which.
Everything is computed in a worker; the screen shows a loading indicator until it is ready.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import LoadingIndicator, Static

from portfolio_tui.domain.abc import AbcResult
from portfolio_tui.domain.activity import ACTIVITY_PERIODS, ActivityReport
from portfolio_tui.domain.kpis import Kpis
from portfolio_tui.domain.periods import COMPARISONS, FULL, LIKE_FOR_LIKE, PERIOD_KINDS
from portfolio_tui.domain.projection import PROJECTED_YEARS, BookProjection
from portfolio_tui.domain.rfm import RfmScore
from portfolio_tui.domain.window import Window
from portfolio_tui.i18n import N_, _
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.i18n.terms import window_label
from portfolio_tui.tui.screens.base import LoadingScreen, on_fresh_data
from portfolio_tui.tui.screens.dashboard_panels import (
    abc_table,
    churn_risk_table,
    concentration_text,
    funnel_text,
    kpi_table,
    matrix_table,
    pareto_sentence,
    top_accounts_table,
)
from portfolio_tui.tui.screens.portfolio_filter import cycle
from portfolio_tui.tui.text import short_day, whole_money
from portfolio_tui.tui.theme import theme_colour
from portfolio_tui.tui.widgets.activity_panel import ActivityPanel, period_title
from portfolio_tui.tui.widgets.keys_footer import KeysFooter
from portfolio_tui.tui.widgets.pareto import ParetoCurve
from portfolio_tui.tui.widgets.projection_chart import ProjectionChart
from portfolio_tui.tui.widgets.rf_grid import RfGrid

if TYPE_CHECKING:  # the service is imported when the app first opens it
    from portfolio_tui.service import Portfolio
    from portfolio_tui.service.churn import ChurnRiskReport

WINDOWS: tuple[str, ...] = ("12m", "24m", "all")
# matrix row key → its label
MATRIX_ROWS: dict[str, str] = {
    "abc": N_("ABC class"),
    "sector": N_("Sector"),
    "region": N_("Region"),
    "size_band": N_("Size"),
    "source": N_("Source"),
}


@dataclass(frozen=True, slots=True)
class DashboardData:
    period: str
    window: Window
    rows: str
    kpis: Kpis
    abc: AbcResult
    rfm: dict[str, RfmScore]
    activity: ActivityReport
    lever_words: str  # what pulling the activity's lever means
    churn: ChurnRiskReport | None  # None when the book can't be fitted
    projection: BookProjection | None  # None without a complete year of history
    projection_sentence: str
    saved_segments: tuple[str, ...] = ()  # the names, to cycle through
    segment: str | None = None  # the saved segment the figures are narrowed to
    segment_ids: frozenset[str] | None = None  # its accounts (None: every account)
    # The (row, family) cells of the matrix holding a white-space suggestion ("to develop").
    whitespace: frozenset[tuple[str, str]] = frozenset()


def load_activity(
    portfolio: Portfolio, period: str, accounts: frozenset[str] | None
) -> tuple[ActivityReport, str]:
    """The activity report of `period` (narrowed to `accounts`) and its lever in words."""
    from portfolio_tui.service.activity import lever_words

    report = portfolio.activity.activity_report(period, accounts=accounts)
    return report, lever_words(report.figures.lever)


def load_dashboard(
    portfolio: Portfolio,
    period: str,
    window: str,
    rows: str,
    *,
    segment: str | None = None,
    activity_period: str = "week",
    previous: str = LIKE_FOR_LIKE,
    kept: DashboardData | None = None,
) -> DashboardData:
    """Everything the dashboard shows, read through the service (call it from a worker).
    A `segment` deleted meanwhile narrows nothing. `kept`: what was shown at the same data,
    whose panels that don't depend on the period (or on what the KPIs compare with) are
    shown again as they are when it has the same window, rows, segment and activity period."""
    w = portfolio.reports.window(None, window)
    if kept is not None and (kept.window, kept.rows, kept.segment) == (w, rows, segment):
        kpis = portfolio.reports.kpi_report(
            period=period, rows=rows, window=window, segment=segment, previous=previous
        )
        if kept.activity.period.kind != activity_period:  # another was loaded alone since
            activity, words = load_activity(portfolio, activity_period, kept.segment_ids)
            kept = replace(kept, activity=activity, lever_words=words)
        return replace(kept, period=period, kpis=kpis)
    saved = tuple(s.name for s in portfolio.segments.list())
    segment = segment if segment in saved else None
    ids = portfolio.reports.segment_accounts(segment)
    kpis = portfolio.reports.kpi_report(
        period=period, rows=rows, window=window, segment=segment, previous=previous
    )
    abc, rfm = portfolio.reports.badges(w)
    activity, words = load_activity(portfolio, activity_period, ids)
    projection = portfolio.churn.projection()
    sentence = portfolio.churn.projection_sentence(projection) if projection else ""
    churn = portfolio.churn.weighted_churn_risk()
    whitespace = frozenset(portfolio.deals.whitespace_cells(window=window, by=rows))
    return DashboardData(period, w, rows, kpis, abc, rfm, activity, words, churn, projection,
                         sentence, saved, segment, ids, whitespace)  # fmt: skip


def previous_words(k: Kpis) -> str:
    """What the previous period's figures cover: its same span ("2025 to 23 Nov, like for
    like") or all of it ("all of 2025", also when the period is over and both are the same)."""
    before = k.previous_period
    if k.comparison == FULL or k.compared_end is None or k.compared_end >= before.end:
        return _("all of {previous}").format(previous=before.label)
    return _("{previous} to {day}, like for like").format(
        previous=before.label, day=short_day(k.compared_end)
    )


class DashboardScreen(LoadingScreen[tuple[int, DashboardData]]):
    TITLE = N_("Dashboard")
    AUTO_FOCUS = "#dashboard-body"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("p", "cycle_period", N_("Period"), id="dashboard.period"),
        Binding("w", "cycle_window", N_("Window"), id="dashboard.window"),
        Binding("r", "cycle_rows", N_("Matrix rows"), id="dashboard.rows"),
        Binding("a", "cycle_activity", N_("Activity period"), id="dashboard.activity"),
        Binding("G", "cycle_saved_segment", N_("Saved segment"), id="dashboard.saved_segment"),
        Binding("c", "toggle_comparison", N_("Compare"), id="dashboard.compare"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.period = "year"
        self.window: str | None = None  # the settings' until the first load
        self.rows = "abc"
        self.activity_period = ACTIVITY_PERIODS[0]
        self.segment: str | None = None  # a saved segment's name
        self.comparison = LIKE_FOR_LIKE  # what the previous period's figures cover
        self.data: DashboardData | None = None
        self._busy = True
        # Every refresh but a period switch or a comparison toggle moves it on: the panels
        # that depend on neither are kept from the data shown at the same generation.
        self.generation = 0
        self._kept: tuple[int, DashboardData] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="dashboard-top"):
            yield Static(id="dashboard-title")
            # A small indicator: one covering the whole body repaints it all ~15 times a
            # second, and those frames hold the GIL the worker needs (4.7 s instead of 2.5 s
            # to open at 20,000 accounts).
            yield LoadingIndicator(id="dashboard-loading")
        with VerticalScroll(id="dashboard-body"):
            yield Static(id="concentration-alert")
            with Horizontal(classes="dashboard-row"):
                with Vertical(classes="panel left", id="kpi-panel"):
                    yield Static(id="kpi-title", classes="panel-title")
                    yield Static(id="kpi-table")
                with Vertical(classes="panel", id="abc-panel"):
                    yield Static(id="abc-title", classes="panel-title")
                    yield Static(id="abc-table")
                    yield Static(id="pareto-sentence")
            with Vertical(classes="panel", id="activity-panel"):
                yield Static(id="activity-title", classes="panel-title")
                yield ActivityPanel(id="activity")
            with Horizontal(classes="dashboard-row"):
                with Vertical(classes="panel left", id="churn-panel"):
                    yield Static(id="churn-title", classes="panel-title")
                    yield Static(id="churn-table")
                with Vertical(classes="panel", id="projection-panel"):
                    yield Static(id="projection-title", classes="panel-title")
                    yield ProjectionChart(id="projection", height=5)
                    yield Static(id="projection-sentence")
            with Horizontal(classes="dashboard-row"):
                with Vertical(classes="panel left", id="rf-panel"):
                    yield Static(id="rf-title", classes="panel-title")
                    yield RfGrid(id="rf-grid")
                with Vertical(classes="panel", id="pareto-panel"):
                    yield Static(id="pareto-title", classes="panel-title")
                    yield ParetoCurve(id="pareto", height=8)
            with Horizontal(classes="dashboard-row"):
                with Vertical(classes="panel left", id="funnel-panel"):
                    yield Static(id="funnel-title", classes="panel-title")
                    yield Static(id="funnel")
                with Vertical(classes="panel", id="top-panel"):
                    yield Static(id="top-title", classes="panel-title")
                    yield Static(id="top-table")
            with Vertical(classes="panel", id="matrix-panel"):
                yield Static(id="matrix-title", classes="panel-title")
                yield Static(id="matrix")
        yield KeysFooter()

    # --- data -----------------------------------------------------------------------------

    def prepare(self) -> None:
        self._show_title()

    def refresh_data(self, *, keep_panels: bool = False) -> None:
        """Recompute everything in a worker; the loading indicator shows until it is done.
        `keep_panels`: only what the period and the comparison change (the KPIs)."""
        if not keep_panels:
            self.generation += 1
        self.busy = True
        self._show_title()
        super().refresh_data()

    def load_inputs(self) -> object:
        return (self.period, self.window, self.rows, self.segment, self.activity_period,
                self.comparison)  # fmt: skip

    def load(self) -> tuple[int, DashboardData]:
        portfolio = self.portfolio
        window = self.window or portfolio.settings.window
        generation, kept = self.generation, self._kept
        data = load_dashboard(
            portfolio, self.period, window, self.rows, segment=self.segment,
            activity_period=self.activity_period, previous=self.comparison,
            kept=kept[1] if kept is not None and kept[0] == generation else None,
        )  # fmt: skip
        return generation, data

    def show(self, loaded: tuple[int, DashboardData]) -> None:
        self._kept = loaded  # its panels, for a period switch at the same generation
        self._show_data(loaded[1])

    def _show_data(self, data: DashboardData) -> None:
        self.data = data
        settings = self.portfolio.settings
        k = data.kpis
        alert = self.query_one("#concentration-alert", Static)
        alert.update(concentration_text(k))
        alert.display = k.concentration_alert
        self.query_one("#kpi-title", Static).update(
            _("KPIs · {period} to {day} vs {previous}").format(
                period=k.period.label, day=short_day(k.as_of), previous=previous_words(k)
            )
        )
        self.query_one("#kpi-table", Static).update(kpi_table(k, settings))
        window = data.window
        self.query_one("#abc-title", Static).update(
            _("ABC · revenue over {window} to {day}").format(
                window=window_label(window.label), day=short_day(window.as_of)
            )
        )
        self.query_one("#pareto-title", Static).update(
            _("Pareto · cumulative share of {window} revenue").format(
                window=window_label(window.label)
            )
        )
        self.query_one("#abc-table", Static).update(abc_table(data.abc, settings))
        self.query_one("#pareto-sentence", Static).update(pareto_sentence(data.abc))
        self.query_one(ParetoCurve).show(
            [r.value for r in data.abc.ranked], [r.abc_class for r in data.abc.ranked]
        )
        self.query_one("#rf-title", Static).update(
            _("R × F · {count} accounts with sales in {window}").format(
                count=fmt.number(len(data.rfm)), window=window_label(window.label)
            )
        )
        self.query_one(RfGrid).show(data.rfm.values())
        self.query_one("#funnel-title", Static).update(
            _("Funnel · conversion in {period}").format(period=k.period.label)
        )
        accent = theme_colour(self.app.theme_variables, "accent")
        self.query_one("#funnel", Static).update(funnel_text(k.funnel, k.period.label, accent))
        self.query_one("#top-title", Static).update(
            _("Top 10 accounts · {period}").format(period=k.period.label)
        )
        self.query_one("#top-table", Static).update(top_accounts_table(k, settings))
        label = _(MATRIX_ROWS.get(data.rows, data.rows))
        matrix_title = _("Revenue {period} by {rows} × product family").format(
            period=k.period.label, rows=label.lower()
        )
        if data.whitespace:
            matrix_title += " · " + _("highlighted: to develop")
        self.query_one("#matrix-title", Static).update(matrix_title)
        warning = theme_colour(self.app.theme_variables, "warning")
        matrix = matrix_table(k.matrix, settings, label, data.whitespace, f"underline {warning}")
        self.query_one("#matrix", Static).update(matrix)
        self.segment = data.segment
        self._show_activity(data.activity, data.lever_words)
        self._show_churn(data)
        if not self.load_pending:
            self.busy = False
        self._show_title()

    def _show_activity(self, report: ActivityReport, lever_words: str) -> None:
        title = period_title(report)
        if self.data is not None and self.data.segment:
            title += " · " + _("segment {name}").format(name=self.data.segment)
        title += " · " + _("a: week, month, quarter")
        self.query_one("#activity-title", Static).update(Text(title))
        lever_colour = theme_colour(self.app.theme_variables, "warning")
        self.query_one(ActivityPanel).show(report, lever_words, lever_colour)

    def _show_churn(self, data: DashboardData) -> None:
        settings = self.portfolio.settings
        whole_book = " · " + _("whole book") if data.segment else ""
        churn_title = self.query_one("#churn-title", Static)
        if data.churn is None:
            churn_title.update(Text(_("Churn risk") + whole_book))
            self.query_one("#churn-table", Static).update(Text(
                _("No churn model: too few clients with repeat orders to fit one."),
                style="italic"))  # fmt: skip
        else:
            total = whole_money(data.churn.total, settings)
            churn_title.update(Text(_("Churn risk · {total} of the last 12 months' revenue may "
                                      "leave").format(total=total) + whole_book))  # fmt: skip
            self.query_one("#churn-table", Static).update(churn_risk_table(data.churn, settings))
        self.query_one("#projection-title", Static).update(Text(
            _("The book in {years} years · clients a year").format(years=PROJECTED_YEARS)
            + whole_book))  # fmt: skip
        self.query_one(ProjectionChart).show(data.projection)
        sentence = self.query_one("#projection-sentence", Static)
        sentence.update(Text(data.projection_sentence, style="bold"))
        sentence.display = bool(data.projection_sentence)

    @property
    def busy(self) -> bool:
        """True from a refresh request until its data is shown."""
        return self._busy

    @busy.setter
    def busy(self, value: bool) -> None:
        self._busy = value
        if self.is_mounted:
            self.query_one("#dashboard-loading").display = value
            self.query_one("#dashboard-body").set_class(value, "-stale")

    def _show_title(self) -> None:
        title = Text(_("Dashboard"), style="bold")
        if self.data is not None:
            k = self.data.kpis
            title.append("  " + _("{period} vs {previous}").format(
                period=k.period.label, previous=previous_words(k)))  # fmt: skip
            title.append(
                " · " + _("window {window}").format(window=window_label(self.data.window.label))
            )
            rows = _(MATRIX_ROWS.get(self.data.rows, self.data.rows))
            title.append(" · " + _("matrix by {rows}").format(rows=rows))
            if self.data.segment:
                segment = _("segment {name}").format(name=self.data.segment)
                title.append(f" · {segment}", style="bold")
            as_of = _("as of {day}").format(day=f"{k.as_of:%Y-%m-%d}")
            title.append(f" · {as_of}", style="dim")
        if self.busy:
            title.append("  " + _("loading…"), style="italic")
        self.query_one("#dashboard-title", Static).update(title)

    # --- keys -----------------------------------------------------------------------------

    def action_cycle_period(self) -> None:
        self.period = PERIOD_KINDS[(PERIOD_KINDS.index(self.period) + 1) % len(PERIOD_KINDS)]
        self.refresh_data(keep_panels=True)

    def action_cycle_window(self) -> None:
        current = self.data.window.label if self.data else self.window
        current = current if current in WINDOWS else WINDOWS[-1]
        self.window = WINDOWS[(WINDOWS.index(current) + 1) % len(WINDOWS)]
        self.refresh_data()

    def action_toggle_comparison(self) -> None:
        """Like for like ↔ the full previous period."""
        self.comparison = COMPARISONS[(COMPARISONS.index(self.comparison) + 1) % len(COMPARISONS)]
        self.refresh_data(keep_panels=True)

    def action_cycle_rows(self) -> None:
        keys = list(MATRIX_ROWS)
        self.rows = keys[(keys.index(self.rows) + 1) % len(keys)]
        self.refresh_data()

    @on_fresh_data
    def action_cycle_activity(self) -> None:
        """The next activity period; only the activity panel reloads."""
        i = ACTIVITY_PERIODS.index(self.activity_period)
        self.activity_period = ACTIVITY_PERIODS[(i + 1) % len(ACTIVITY_PERIODS)]
        ids = self.data.segment_ids if self.data else None
        self._reload_activity(self.activity_period, ids)

    @work(thread=True, exclusive=True, exit_on_error=False, group="activity")
    def _reload_activity(self, period: str, accounts: frozenset[str] | None) -> None:
        report, words = load_activity(self.portfolio, period, accounts)
        self.app.call_from_thread(self._activity_loaded, report, words)

    def _activity_loaded(self, report: ActivityReport, lever_words: str) -> None:
        if report.period.kind == self.activity_period:  # else a newer one is on its way
            self._show_activity(report, lever_words)

    @on_fresh_data
    def action_cycle_saved_segment(self) -> None:
        """Narrow the figures to the next saved segment, then to none again."""
        names = self.data.saved_segments if self.data else ()
        if not names:
            self.notify(_("No saved segment yet: on Portfolio, ctrl+s saves the filter as one."))
            return
        current = self.segment if self.segment in names else None
        self.segment = cycle(current, names)
        self.refresh_data()
