"""What the deals use cases hand to the faces: plain, read-only values; and the reading of
lost reasons, as the rep types them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from portfolio_tui.domain.deals import OPEN_STAGES, DealStage
from portfolio_tui.service.views import DealAgendaItem


@dataclass(frozen=True, slots=True)
class NextAction:
    follow_up_id: str
    due_on: date
    title: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.follow_up_id, "due": self.due_on.isoformat(), "title": self.title}


@dataclass(frozen=True, slots=True)
class DealView:
    """One deal as the faces show it; `probability` is the effective one."""

    deal_id: str
    account_id: str
    account_name: str
    title: str
    amount: int
    probability: int
    own_probability: int | None  # None: the stage's default applies
    stage: str
    created_on: date
    expected_close: date | None
    closed_on: date | None
    lost_reason: str | None
    family: str | None
    notes: str
    days_in_stage: int
    rotting: bool
    next_action: NextAction | None = None

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def agenda_item(self) -> DealAgendaItem:
        return DealAgendaItem(
            self.deal_id, self.account_id, self.account_name, self.title, self.amount,
            self.probability, self.stage, self.expected_close, self.days_in_stage, self.rotting,
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.deal_id,
            "account_id": self.account_id,
            "account": self.account_name,
            "title": self.title,
            "amount": self.amount,
            "probability": self.probability,
            "stage": self.stage,
            "created": self.created_on.isoformat(),
            "expected_close": _iso(self.expected_close),
            "closed": _iso(self.closed_on),
            "lost_reason": self.lost_reason,
            "family": self.family,
            "days_in_stage": self.days_in_stage,
            "rotting": self.rotting,
            "next_action": self.next_action.to_json() if self.next_action else None,
        }


@dataclass(frozen=True, slots=True)
class DealMoved:
    """What a stage move did. A won deal: the face offers to record a sale of `amount`."""

    deal_id: str
    title: str
    account_id: str
    account_name: str
    from_stage: str
    to_stage: str
    amount: int
    account_became_client: bool = False

    @property
    def offer_sale(self) -> bool:
        return self.to_stage == DealStage.WON


@dataclass(frozen=True, slots=True)
class DealBoard:
    """The board's columns, every deal stage in funnel order (won, lost: recently closed)."""

    columns: tuple[tuple[str, tuple[DealView, ...]], ...]

    def column(self, stage: str) -> tuple[DealView, ...]:
        return dict(self.columns).get(stage, ())


@dataclass(frozen=True, slots=True)
class WhiteSpaceRow:
    """One line of `report whitespace`."""

    account_id: str
    name: str
    segment: str
    family: str
    peers_buying: int
    peers: int
    share: float
    estimate: int  # cents


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# The French names of the default lost reasons, accents and case removed.
_FRENCH_REASONS: Final = {
    "prix": "price",
    "tarif": "price",
    "concurrent": "competitor",
    "concurrence": "competitor",
    "calendrier": "timing",
    "delai": "timing",
    "pas_de_budget": "no_budget",
    "budget": "no_budget",
    "pas_de_decision": "no_decision",
    "indecision": "no_decision",
    "autre": "other",
}


def _reason_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "_".join(plain.replace("-", " ").split())


def match_lost_reason(reasons: tuple[str, ...], text: str) -> str | None:
    """The reason of `reasons` that `text` names: any case and accents, spaces for
    underscores, the default reasons also in French ("Prix", "pas de budget")."""
    wanted = _reason_key(text)
    wanted = _FRENCH_REASONS.get(wanted, wanted)
    for reason in reasons:
        if _reason_key(reason) == wanted:
            return reason
    return None


_STAGE_ORDER: Final = {stage.value: n for n, stage in enumerate(DealStage)}


def account_order(deal: DealView) -> tuple[Any, ...]:
    """An account's deals: the open ones by stage and close date, then the closed, latest first."""
    if deal.is_open:
        return (
            0,
            _STAGE_ORDER[deal.stage],
            deal.expected_close or date.max,
            deal.title,
            deal.deal_id,
        )
    return (1, -(deal.closed_on or date.min).toordinal(), deal.title, deal.deal_id)
