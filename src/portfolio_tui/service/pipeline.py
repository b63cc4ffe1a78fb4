"""The prospect pipeline (`portfolio pipeline`, the Pipeline screen): a card per account."""

from __future__ import annotations

from portfolio_tui.domain.periods import period_of
from portfolio_tui.domain.stages import Stage
from portfolio_tui.service.core import Core
from portfolio_tui.service.views import PipelineCard
from portfolio_tui.store import queries


def pipeline_cards(core: Core, period: str) -> list[PipelineCard]:
    """Prospects by stage, plus the accounts won in the current period and the lost ones."""
    today = core.today()
    current = period_of(today, period)
    with core.db.raw() as conn:
        entered = queries.stage_entered(conn)
        upcoming = queries.next_follow_ups(conn)
        rows = queries.pipeline_accounts(conn)
    cards = []
    for account_id, name, stage, potential, accessibility in rows:
        since = entered.get(account_id)
        since_day = core.local(since).date() if since else None
        if stage == Stage.CLIENT.value and not (since_day and current.contains(since_day)):
            continue
        follow_up = upcoming.get(account_id)
        cards.append(
            PipelineCard(
                account_id=account_id,
                name=name,
                stage=stage,
                potential=potential,
                accessibility=accessibility,
                days_in_stage=(today - since_day).days if since_day else None,
                next_follow_up=follow_up[0] if follow_up else None,
            )
        )
    return cards
