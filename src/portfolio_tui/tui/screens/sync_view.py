"""What the Import/Export screen shows about sync bundles: which files a typed pattern names,
the preview of their headers, the result of a sync and of a bundle export."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from portfolio_tui.i18n import _
from portfolio_tui.service.sync import BUNDLE_SUFFIX
from portfolio_tui.service.sync_text import (
    clock_text,
    counts_text,
    local_text,
    quote,
    size_text,
    stamp_text,
    value_text,
)
from portfolio_tui.tui.suggesters import PathSuggester

if TYPE_CHECKING:
    from portfolio_tui.service.sync import BundleSummary, FileReport, SyncReport

SEPARATOR = ";"
SHOWN_ITEMS = 100  # conflicts and rows left out listed per bundle


def bundle_paths(typed: str) -> tuple[list[Path], list[str]]:
    """The files `typed` names, and the parts that name none.

    Parts are separated by ";"; each is a file, a folder (its bundles) or a glob pattern
    (`~/Sync/portfolio/*.pfbundle`). A plain path is kept even when missing, so reading it
    reports it. Each file once, in the order typed (a pattern's matches by name)."""
    found: dict[Path, None] = {}
    unmatched: list[str] = []
    for part in (p.strip() for p in typed.split(SEPARATOR)):
        if not part:
            continue
        path = Path(part).expanduser()
        if glob.has_magic(part):
            matches = sorted(Path(m) for m in glob.glob(str(path)) if Path(m).is_file())
        elif path.is_dir():
            matches = sorted(p for p in path.glob(f"*{BUNDLE_SUFFIX}") if p.is_file())
        else:
            matches = [path]
        if not matches:
            unmatched.append(part)
        found.update(dict.fromkeys(matches))
    return list(found), unmatched


class BundlesSuggester(PathSuggester):
    """Completes the last of the ";"-separated paths."""

    async def get_suggestion(self, value: str) -> str | None:
        head, sep, last = value.rpartition(SEPARATOR)
        spaces = last[: len(last) - len(last.lstrip())]
        found = await super().get_suggestion(last.lstrip())
        return None if found is None else head + sep + spaces + found


# --- preview --------------------------------------------------------------------------------


def preview_text(
    checked: Sequence[tuple[Path, BundleSummary | str]],
    unmatched: Sequence[str],
    device_id: str,
    tz: tzinfo,
) -> Text:
    """Each bundle's header (or why it can't be synced), before anything is written."""
    text = Text()
    text.append(_("Preview of the sync: nothing written yet") + "\n", style="bold")
    for part in unmatched:
        missing = _("{part}: no such file, or no {suffix} file there")
        text.append(missing.format(part=part, suffix=BUNDLE_SUFFIX) + "\n", style="bold red")
    for path, found in checked:
        text.append("\n")
        if isinstance(found, str):
            text.append(f"{found}\n", style="bold red")
            continue
        text.append(f"{path}", style="bold")
        text.append(f"  {size_text(found.size)}\n", style="dim")
        since = (
            _("written since {moment}").format(moment=local_text(found.since, tz))
            if found.since
            else _("everything")
        )
        origin = _("from device {device}, exported {moment}, {since}").format(
            device=found.device_id, moment=local_text(found.exported_at, tz), since=since
        )
        text.append(f"  {origin}\n")
        rows = _("{rows} rows: {counts}").format(rows=found.rows, counts=counts_text(found.counts))
        text.append(f"  {rows}\n")
        if found.device_id == device_id:
            own = _("this laptop's own bundle: it brings nothing new")
            text.append(f"  {own}\n", style="italic")
    if not checked and not unmatched:
        nothing = _("No bundle named: give a file, a folder or a pattern.")
        text.append(f"\n{nothing}\n", style="bold red")
    bad = sum(isinstance(found, str) for _, found in checked) + len(unmatched)
    if bad:
        refused = _("{count} file(s) can't be synced: nothing will be written").format(count=bad)
        text.append(f"\n{refused}\n", style="bold red")
    elif checked:
        merges = _(
            "Sync… merges them: each field keeps its latest edit; the database is backed up first."
        )
        text.append(f"\n{merges}\n", style="bold")
    return text


# --- result ---------------------------------------------------------------------------------


def sync_text(report: SyncReport, tz: tzinfo) -> Text:
    """What each bundle brought: counts per table, conflicts resolved, rows left out."""
    text = Text()
    synced = _("Synced {count} bundle(s)").format(count=len(report.files))
    text.append(f"{synced}\n", style="bold")
    for file in report.files:
        text.append("\n")
        _file_text(text, file, tz)
    text.append("\n")
    if report.backup is not None:
        backup = _("Backup of the database before the sync: {path}").format(path=report.backup)
        text.append(f"{backup}\n", style="bold")
    else:
        nothing = _("Nothing to change: the database already holds all of it.")
        text.append(f"{nothing}\n", style="bold")
    return text


def _file_text(text: Text, file: FileReport, tz: tzinfo) -> None:
    exported = stamp_text(file.exported_at, tz)
    text.append(f"{file.path}\n", style="bold")
    own = " " + _("(this laptop's own bundle)") if file.own else ""
    origin = _("from device {device}, exported {moment}").format(
        device=file.device_id, moment=exported
    )
    text.append(f"  {origin}{own}\n")
    heads = (_("table"), _("inserted"), _("updated"), _("left alone"))
    text.append(f"  {heads[0]:<12} {heads[1]:>9} {heads[2]:>9} {heads[3]:>11}\n", style="dim")
    for table, tally in file.tallies.items():
        text.append(f"  {table:<12} ")
        text.append(f"{tally.inserted:>9} ", style="green" if tally.inserted else "")
        text.append(f"{tally.updated:>9} ", style="yellow" if tally.updated else "")
        text.append(f"{tally.unchanged:>11}\n")
    if file.conflicts:
        conflicts = _("{count} conflict(s), the later edit kept:").format(count=len(file.conflicts))
        text.append(f"  {conflicts}\n", style="bold")
        for c in file.conflicts[:SHOWN_ITEMS]:
            record = f"{c.table} {quote(c.label)}" if c.label else c.table
            text.append(f"    {record} ({c.row_id[:8]}), {c.field}:\n")
            sides = (
                (_("here"), c.local_value, c.local_clock, c.winner == "local"),
                (_("bundle"), c.incoming_value, c.incoming_clock, c.winner != "local"),
            )
            for side, value, clock, kept in sides:
                text.append(f"      {side:<7} {value_text(value)} ({clock_text(clock, tz)})")
                text.append("  ← " + _("kept") + "\n" if kept else "\n", style="bold green")
        _more(text, len(file.conflicts))
    if file.orphans:
        left_out = _(
            "{count} row(s) left out, their parent is in neither this database nor the bundles "
            "(sync a full bundle to bring it):"
        ).format(count=len(file.orphans))
        text.append(f"  {left_out}\n", style="bold yellow")
        for o in file.orphans[:SHOWN_ITEMS]:
            name = f" {quote(o.label)}" if o.label else ""
            text.append(
                f"    {o.table}{name} ({o.row_id[:8]}): {o.column} {o.parent_id[:8]} "
                + _("missing")
                + "\n"
            )
        _more(text, len(file.orphans))


def _more(text: Text, count: int) -> None:
    if count > SHOWN_ITEMS:
        more = _("… and {count} more").format(count=count - SHOWN_ITEMS)
        text.append(f"    {more}\n", style="dim")


# --- export ---------------------------------------------------------------------------------


def bundle_written_text(summary: BundleSummary, tz: tzinfo) -> str:
    since = (
        ", " + _("written since {moment}").format(moment=local_text(summary.since, tz))
        if summary.since
        else ""
    )
    return _("Sync bundle written to {path} ({size}): {rows} rows{since} ({counts})").format(
        path=summary.path,
        size=size_text(summary.size),
        rows=summary.rows,
        since=since,
        counts=counts_text(summary.counts),
    )
