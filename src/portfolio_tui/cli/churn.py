"""`report clv`: who is still a client, by the BG/NBD model of their orders."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date
from typing import IO, TYPE_CHECKING

from portfolio_tui.cli.output import table
from portfolio_tui.cli.readable import money_text, percent_text
from portfolio_tui.cli.types import CommandGroups, add_format_option, calendar_date
from portfolio_tui.domain.clv import (
    DEGENERATE,
    NO_CONVERGENCE,
    NON_FINITE,
    TOO_FEW_REPEAT_CLIENTS,
    TOO_SHORT,
)
from portfolio_tui.i18n import N_, _, current_language
from portfolio_tui.i18n import formats as fmt

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio
    from portfolio_tui.service.churn import ClvReport

CLV_CSV_COLUMNS = (
    "account_id",
    "name",
    "orders",
    "repeat_orders",
    "recency_weeks",
    "age_weeks",
    "p_alive",
    "expected_orders_90d",
)
WHY_NO_FIT = {
    TOO_FEW_REPEAT_CLIENTS: N_("fewer than 20 clients with a repeat order"),
    TOO_SHORT: N_("the history is too short"),
    NO_CONVERGENCE: N_("the fit did not converge"),
    NON_FINITE: N_("the fit gave no finite likelihood"),
    DEGENERATE: N_("the best fit is degenerate (a parameter ran off to 0 or infinity)"),
}


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text!r} is not a number").format(text=text)) from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(
            _("{text} must be a number of at least 0").format(text=text)
        )
    return value


def register(groups: CommandGroups) -> None:
    p = groups.report.add_parser(
        "clv", help=_("who is still a client: P(alive) and the orders to expect in 90 days")
    )
    p.add_argument(
        "--as-of",
        type=calendar_date,
        help=_("the day the model is fitted at: 2026-11-22 or 22/11/2026 (default: today)"),
    )
    p.add_argument(
        "--penalizer",
        type=non_negative_float,
        help=_(
            "L2 penalty of the fit; 0 is plain maximum likelihood (default from settings: 0.01)"
        ),
    )
    add_format_option(p, ("table", "csv", "json"))
    p.set_defaults(handler=cmd_report_clv)


def cmd_report_clv(pf: Portfolio, args: argparse.Namespace) -> int:
    report = pf.churn.clv_report(as_of=args.as_of, penalizer=args.penalizer)
    if args.format == "json":
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    elif report.fit.params is None:
        # Scripts reading CSV get nothing on stdout rather than a sentence to parse.
        print(no_fit_line(report), file=sys.stderr if args.format == "csv" else sys.stdout)
    elif args.format == "csv":
        clv_csv(report, sys.stdout)
    else:
        print(clv_table(report))
    return 0


def no_fit_line(report: ClvReport) -> str:
    why = WHY_NO_FIT.get(report.fit.reason or "", report.fit.reason or "")
    return _(
        "No P(alive) at {day}: {why} ({clients} clients, {repeat} with a repeat order)."
    ).format(
        day=report.as_of.isoformat(),
        why=_(why),
        clients=report.fit.clients,
        repeat=report.fit.repeat_clients,
    )


def clv_csv(report: ClvReport, out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CLV_CSV_COLUMNS)
    for row in report.clients:
        writer.writerow(
            (
                row.account_id,
                row.name,
                row.orders,
                row.repeat_orders,
                f"{row.recency_weeks:.4f}",
                f"{row.age_weeks:.4f}",
                "" if row.p_alive is None else f"{row.p_alive:.6f}",
                "" if row.expected_orders_90d is None else f"{row.expected_orders_90d:.6f}",
            )
        )


def _decimal(value: float, places: int) -> str:
    """ "90.6" in English (as scripts read it), "90,6" in French."""
    return f"{value:.{places}f}" if current_language() == "en" else fmt.number(value, places)


def clv_table(report: ClvReport) -> str:
    params = report.fit.params
    assert params is not None  # the caller says so without a fit
    head = _("BG/NBD at {day}: r={r:.4g} α={alpha:.4g} a={a:.4g} b={b:.4g} ({clients} clients)")
    body = [
        (
            row.name,
            row.orders,
            _decimal(row.recency_weeks, 1),
            _decimal(row.age_weeks, 1),
            "" if row.p_alive is None else percent_text(row.p_alive, 0),
            "" if row.expected_orders_90d is None else _decimal(row.expected_orders_90d, 2),
        )
        for row in report.clients
    ]
    headers = (
        _("account"),
        _("orders"),
        _("recency (wk)"),
        _("age (wk)"),
        _("P(alive)"),
        _("orders in 90 d"),
    )
    line = head.format(
        day=report.as_of.isoformat(),
        r=params.r,
        alpha=params.alpha,
        a=params.a,
        b=params.b,
        clients=report.fit.clients,
    )
    return line + "\n\n" + table(headers, body, right={1, 2, 3, 4, 5})


# --- the churn rows of `report kpis` ----------------------------------------------------------


def churn_kpi_text(pf: Portfolio, as_of: date) -> str:
    """The revenue at risk, its heaviest clients, and the book in four years with the sentence."""
    settings = pf.settings

    def money(cents: int) -> str:
        return money_text(cents, settings)  # "12 345,67 €" in French

    risk = pf.churn.weighted_churn_risk(as_of)
    if risk is None:
        lines = [_("Weighted churn risk: no P(alive), the book can't be fitted")]
    else:
        lines = [
            _("Weighted churn risk (last 12 months): {amount}").format(amount=money(risk.total))
        ]
        top = [(r.name, money(r.risk), percent_text(r.share, 0)) for r in risk.top]
        lines += [table((_("account"), _("at risk"), _("share")), top, right={1, 2})]
    projection = pf.churn.projection(as_of)
    if projection is None:
        return "\n".join([*lines, _("Projection: no complete year with clients at its start")])
    lines += [
        "",
        _("The book in four years: {sentence}").format(
            sentence=pf.churn.projection_sentence(projection)
        ),
    ]
    headers = (_("year"), _("clients"), _("without new"), _("revenue"), _("without new"))
    body = [
        (
            y.year,
            _decimal(y.clients, 1),
            _decimal(y.clients_without_new, 1),
            money(y.revenue),
            money(y.revenue_without_new),
        )
        for y in projection.years
    ]
    return "\n".join([*lines, table(headers, body, right={1, 2, 3, 4})])
