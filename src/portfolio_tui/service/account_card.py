"""The pieces of the Account card: the rows it is read from, the revenue split by window and
family, and how a sale or a contact is shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, tzinfo
from typing import TYPE_CHECKING, Any

from portfolio_tui.domain.money import format_money, parse_money
from portfolio_tui.domain.settings import Settings
from portfolio_tui.domain.window import Window
from portfolio_tui.i18n import current_language
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.service.views import ContactView, TimelineEntry

if TYPE_CHECKING:  # read as `store.rows.Record`s with the same fields: no ORM on the card
    from portfolio_tui.store.models import (
        Account,
        Contact,
        FollowUp,
        Interaction,
        Sale,
        StageChange,
    )

NO_FAMILY = "—"


def sale_detail(sale: Sale, product: Any, settings: Settings) -> str:
    parts = [format_money(sale.amount, settings.currency, decimal_comma=settings.decimal_comma)]
    if product is not None and product.family:
        parts.append(product.family)
    if sale.order_ref:
        parts.append(sale.order_ref)
    return " · ".join(parts)


def shown_sale_detail(detail: str, settings: Settings) -> str:
    """A sale's timeline detail as a face shows it: the service writes the amount as the
    settings do (the same JSON in every language); French reads it "3 382,18 €"."""
    if current_language() == "en":
        return detail
    amount, sep, rest = detail.partition(" · ")
    try:
        cents = parse_money(amount, settings.currency)
    except ValueError:
        return detail
    return fmt.money(cents, settings.currency) + sep + rest


def contact_view(c: Contact) -> ContactView:
    return ContactView(c.id, c.name, c.role, c.email, c.phone, c.preferred_channel)


@dataclass
class AccountRows:
    """What the Account card is made of, read in one connection (records with the models'
    fields, `store/rows.py`)."""

    account: Account
    interactions: list[Interaction]
    moves: list[StageChange]
    follow_ups: list[FollowUp]
    contacts: list[Contact]
    sales: list[tuple[Sale, Any]]
    referrer: Account | None
    referrals: list[Account]


def revenue_split(sales: list[tuple[Sale, Any]], w: Window) -> tuple[int, int, dict[str, int]]:
    """Revenue in the window, in the window before it, and by product family in the window."""
    previous = w.previous() if w.months is not None else None
    by_family: dict[str, int] = {}
    now = before = 0
    for sale, product in sales:
        if w.contains(sale.sold_on):
            now += sale.amount
            family = (product.family if product else None) or NO_FAMILY
            by_family[family] = by_family.get(family, 0) + sale.amount
        elif previous is not None and previous.contains(sale.sold_on):
            before += sale.amount
    return now, before, by_family


def account_timeline(
    rows: AccountRows, local: Callable[[datetime], datetime], tz: tzinfo, settings: Settings
) -> list[TimelineEntry]:
    """Interactions, stage changes and sales, newest first (a sale at noon of its day)."""
    names = {c.id: c.name for c in rows.contacts}
    timeline = [
        TimelineEntry(
            local(i.occurred_at),
            i.kind,
            i.summary,
            " · ".join(x for x in (names.get(i.contact_id or ""), i.outcome) if x),
        )
        for i in rows.interactions
    ]
    timeline += [
        TimelineEntry(
            local(m.at),
            "stage",
            f"{m.from_stage} → {m.to_stage}" if m.from_stage else f"created as {m.to_stage}",
        )
        for m in rows.moves
    ]
    timeline += [
        TimelineEntry(
            datetime.combine(sale.sold_on, time(12), tz),
            "sale",
            product.name if product else (sale.order_ref or "sale"),
            sale_detail(sale, product, settings),
        )
        for sale, product in rows.sales
    ]
    timeline.sort(key=lambda e: e.at, reverse=True)
    return timeline
