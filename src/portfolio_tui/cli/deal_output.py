"""The deals `today` and `show` print: the service's lists (`Agenda.deals_closing`,
`Agenda.deals_rotting`, `DealCases.account_deals`) as text for people and JSON for scripts.

Text is in the current language (deal stages, amounts, dates); JSON is the same in both
(English keys, cents, ISO dates), with the keys of `portfolio deals --format json`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from portfolio_tui.cli.output import table, terminal_width
from portfolio_tui.cli.readable import count_text, day_text, money_text, percent_text
from portfolio_tui.domain.deals import OPEN_STAGES
from portfolio_tui.domain.settings import Settings
from portfolio_tui.i18n import _, ngettext, pgettext
from portfolio_tui.i18n.terms import deal_stage_label, lost_reason_label

if TYPE_CHECKING:
    from portfolio_tui.service.deal_views import DealView
    from portfolio_tui.service.views import Agenda, DealAgendaItem


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], right: set[int],
           cut: set[int]) -> list[str]:  # fmt: skip
    body = table(headers, rows, right, width=terminal_width() - 2, cut=cut)
    return [("  " + line).rstrip() for line in body.splitlines()]


def _stage(stage: str) -> str:
    return deal_stage_label(stage).lower()


def _day(day: date | None, today: date) -> str:
    if day is None:
        return "—"
    return day_text(day, year=day.year != today.year)


# --- today ------------------------------------------------------------------------------------


def agenda_deals_text(agenda: Agenda, settings: Settings) -> list[str]:
    """The lines after the agenda's groups: the open deals closing by Sunday (or past their
    date), then the rotting ones, each under its heading and count, as Today shows them; no
    line when there is neither."""
    lines: list[str] = []
    sections = ((_("Deals closing"), agenda.deals_closing),
                (_("Deals rotting"), agenda.deals_rotting))  # fmt: skip
    for heading, items in sections:
        if not items:
            continue
        lines += ["", f"{heading} ({count_text(len(items))})"]
        row = _AgendaRows(agenda.today, settings)
        rows = [row(item) for item in items]
        headers = (
            pgettext("column", "id"), _("close"), pgettext("column", "account"), _("title"),
            pgettext("column", "stage"), _("amount"), _("prob."), _("days"),
        )  # fmt: skip
        lines += _table(headers, rows, right={5, 6, 7}, cut={2, 3})
    return lines


class _AgendaRows:
    """A deal's row of `today`: thousands of them share a few days, stages and counts, each
    written once."""

    def __init__(self, today: date, settings: Settings) -> None:
        self.today, self.settings = today, settings
        self.day = cache(lambda day: _day(day, today))
        self.stage, self.count = cache(_stage), cache(count_text)
        self.percent = cache(lambda probability: percent_text(probability / 100, 0))

    def __call__(self, item: DealAgendaItem) -> tuple[str, ...]:
        late = item.expected_close is not None and item.expected_close < self.today
        return (
            item.deal_id[:8],
            self.day(item.expected_close) + (" !" if late else ""),
            item.account_name,
            item.title,
            self.stage(item.stage),
            money_text(item.amount, self.settings),
            self.percent(item.probability),
            self.count(item.days_in_stage),
        )


def agenda_deals_json(agenda: Agenda) -> dict[str, list[dict[str, Any]]]:
    """The keys `today --format json` adds to the agenda's."""
    return {
        "deals_closing": [_agenda_deal_json(i) for i in agenda.deals_closing],
        "deals_rotting": [_agenda_deal_json(i) for i in agenda.deals_rotting],
    }


def _agenda_deal_json(item: DealAgendaItem) -> dict[str, Any]:
    return {
        "id": item.deal_id,
        "account_id": item.account_id,
        "account": item.account_name,
        "title": item.title,
        "amount": item.amount,
        "probability": item.probability,
        "stage": item.stage,
        "expected_close": item.expected_close.isoformat() if item.expected_close else None,
        "days_in_stage": item.days_in_stage,
        "rotting": item.rotting,
    }


# --- show -------------------------------------------------------------------------------------


def account_deals_text(deals: Sequence[DealView], today: date, settings: Settings) -> list[str]:
    """The card's Deals section: the open deals first (stage, title, amount, probability,
    expected close, days in stage), then the closed ones with their close day."""
    open_count = sum(d.stage in OPEN_STAGES for d in deals)
    # The Account screen's title of its Deals pane: "Deals · 2 open".
    count = ngettext("{n} open", "{n} open", open_count).format(n=count_text(open_count))
    lines = ["", _("Deals") + f" · {count}"]
    if not deals:
        return [*lines, "  " + _("nothing")]
    headers = (
        pgettext("column", "id"), pgettext("column", "stage"), _("title"), _("amount"),
        _("prob."), _("close"), _("days"), "",
    )  # fmt: skip
    rows = [_card_row(d, today, settings) for d in deals]
    return lines + _table(headers, rows, right={3, 4, 6}, cut={2})


def _card_row(deal: DealView, today: date, settings: Settings) -> tuple[str, ...]:
    stage = _stage(deal.stage)
    if deal.lost_reason:
        stage = f"{stage} ({lost_reason_label(deal.lost_reason)})"
    return (
        deal.deal_id[:8],
        stage,
        deal.title,
        money_text(deal.amount, settings),
        percent_text(deal.probability / 100, 0),
        _day(deal.expected_close if deal.is_open else deal.closed_on, today),
        count_text(deal.days_in_stage) if deal.is_open else "",
        _("rotting") if deal.rotting else "",
    )
