"""`segment save|list|delete`: saved segments, named filters over the accounts."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from portfolio_tui.cli.types import CommandGroups, add_format_option
from portfolio_tui.i18n import N_, _

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio

TERMS_HELP = N_(
    "the filter: terms such as abc=A, stage=hot, sector=BTP, city=Lyon, segment='At Risk', "
    "revenue>10000, last_contact>60, joined by 'and'"
)


def register(groups: CommandGroups) -> None:
    p = groups.commands.add_parser("segment", help=_("saved segments: named filters over accounts"))
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True, help=_("what to do"))

    s = what.add_parser("save", help=_("save (or replace) a segment"))
    s.add_argument("name", help=_("the segment's name, e.g. 'BTP Lyon à risque'"))
    s.add_argument("terms", nargs="+", metavar="TERM", help=_(TERMS_HELP))
    s.set_defaults(handler=cmd_segment_save)

    s = what.add_parser("list", help=_("the saved segments, with how many accounts each holds"))
    add_format_option(s, ("table", "json"))
    s.set_defaults(handler=cmd_segment_list)

    s = what.add_parser("delete", help=_("delete a saved segment (ctrl+z in the app undoes it)"))
    s.add_argument("name", help=_("the segment's name (case and accents ignored)"))
    s.set_defaults(handler=cmd_segment_delete)


def cmd_segment_save(pf: Portfolio, args: argparse.Namespace) -> int:
    segment, replaced = pf.segments.save(args.name, args.terms)
    count = len(pf.segments.members(segment.name))
    verb = _("replaced") if replaced else _("saved")
    print(_("{verb} {name}: {filter} ({count} accounts)").format(
        verb=verb, name=segment.name, filter=segment.filter_text, count=count))  # fmt: skip
    return 0


def cmd_segment_list(pf: Portfolio, args: argparse.Namespace) -> int:
    rows = [(s, len(pf.segments.members(s.name))) for s in pf.segments.list()]
    if args.format == "json":
        data = [{"name": s.name, "filter": s.filter_text, "accounts": n} for s, n in rows]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print(_("no saved segment (portfolio segment save NAME TERM...)"))
    width = max((len(s.name) for s, _n in rows), default=0)
    for s, n in rows:
        print(f"{s.name:<{width}}  {n:>5}  {s.filter_text}")
    return 0


def cmd_segment_delete(pf: Portfolio, args: argparse.Namespace) -> int:
    print(_("deleted {name}").format(name=pf.segments.delete(args.name)))
    return 0
