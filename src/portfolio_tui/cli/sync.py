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
from portfolio_tui.service.sync_text import (
    clock_text,
    counts_text,
    local_text,
    quote,
    size_text,
    stamp_text,
    value_text,
)

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio
    from portfolio_tui.service.sync import BundleSummary, FileReport


def register(groups: CommandGroups) -> None:
    """`export bundle` and `sync FILE...`."""
    p = groups.exports.add_parser(
        "bundle",
        help="write a sync bundle for your other laptops (or your manager)",
        description="Write the rows of this portfolio (all, or those written since DATE) to "
        "one bundle file that `portfolio sync` merges on another laptop.",
    )
    p.add_argument(
        "-o",
        "--output",
        type=file_or_stdio,
        metavar="FILE",
        help="where to write (default: <device id>-<UTC time>.pfbundle here; a directory "
        "gets that name inside it; - for standard output)",
    )
    p.add_argument(
        "--since",
        type=_since,
        metavar="DATE",
        help="only rows written on or after DATE (midnight local time, or DATE HH:MM)",
    )
    p.set_defaults(handler=cmd_export_bundle)

    p = groups.commands.add_parser(
        "sync",
        help="merge bundles from your other laptops",
        description="Merge bundles made by `portfolio export bundle`: each field keeps its "
        "latest edit, deletions carry over, calls, sales and stage changes add up. The "
        "database is backed up before anything is written.",
    )
    p.add_argument(
        "files",
        nargs="+",
        type=file_or_stdio,
        metavar="FILE",
        help="bundle files (- for standard input)",
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
    with binary_output_folder("a bundle") as folder:
        summary = pf.bundles.export_bundle(folder, args.since)
    # Standard output holds the bundle: what it holds is said on stderr.
    print(bundle_summary_text(summary, pf.tz, "standard output"), file=sys.stderr)
    return 0


def bundle_summary_text(summary: BundleSummary, tz: tzinfo, where: str) -> str:
    tables = counts_text(summary.counts) if summary.rows else "nothing to send"
    since = ""
    if summary.since:
        since = f", written since {local_text(summary.since, tz, seconds=True)}"
    return (
        f"bundle written to {where}: {summary.rows} rows{since} "
        f"({tables}), {size_text(summary.size)}, device {summary.device_id}"
    )


def cmd_sync(pf: Portfolio, args: argparse.Namespace) -> int:
    if sum(1 for f in args.files if f == STDIO) > 1:
        raise UserError("standard input can be read once: give - only once")
    with ExitStack() as stack:
        sources = [stack.enter_context(input_file(f)) for f in args.files]
        report = pf.bundles.sync([s.path for s in sources])
        for file in report.files:
            print(_shown(sync_file_text(file, pf.tz), sources))
            print()
    if report.backup is not None:
        print(f"backup of the database before the sync: {report.backup}")
    else:
        print("nothing to change: the database already holds all of it")
    return 0


def _shown(text: str, sources: list[InputFile]) -> str:
    for source in sources:
        text = source.shown(text)
    return text


def sync_file_text(file: FileReport, tz: tzinfo) -> str:
    """What one bundle brought: counts per table, conflicts resolved, rows left out."""
    own = " — this laptop's own bundle" if file.own else ""
    exported = stamp_text(file.exported_at, tz, seconds=True)
    lines = [
        f"{file.path}: from device {file.device_id}, exported {exported}{own}",
        f"  {'table':<12} {'inserted':>9} {'updated':>9} {'left alone':>11}",
    ]
    for table, tally in file.tallies.items():
        lines.append(f"  {table:<12} {tally.inserted:>9} {tally.updated:>9} {tally.unchanged:>11}")
    if file.conflicts:
        lines.append(f"  conflicts resolved ({len(file.conflicts)}), the later edit kept:")
        for c in file.conflicts:
            record = (
                f"{c.table} {quote(c.label)} ({c.row_id[:8]})"
                if c.label
                else (f"{c.table} {c.row_id[:8]}")
            )
            here = clock_text(c.local_clock, tz, seconds=True)
            there = clock_text(c.incoming_clock, tz, seconds=True)
            lines.append(
                f"    {record} {c.field}: here {value_text(c.local_value)} ({here}), "
                f"bundle {value_text(c.incoming_value)} ({there}) → kept "
                f"{value_text(c.winning_value)} ({'here' if c.winner == 'local' else 'bundle'})"
            )
    if file.orphans:
        lines.append(f"  left out, their parent is missing ({len(file.orphans)}):")
        for o in file.orphans:
            name = f" {quote(o.label)}" if o.label else ""
            lines.append(
                f"    {o.table}{name} ({o.row_id[:8]}): {o.column} {o.parent_id[:8]} is in "
                f"neither this database nor the bundle; sync a full bundle to bring it"
            )
    return "\n".join(lines)
