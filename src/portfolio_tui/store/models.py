"""The tables. Every row carries what file sync needs: a UUID text id, created/updated
timestamps (UTC), the device that last wrote it, per-field write clocks, and a tombstone."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DateTime, Index, text
from sqlmodel import Field, SQLModel

from portfolio_tui.store.ids import new_id


def instant(default=None, **kw) -> object:
    """A naive-UTC instant column. The app works in aware local time and converts at the
    service boundary (Portfolio._stored / _local); SQLite has no zones."""
    return Field(default=default, sa_type=DateTime, **kw)


class Synced(SQLModel):
    id: str = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = instant()
    updated_at: datetime = instant()
    device_id: str = ""
    deleted_at: datetime | None = instant()
    # JSON {field: "<iso utc>|<device id>"}: when and where each field was last updated,
    # so a sync can take the latest value field by field (see store/writes.py).
    clocks: str = "{}"


class Account(Synced, table=True):
    __table_args__ = (Index("ix_account_name", "name"), Index("ix_account_stage", "stage"))

    name: str
    legal_id: str | None = Field(default=None, index=True)
    sector: str | None = None
    size_band: str | None = None
    city: str | None = None
    region: str | None = None
    source: str | None = None  # inbound, outbound, referral, event, other
    referred_by_id: str | None = Field(default=None, foreign_key="account.id")
    stage: str = "suspect"
    potential: int | None = None  # cents a year, if we were its only supplier
    accessibility: int | None = None  # 1-5
    risk_level: str | None = None  # low, medium, high
    nps_score: int | None = None  # 0-10
    nps_date: date | None = None
    tags: str = ""  # comma-separated
    notes: str = ""
    custom_fields: str = "{}"  # JSON object
    lost_reason: str | None = None  # why it was marked lost (settings' lost reasons)


class Contact(Synced, table=True):
    __table_args__ = (Index("ix_contact_account", "account_id"), Index("ix_contact_email", "email"))

    account_id: str = Field(foreign_key="account.id")
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    preferred_channel: str | None = None  # phone, email, visit, video


class Interaction(Synced, table=True):
    __table_args__ = (Index("ix_interaction_account_at", "account_id", "occurred_at"),)

    account_id: str = Field(foreign_key="account.id")
    contact_id: str | None = Field(default=None, foreign_key="contact.id")
    kind: str  # call, meeting, email, visit, note
    occurred_at: datetime = instant()
    duration_minutes: int | None = None
    summary: str = ""
    outcome: str | None = None


class FollowUp(Synced, table=True):
    __table_args__ = (
        Index("ix_followup_open", "done_at", "due_on"),
        Index("ix_followup_account", "account_id"),
    )

    account_id: str = Field(foreign_key="account.id")
    contact_id: str | None = Field(default=None, foreign_key="contact.id")
    title: str
    due_on: date  # the local calendar day it is due
    due_at: datetime | None = instant()  # the exact instant, when a time was given
    done_at: datetime | None = instant()
    outcome: str | None = None
    recurrence: str | None = None  # RRULE text, expanded with dateutil.rrule
    # A recurring follow-up is one row, its series: done moves it to the next occurrence.
    # series_start is the series' DTSTART (naive UTC; local midnight for an all-day one), so
    # that COUNT and UNTIL count from the first occurrence.
    series_start: datetime | None = instant()
    deal_id: str | None = Field(default=None, foreign_key="deal.id")  # the deal's next action


class Product(Synced, table=True):
    __table_args__ = (Index("ix_product_name", "name"),)

    name: str
    family: str | None = None


class Sale(Synced, table=True):
    # Partial covering index: the per-account window aggregates read nothing but this index.
    __table_args__ = (
        Index(
            "ix_sale_account_date",
            "account_id",
            "sold_on",
            "amount",
            "margin",
            "order_ref",
            "product_id",
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )

    account_id: str = Field(foreign_key="account.id")
    sold_on: date
    amount: int  # cents
    margin: int | None = None  # cents
    product_id: str | None = Field(default=None, foreign_key="product.id")
    order_ref: str | None = None
    quantity: float | None = None


class StageChange(Synced, table=True):
    __table_args__ = (Index("ix_stagechange_account_at", "account_id", "at"),)

    account_id: str = Field(foreign_key="account.id")
    from_stage: str | None = None
    to_stage: str
    at: datetime = instant()


class Segment(Synced, table=True):
    """A saved, named filter over the accounts (domain/segments.py reads `filter_text`).

    Its id is derived from the folded name (service/segments.py), so the same name saved on
    two laptops is one row after a sync, and the name stays unique among live rows."""

    __table_args__ = (
        Index("ux_segment_live_name", "name", unique=True, sqlite_where=text("deleted_at IS NULL")),
    )

    name: str
    filter_text: str


class Deal(Synced, table=True):
    """An opportunity ("affaire"): an amount that may be won, by when, how likely."""

    __table_args__ = (
        Index("ix_deal_account", "account_id"),
        Index("ix_deal_stage_close", "stage", "expected_close"),
    )

    account_id: str = Field(foreign_key="account.id")
    title: str
    amount: int  # cents
    probability: int | None = None  # 0-100; None: the stage's default
    stage: str = "qualification"  # domain.deals.DealStage
    expected_close: date | None = None
    family: str | None = None  # a product family
    lost_reason: str | None = None
    created_on: date
    closed_on: date | None = None
    notes: str = ""


class DealStageChange(Synced, table=True):
    """One step of a deal's stage history (append-only, like StageChange)."""

    __table_args__ = (Index("ix_dealstagechange_deal_at", "deal_id", "at"),)

    deal_id: str = Field(foreign_key="deal.id")
    from_stage: str | None = None
    to_stage: str
    at: datetime = instant()


class Meta(SQLModel, table=True):
    """Key/value facts about this database file, e.g. this device's id."""

    key: str = Field(primary_key=True)
    value: str


SYNCED_TABLES: tuple[type[Synced], ...] = (
    Account,
    Contact,
    Product,
    Deal,
    Interaction,
    FollowUp,
    Sale,
    StageChange,
    Segment,
    DealStageChange,
)
# Rows of these tables are facts that happened: they merge as a union, never edited by a sync.
APPEND_ONLY: frozenset[str] = frozenset({"interaction", "sale", "stagechange", "dealstagechange"})
