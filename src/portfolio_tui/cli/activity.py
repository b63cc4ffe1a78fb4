"""`report activity`: the activity index of the week, month or quarter, and its lever."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from portfolio_tui.cli.types import CommandGroups, add_format_option, calendar_date
from portfolio_tui.i18n import _
from portfolio_tui.i18n import formats as fmt

if TYPE_CHECKING:
    from portfolio_tui.domain.activity import ActivityReport
    from portfolio_tui.service import Portfolio

PERIODS = ("week", "month", "quarter")


def register(groups: CommandGroups) -> None:
    p = groups.report.add_parser(
        "activity", help=_("the activity index: quantity × orientation × efficiency")
    )
    p.add_argument(
        "--period",
        choices=PERIODS,
        default="week",
        help=_("week (from Monday), month or quarter, up to the as-of day (default: week)"),
    )
    p.add_argument(
        "--as-of",
        type=calendar_date,
        help=_("the last day counted: 2026-11-22 or 22/11/2026 (default: today)"),
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
    labels = {"quantity": _("quantity"), "orientation": _("orientation"),
              "efficiency": _("efficiency")}  # fmt: skip
    score = _("score")
    for name, label in labels.items():
        measure = data[name]
        shown = _figure(measure["value"], name == "quantity")
        target = _figure(measure["target"], name == "quantity")
        lines.append(f"  {label:<12} {shown:>7} / {target:<7} {score} {_one(measure['score'])}")
    lever = data["lever"]
    index, lever_label, what_if, gain = _("index"), _("lever"), _("what if"), _("gain")
    on_time = _("follow-ups done on time: {rate}, overdue: {count}").format(
        rate=_percent(data["on_time_rate"]), count=data["overdue"]
    )
    in_cadence = _("A clients within their cadence: {rate}").format(
        rate=_percent(data["a_clients_in_cadence"])
    )
    lines += [
        f"  {index:<12} {_one(data['index'])}",
        f"  {lever_label:<12} {labels[lever]}" + _(": {words}").format(words=lever_words(lever)),
        f"  {what_if:<12} {_one(data['what_if'])} ({gain} {_percent(data['gain'])})",
        f"  {on_time}",
        f"  {in_cadence}",
    ]
    return "\n".join(lines)


def _figure(value: float | int | None, is_count: bool) -> str:
    if value is None:
        return "—"
    return str(value) if is_count else _percent(value)


def _percent(value: float | None) -> str:
    return "—" if value is None else fmt.percent(value, 1)


def _one(value: float) -> str:
    return fmt.number(value, 1)
