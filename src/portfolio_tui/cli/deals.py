"""Deals: `deal add|edit|stage|won|lost|next`, `deals`, `report pipeline`, `report whitespace`.

`import deals` and `export csv deals` are the files family's (cli/files.py), on the kinds the
service declares."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from portfolio_tui.cli.accounts import ACCOUNT_HELP
from portfolio_tui.cli.output import table
from portfolio_tui.cli.readable import money_text, percent_text
from portfolio_tui.cli.types import CommandGroups, calendar_date
from portfolio_tui.domain.money import cents_to_plain, parse_money
from portfolio_tui.i18n import N_, _, current_language
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.i18n.terms import deal_stage_label, lost_reason_label

if TYPE_CHECKING:
    from portfolio_tui.domain.deals import PipelineFigures
    from portfolio_tui.domain.settings import Settings
    from portfolio_tui.service import Portfolio
    from portfolio_tui.service.deal_views import DealMoved, DealView, WhiteSpaceRow

DEAL_STAGES = ("qualification", "proposal", "negotiation", "won", "lost")
DEAL_HELP = "the deal's id, or an unambiguous prefix of it (as `deals` shows)"
PHRASE = N_("a date phrase: 2027-03-31, 31/03/2027, +3w, next monday, dans 3 jours…")
AS_OF_HELP = "the day the figures are computed at: 2026-11-22 or 22/11/2026 (default: today)"
CLEAR = "none"  # `--close none`, `--family none`, `--probability none`: clear the field
DEAL_CSV_COLUMNS = (
    "id", "account_id", "account", "title", "amount", "probability", "stage", "created",
    "expected_close", "closed", "lost_reason", "family", "days_in_stage", "rotting",
)  # fmt: skip
WHITESPACE_CSV_COLUMNS = (
    "account_id", "name", "segment", "family", "peers_buying", "peers", "share", "estimate",
)  # fmt: skip


def probability(text: str) -> int | None:
    """0 to 100, or `none` for the stage's default."""
    if text.strip().casefold() == CLEAR:
        return None
    try:
        value = int(text.strip().removesuffix("%"))
    except ValueError:
        message = _("{text!r} is not a whole number").format(text=text)
        raise argparse.ArgumentTypeError(message) from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(_("{value} is not between 0 and 100").format(value=value))
    return value


def register(groups: CommandGroups) -> None:
    deal = groups.commands.add_parser("deal", help=_("add, edit, move, win or lose a deal"))
    verbs = deal.add_subparsers(
        dest="deal_command", required=True, metavar="ACTION", help=_("what to do with the deal")
    )
    _register_add(verbs)
    _register_edit(verbs)
    p = verbs.add_parser("stage", help=_("move a deal to a stage"))
    p.add_argument("deal", help=_(DEAL_HELP))
    p.add_argument("stage", help=_("one of: {stages}").format(stages=", ".join(DEAL_STAGES)))
    p.add_argument("--reason", help=_("why it was lost (with stage lost)"))
    p.set_defaults(handler=cmd_deal_stage)
    p = verbs.add_parser("won", help=_("mark a deal won (its account becomes a client)"))
    p.add_argument("deal", help=_(DEAL_HELP))
    p.set_defaults(handler=cmd_deal_won)
    p = verbs.add_parser("lost", help=_("mark a deal lost, with its reason"))
    p.add_argument("deal", help=_(DEAL_HELP))
    reasons = _("price, competitor, timing, no_budget, no_decision, other, or your own")
    p.add_argument("--reason", required=True, help=reasons)
    p.set_defaults(handler=cmd_deal_lost)
    p = verbs.add_parser("next", help=_("plan the deal's next action (a follow-up)"))
    p.add_argument("deal", help=_(DEAL_HELP))
    p.add_argument("title", help=_("what to do"))
    p.add_argument("--due", required=True, metavar="PHRASE", help=_("when: {phrase}").format(
        phrase=_(PHRASE)))  # fmt: skip
    p.set_defaults(handler=cmd_deal_next)
    _register_list(groups)
    _register_reports(groups)


