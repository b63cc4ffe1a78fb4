"""`add account`, `edit account`, `add contact` and `show`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from portfolio_tui.cli.deal_output import account_deals_text
from portfolio_tui.cli.output import account_card_json, account_card_text
from portfolio_tui.cli.readable import stage_text
from portfolio_tui.cli.types import CommandGroups, add_format_option
from portfolio_tui.domain.account_fields import (
    CHANNELS,
    EDITABLE_FIELDS,
    RISK_LEVELS,
    SOURCES,
)
from portfolio_tui.domain.stages import Stage
from portfolio_tui.errors import UserError
from portfolio_tui.i18n import N_, _, current_language, field_label

if TYPE_CHECKING:
    from portfolio_tui.service import Portfolio

# Help texts are marked here and translated where the parser is built (after the language).
ACCOUNT_HELP = N_("the account: an id, a legal id, an exact name or an unambiguous prefix")

# Every editable account field but the name (a positional argument), plus the referrer.
ACCOUNT_FLAGS = (*(f for f in EDITABLE_FIELDS if f != "name"), "referred_by")
FLAG_HELP = {
    "name": N_("the account's new name"),
    "legal_id": N_("SIRET, SIREN or VAT number (matched on import)"),
    "sector": N_("line of business"),
    "size_band": N_("company size: TPE, PME, ETI, GE…"),
    "city": N_("city"),
    "region": N_("region"),
    "notes": N_("free notes"),
    "source": N_("where the account came from: {sources}"),
    "potential": N_("yearly potential, e.g. '12 000 €'"),
    "accessibility": N_("how easy to reach, 1 to 5"),
    "risk_level": N_("risk: {risks}"),
    "nps_score": N_("last Net Promoter Score, 0 to 10"),
    "nps_date": N_("date of that score, YYYY-MM-DD"),
    "tags": N_("comma-separated tags"),
    "referred_by": N_("the account that referred this one"),
}


def flag_help(flag: str) -> str:
    """The help of an account field's option, in the current language."""
    return _(FLAG_HELP[flag]).format(sources=", ".join(SOURCES), risks=", ".join(RISK_LEVELS))


def stage_names() -> str:
    """The stages as the help lists them: "suspect, cold, …, lost (won is client)"."""
    stages = ", ".join(stage_text(s.value) for s in Stage)
    return _("{stages} (won is client)").format(stages=stages)


def register(groups: CommandGroups) -> None:
    p = groups.add.add_parser("account", help=_("add an account"))
    p.add_argument("name", help=_("the account's name"))
    p.add_argument(
        "--stage",
        default="suspect",
        help=_("{stages} (default: {default})").format(
            stages=stage_names(), default=stage_text("suspect")
        ),
    )
    _account_flags(p, with_name=False)
    p.set_defaults(handler=cmd_add_account)

    p = groups.add.add_parser("contact", help=_("add a contact person to an account"))
    p.add_argument("account", help=_(ACCOUNT_HELP))
    p.add_argument("name", help=_("the person's name"))
    p.add_argument("--email", help=_("email address"))
    p.add_argument("--phone", help=_("phone number"))
    p.add_argument("--role", help=_("job title or role"))
    p.add_argument("--channel", dest="preferred_channel", help=", ".join(CHANNELS))
    p.set_defaults(handler=cmd_add_contact)

    p = groups.edit.add_parser("account", help=_("change an account's fields"))
    p.add_argument("account", help=_(ACCOUNT_HELP))
    _account_flags(p, with_name=True)
    p.set_defaults(handler=cmd_edit_account)

    p = groups.commands.add_parser(
        "show", help=_("an account's card: fields, badges, contacts, history")
    )
    p.add_argument("account", help=_(ACCOUNT_HELP))
    add_format_option(p, ("text", "json"))
    p.set_defaults(handler=cmd_show)


def _account_flags(parser: argparse.ArgumentParser, *, with_name: bool) -> None:
    if with_name:
        parser.add_argument("--name", help=flag_help("name"))
    for flag in ACCOUNT_FLAGS:
        parser.add_argument(
            "--" + flag.replace("_", "-"), dest=flag, metavar="TEXT", help=flag_help(flag)
        )


def _given_account_fields(args: argparse.Namespace, names: Sequence[str]) -> dict[str, str]:
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def cmd_add_account(pf: Portfolio, args: argparse.Namespace) -> int:
    fields = _given_account_fields(args, ACCOUNT_FLAGS)
    added = pf.routine.create_account(args.name, stage=args.stage, **fields)
    print(
        _("added {name} ({id}) as {stage}").format(
            name=added.name, id=added.short_id, stage=stage_text(added.stage)
        )
    )
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
        raise UserError(_("nothing to change: give at least one --field"))
    changed = pf.routine.edit_account(args.account, **fields)
    names = sorted(changed) if current_language() == "en" else sorted(map(field_label, changed))
    listing = ", ".join(names) if changed else _("nothing")
    print(_("changed: {fields}").format(fields=listing))
    return 0


def cmd_show(pf: Portfolio, args: argparse.Namespace) -> int:
    card = pf.reports.account_card(args.account)
    deals = pf.deals.account_deals(card.account.account_id)
    if args.format == "json":
        print(account_card_json(card, deals))
    else:
        lines = account_deals_text(deals, pf.today(), pf.settings)
        print(account_card_text(card, pf.settings, deal_lines=lines))
    return 0
