"""Words for sync results, shared by the CLI and the TUI: sizes, times, field values, clocks,
and what one bundle brought (`sync_file_text`), with long lists summarised.

Stored text is shown through `domain.text.visible`: a value from a bundle can't drive the
terminal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any, TypeVar

from portfolio_tui.domain.text import visible
from portfolio_tui.i18n import N_, _, current_language
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.i18n.terms import table_name, table_rows

if TYPE_CHECKING:
    from portfolio_tui.service.sync import FileReport

MAX_VALUE = 40  # characters of a field value shown in a conflict line
SHOWN_LINES = 20  # conflicts (rows left out, facts kept) listed before the rest is counted
ALL_CONFLICTS_HINT = N_("`portfolio sync --all-conflicts` lists them all")

T = TypeVar("T")


def _decimal(value: float) -> str:
    return f"{value:.1f}" if current_language() == "en" else fmt.number(value, 1)


def size_text(size: int) -> str:
    """`512 bytes`, `1.5 KB`, `2.0 MB` / `512 octets`, `1,5 Ko`, `2,0 Mo`."""
    if size < 1024:
        return _("{size} bytes").format(size=size)
    if size < 1024 * 1024:
        return _("{size} KB").format(size=_decimal(size / 1024))
    return _("{size} MB").format(size=_decimal(size / 1024 / 1024))


def local_text(moment: datetime, tz: tzinfo, *, seconds: bool = False) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def stamp_text(stamp: str, tz: tzinfo, *, seconds: bool = False) -> str:
    """An ISO UTC time from a bundle, in local time; as written when it isn't one."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return visible(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return local_text(moment, tz, seconds=seconds)


def clock_text(stamp: str, tz: tzinfo, *, seconds: bool = False) -> str:
    """A field clock `<iso utc>|<device>` as local time and device."""
    at, _bar, device = stamp.partition("|")
    return _("{time} on {device}").format(
        time=stamp_text(at, tz, seconds=seconds), device=visible(device)
    )


def quote(text: str | None) -> str:
    text = visible(text or "")
    if len(text) > MAX_VALUE:
        text = text[: MAX_VALUE - 1] + "…"
    return f'"{text}"'


def value_text(value: Any) -> str:
    if value is None:
        return _("(empty)")
    return quote(value) if isinstance(value, str) else str(value)


def counts_text(counts: dict[str, int]) -> str:
    shown = [table_rows(table, n) for table, n in counts.items() if n]
    return ", ".join(shown) or _("no rows")


def summarised(
    items: Sequence[T], line: Callable[[T], str], *, every: bool = False, hint: str = ""
) -> list[str]:
    """One line per item, or the first SHOWN_LINES and a count of the rest (`every`: all)."""
    shown = items if every else items[:SHOWN_LINES]
    lines = [line(item) for item in shown]
    rest = len(items) - len(shown)
    if rest:
        more = _("… and {count} more").format(count=rest)
        lines.append(f"    {more}{'; ' + _(hint) if hint else ''}")
    return lines


def _record(table: str, label: str | None, row_id: str) -> str:
    table = table_name(table)
    return f"{table} {quote(label)} ({row_id[:8]})" if label else f"{table} {row_id[:8]}"


def _heading(
    width: int, table: object, inserted: object, updated: object, unchanged: object
) -> str:
    return f"  {table!s:<{width}} {inserted!s:>9} {updated!s:>9} {unchanged!s:>11}"


def sync_file_text(file: FileReport, tz: tzinfo, *, all_conflicts: bool = False) -> str:
    """What one bundle brought: counts per table, clocks from the future, conflicts resolved,
    facts kept and rows left out; lists past SHOWN_LINES are summarised unless
    `all_conflicts`."""
    own = _(" — this laptop's own bundle") if file.own else ""
    exported = stamp_text(file.exported_at, tz, seconds=True)
    source = _("{path}: from device {device}, exported {time}").format(
        path=file.path, device=visible(file.device_id), time=exported
    )
    width = max([12, *(len(table_name(table)) for table in file.tallies)])
    lines = [
        source + own,
        _heading(width, _("table"), _("inserted"), _("updated"), _("left alone")),
    ]
    for table, t in file.tallies.items():
        lines.append(_heading(width, table_name(table), t.inserted, t.updated, t.unchanged))
    if file.future_clocks:
        lines.append(
            "  "
            + _(
                "{count} clocks from the future clamped, so they can't overwrite later edits: "
                "check the clock of the laptop the bundle comes from"
            ).format(count=file.future_clocks)
        )
    lines += _conflict_lines(file, tz, all_conflicts)
    if file.kept_facts:
        lines.append(
            "  "
            + _(
                "facts kept as they were ({count}): sales, calls and stage changes are never "
                "rewritten, and the bundle holds other values for them:"
            ).format(count=len(file.kept_facts))
        )
        lines += summarised(
            file.kept_facts,
            lambda k: f"    {_record(k.table, k.label, k.row_id)}: {', '.join(k.fields)}",
            every=all_conflicts,
            hint=ALL_CONFLICTS_HINT,
        )
    if file.orphans:
        count = len(file.orphans)
        lines.append("  " + _("left out, their parent is missing ({count}):").format(count=count))
        lines += summarised(
            file.orphans,
            lambda o: (
                f"    {_record(o.table, o.label, o.row_id)}: "
                + _(
                    "{column} {parent} is in neither this database nor the bundle; sync a full "
                    "bundle to bring it"
                ).format(column=o.column, parent=o.parent_id[:8])
            ),
            every=all_conflicts,
            hint=ALL_CONFLICTS_HINT,
        )
    return "\n".join(lines)


def _conflict_lines(file: FileReport, tz: tzinfo, every: bool) -> list[str]:
    if not file.conflicts:
        return []

    def line(c: Any) -> str:
        here = clock_text(c.local_clock, tz, seconds=True)
        there = clock_text(c.incoming_clock, tz, seconds=True)
        side = _("here") if c.winner == "local" else _("bundle")
        return f"    {_record(c.table, c.label, c.row_id)} {c.field}: " + _(
            "here {here_value} ({here}), bundle {bundle_value} ({there}) → kept {kept} ({side})"
        ).format(
            here_value=value_text(c.local_value),
            here=here,
            bundle_value=value_text(c.incoming_value),
            there=there,
            kept=value_text(c.winning_value),
            side=side,
        )

    count = len(file.conflicts)
    heading = "  " + _("conflicts resolved ({count}), the later edit kept:").format(count=count)
    return [heading, *summarised(file.conflicts, line, every=every, hint=ALL_CONFLICTS_HINT)]
