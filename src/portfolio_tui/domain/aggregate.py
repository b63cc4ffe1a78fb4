"""The per-account aggregate behind ABC and RFM, computed in Python.

This is the reference the store's SQL is tested against, and what small callers can use
directly on a list of sales.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from portfolio_tui.domain.records import AccountFigures, SaleLine
from portfolio_tui.domain.window import Window


@dataclass(slots=True)
class _Running:
    revenue: int = 0
    margin: int = 0
    last_sale: date | None = None
    # An order is a distinct order_ref; lines without one make one order per distinct date.
    # The two kinds live in separate sets so a ref that looks like a date cannot collide.
    refs: set[str] = field(default_factory=set)
    days_without_ref: set[date] = field(default_factory=set)


def figures_from_sales(
    sales: Iterable[SaleLine], window: Window, names: Mapping[str, str]
) -> list[AccountFigures]:
    """One AccountFigures per account with at least one sale in `window`, sorted by account_id.

    A missing margin counts 0. An account absent from `names` is named by its id.
    """
    running: dict[str, _Running] = {}
    for sale in sales:
        if not window.contains(sale.date):
            continue
        acc = running.get(sale.account_id)
        if acc is None:
            acc = running[sale.account_id] = _Running()
        acc.revenue += sale.amount
        acc.margin += sale.margin or 0
        if acc.last_sale is None or sale.date > acc.last_sale:
            acc.last_sale = sale.date
        if not sale.order_ref:  # None or "" (a blank spreadsheet cell)
            acc.days_without_ref.add(sale.date)
        else:
            acc.refs.add(sale.order_ref)
    return [
        AccountFigures(
            account_id=account_id,
            name=names.get(account_id, account_id),
            revenue=acc.revenue,
            margin=acc.margin,
            orders=len(acc.refs) + len(acc.days_without_ref),
            last_sale=acc.last_sale,
        )
        for account_id, acc in sorted(running.items())
    ]
