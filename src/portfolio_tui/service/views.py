"""What the Portfolio service hands to its faces (CLI and TUI): plain, read-only values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from portfolio_tui.domain.cadence import ContactStatus
from portfolio_tui.domain.dates import When
from portfolio_tui.domain.rfm import RfmScore
from portfolio_tui.domain.text import fold, sort_key


@dataclass(frozen=True, slots=True)
class ClientRow:
    """One line of `report clients`: an account's figures and badges over a window."""

    account_id: str
    name: str
    stage: str
    revenue: int
    margin: int
    abc: str | None
    rfm: RfmScore | None


@dataclass(frozen=True, slots=True)
class AgendaItem:
    account_id: str
    account_name: str
    stage: str
    abc: str | None
    rfm: RfmScore | None
    title: str
    due_on: date | None  # None for "due for contact" rows
    due_at: datetime | None  # local time, when the follow-up has one
    days_since_contact: int | None
    follow_up_id: str | None = None
    recurring: bool = False


@dataclass(frozen=True, slots=True)
class DealAgendaItem:
    """An open deal on Today: closing this week or before, or rotting in its stage."""

    deal_id: str
    account_id: str
    account_name: str
    title: str
    amount: int  # cents
    probability: int
    stage: str
    expected_close: date | None
    days_in_stage: int
    rotting: bool


@dataclass(frozen=True, slots=True)
class AtRiskItem:
    """An A client in danger on Today ("À risque"), until the rep logs an interaction or plans
    a follow-up on or after `since`."""

    account_id: str
    account_name: str
    stage: str
    abc: str | None
    reasons: tuple[str, ...]  # "p_alive_low", "revenue_drop"
    title: str  # the reasons, for people
    p_alive: float | None
    revenue_now: int  # cents, the last 12 months
    revenue_before: int  # cents, the 12 months before
    since: date  # the day the earliest reason still standing started


@dataclass(frozen=True, slots=True)
class Agenda:
    today: date
    overdue: list[AgendaItem]
    due_today: list[AgendaItem]
    upcoming: list[AgendaItem]  # the next 7 days
    due_for_contact: list[AgendaItem]
    # Open deals expected to close by Sunday (or already past their date), soonest first.
    deals_closing: list[DealAgendaItem] = field(default_factory=list)
    deals_rotting: list[DealAgendaItem] = field(default_factory=list)
    # A clients in danger ("À risque"), the most recent alert first.
    at_risk: list[AtRiskItem] = field(default_factory=list)

    @property
    def groups(self) -> list[tuple[str, list[AgendaItem]]]:
        return [
            ("Overdue", self.overdue),
            ("Today", self.due_today),
            ("Next 7 days", self.upcoming),
            ("Due for contact", self.due_for_contact),
        ]


def row_words(
    name: str, city: str | None, sector: str | None, tags: str, contacts: tuple[str, ...]
) -> str:
    """The words of a Portfolio row that the `/` filter matches, in one text."""
    return " ".join((name, city or "", sector or "", tags, *contacts))


@dataclass(frozen=True, slots=True)
class PortfolioRow:
    account_id: str
    name: str
    stage: str
    abc: str | None
    rfm: RfmScore | None
    revenue: int
    last_contact: date | None
    next_follow_up: date | None
    next_follow_up_title: str | None
    city: str | None
    sector: str | None
    tags: str
    contacts: tuple[str, ...]
    p_alive: float | None = None  # the churn model's; None without a fit or an order
    # What the `/` filter matches: the row's words folded (`domain.text.fold`), made once
    # with the row (and kept with it), not at every load of the screen.
    folded: str = field(default="", repr=False)
    # The name's sort key (`domain.text.sort_key`), made once too: sorting 20,000 rows by
    # name folded every name at each load (~0.15 s).
    name_key: tuple[str, str] = field(default=("", ""), repr=False)

    def __post_init__(self) -> None:
        # Made here unless given: the Portfolio's rows come with the words folded and kept
        # apart (`service/portfolio_rows`), a write to a follow-up does not fold them again.
        if not self.folded:
            object.__setattr__(self, "folded", fold(self._words()))
            object.__setattr__(self, "name_key", sort_key(self.name))

    def _words(self) -> str:
        return row_words(self.name, self.city, self.sector, self.tags, self.contacts)

    @property
    def search_text(self) -> str:
        """The text the `/` filter matches against: folded (`domain.text.fold`, case and
        accents ignored), after the lower-cased text when that differs, so that a word typed
        folded ("electricite") or just lower-cased ("électricité") is found."""
        lowered = self._words().lower()
        return self.folded if self.folded == lowered else f"{lowered}\n{self.folded}"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime  # local time
    kind: str  # call, meeting, email, visit, note, sale, stage
    text: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ContactView:
    contact_id: str
    name: str
    role: str | None
    email: str | None
    phone: str | None
    preferred_channel: str | None


@dataclass(frozen=True, slots=True)
class FollowUpView:
    follow_up_id: str
    title: str
    due_on: date
    due_at: datetime | None  # local
    done_at: datetime | None  # local
    outcome: str | None
    recurrence: str | None
    contact_name: str | None = None


@dataclass(frozen=True, slots=True)
class AccountView:
    """An account's own fields, detached from the database."""

    account_id: str
    name: str
    stage: str
    legal_id: str | None
    sector: str | None
    size_band: str | None
    city: str | None
    region: str | None
    source: str | None
    potential: int | None
    accessibility: int | None
    risk_level: str | None
    nps_score: int | None
    nps_date: date | None
    tags: str
    notes: str
    custom_fields: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AccountCard:
    account: AccountView
    abc: str | None
    rfm: RfmScore | None
    window_label: str
    revenue_now: int
    revenue_before: int
    nps_category: str | None
    contact: ContactStatus
    referred_by: tuple[str, str] | None  # (account id, name)
    referrals: list[tuple[str, str]]
    timeline: list[TimelineEntry]
    contacts: list[ContactView]
    open_follow_ups: list[FollowUpView]
    done_follow_ups: list[FollowUpView]
    sales_by_family: list[tuple[str, int]]  # in the window, largest first
    suggested_follow_up: str  # a date phrase from the cadence, e.g. "+14d"
    p_alive: float | None = None  # the churn model's; None without a fit or an order


@dataclass(frozen=True, slots=True)
class PipelineCard:
    account_id: str
    name: str
    stage: str
    potential: int | None
    accessibility: int | None
    days_in_stage: int | None
    next_follow_up: date | None


@dataclass(frozen=True, slots=True)
class Logged:
    """What `log_interaction` / `complete_follow_up` wrote: the interaction, the follow-up
    closed (done), and the one now open next with the date understood for it (a recurring
    follow-up is one row: its id stays, moved to the next occurrence)."""

    interaction_id: str
    follow_up_id: str | None = None  # the follow-up open next, if any
    account_id: str = ""
    account_name: str = ""
    next_due: When | None = None  # the date understood for `follow_up_id`
    closed_follow_up_id: str | None = None
    series_over: bool = False  # the closed follow-up was the last of its series

    @property
    def short_id(self) -> str:
        return self.interaction_id[:8]


@dataclass(frozen=True, slots=True)
class AccountAdded:
    """What `create_account` wrote."""

    account_id: str
    name: str
    stage: str

    @property
    def short_id(self) -> str:
        return self.account_id[:8]
