"""Who is slipping away: the BG/NBD fit of the book (`domain.clv`), the revenue at risk, the
A clients in danger, and the book in four years (`domain.projection`).

The fit is computed once per (as_of, penalizer) and sales version (`store/derived.py`): kept in
`Core.churn_cache` and in the file, so neither a write that leaves the sales alone (a call
logged, a follow-up planned) nor a new process computes it again.
A client in danger is an A client with P(alive) below `churn_p_alive` or whose revenue over the
last 12 months is down more than `churn_revenue_drop` on the 12 months before. Each reason has
a start day: the day P(alive) fell below the threshold (it only falls while no order comes, so
it is found by bisection on the day), or the first day of the unbroken run of days, back to a
year, on which the revenue drop held. A reason stays until the rep logs an interaction or
plans a follow-up on or after its start day.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from itertools import accumulate
from typing import Any

from portfolio_tui.domain.clv import (
    BgNbdParams,
    ClientClv,
    ClvFit,
    ClvResult,
    p_alive,
    score_clients,
    weighted_churn_risk,
)
from portfolio_tui.domain.kpis import Kpis
from portfolio_tui.domain.projection import PROJECTED_YEARS, BookProjection, project_book
from portfolio_tui.domain.stages import Stage
from portfolio_tui.domain.text import sort_key
from portfolio_tui.errors import UserError
from portfolio_tui.i18n import _
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.service.core import Core
from portfolio_tui.service.derived import clv_from_json, clv_to_json, kept, kept_read
from portfolio_tui.service.reports import ReportCases
from portfolio_tui.service.views import AtRiskItem
from portfolio_tui.store import churn_queries, queries

P_ALIVE_LOW = "p_alive_low"
REVENUE_DROP = "revenue_drop"
_DROP_LOOKBACK_DAYS = 365  # how far back the start of a revenue drop is looked for


@dataclass(frozen=True, slots=True)
class ClvRow:
    """One client of `report clv`: its BG/NBD triple and, with a fit, its scores."""

    account_id: str
    name: str
    orders: int
    repeat_orders: int
    recency_weeks: float
    age_weeks: float
    p_alive: float | None
    expected_orders_90d: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "name": self.name,
            "orders": self.orders,
            "repeat_orders": self.repeat_orders,
            "recency_weeks": round(self.recency_weeks, 4),
            "age_weeks": round(self.age_weeks, 4),
            "p_alive": _rounded(self.p_alive),
            "expected_orders_90d": _rounded(self.expected_orders_90d),
        }


@dataclass(frozen=True, slots=True)
class ClvReport:
    """The fit of the book at as_of, or the reason code there is none, and every client."""

    as_of: date
    penalizer: float
    fit: ClvFit
    clients: tuple[ClvRow, ...]  # by P(alive) ascending, then name; by name without a fit

    def to_json(self) -> dict[str, Any]:
        params = self.fit.params
        return {
            "as_of": self.as_of.isoformat(),
            "penalizer": self.penalizer,
            "params": None if params is None else _params_json(params),
            "reason": self.fit.reason,
            "log_likelihood": self.fit.log_likelihood,
            "clients": [row.to_json() for row in self.clients],
        }


@dataclass(frozen=True, slots=True)
class RiskShare:
    account_id: str
    name: str
    risk: int  # cents: (1 − P(alive)) × revenue of the last 12 months
    share: float  # of the weighted churn risk

    def to_json(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "name": self.name,
            "risk": self.risk,
            "share": self.share,
        }


@dataclass(frozen=True, slots=True)
class Alert:
    """Why an A client is in danger by its sales alone: (reason code, start day) of each
    reason, its P(alive), and its revenue of the last 12 months and of the 12 before (cents)."""

    reasons: tuple[tuple[str, date], ...]
    p_alive: float | None
    revenue_now: int
    revenue_before: int


@dataclass(frozen=True, slots=True)
class ChurnRiskReport:
    """Σ (1 − P(alive)) × revenue of the last 12 months, and the ten accounts weighing most."""

    total: int  # cents
    top: tuple[RiskShare, ...]


class ChurnCases:
    """The churn use cases, exposed as `pf.churn`."""

    core: Core
    reports: ReportCases

    def __init__(self, core: Core, reports: ReportCases) -> None:
        self.core = core
        self.reports = reports

    def scores(self, as_of: date | None = None, penalizer: float | None = None) -> ClvResult:
        """The fit and every client's scores at as_of: computed once per sales version, kept
        in memory and in the file (`service/derived.py`) for the next process."""
        as_of = as_of or self.core.today()
        penalizer = self._penalizer(penalizer)
        version = self.core.fresh_caches()
        key = (version, as_of, penalizer)
        cached = self.core.churn_cache.get(key)
        if cached is None:
            cached = kept(
                self.core, "clv", f"{as_of.isoformat()}|{penalizer!r}", version,
                lambda: self._fit(as_of, penalizer), clv_to_json, clv_from_json,
            )  # fmt: skip
            self.core.churn_cache[key] = cached
        return cached

    def _fit(self, as_of: date, penalizer: float) -> ClvResult:
        with self.core.db.raw() as conn:
            histories = churn_queries.order_histories(conn, as_of)
        return score_clients(histories, as_of, penalizer)

    def clv_report(self, as_of: date | None = None, penalizer: float | None = None) -> ClvReport:
        """`report clv`: every client with an order up to as_of."""
        as_of = as_of or self.core.today()
        penalizer = self._penalizer(penalizer)
        result = self.scores(as_of, penalizer)
        with self.core.db.raw() as conn:
            names = {account_id: name for account_id, name, _ in queries.account_names_stages(conn)}
        rows = [_clv_row(client, names.get(client.account_id, "")) for client in result.clients]
        rows.sort(key=lambda row: (_alive_rank(row.p_alive), sort_key(row.name), row.account_id))
        return ClvReport(as_of, penalizer, result.fit, tuple(rows))

    def p_alive_by_account(self, as_of: date | None = None) -> dict[str, float]:
        """P(alive) of every client with an order up to as_of; empty when the book can't be
        fitted (the Account card and the Portfolio column show nothing then)."""
        result = self.scores(as_of)
        return {c.account_id: c.p_alive for c in result.clients if c.p_alive is not None}

    def weighted_churn_risk(self, as_of: date | None = None) -> ChurnRiskReport | None:
        """The revenue at risk over the last 12 months; None when the book can't be fitted.
        Kept per sales version (`derived.kept_read`), as the projection."""
        day = as_of or self.core.today()
        return kept_read(self.core, "churn_risk", (day,), (), lambda: self._churn_risk(day))

    def _churn_risk(self, as_of: date) -> ChurnRiskReport | None:
        alive = self.p_alive_by_account(as_of)
        if not alive:
            return None
        figures = self.reports.figures(self.reports.window(as_of, "12m"))
        risk = weighted_churn_risk(alive, {f.account_id: f.revenue for f in figures})
        names = {f.account_id: f.name for f in figures}
        top = tuple(
            RiskShare(r.account_id, names[r.account_id], r.risk_cents, r.share) for r in risk.top
        )
        return ChurnRiskReport(risk.total_cents, top)

    def projection(self, as_of: date | None = None) -> BookProjection | None:
        """The book in four years; None without a complete year that had clients at its start."""
        day = as_of or self.core.today()
        return kept_read(self.core, "projection", (day,), (), lambda: self._projection(day))

    def _projection(self, as_of: date) -> BookProjection | None:
        def read() -> dict[str, dict[int, int]]:
            with self.core.db.raw() as conn:
                return churn_queries.yearly_revenue(conn, as_of)

        version = self.core.fresh_caches()  # the yearly revenue is kept per sales version
        revenue = kept(self.core, "yearly", as_of.isoformat(), version, read, _years_to_json,
                       _years_from_json)  # fmt: skip
        return project_book({k: v.keys() for k, v in revenue.items()}, revenue, as_of)

    def kpi_json(self, as_of: date | None = None) -> dict[str, Any]:
        """The keys `report kpis` JSON gains: weighted_churn_risk (cents, None without a fit),
        churn_risk_top (ten clients with their share) and projection (None without history)."""
        risk = self.weighted_churn_risk(as_of)
        projection = self.projection(as_of)
        return {
            "weighted_churn_risk": None if risk is None else risk.total,
            "churn_risk_top": [] if risk is None else [r.to_json() for r in risk.top],
            "projection": None if projection is None else projection.to_json(),
        }

    def kpi_report_json(self, kpis: Kpis) -> dict[str, Any]:
        """`report kpis --format json`: the KPIs (`ReportCases.kpi_report`), then `kpi_json` at
        their as_of (over the whole book, whatever segment the KPIs cover)."""
        return {**kpis.to_dict(), **self.kpi_json(kpis.as_of)}

    def clients_in_danger(self, as_of: date | None = None) -> list[AtRiskItem]:
        """The A clients in danger at as_of (module docstring), most recent alert first."""
        as_of = as_of or self.core.today()
        alerts = self.alerts(as_of)
        if not alerts:
            return []
        with self.core.db.raw() as conn:
            touches = churn_queries.last_touches(conn, alerts)
            accounts = {a[0]: a for a in queries.account_names_stages(conn)}
        items = []
        for account_id, alert in alerts.items():
            touch = touches.get(account_id)
            touched = self.core.local(touch).date() if touch else None
            live = [(c, since) for c, since in alert.reasons if touched is None or touched < since]
            _id, name, stage = accounts.get(account_id, (account_id, "", Stage.LOST.value))
            if live and stage != Stage.LOST.value:  # a lost account is known to be gone
                items.append(_item(account_id, name, stage, live, alert))
        items.sort(key=lambda i: (-i.since.toordinal(), sort_key(i.account_name), i.account_id))
        return items

    def alerts(self, as_of: date) -> dict[str, Alert]:
        """The A clients with a reason to be in danger at as_of, whatever the rep did since:
        what the sales alone say, kept per sales version and settings (`service/derived.py`)."""
        settings = self.core.settings
        version = self.core.fresh_caches()
        key = "|".join(
            map(repr, (as_of.isoformat(), self._penalizer(None), settings.churn_p_alive,
                       settings.churn_revenue_drop, settings.window, settings.abc_a,
                       settings.abc_b))
        )  # fmt: skip
        return kept(
            self.core, "alerts", key, version, lambda: self._alerts(as_of), alerts_to_json,
            alerts_from_json,
        )  # fmt: skip

    def _alerts(self, as_of: date) -> dict[str, Alert]:
        abc, _rfm = self.reports.badges(self.reports.window(as_of))
        a_clients = [r.account_id for r in abc.ranked if r.abc_class == "A"]
        if not a_clients:
            return {}
        result = self.scores(as_of)
        clients = {c.account_id: c for c in result.clients}
        start = years_back(as_of - timedelta(days=_DROP_LOOKBACK_DAYS), 2)
        with self.core.db.raw() as conn:
            daily = churn_queries.daily_revenue(conn, a_clients, start, as_of)
        alerts = {}
        for account_id in a_clients:
            client, days = clients.get(account_id), daily.get(account_id, [])
            reasons = self._reasons(result.fit.params, client, days, as_of)
            if reasons:
                alive = client.p_alive if client else None
                alerts[account_id] = Alert(tuple(reasons), alive, *_two_years(days, as_of))
        return alerts

    def projection_sentence(self, projection: BookProjection) -> str:
        """ "without prospecting, −48 % of clients in 4 years", from the rep's own figures."""
        loss = fmt.percent(projection.loss_in_four_years, 0)
        return _("without prospecting, −{loss} of clients in {years} years").format(
            loss=loss, years=PROJECTED_YEARS
        )

    # --- helpers ------------------------------------------------------------------------------

    def _penalizer(self, penalizer: float | None) -> float:
        value = self.core.settings.churn_penalizer if penalizer is None else penalizer
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            raise UserError(f"penalizer: {penalizer!r} is not a number of at least 0")
        return float(value)

    def _reasons(
        self,
        params: BgNbdParams | None,
        client: ClientClv | None,
        daily: Sequence[tuple[date, int]],
        as_of: date,
    ) -> list[tuple[str, date]]:
        """(reason code, start day) of each alert that holds at as_of."""
        settings = self.core.settings
        reasons = []
        alive = None if client is None else client.p_alive
        if params and client and alive is not None and alive < settings.churn_p_alive:
            reasons.append(
                (P_ALIVE_LOW, p_alive_fell_on(params, client, as_of, settings.churn_p_alive))
            )
        drop = Fraction(str(settings.churn_revenue_drop))
        since_drop = revenue_drop_since(daily, as_of, drop)
        if since_drop is not None:
            reasons.append((REVENUE_DROP, since_drop))
        return reasons


