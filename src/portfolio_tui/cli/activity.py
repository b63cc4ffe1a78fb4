"""`report activity`: the activity index of the week, month or quarter, and its lever."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from portfolio_tui.cli.types import CommandGroups, add_format_option, calendar_date
from portfolio_tui.i18n import _

if TYPE_CHECKING:
    from portfolio_tui.domain.activity import ActivityReport
    from portfolio_tui.service import Portfolio

PERIODS = ("week", "month", "quarter")


def register(groups: CommandGroups) -> None:
    p = groups.report.add_parser(
        "activity", help="the activity index: quantity × orientation × efficiency"
    )
    p.add_argument(
        "--period",
        choices=PERIODS,
        default="week",
        help="week (from Monday), month or quarter, up to the as-of day (default: week)",
    )
    p.add_argument(
        "--as-of",
        type=calendar_date,
        help="the last day counted: 2026-11-22 or 22/11/2026 (default: today)",
    )
    add_format_option(p, ("table", "json"))
    p.set_defaults(handler=cmd_report_activity)


def cmd_report_activity(pf: Portfolio, args: argparse.Namespace) -> int:
    report = pf.activity.activity_report(args.period, args.as_of)
    if args.format == "json":
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        print(activity_table(report))
    return 0


def activity_table(report: ActivityReport) -> str:
    from portfolio_tui.service.activity import lever_words

    data = report.to_json()
    lines = [
        _("Activity {start} to {end}").format(
            start=data["period"]["start"], end=data["period"]["end"]
        )
    ]
    for name, label in (
        ("quantity", _("quantity")),
        ("orientation", _("orientation")),
        ("efficiency", _("efficiency")),
    ):
        measure = data[name]
        shown = _figure(measure["value"], name == "quantity")
        target = _figure(measure["target"], name == "quantity")
        lines.append(f"  {label:<12} {shown:>7} / {target:<7} {_('score')} {measure['score']:.1f}")
    lever = data["lever"]
    lines += [
        f"  {_('index'):<12} {data['index']:.1f}",
        f"  {_('lever'):<12} {lever}: {lever_words(lever)}",
        f"  {_('what if'):<12} {data['what_if']:.1f} ({_('gain')} {_percent(data['gain'])})",
        f"  {_('follow-ups done on time')}: {_percent(data['on_time_rate'])}"
        f", {_('overdue')}: {data['overdue']}",
        f"  {_('A clients within their cadence')}: {_percent(data['a_clients_in_cadence'])}",
    ]
    return "\n".join(lines)


def _figure(value: float | int | None, is_count: bool) -> str:
    if value is None:
        return "—"
    return str(value) if is_count else _percent(value)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
