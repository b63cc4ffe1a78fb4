"""`report clients` and `report kpis`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from portfolio_tui.cli.churn import churn_kpi_text
from portfolio_tui.cli.output import (
    client_rows_csv,
    client_rows_json,
    client_rows_table,
    kpis_text,
)
from portfolio_tui.cli.types import CommandGroups, add_format_option, calendar_date
from portfolio_tui.i18n import N_, _

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio

# Marked here, translated where the parser is built (after the language is chosen).
AS_OF_HELP = N_("the day the figures are computed at: 2026-11-22 or 22/11/2026 (default: today)")
SEGMENT_HELP = N_("only the accounts of this saved segment (portfolio segment list)")
PREVIOUS = {"like": "like_for_like", "full": "full"}


def register(groups: CommandGroups) -> None:
    p = groups.report.add_parser("clients", help=_("every account with revenue, ABC and RFM"))
    p.add_argument("--as-of", type=calendar_date, help=_(AS_OF_HELP))
    p.add_argument("--window", help=_("12m, 24m, Nm or all (default from settings: 12m)"))
    p.add_argument(
        "--by",
        choices=("revenue", "margin"),
        default="revenue",
        help=_("what ABC ranks by (default: revenue)"),
    )
    add_format_option(p, ("table", "csv", "json"))
    p.add_argument("--segment", metavar="NAME", help=_(SEGMENT_HELP))
    p.set_defaults(handler=cmd_report_clients)

    p = groups.report.add_parser(
        "kpis", help=_("portfolio KPIs for a period against the one before")
    )
    p.add_argument("--as-of", type=calendar_date, help=_(AS_OF_HELP))
    p.add_argument(
        "--period",
        choices=("year", "quarter", "month"),
        default="year",
        help=_("the calendar period of the as-of day, to date (default: year)"),
    )
    p.add_argument(
        "--rows", default="abc", help=_("matrix rows: abc or an account field (sector…)")
    )
    p.add_argument(
        "--previous",
        choices=tuple(PREVIOUS),
        default="like",
        help=_(
            "compare with the same days of the previous period (like, the default) or all of "
            "it (full)"
        ),
    )
    add_format_option(p, ("table", "json"))
    p.add_argument("--segment", metavar="NAME", help=_(SEGMENT_HELP))
    p.set_defaults(handler=cmd_report_kpis)


def cmd_report_clients(pf: Portfolio, args: argparse.Namespace) -> int:
    rows = pf.reports.client_report(
        as_of=args.as_of, window=args.window, by=args.by, segment=args.segment
    )
    if args.format == "csv":
        client_rows_csv(rows, sys.stdout)
    elif args.format == "json":
        print(json.dumps(client_rows_json(rows), indent=2, ensure_ascii=False))
    else:
        print(client_rows_table(rows, pf.settings))
    return 0


def cmd_report_kpis(pf: Portfolio, args: argparse.Namespace) -> int:
    kpis = pf.reports.kpi_report(
        as_of=args.as_of,
        period=args.period,
        rows=args.rows,
        segment=args.segment,
        previous=PREVIOUS[args.previous],
    )
    if args.format == "json":
        print(json.dumps(pf.churn.kpi_report_json(kpis), indent=2, ensure_ascii=False))
    else:
        print(kpis_text(kpis, pf.settings))
        print()
        print(churn_kpi_text(pf, kpis.as_of))
    return 0
