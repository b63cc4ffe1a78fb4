"""The `export bundle` and `sync` commands."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from portfolio_tui.cli.stdio import InputFile, binary_output_folder, input_file
from portfolio_tui.cli.types import STDIO, CommandGroups, file_or_stdio
from portfolio_tui.errors import UserError
from portfolio_tui.i18n import _
from portfolio_tui.service.sync_text import (
    SHOWN_LINES,
    counts_text,
    local_text,
    size_text,
    sync_file_text,
)

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio
    from portfolio_tui.service.sync import BundleSummary


def register(groups: CommandGroups) -> None:
    """`export bundle` and `sync FILE...`."""
    p = groups.exports.add_parser(
        "bundle",
        help=_("write a sync bundle for your other laptops (or your manager)"),
        description=_(
            "Write the rows of this portfolio (all, or those written since DATE) to "
            "one bundle file that `portfolio sync` merges on another laptop."
        ),
    )
    p.add_argument(
        "-o",
        "--output",
        type=file_or_stdio,
        metavar="FILE",
        help=_(
            "where to write (default: <device id>-<UTC time>.pfbundle here; a directory "
            "gets that name inside it; - for standard output)"
        ),
    )
    p.add_argument(
        "--since",
        type=_since,
        metavar="DATE",
        help=_("only rows written on or after DATE (midnight local time, or DATE HH:MM)"),
    )
    p.set_defaults(handler=cmd_export_bundle)

    p = groups.commands.add_parser(
        "sync",
        help=_("merge bundles from your other laptops"),
        description=_(
            "Merge bundles made by `portfolio export bundle`: each field keeps its "
            "latest edit, deletions carry over, calls, sales and stage changes add up. The "
            "database is backed up before anything is written."
        ),
    )
    p.add_argument(
        "files",
        nargs="+",
        type=file_or_stdio,
        metavar="FILE",
        help=_("bundle files (- for standard input)"),
    )
    p.add_argument(
        "--all-conflicts",
        action="store_true",
        help=_(
            "list every conflict, fact kept and row left out (default: the first "
            "{count} of each, then how many more)"
        ).format(count=SHOWN_LINES),
    )
    p.set_defaults(handler=cmd_sync)


def _since(text: str) -> date | datetime:
    """A day (2026-11-20, 20/11/2026) or an ISO time (2026-11-20 14:00), local time."""
    from portfolio_tui.domain.dates import parse_calendar_date

    text = text.strip()
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            return parse(text)
        except ValueError:
            pass
    try:
        return parse_calendar_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_export_bundle(pf: Portfolio, args: argparse.Namespace) -> int:
    if args.output != STDIO:
        summary = pf.bundles.export_bundle(args.output, args.since)
        print(bundle_summary_text(summary, pf.tz, str(summary.path)))
        return 0
    with binary_output_folder(_("a bundle")) as folder:
        summary = pf.bundles.export_bundle(folder, args.since)
    # Standard output holds the bundle: what it holds is said on stderr.
    print(bundle_summary_text(summary, pf.tz, _("standard output")), file=sys.stderr)
    return 0


def bundle_summary_text(summary: BundleSummary, tz: tzinfo, where: str) -> str:
    tables = counts_text(summary.counts) if summary.rows else _("nothing to send")
    since = ""
    if summary.since:
        moment = local_text(summary.since, tz, seconds=True)
        since = _(", written since {time}").format(time=moment)
    return _(
        "bundle written to {where}: {rows} rows{since} ({tables}), {size}, device {device}"
    ).format(
        where=where,
        rows=summary.rows,
        since=since,
        tables=tables,
        size=size_text(summary.size),
        device=summary.device_id,
    )


def cmd_sync(pf: Portfolio, args: argparse.Namespace) -> int:
    if sum(1 for f in args.files if f == STDIO) > 1:
        raise UserError(_("standard input can be read once: give - only once"))
    with ExitStack() as stack:
        sources = [stack.enter_context(input_file(f)) for f in args.files]
        report = pf.bundles.sync([s.path for s in sources])
        for file in report.files:
            text = sync_file_text(file, pf.tz, all_conflicts=args.all_conflicts)
            print(_shown(text, sources))
            print()
    if report.backup is not None:
        print(_("backup of the database before the sync: {path}").format(path=report.backup))
    else:
        print(_("nothing to change: the database already holds all of it"))
    return 0


def _shown(text: str, sources: list[InputFile]) -> str:
    for source in sources:
        text = source.shown(text)
    return text
