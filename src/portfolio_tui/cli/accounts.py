"""`add account`, `edit account`, `add contact` and `show`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from portfolio_tui.cli.output import account_card_text
from portfolio_tui.cli.types import CommandGroups
from portfolio_tui.domain.account_fields import (
    CHANNELS,
    EDITABLE_FIELDS,
    RISK_LEVELS,
    SOURCES,
)
from portfolio_tui.domain.stages import Stage
from portfolio_tui.errors import UserError

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio

ACCOUNT_HELP = "the account: an id, a legal id, an exact name or an unambiguous prefix"
STAGE_NAMES = ", ".join(s.value for s in Stage)

# Every editable account field but the name (a positional argument), plus the referrer.
ACCOUNT_FLAGS = (*(f for f in EDITABLE_FIELDS if f != "name"), "referred_by")
FLAG_HELP = {
    "name": "the account's new name",
    "legal_id": "SIRET, SIREN or VAT number (matched on import)",
    "sector": "line of business",
    "size_band": "company size: TPE, PME, ETI, GE…",
    "city": "city",
    "region": "region",
    "notes": "free notes",
    "source": "where the account came from: " + ", ".join(SOURCES),
    "potential": "yearly potential, e.g. '12 000 €'",
    "accessibility": "how easy to reach, 1 to 5",
    "risk_level": "risk: " + ", ".join(RISK_LEVELS),
    "nps_score": "last Net Promoter Score, 0 to 10",
    "nps_date": "date of that score, YYYY-MM-DD",
    "tags": "comma-separated tags",
    "referred_by": "the account that referred this one",
}


def register(groups: CommandGroups) -> None:
    p = groups.add.add_parser("account", help="add an account")
    p.add_argument("name", help="the account's name")
    p.add_argument("--stage", default="suspect", help=f"{STAGE_NAMES} (default: suspect)")
    _account_flags(p, with_name=False)
    p.set_defaults(handler=cmd_add_account)

    p = groups.add.add_parser("contact", help="add a contact person to an account")
    p.add_argument("account", help=ACCOUNT_HELP)
    p.add_argument("name", help="the person's name")
    p.add_argument("--email", help="email address")
    p.add_argument("--phone", help="phone number")
    p.add_argument("--role", help="job title or role")
    p.add_argument("--channel", dest="preferred_channel", help=", ".join(CHANNELS))
    p.set_defaults(handler=cmd_add_contact)

    p = groups.edit.add_parser("account", help="change an account's fields")
    p.add_argument("account", help=ACCOUNT_HELP)
    _account_flags(p, with_name=True)
    p.set_defaults(handler=cmd_edit_account)

    p = groups.commands.add_parser(
        "show", help="an account's card: fields, badges, contacts, history"
    )
    p.add_argument("account", help=ACCOUNT_HELP)
    p.set_defaults(handler=cmd_show)


def _account_flags(parser: argparse.ArgumentParser, *, with_name: bool) -> None:
    if with_name:
        parser.add_argument("--name", help=FLAG_HELP["name"])
    for flag in ACCOUNT_FLAGS:
        parser.add_argument(
            "--" + flag.replace("_", "-"), dest=flag, metavar="TEXT", help=FLAG_HELP[flag]
        )


def _given_account_fields(args: argparse.Namespace, names: Sequence[str]) -> dict[str, str]:
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def cmd_add_account(pf: Portfolio, args: argparse.Namespace) -> int:
    fields = _given_account_fields(args, ACCOUNT_FLAGS)
    print(pf.routine.add_account(args.name, stage=args.stage, **fields))
    return 0


def cmd_add_contact(pf: Portfolio, args: argparse.Namespace) -> int:
    contact_id = pf.routine.add_contact(
        args.account,
        args.name,
        email=args.email,
        phone=args.phone,
        role=args.role,
        preferred_channel=args.preferred_channel,
    )
    print(contact_id)
    return 0


def cmd_edit_account(pf: Portfolio, args: argparse.Namespace) -> int:
    fields = _given_account_fields(args, ("name", *ACCOUNT_FLAGS))
    if not fields:
        raise UserError("nothing to change: give at least one --field")
    changed = pf.routine.edit_account(args.account, **fields)
    print("changed: " + (", ".join(sorted(changed)) if changed else "nothing"))
    return 0


def cmd_show(pf: Portfolio, args: argparse.Namespace) -> int:
    print(account_card_text(pf.reports.account_card(args.account), pf.settings))
    return 0
