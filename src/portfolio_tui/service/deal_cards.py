"""Stored deal rows made into what the faces and the figures use: the cards of lists and of
the board (days in stage, rotting, next action) and the facts of the pipeline figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Final

from portfolio_tui.domain.deals import DealFacts, DealStage, effective_probability, is_rotting
from portfolio_tui.service.deal_views import DealView, NextAction
from portfolio_tui.store.deal_queries import DealRow

STAGES: Final = {stage.value: stage for stage in DealStage}


class LocalDays:
    """Local calendar days of stored (naive UTC) instants, "2026-11-23 07:30:00.000000".

    Every instant of a UTC hour falls on the same local day when the zone's offset is a whole
    number of hours and does not change within that hour: that day is kept per hour. Other
    hours are converted instant by instant."""

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self.day_of_hour: dict[str, date | None] = {}

    def of(self, stored: str) -> date:
        key = stored[:13]
        if key not in self.day_of_hour:
            self.day_of_hour[key] = self._day_of_whole_hour(datetime.fromisoformat(key + ":00"))
        day = self.day_of_hour[key]
        if day is not None:
            return day
        moment = datetime.fromisoformat(stored)
        return (moment + self._offset(moment)).date()

    def _day_of_whole_hour(self, hour: datetime) -> date | None:
        first, last = self._offset(hour), self._offset(hour + timedelta(minutes=59, seconds=59))
        if first != last or first % timedelta(hours=1):
            return None
        return (hour + first).date()

    def _offset(self, moment: datetime) -> timedelta:
        return moment.replace(tzinfo=UTC).astimezone(self.tz).utcoffset() or timedelta(0)


@dataclass(frozen=True, slots=True)
class ViewContext:
    """What every card of a list or of the board is computed with."""

    today: date
    probabilities: Mapping[DealStage, int]
    rotting_days: Mapping[DealStage, int]
    entered: Mapping[str, date]  # deal id → the day it entered its current stage
    last_activity: Mapping[str, date]  # account id → the day of its latest interaction
    actions: Mapping[str, tuple[str, date, str]]  # deal id → its next action


def deal_view(row: DealRow, context: ViewContext) -> DealView:
    facts = deal_facts(row)
    since = context.entered.get(row.deal_id, row.created_on)
    action = context.actions.get(row.deal_id)
    return DealView(
        deal_id=row.deal_id,
        account_id=row.account_id,
        account_name=row.account_name,
        title=row.title,
        amount=row.amount,
        probability=effective_probability(row.probability, facts.stage, context.probabilities),
        own_probability=row.probability,
        stage=row.stage,
        created_on=row.created_on,
        expected_close=row.expected_close,
        closed_on=row.closed_on,
        lost_reason=row.lost_reason,
        family=row.family,
        notes=row.notes,
        days_in_stage=max(0, (context.today - since).days),
        rotting=is_rotting(
            facts,
            context.last_activity.get(row.account_id),
            since,
            context.today,
            context.rotting_days,
        ),
        next_action=NextAction(*action) if action else None,
    )


def facts_of_stored(rows: list[tuple]) -> list[DealFacts]:
    """DealFacts of `deal_queries.deal_fact_rows`."""
    day = date.fromisoformat
    return [
        DealFacts(
            i, account, title, amount, probability, STAGES[stage], day(created),
            day(close) if close else None, day(closed) if closed else None, reason, family,
        )
        for i, account, title, amount, probability, stage, created, close, closed, reason, family
        in rows
    ]  # fmt: skip


def deal_facts(row: DealRow) -> DealFacts:
    return DealFacts(
        id=row.deal_id,
        account_id=row.account_id,
        title=row.title,
        amount=row.amount,
        probability=row.probability,
        stage=STAGES[row.stage],
        created_on=row.created_on,
        expected_close=row.expected_close,
        closed_on=row.closed_on,
        lost_reason=row.lost_reason,
        family=row.family,
    )
