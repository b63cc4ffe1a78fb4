"""`report clients` and `report kpis`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from portfolio_tui.cli.output import (
    client_rows_csv,
    client_rows_json,
    client_rows_table,
    kpis_text,
)
from portfolio_tui.cli.types import CommandGroups, add_format_option, calendar_date

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio

AS_OF_HELP = "the day the figures are computed at: 2026-11-22 or 22/11/2026 (default: today)"


def register(groups: CommandGroups) -> None:
    p = groups.report.add_parser("clients", help="every account with revenue, ABC and RFM")
    p.add_argument("--as-of", type=calendar_date, help=AS_OF_HELP)
    p.add_argument("--window", help="12m, 24m, Nm or all (default from settings: 12m)")
    p.add_argument(
        "--by",
        choices=("revenue", "margin"),
        default="revenue",
        help="what ABC ranks by (default: revenue)",
    )
    add_format_option(p, ("table", "csv", "json"))
    p.set_defaults(handler=cmd_report_clients)

    p = groups.report.add_parser("kpis", help="portfolio KPIs for a period against the one before")
    p.add_argument("--as-of", type=calendar_date, help=AS_OF_HELP)
    p.add_argument(
        "--period",
        choices=("year", "quarter", "month"),
        default="year",
        help="the calendar period of the as-of day, to date (default: year)",
    )
    p.add_argument("--rows", default="abc", help="matrix rows: abc or an account field (sector…)")
    add_format_option(p, ("table", "json"))
    p.set_defaults(handler=cmd_report_kpis)


def cmd_report_clients(pf: Portfolio, args: argparse.Namespace) -> int:
    rows = pf.reports.client_report(as_of=args.as_of, window=args.window, by=args.by)
    if args.format == "csv":
        client_rows_csv(rows, sys.stdout)
    elif args.format == "json":
        print(json.dumps(client_rows_json(rows), indent=2, ensure_ascii=False))
    else:
        print(client_rows_table(rows, pf.settings))
    return 0


def cmd_report_kpis(pf: Portfolio, args: argparse.Namespace) -> int:
    kpis = pf.reports.kpi_report(as_of=args.as_of, period=args.period, rows=args.rows)
    if args.format == "json":
        print(json.dumps(kpis.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(kpis_text(kpis, pf.settings))
    return 0