# --- the start of an alert --------------------------------------------------------------------


def p_alive_fell_on(params: BgNbdParams, client: ClientClv, as_of: date, threshold: float) -> date:
    """The first day P(alive) was below `threshold`, given it is at as_of: P(alive) falls as
    the age T grows with x and t_x fixed, so bisect on the days since the last order."""
    x, t_x = client.repeat_orders, client.recency_weeks
    first_order = as_of - timedelta(days=round(client.age_weeks * 7))
    last_order = first_order + timedelta(days=round(t_x * 7))

    def below(day: date) -> bool:
        return p_alive(params, x, t_x, (day - first_order).days / 7) < threshold

    low, high = last_order.toordinal(), as_of.toordinal()  # below(high) holds
    if below(last_order):
        return last_order
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if below(date.fromordinal(middle)) else (middle, high)
    return date.fromordinal(high)


def revenue_drop_since(
    daily: Sequence[tuple[date, int]], as_of: date, drop: Fraction
) -> date | None:
    """The first day of the unbroken run of days up to as_of on which the revenue of the last
    12 months was down more than `drop` on the 12 months before (back to a year); None when it
    is not down at as_of. `daily` is (day, cents) in day order."""
    days = [day for day, _amount in daily]
    totals = [0, *accumulate(amount for _day, amount in daily)]

    def up_to(day: date) -> int:
        return totals[bisect_right(days, day)]

    def dropped(day: date) -> bool:
        year_ago, two_years_ago = years_back(day, 1), years_back(day, 2)
        now, before = up_to(day) - up_to(year_ago), up_to(year_ago) - up_to(two_years_ago)
        return before > 0 and now < before * (1 - drop)

    if not dropped(as_of):
        return None
    since = as_of
    for back in range(1, _DROP_LOOKBACK_DAYS + 1):
        day = as_of - timedelta(days=back)
        if not dropped(day):
            break
        since = day
    return since


