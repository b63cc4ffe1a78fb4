"""The morning routine: `log`, `follow-up`, `done`, `snooze`, `stage` and `today`."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from portfolio_tui.cli.accounts import ACCOUNT_HELP, stage_names
from portfolio_tui.cli.deal_output import agenda_deals_json, agenda_deals_text
from portfolio_tui.cli.output import agenda_json, agenda_text, terminal_width
from portfolio_tui.cli.readable import day_text, kind_text, stage_text, time_text
from portfolio_tui.cli.types import CommandGroups, Subcommands, add_format_option, positive_int
from portfolio_tui.domain.account_fields import INTERACTION_KINDS
from portfolio_tui.domain.dates import When
from portfolio_tui.i18n import N_, _

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio
    from portfolio_tui.service.views import Agenda

# Marked here, translated where the parser is built (after the language is chosen).
FOLLOW_UP_ID_HELP = N_("the follow-up's id, or a prefix of it (as `today` shows)")
PHRASE = N_("a date phrase: +3d, tomorrow 9:00, next monday, 2026-12-01 14:30, demain 9h…")
FORCE_HELP = N_("accept a date in the past (or, for what happened, in the future)")
REPEAT_HELP = N_(
    "every monday, every month on the 5th, tous les mois le 5, or FREQ=WEEKLY;BYDAY=MO"
)


def _add_force(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help=_(FORCE_HELP))


def _shown(when: When) -> str:
    """The date understood, as the rep reads it: "Thu 26 Nov 2026 09:00" / "jeu. 26 nov. 2026"."""
    text = day_text(when.day, year=True)
    return f"{text} {time_text(when.time)}" if when.time else text


def interaction_kind(text: str) -> str:
    """A kind as typed, in English or French ("appel", "Rendez-vous"): its key ("call")."""
    word = text.strip().lower()
    return next((k for k in INTERACTION_KINDS if word in (k, kind_text(k))), word)


def _add_kind(parser: argparse.ArgumentParser, help: str, **options: str) -> None:
    parser.add_argument(
        *(["--kind"] if options else ["kind"]),
        type=interaction_kind,
        choices=INTERACTION_KINDS,
        help=help,
        **options,
    )


def register(groups: CommandGroups) -> None:
    _register_log_and_follow_up(groups.commands)
    _register_done_snooze_stage_today(groups.commands)


def _register_log_and_follow_up(commands: Subcommands) -> None:
    p = commands.add_parser("log", help=_("log a call, meeting, email, visit or note"))
    _add_kind(p, _("what happened"))
    p.add_argument("account", help=_(ACCOUNT_HELP))
    p.add_argument("summary", help=_("what was said or done, in a line"))
    p.add_argument("--at", help=_("when it happened (default: now)"))
    p.add_argument("--contact", help=_("the contact person, by name"))
    p.add_argument("--outcome", help=_("how it went"))
    p.add_argument("--duration", type=positive_int, help=_("minutes"))
    p.add_argument(
        "--follow-up",
        dest="follow_up",
        metavar="PHRASE",
        help=_("also plan a follow-up then: {phrase}").format(phrase=_(PHRASE)),
    )
    _add_force(p)
    p.set_defaults(handler=cmd_log)

    p = commands.add_parser("follow-up", help=_("plan a follow-up"))
    p.add_argument("account", help=_(ACCOUNT_HELP))
    p.add_argument("title", help=_("what to do"))
    when = _("when: {phrase}").format(phrase=_(PHRASE))
    p.add_argument("--due", required=True, metavar="PHRASE", help=when)
    p.add_argument("--contact", help=_("the contact person, by name"))
    p.add_argument("--repeat", metavar="REPEAT", help=_(REPEAT_HELP))
    _add_force(p)
    p.set_defaults(handler=cmd_follow_up)


def _register_done_snooze_stage_today(commands: Subcommands) -> None:
    p = commands.add_parser("done", help=_("mark a follow-up done and log its outcome"))
    p.add_argument("id", help=_(FOLLOW_UP_ID_HELP))
    p.add_argument("--outcome", help=_("how it went"))
    logged = _("what is logged (default: {kind})").format(kind=kind_text("call"))
    _add_kind(p, logged, default="call")
    p.add_argument("--next", dest="next_due", metavar="PHRASE", help=_("plan the next follow-up"))
    _add_force(p)
    p.set_defaults(handler=cmd_done)

    p = commands.add_parser("snooze", help=_("push a follow-up back"))
    p.add_argument("id", help=_(FOLLOW_UP_ID_HELP))
    p.add_argument(
        "phrase", nargs="?", default=None, help=_("until when (default: the next working day)")
    )
    _add_force(p)
    p.set_defaults(handler=cmd_snooze)

    p = commands.add_parser("stage", help=_("move an account to a stage"))
    p.add_argument("account", help=_(ACCOUNT_HELP))
    p.add_argument("stage", help=stage_names())
    p.add_argument(
        "--reason", help=_("why it is lost, for the stage lost (settings' lost reasons)")
    )
    p.add_argument(
        "--at",
        help=_("when it happened, for the history you bring in: a date phrase (default: now)"),
    )
    p.set_defaults(handler=cmd_stage)

    p = commands.add_parser("today", help=_("today's agenda"))
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
        allow_past=args.force,
        allow_future=args.force,
    )
    print(
        _("logged {kind} with {name} ({id})").format(
            kind=kind_text(args.kind), name=logged.account_name, id=logged.short_id
        )
    )
    if logged.follow_up_id and logged.next_due:
        print(_("next: {when} · follow-up {id}").format(
            when=_shown(logged.next_due), id=logged.follow_up_id[:8]
        ))  # fmt: skip
    return 0


def cmd_follow_up(pf: Portfolio, args: argparse.Namespace) -> int:
    follow_up_id = pf.routine.schedule_follow_up(
        args.account,
        args.title,
        args.due,
        contact=args.contact,
        recurrence=args.repeat,
        allow_past=args.force,
    )
    print(follow_up_id)
    return 0


def cmd_done(pf: Portfolio, args: argparse.Namespace) -> int:
    logged = pf.routine.complete_follow_up(
        args.id,
        outcome=args.outcome,
        kind=args.kind,
        next_due=args.next_due,
        allow_past=args.force,
    )
    print(
        _("done; logged {kind} with {name} ({id})").format(
            kind=kind_text(args.kind), name=logged.account_name, id=logged.short_id
        )
    )
    if logged.follow_up_id and logged.next_due:
        print(_("next follow-up {id}: {when}").format(
            id=logged.follow_up_id[:8], when=_shown(logged.next_due)
        ))  # fmt: skip
    elif logged.series_over:
        print(_("that was the last of its series"))
    return 0


def cmd_snooze(pf: Portfolio, args: argparse.Namespace) -> int:
    day = pf.routine.snooze(args.id, args.phrase, allow_past=args.force)
    print(_("snoozed to {day} ({date})").format(day=day.isoformat(), date=_shown(When(day))))
    return 0


def cmd_stage(pf: Portfolio, args: argparse.Namespace) -> int:
    before, after = pf.routine.move_stage(args.account, args.stage, at=args.at, reason=args.reason)
    print(f"{stage_text(before)} → {stage_text(after)}")
    return 0


def cmd_today(pf: Portfolio, args: argparse.Namespace) -> int:
    def as_json(agenda: Agenda) -> str:
        values = {**agenda_json(agenda), **agenda_deals_json(agenda)}
        return json.dumps(values, indent=2, ensure_ascii=False)

    def as_text(agenda: Agenda) -> str:
        return "\n".join([agenda_text(agenda), *agenda_deals_text(agenda, pf.settings)])

    if args.format == "json":
        print(pf.reports.agenda_output(("json",), as_json))
    else:  # the tables are cut to the terminal's width
        print(pf.reports.agenda_output(("text", terminal_width()), as_text))
    return 0
