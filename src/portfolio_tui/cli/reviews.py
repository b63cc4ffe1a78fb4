"""`review week|month|quarter`: the document a rep hands their manager."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from portfolio_tui.cli.types import STDIO, CommandGroups, calendar_date, file_or_stdio
from portfolio_tui.i18n import _

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio


def register(groups: CommandGroups) -> None:
    p = groups.commands.add_parser(
        "review", help=_("the weekly, monthly or quarterly review, as HTML or Markdown")
    )
    p.add_argument(
        "cadence",
        choices=("week", "month", "quarter"),
        help=_("week: pipeline and activity; month: + forecast and KPIs; quarter: account review"),
    )
    p.add_argument(
        "--as-of",
        type=calendar_date,
        help=_("the last day covered: 2026-11-22 or 22/11/2026 (default: today)"),
    )
    p.add_argument("--segment", metavar="NAME", help=_("only the accounts of this saved segment"))
    p.add_argument(
        "-o",
        "--output",
        type=file_or_stdio,
        metavar="FILE",
        help=_("write to FILE: HTML when it ends in .html, else Markdown (default or -: stdout)"),
    )
    p.set_defaults(handler=cmd_review)


def cmd_review(pf: Portfolio, args: argparse.Namespace) -> int:
    if args.output is None or args.output == STDIO:
        sys.stdout.write(pf.reviews.review_text(args.cadence, args.as_of, segment=args.segment))
        return 0
    assert isinstance(args.output, Path)
    path = pf.reviews.write_review(args.output, args.cadence, args.as_of, segment=args.segment)
    print(_("wrote {path}").format(path=path))
    return 0
