"""The `portfolio` command: parse → call the Portfolio service → print.

Scripted commands never import Textual; only opening the TUI does."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from portfolio_tui import paths
from portfolio_tui.cli.output import (
    account_card_text,
    agenda_json,
    agenda_text,
    client_rows_csv,
    client_rows_json,
    client_rows_table,
    kpis_text,
)
from portfolio_tui.domain.account_fields import EDITABLE_FIELDS
from portfolio_tui.errors import USER_ERRORS, UserError

EXIT_USER_ERROR = 2


def _as_of(text: str) -> date:
    from portfolio_tui.domain.dates import parse_calendar_date

    try:
        return parse_calendar_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


# Every editable account field but the name (a positional argument), plus the referrer.
ACCOUNT_FLAGS = (*(f for f in EDITABLE_FIELDS if f != "name"), "referred_by")


def _account_flags(parser: argparse.ArgumentParser, *, with_name: bool) -> None:
    if with_name:
        parser.add_argument("--name")
    for flag in ACCOUNT_FLAGS:
        parser.add_argument("--" + flag.replace("_", "-"), dest=flag, metavar="TEXT")


def _given_account_fields(args: argparse.Namespace, names: Sequence[str]) -> dict[str, str]:
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portfolio",
        description="Your customer portfolio, offline, from the keyboard. "
        "Without a command, opens the app.",
    )
    parser.add_argument("--db", type=Path, help="database file (default: $PORTFOLIO_DB or the "
                        "platform data directory)")  # fmt: skip
    parser.add_argument("--demo", action="store_true", help="use the demo database")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", help="fill the demo database (or --db) with a sample portfolio")
    p.add_argument("--accounts", type=_positive, default=120)
    p.add_argument("--years", type=_positive, default=3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--force", action="store_true", help="replace what the database holds")
    p.set_defaults(handler=cmd_demo, default_demo=True)

    add = sub.add_parser("add", help="add an account or a contact")
    add_sub = add.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = add_sub.add_parser("account", help="add an account")
    p.add_argument("name")
    p.add_argument("--stage", default="suspect")
    _account_flags(p, with_name=False)
    p.set_defaults(handler=cmd_add_account)
    p = add_sub.add_parser("contact", help="add a contact person to an account")
    p.add_argument("account")
    p.add_argument("name")
    p.add_argument("--email")
    p.add_argument("--phone")
    p.add_argument("--role")
    p.add_argument("--channel", dest="preferred_channel")
    p.set_defaults(handler=cmd_add_contact)

    edit = sub.add_parser("edit", help="edit an account")
    edit_sub = edit.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = edit_sub.add_parser("account", help="change an account's fields")
    p.add_argument("account")
    _account_flags(p, with_name=True)
    p.set_defaults(handler=cmd_edit_account)

    p = sub.add_parser("show", help="an account's card: fields, badges, contacts, history")
    p.add_argument("account")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("log", help="log a call, meeting, email, visit or note")
    p.add_argument("kind", choices=("call", "meeting", "email", "visit", "note"))
    p.add_argument("account")
    p.add_argument("summary")
    p.add_argument("--at", help="when it happened (default: now)")
    p.add_argument("--contact")
    p.add_argument("--outcome")
    p.add_argument("--duration", type=_positive, help="minutes")
    p.add_argument("--follow-up", dest="follow_up", metavar="PHRASE")
    p.set_defaults(handler=cmd_log)

    p = sub.add_parser("follow-up", help="plan a follow-up")
    p.add_argument("account")
    p.add_argument("title")
    p.add_argument("--due", required=True, metavar="PHRASE")
    p.add_argument("--contact")
    p.add_argument("--repeat", metavar="RRULE", help="e.g. FREQ=WEEKLY;BYDAY=MO")
    p.set_defaults(handler=cmd_follow_up)

    p = sub.add_parser("done", help="mark a follow-up done and log its outcome")
    p.add_argument("id")
    p.add_argument("--outcome")
    p.add_argument("--kind", default="call", choices=("call", "meeting", "email", "visit", "note"))
    p.add_argument("--next", dest="next_due", metavar="PHRASE", help="plan the next follow-up")
    p.set_defaults(handler=cmd_done)

    p = sub.add_parser("snooze", help="push a follow-up back")
    p.add_argument("id")
    p.add_argument("phrase", nargs="?", default="+1d")
    p.set_defaults(handler=cmd_snooze)

    p = sub.add_parser("stage", help="move an account to a stage")
    p.add_argument("account")
    p.add_argument("stage")
    p.set_defaults(handler=cmd_stage)

    p = sub.add_parser("today", help="today's agenda")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_today)

    report = sub.add_parser("report", help="portfolio analytics")
    report_sub = report.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = report_sub.add_parser("clients", help="every account with revenue, ABC and RFM")
    p.add_argument("--as-of", type=_as_of)
    p.add_argument("--window", help="12m, 24m, Nm or all (default from settings: 12m)")
    p.add_argument("--by", choices=("revenue", "margin"), default="revenue")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(handler=cmd_report_clients)
    p = report_sub.add_parser("kpis", help="portfolio KPIs for a period against the one before")
    p.add_argument("--as-of", type=_as_of)
    p.add_argument("--period", choices=("year", "quarter", "month"), default="year")
    p.add_argument("--rows", default="abc", help="matrix rows: abc or an account field (sector…)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_report_kpis)

    config = sub.add_parser("config", help="settings file")
    config_sub = config.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = config_sub.add_parser("init", help="write a settings file with every default")
    p.set_defaults(handler=cmd_config_init, needs_db=False)
    p = config_sub.add_parser("path", help="print where the settings file is")
    p.set_defaults(handler=cmd_config_path, needs_db=False)

    from portfolio_tui.cli import files as cli_files
    from portfolio_tui.cli import sync as cli_sync

    import_sub = sub.add_parser("import", help="read records from files").add_subparsers(
        dest="what", metavar="WHAT", required=True
    )
    export_sub = sub.add_parser("export", help="write records to files").add_subparsers(
        dest="what", metavar="WHAT", required=True
    )
    cli_files.register(import_sub, export_sub)
    cli_sync.register(sub, export_sub)
    return parser


# --- handlers: each takes the Portfolio and the parsed arguments, prints, returns exit code --


def cmd_demo(pf, args) -> int:
    counts = pf.load_demo(
        accounts=args.accounts, years=args.years, seed=args.seed, force=args.force
    )
    summary = ", ".join(f"{n} {table}" for table, n in counts.items())
    print(f"demo portfolio written to {pf.path}: {summary}")
    return 0


def cmd_add_account(pf, args) -> int:
    account_id = pf.routine.add_account(
        args.name, stage=args.stage, **_given_account_fields(args, ACCOUNT_FLAGS)
    )
    print(account_id)
    return 0


def cmd_add_contact(pf, args) -> int:
    print(
        pf.routine.add_contact(
            args.account,
            args.name,
            email=args.email,
            phone=args.phone,
            role=args.role,
            preferred_channel=args.preferred_channel,
        )
    )
    return 0


def cmd_edit_account(pf, args) -> int:
    fields = _given_account_fields(args, ("name", *ACCOUNT_FLAGS))
    if not fields:
        raise UserError("nothing to change: give at least one --field")
    changed = pf.routine.edit_account(args.account, **fields)
    print("changed: " + (", ".join(sorted(changed)) if changed else "nothing"))
    return 0


def cmd_show(pf, args) -> int:
    print(account_card_text(pf.reports.account_card(args.account), pf.settings))
    return 0


def cmd_log(pf, args) -> int:
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


def cmd_follow_up(pf, args) -> int:
    print(pf.routine.schedule_follow_up(args.account, args.title, args.due, contact=args.contact,
                                recurrence=args.repeat))  # fmt: skip
    return 0


def cmd_done(pf, args) -> int:
    logged = pf.routine.complete_follow_up(
        args.id, outcome=args.outcome, kind=args.kind, next_due=args.next_due
    )
    print(f"done; logged {logged.interaction_id}")
    if logged.follow_up_id:
        print(f"next follow-up {logged.follow_up_id}")
    return 0


def cmd_snooze(pf, args) -> int:
    print(f"snoozed to {pf.routine.snooze(args.id, args.phrase).isoformat()}")
    return 0


def cmd_stage(pf, args) -> int:
    before, after = pf.routine.move_stage(args.account, args.stage)
    print(f"{before} → {after}")
    return 0


def cmd_today(pf, args) -> int:
    agenda = pf.reports.agenda()
    if args.format == "json":
        print(json.dumps(agenda_json(agenda), indent=2, ensure_ascii=False))
    else:
        print(agenda_text(agenda))
    return 0


def cmd_report_clients(pf, args) -> int:
    rows = pf.reports.client_report(as_of=args.as_of, window=args.window, by=args.by)
    if args.format == "csv":
        client_rows_csv(rows, sys.stdout)
    elif args.format == "json":
        print(json.dumps(client_rows_json(rows), indent=2, ensure_ascii=False))
    else:
        print(client_rows_table(rows, pf.settings))
    return 0


def cmd_report_kpis(pf, args) -> int:
    kpis = pf.reports.kpi_report(as_of=args.as_of, period=args.period, rows=args.rows)
    if args.format == "json":
        print(json.dumps(kpis.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(kpis_text(kpis, pf.settings))
    return 0


def cmd_config_init(args) -> int:
    from portfolio_tui.config import write_default_settings

    target = paths.config_file()
    write_default_settings(target)
    print(f"settings written to {target}")
    return 0


def cmd_config_path(args) -> int:
    print(paths.config_file())
    return 0


def resolve_db(args: argparse.Namespace) -> Path:
    """--db wins; --demo (or the `demo` command) means the demo database; else the default."""
    if args.db is not None:
        return args.db.expanduser()
    default = paths.demo_db() if args.demo or getattr(args, "default_demo", False) else None
    default = default or paths.default_db()
    default.parent.mkdir(parents=True, exist_ok=True)  # the platform's data folder, on first use
    return default


def open_portfolio(db: Path):
    from portfolio_tui.service import open_portfolio

    return open_portfolio(db)


def _open_app(args: argparse.Namespace, db: Path) -> int:
    if args.demo and not db.exists():
        with open_portfolio(db) as pf:
            pf.load_demo()
    from portfolio_tui.tui.app import run

    return run(db)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        handler: Callable[..., int] | None = getattr(args, "handler", None)
        if handler is not None and not getattr(args, "needs_db", True):
            return handler(args)
        db = resolve_db(args)
        if handler is None:
            return _open_app(args, db)
        with open_portfolio(db) as pf:
            return handler(pf, args)
    except USER_ERRORS as exc:
        print(f"portfolio: error: {exc}", file=sys.stderr)
        # An import that rejected rows lists each as FILE:LINE: FIELD: reason.
        for detail in getattr(exc, "details", ()):
            print(detail, file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # The reader went away (`portfolio report clients | head`): stop quietly, as cat does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        print(f"portfolio: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
