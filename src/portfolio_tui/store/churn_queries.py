"""Reads for the churn model: one date per order, revenue per year, daily revenue of a few
accounts, and the rep's last touch (interaction or follow-up planned) per account."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable
from datetime import date, datetime

from portfolio_tui.domain.clv import ClientHistory

# One pass in the index's order (accounts by id, then (account_id, sold_on)), so no temporary
# B-tree: per account and day, whether a line without order_ref is there (one order for the day,
# as RFM counts them) and the refs seen, NUL-separated (refs never contain NUL). A ref's order
# is dated by its first day. GROUP BY (account, order key) sorted 1M lines: 7.8 s → 2.3 s.
ORDER_DAYS_SQL = """
SELECT a.id, s.sold_on, max(s.order_ref IS NULL OR s.order_ref = ''),
       group_concat(nullif(s.order_ref, ''), char(0))
FROM account AS a CROSS JOIN sale AS s ON s.account_id = a.id
WHERE a.deleted_at IS NULL AND s.deleted_at IS NULL AND s.sold_on <= ?
GROUP BY a.id, s.sold_on
ORDER BY a.id, s.sold_on
"""

YEARLY_REVENUE_SQL = """
SELECT a.id, CAST(substr(s.sold_on, 1, 4) AS INTEGER), sum(s.amount)
FROM account AS a CROSS JOIN sale AS s ON s.account_id = a.id
WHERE a.deleted_at IS NULL AND s.deleted_at IS NULL AND s.sold_on <= ?
GROUP BY a.id, substr(s.sold_on, 1, 4)
"""

DAILY_REVENUE_SQL = """
SELECT s.account_id, s.sold_on, sum(s.amount)
FROM sale AS s
WHERE s.deleted_at IS NULL AND s.sold_on > ? AND s.sold_on <= ?
  AND s.account_id IN (SELECT value FROM json_each(?))
GROUP BY s.account_id, s.sold_on
ORDER BY s.account_id, s.sold_on
"""

# Per account, the index (account_id, occurred_at) read backwards to the first live call, and
# its few follow-ups: a GROUP BY over `interaction` looked up every row for its tombstone
# (0.43 s → 0.09 s on 290,000 interactions). '' stands for none: max() of texts, NULL-free.
LAST_TOUCH_SQL = """
SELECT a.id, max(
    coalesce((SELECT i.occurred_at FROM interaction AS i WHERE i.account_id = a.id
              AND i.deleted_at IS NULL ORDER BY i.occurred_at DESC LIMIT 1), ''),
    coalesce((SELECT max(f.created_at) FROM followup AS f WHERE f.account_id = a.id
              AND f.deleted_at IS NULL), ''))
FROM account AS a WHERE a.id IN (SELECT value FROM json_each(?))
"""


def order_days(conn: sqlite3.Connection, as_of: date) -> dict[str, list[date]]:
    """Per live account, the day of each of its orders up to as_of, in day order (a day
    repeats when several orders start on it)."""
    days: dict[str, list[date]] = {}
    refs_seen: dict[str, set[str]] = {}
    for account_id, day, without_ref, refs in conn.execute(ORDER_DAYS_SQL, (as_of.isoformat(),)):
        if account_id not in days:
            days[account_id], refs_seen[account_id] = [], set()
        order_day, seen = date.fromisoformat(day), refs_seen[account_id]
        new_refs = {ref for ref in refs.split("\0") if ref not in seen} if refs else ()
        days[account_id].extend([order_day] * (bool(without_ref) + len(new_refs)))
        seen.update(new_refs)
    return days


def order_histories(conn: sqlite3.Connection, as_of: date) -> list[ClientHistory]:
    """What `client_histories(order_days(conn, as_of), as_of)` gives, one account at a time:
    its orders up to as_of, and the days of its first and last. Only the refs of the account
    being read are held, not every order's day and ref of the book (~100 MB on 1M lines)."""
    histories: list[ClientHistory] = []
    account: str | None = None
    seen: set[str] = set()
    orders, first, last = 0, "", ""
    for account_id, day, without_ref, refs in conn.execute(ORDER_DAYS_SQL, (as_of.isoformat(),)):
        if account_id != account:
            if orders:
                histories.append(ClientHistory(account, orders, _day(first), _day(last)))
            account, orders, first = account_id, 0, ""
            seen = set()
        new_refs = {ref for ref in refs.split("\0") if ref not in seen} if refs else ()
        placed = bool(without_ref) + len(new_refs)
        if placed:
            orders += placed
            first, last = first or day, day
            seen.update(new_refs)
    if orders:
        histories.append(ClientHistory(account, orders, _day(first), _day(last)))
    return histories


def _day(text: str) -> date:
    return date.fromisoformat(text)


def yearly_revenue(conn: sqlite3.Connection, as_of: date) -> dict[str, dict[int, int]]:
    """Per live account, revenue in cents per calendar year with a sale, up to as_of."""
    revenue: dict[str, dict[int, int]] = {}
    for account_id, year, amount in conn.execute(YEARLY_REVENUE_SQL, (as_of.isoformat(),)):
        revenue.setdefault(account_id, {})[year] = amount
    return revenue


def daily_revenue(
    conn: sqlite3.Connection, account_ids: Collection[str], start_exclusive: date, end: date
) -> dict[str, list[tuple[date, int]]]:
    """Per account of `account_ids` with a sale in start < sold_on <= end, its (day, cents)
    in day order."""
    params = (start_exclusive.isoformat(), end.isoformat(), json.dumps(sorted(account_ids)))
    daily: dict[str, list[tuple[date, int]]] = {}
    for account_id, day, amount in conn.execute(DAILY_REVENUE_SQL, params):
        daily.setdefault(account_id, []).append((date.fromisoformat(day), amount))
    return daily


def last_touches(conn: sqlite3.Connection, account_ids: Iterable[str]) -> dict[str, datetime]:
    """Per account of `account_ids`, the latest of its live interactions and follow-up
    creations (naive UTC). Only those asked for: Today asks for the few A clients with an
    alert, not the 20,000 accounts (~0.2 s)."""
    ids = json.dumps(list(dict.fromkeys(account_ids)))
    return {
        account_id: datetime.fromisoformat(at)
        for account_id, at in conn.execute(LAST_TOUCH_SQL, (ids,))
        if at
    }