def _register_add(verbs: Any) -> None:
    p = verbs.add_parser("add", help=_("add an open deal to an account"))
    p.add_argument("account", help=_(ACCOUNT_HELP))
    p.add_argument("title", help=_("what is being sold, in a few words"))
    p.add_argument("--amount", required=True, help=_("the amount: 12000, 12 000,50 €, €1,200.50"))
    p.add_argument("--probability", type=probability, metavar="P",
                   help=_("0-100 (default: the stage's, from the settings)"))  # fmt: skip
    p.add_argument("--close", metavar="PHRASE", help=_("expected close: {phrase}").format(
        phrase=_(PHRASE)))  # fmt: skip
    stages = _("qualification, proposal or negotiation (default: qualification)")
    p.add_argument("--stage", default="qualification", help=stages)
    p.add_argument("--family", help=_("the product family"))
    p.add_argument("--notes", default="", help=_("free notes"))
    p.set_defaults(handler=cmd_deal_add)


def _register_edit(verbs: Any) -> None:
    p = verbs.add_parser("edit", help=_("change a deal's fields"))
    p.add_argument("deal", help=_(DEAL_HELP))
    p.add_argument("--title", help=_("the new title"))
    p.add_argument("--amount", help=_("the new amount"))
    p.add_argument("--probability", type=probability, metavar="P", default=argparse.SUPPRESS,
                   help=_("0-100, or none for the stage's default"))  # fmt: skip
    close = _("expected close ({phrase}), or none").format(phrase=_(PHRASE))
    p.add_argument("--close", metavar="PHRASE", help=close)
    p.add_argument("--family", help=_("the product family, or none"))
    p.add_argument("--notes", help=_("free notes"))
    p.set_defaults(handler=cmd_deal_edit)


def _register_list(groups: CommandGroups) -> None:
    p = groups.commands.add_parser("deals", help=_("list deals"))
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--open", dest="scope", action="store_const", const="open",
                       help=_("open deals only (the default)"))  # fmt: skip
    scope.add_argument("--closed", dest="scope", action="store_const", const="closed",
                       help=_("won and lost deals only"))  # fmt: skip
    scope.add_argument("--all", dest="scope", action="store_const", const="all",
                       help=_("every deal"))  # fmt: skip
    p.add_argument("--account", help=_("only this account's: {what}").format(what=_(ACCOUNT_HELP)))
    p.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help=_("table for people; csv, json for scripts (default: table)"))  # fmt: skip
    p.set_defaults(handler=cmd_deals, scope="open")


def _register_reports(groups: CommandGroups) -> None:
    p = groups.report.add_parser("pipeline", help=_("open deals, forecast, win rate, velocity"))
    p.add_argument("--as-of", type=calendar_date, help=_(AS_OF_HELP))
    p.add_argument("--period", choices=("month", "quarter", "year"), default="year",
                   help=_("won, lost and created in this period of the as-of day, to date "
                          "(default: year)"))  # fmt: skip
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help=_("table for people, json for scripts (default: table)"))  # fmt: skip
    p.set_defaults(handler=cmd_report_pipeline)

    p = groups.report.add_parser("whitespace", help=_("product families to sell next to clients"))
    p.add_argument("--as-of", type=calendar_date, help=_(AS_OF_HELP))
    p.add_argument("--window", help=_("12m, 24m, Nm or all (default from settings: 12m)"))
    p.add_argument("--by", default="sector",
                   help=_("the segment peers share: sector, abc or an account field "
                          "(default: sector)"))  # fmt: skip
    p.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help=_("table for people; csv, json for scripts (default: table)"))  # fmt: skip
    p.set_defaults(handler=cmd_report_whitespace)


# --- handlers ---------------------------------------------------------------------------------


def _cents(pf: Portfolio, text: str) -> int:
    return parse_money(text, pf.settings.currency)


def _cleared(text: str | None) -> str | None:
    return None if text is None or text.strip().casefold() == CLEAR else text


def cmd_deal_add(pf: Portfolio, args: argparse.Namespace) -> int:
    deal_id = pf.deals.add_deal(
        args.account,
        args.title,
        amount=_cents(pf, args.amount),
        probability=args.probability,
        close=args.close,
        stage=args.stage,
        family=args.family,
        notes=args.notes,
    )
    print(deal_id)
    return 0


