"""Plain records the analytics work on. The store builds them; the domain never fetches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Columns every synced row carries besides its data (see store/models.Synced); merged by
# their own rules in a sync.
BOOKKEEPING = ("id", "created_at", "updated_at", "device_id", "clocks")

# The per-account figures, named alike in every report and export that carries them.
FIGURE_NAMES = (
    "revenue",
    "margin",
    "abc",
    "recency_days",
    "frequency",
    "monetary",
    "r",
    "f",
    "m",
    "rfm_segment",
)


@dataclass(frozen=True, slots=True)
class SaleLine:
    """One sales line, as the analytics see it. Money in integer cents."""

    account_id: str
    date: date
    amount: int
    margin: int | None = None
    order_ref: str | None = None
    family: str | None = None


@dataclass(frozen=True, slots=True)
class AccountFigures:
    """What one account did inside a window: the per-account aggregate behind ABC and RFM.

    `orders` counts distinct order_refs, a line without order_ref counting as one order per
    distinct date. `last_sale` is the date of the last sale inside the window.
    """

    account_id: str
    name: str
    revenue: int
    margin: int
    orders: int
    last_sale: date | None


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """An account's descriptive fields, for grouping (matrix rows, coverage, funnel)."""

    account_id: str
    name: str
    stage: str
    fields: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StageMove:
    account_id: str
    from_stage: str | None
    to_stage: str
    on: date
