"""The `export bundle` and `sync` commands."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

MAX_VALUE = 40


def register(sub: argparse._SubParsersAction, export_sub: argparse._SubParsersAction) -> None:
    """Add `sync FILE...` and `export bundle` to the `portfolio` parser."""
    p = export_sub.add_parser(
        "bundle",
        help="write a sync bundle for your other laptops (or your manager)",
        description="Write the rows of this portfolio (all, or those written since DATE) to "
        "one bundle file that `portfolio sync` merges on another laptop.",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="where to write (default: <device id>-<UTC time>.pfbundle here; a directory "
        "gets that name inside it)",
    )
    p.add_argument(
        "--since",
        type=_since,
        metavar="DATE",
        help="only rows written on or after DATE (midnight local time, or DATE HH:MM)",
    )
    p.set_defaults(handler=cmd_export_bundle)

    p = sub.add_parser(
        "sync",
        help="merge bundles from your other laptops",
        description="Merge bundles made by `portfolio export bundle`: each field keeps its "
        "latest edit, deletions carry over, calls, sales and stage changes add up. The "
        "database is backed up before anything is written.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
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


def cmd_export_bundle(pf, args) -> int:
    summary = pf.export_bundle(args.output, args.since)
    tables = ", ".join(f"{n} {table}" for table, n in summary.counts.items() if n)
    since = f", written since {_local(summary.since, pf.tz)}" if summary.since else ""
    print(
        f"bundle written to {summary.path}: {summary.rows} rows{since} "
        f"({tables or 'nothing to send'}), {_size(summary.size)}, device {summary.device_id}"
    )
    return 0


def cmd_sync(pf, args) -> int:
    report = pf.sync(args.files)
    for file in report.files:
        print(sync_file_text(file, pf.tz))
        print()
    if report.backup is not None:
        print(f"backup of the database before the sync: {report.backup}")
    else:
        print("nothing to change: the database already holds all of it")
    return 0


def sync_file_text(file: Any, tz: Any) -> str:
    """What one bundle brought: counts per table, conflicts resolved, rows left out."""
    exported = datetime.fromisoformat(file.exported_at)
    own = " — this laptop's own bundle" if file.own else ""
    lines = [
        f"{file.path}: from device {file.device_id}, exported {_local(exported, tz)}{own}",
        f"  {'table':<12} {'inserted':>9} {'updated':>9} {'left alone':>11}",
    ]
    for table, tally in file.tallies.items():
        lines.append(f"  {table:<12} {tally.inserted:>9} {tally.updated:>9} {tally.unchanged:>11}")
    if file.conflicts:
        lines.append(f"  conflicts resolved ({len(file.conflicts)}), the later edit kept:")
        for c in file.conflicts:
            record = (
                f"{c.table} {_quote(c.label)} ({c.row_id[:8]})"
                if c.label
                else (f"{c.table} {c.row_id[:8]}")
            )
            lines.append(
                f"    {record} {c.field}: here {_value(c.local_value)} "
                f"({_clock(c.local_clock, tz)}), bundle {_value(c.incoming_value)} "
                f"({_clock(c.incoming_clock, tz)}) → kept {_value(c.winning_value)} "
                f"({'here' if c.winner == 'local' else 'bundle'})"
            )
    if file.orphans:
        lines.append(f"  left out, their parent is missing ({len(file.orphans)}):")
        for o in file.orphans:
            name = f" {_quote(o.label)}" if o.label else ""
            lines.append(
                f"    {o.table}{name} ({o.row_id[:8]}): {o.column} {o.parent_id[:8]} is in "
                f"neither this database nor the bundle; sync a full bundle to bring it"
            )
    return "\n".join(lines)


def _value(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        return _quote(value)
    return str(value)


def _quote(text: str | None) -> str:
    text = text or ""
    if len(text) > MAX_VALUE:
        text = text[: MAX_VALUE - 1] + "…"
    return f'"{text}"'


def _clock(stamp: str, tz: Any) -> str:
    at, _, device = stamp.partition("|")
    return f"{_local(datetime.fromisoformat(at).replace(tzinfo=UTC), tz)} on {device}"


def _local(moment: datetime, tz: Any) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