def cmd_deal_edit(pf: Portfolio, args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {}
    if args.title is not None:
        changes["title"] = args.title
    if args.amount is not None:
        changes["amount"] = _cents(pf, args.amount)
    if "probability" in args:
        changes["probability"] = args.probability
    if args.close is not None:
        changes["close"] = _cleared(args.close)
    if args.family is not None:
        changes["family"] = _cleared(args.family)
    if args.notes is not None:
        changes["notes"] = args.notes
    before = pf.deals.edit_deal(args.deal, **changes)
    if not before:
        print(_("nothing changed"))
        return 0
    after = pf.deals.deal(args.deal)
    for name, old in before.items():
        new = getattr(after, "own_probability" if name == "probability" else name)
        print(f"{name}: {_shown(old)} → {_shown(new)}")
    return 0


def _shown(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


def _print_move(pf: Portfolio, moved: DealMoved) -> int:
    print(f"{moved.title}: {moved.from_stage} → {moved.to_stage}")
    if moved.account_became_client:
        print(_("{name} is now a client").format(name=moved.account_name))
    if moved.offer_sale:
        amount = _money(moved.amount, pf.settings)
        print(_("record the sale of {amount} when it is invoiced").format(amount=amount))
    return 0


def cmd_deal_stage(pf: Portfolio, args: argparse.Namespace) -> int:
    return _print_move(pf, pf.deals.move_deal(args.deal, args.stage, reason=args.reason))


def cmd_deal_won(pf: Portfolio, args: argparse.Namespace) -> int:
    return _print_move(pf, pf.deals.win_deal(args.deal))


def cmd_deal_lost(pf: Portfolio, args: argparse.Namespace) -> int:
    return _print_move(pf, pf.deals.lose_deal(args.deal, args.reason))


def cmd_deal_next(pf: Portfolio, args: argparse.Namespace) -> int:
    print(pf.deals.plan_next_action(args.deal, args.title, args.due))
    return 0


def cmd_deals(pf: Portfolio, args: argparse.Namespace) -> int:
    deals = pf.deals.deals(args.scope, args.account)
    if args.format == "csv":
        deals_csv(deals, sys.stdout)
    elif args.format == "json":
        print(json.dumps([d.to_json() for d in deals], indent=2, ensure_ascii=False))
    else:
        print(deals_table(deals, pf.settings))
    return 0


def cmd_report_pipeline(pf: Portfolio, args: argparse.Namespace) -> int:
    figures = pf.deals.pipeline_report(as_of=args.as_of, period=args.period)
    if args.format == "json":
        print(json.dumps(figures.to_json(), indent=2, ensure_ascii=False))
    else:
        print(pipeline_text(figures, pf.settings))
    return 0


def cmd_report_whitespace(pf: Portfolio, args: argparse.Namespace) -> int:
    rows = pf.deals.whitespace(as_of=args.as_of, window=args.window, by=args.by)
    if args.format == "csv":
        whitespace_csv(rows, sys.stdout)
    elif args.format == "json":
        print(json.dumps([whitespace_json(r) for r in rows], indent=2, ensure_ascii=False))
    else:
        print(whitespace_table(rows, pf.settings))
    return 0


# --- renderings -------------------------------------------------------------------------------


def _money(cents: int | None, settings: Settings) -> str:
    return "—" if cents is None else money_text(cents, settings)  # "12 345,67 €" in French


def _rate(value: float | None) -> str:
    return percent_text(value, 0)  # "58%" / "58 %"


def _one(value: float) -> str:
    return f"{value:.1f}" if current_language() == "en" else fmt.number(value, 1)


def _stage(stage: str) -> str:
    """A deal stage in a sentence: the key in English (`proposal`), the label in French."""
    return stage if current_language() == "en" else deal_stage_label(stage).lower()


def _reason(reason: str) -> str:
    return reason if current_language() == "en" else lost_reason_label(reason).lower()


def deals_table(deals: Sequence[DealView], settings: Settings) -> str:
    headers = (_("id"), _("account"), _("title"), _("stage"), _("amount"), _("prob."),
               _("close"), _("days"), "")  # fmt: skip
    body = [
        (
            d.deal_id[:8],
            d.account_name,
            d.title,
            _stage(d.stage),
            _money(d.amount, settings),
            percent_text(d.probability / 100, 0),
            _shown(d.closed_on or d.expected_close),
            d.days_in_stage if d.is_open else "",
            _("rotting") if d.rotting else "",
        )
        for d in deals
    ]
    return table(headers, body, right={4, 5, 7})


def deals_csv(deals: Sequence[DealView], out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DEAL_CSV_COLUMNS)
    for d in deals:
        writer.writerow(
            (d.deal_id, d.account_id, d.account_name, d.title, cents_to_plain(d.amount),
             d.probability, d.stage, d.created_on, d.expected_close or "", d.closed_on or "",
             d.lost_reason or "", d.family or "", d.days_in_stage, "yes" if d.rotting else "")
        )  # fmt: skip


def pipeline_text(f: PipelineFigures, settings: Settings) -> str:
    def money(cents: int | None) -> str:
        return _money(cents, settings)

    lines = [
        _("Pipeline as of {as_of}, period from {start}").format(
            as_of=f.as_of, start=f.period.start
        ),
        _("open: {count} deals, {amount}, weighted {weighted}").format(
            count=f.open_deals.count,
            amount=money(f.open_deals.amount),
            weighted=money(f.open_deals.weighted),
        ),
        _("overdue: {count}, {amount}    undated: {ucount}, {uamount}").format(
            count=f.overdue.count,
            amount=money(f.overdue.amount),
            ucount=f.undated.count,
            uamount=money(f.undated.amount),
        ),
        "",
        table(
            (_("month"), _("deals"), _("amount"), _("weighted")),
            [(m.month, m.count, money(m.amount), money(m.weighted)) for m in f.forecast],
            right={1, 2, 3},
        ),
        "",
        _("won: {won} ({won_amount})    lost: {lost} ({lost_amount})    win rate: {rate}").format(
            won=f.won.count,
            won_amount=money(f.won.amount),
            lost=f.lost.count,
            lost_amount=money(f.lost.amount),
            rate=_rate(f.win_rate),
        ),
        _("average won: {average}    average cycle: {days} days").format(
            average=money(f.average_won_amount),
            days="—" if f.average_cycle_days is None else _one(f.average_cycle_days),
        ),
        _("velocity: {velocity} a day    qualified: {qualified}").format(
            velocity=money(f.velocity_per_day), qualified=f.qualified
        ),
    ]
    if f.lost_reasons:
        reasons = ", ".join(
            f"{_reason(reason)} {count}" for reason, count in f.lost_reasons.items()
        )
        lines.append(_("lost reasons: {reasons}").format(reasons=reasons))
    steps = ", ".join(
        f"{_stage(c.from_stage)}→{_stage(c.to_stage)} {_rate(c.rate)}" for c in f.conversion
    )
    lines.append(_("conversion: {steps}").format(steps=steps))
    return "\n".join(lines)


def whitespace_json(row: WhiteSpaceRow) -> dict[str, Any]:
    return {
        "account_id": row.account_id,
        "name": row.name,
        "segment": row.segment,
        "family": row.family,
        "peers_buying": row.peers_buying,
        "peers": row.peers,
        "share": row.share,
        "estimate": row.estimate,
    }


def whitespace_csv(rows: Sequence[WhiteSpaceRow], out: IO[str]) -> None:
    """The contract: WHITESPACE_CSV_COLUMNS, share with 4 decimals, estimate as 1234.50."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(WHITESPACE_CSV_COLUMNS)
    writer.writerows(
        (r.account_id, r.name, r.segment, r.family, r.peers_buying, r.peers, f"{r.share:.4f}",
         cents_to_plain(r.estimate))
        for r in rows
    )  # fmt: skip


def whitespace_table(rows: Sequence[WhiteSpaceRow], settings: Settings) -> str:
    headers = (_("account"), _("segment"), _("family"), _("peers buying"), _("estimate"))
    body = [
        (r.name, r.segment, r.family, f"{r.peers_buying}/{r.peers}", _money(r.estimate, settings))
        for r in rows
    ]
    return table(headers, body, right={3, 4})