# --- plain helpers ----------------------------------------------------------------------------


def years_back(day: date, years: int) -> date:
    """`day` so many years earlier, 29 February becoming the 28th: what subtracting
    relativedelta(months=12 × years) gives, ten times faster (it ran ~60,000 times a load)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _item(
    account_id: str, name: str, stage: str, reasons: list[tuple[str, date]], alert: Alert
) -> AtRiskItem:
    codes = tuple(code for code, _since in reasons)
    return AtRiskItem(
        account_id=account_id,
        account_name=name,
        stage=stage,
        abc="A",
        reasons=codes,
        title=_reason_text(codes, alert.p_alive, alert.revenue_now, alert.revenue_before),
        p_alive=alert.p_alive,
        revenue_now=alert.revenue_now,
        revenue_before=alert.revenue_before,
        since=min(since for _code, since in reasons),
    )


def alerts_to_json(alerts: dict[str, Alert]) -> dict[str, Any]:
    return {
        account_id: [[[code, since.isoformat()] for code, since in a.reasons], a.p_alive,
                     a.revenue_now, a.revenue_before]
        for account_id, a in alerts.items()
    }  # fmt: skip


def alerts_from_json(data: dict[str, Any]) -> dict[str, Alert]:
    return {
        account_id: Alert(
            tuple((code, date.fromisoformat(since)) for code, since in reasons),
            None if alive is None else float(alive), int(now), int(before),
        )
        for account_id, (reasons, alive, now, before) in data.items()
    }  # fmt: skip


def _two_years(daily: Sequence[tuple[date, int]], as_of: date) -> tuple[int, int]:
    """Revenue of the last 12 months and of the 12 months before (cents)."""
    year_ago, two_years_ago = years_back(as_of, 1), years_back(as_of, 2)
    now = sum(amount for day, amount in daily if year_ago < day <= as_of)
    before = sum(amount for day, amount in daily if two_years_ago < day <= year_ago)
    return now, before


def _reason_text(codes: tuple[str, ...], alive: float | None, now: int, before: int) -> str:
    parts = []
    if P_ALIVE_LOW in codes and alive is not None:
        parts.append(_("P(alive) {p}").format(p=fmt.percent(alive, 0)))
    if REVENUE_DROP in codes and before > 0:
        change = fmt.percent((now - before) / before, 0)
        parts.append(_("revenue {change} on the 12 months before").format(change=change))
    return " · ".join(parts)


def _years_to_json(revenue: dict[str, dict[int, int]]) -> dict[str, list[list[int]]]:
    return {account_id: [[y, cents] for y, cents in years.items()] for account_id, years in
            revenue.items()}  # fmt: skip


def _years_from_json(data: dict[str, list[list[int]]]) -> dict[str, dict[int, int]]:
    return {account_id: {int(y): int(cents) for y, cents in years} for account_id, years in
            data.items()}  # fmt: skip


def _clv_row(client: ClientClv, name: str) -> ClvRow:
    return ClvRow(
        account_id=client.account_id,
        name=name,
        orders=client.orders,
        repeat_orders=client.repeat_orders,
        recency_weeks=client.recency_weeks,
        age_weeks=client.age_weeks,
        p_alive=client.p_alive,
        expected_orders_90d=client.expected_orders_90d,
    )


def _alive_rank(value: float | None) -> float:
    return math.inf if value is None else value


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _params_json(params: BgNbdParams) -> dict[str, float]:
    return {"r": params.r, "alpha": params.alpha, "a": params.a, "b": params.b}
