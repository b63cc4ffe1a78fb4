"""The morning routine: `log`, `follow-up`, `done`, `snooze`, `stage` and `today`."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from portfolio_tui.cli.accounts import ACCOUNT_HELP, STAGE_NAMES
from portfolio_tui.cli.output import agenda_json, agenda_text
from portfolio_tui.cli.types import CommandGroups, add_format_option, positive_int
from portfolio_tui.domain.account_fields import INTERACTION_KINDS

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio

FOLLOW_UP_ID_HELP = "the follow-up's id, or a prefix of it (as `today` shows)"
PHRASE = "a date phrase: +3d, tomorrow 9:00, next monday, 2026-12-01 14:30, demain 9h…"


def register(groups: CommandGroups) -> None:
    commands = groups.commands
    p = commands.add_parser("log", help="log a call, meeting, email, visit or note")
    p.add_argument("kind", choices=INTERACTION_KINDS, help="what happened")
    p.add_argument("account", help=ACCOUNT_HELP)
    p.add_argument("summary", help="what was said or done, in a line")
    p.add_argument("--at", help="when it happened (default: now)")
    p.add_argument("--contact", help="the contact person, by name")
    p.add_argument("--outcome", help="how it went")
    p.add_argument("--duration", type=positive_int, help="minutes")
    p.add_argument(
        "--follow-up",
        dest="follow_up",
        metavar="PHRASE",
        help=f"also plan a follow-up then: {PHRASE}",
    )
    p.set_defaults(handler=cmd_log)

    p = commands.add_parser("follow-up", help="plan a follow-up")
    p.add_argument("account", help=ACCOUNT_HELP)
    p.add_argument("title", help="what to do")
    p.add_argument("--due", required=True, metavar="PHRASE", help=f"when: {PHRASE}")
    p.add_argument("--contact", help="the contact person, by name")
    p.add_argument("--repeat", metavar="RRULE", help="e.g. FREQ=WEEKLY;BYDAY=MO")
    p.set_defaults(handler=cmd_follow_up)

    p = commands.add_parser("done", help="mark a follow-up done and log its outcome")
    p.add_argument("id", help=FOLLOW_UP_ID_HELP)
    p.add_argument("--outcome", help="how it went")
    p.add_argument(
        "--kind", default="call", choices=INTERACTION_KINDS, help="what is logged (default: call)"
    )
    p.add_argument("--next", dest="next_due", metavar="PHRASE", help="plan the next follow-up")
    p.set_defaults(handler=cmd_done)

    p = commands.add_parser("snooze", help="push a follow-up back")
    p.add_argument("id", help=FOLLOW_UP_ID_HELP)
    p.add_argument("phrase", nargs="?", default="+1d", help="until when (default: +1d)")
    p.set_defaults(handler=cmd_snooze)

    p = commands.add_parser("stage", help="move an account to a stage")
    p.add_argument("account", help=ACCOUNT_HELP)
    p.add_argument("stage", help=STAGE_NAMES)
    p.set_defaults(handler=cmd_stage)

    p = commands.add_parser("today", help="today's agenda")
    add_format_option(p, ("table", "json"))
    p.set_defaults(handler=cmd_today)


def cmd_log(pf: Portfolio, args: argparse.Namespace) -> int:
    logged = pf.routine.log_interaction(
        args.kind,
        args.account,
        args.summary,
        at=args.at,
        contact=args.contact,
        outcome=args.outcome,
        duration_minutes=args.duration,
        follow_up=args.follow_up,
    )
    print(logged.interaction_id)
    if logged.follow_up_id:
        print(f"follow-up {logged.follow_up_id}")
    return 0


def cmd_follow_up(pf: Portfolio, args: argparse.Namespace) -> int:
    follow_up_id = pf.routine.schedule_follow_up(
        args.account, args.title, args.due, contact=args.contact, recurrence=args.repeat
    )
    print(follow_up_id)
    return 0


def cmd_done(pf: Portfolio, args: argparse.Namespace) -> int:
    logged = pf.routine.complete_follow_up(
        args.id, outcome=args.outcome, kind=args.kind, next_due=args.next_due
    )
    print(f"done; logged {logged.interaction_id}")
    if logged.follow_up_id:
        print(f"next follow-up {logged.follow_up_id}")
    return 0


def cmd_snooze(pf: Portfolio, args: argparse.Namespace) -> int:
    print(f"snoozed to {pf.routine.snooze(args.id, args.phrase).isoformat()}")
    return 0


def cmd_stage(pf: Portfolio, args: argparse.Namespace) -> int:
    before, after = pf.routine.move_stage(args.account, args.stage)
    print(f"{before} → {after}")
    return 0


def cmd_today(pf: Portfolio, args: argparse.Namespace) -> int:
    agenda = pf.reports.agenda()
    if args.format == "json":
        print(json.dumps(agenda_json(agenda), indent=2, ensure_ascii=False))
    else:
        print(agenda_text(agenda))
    return 0
