"""The header card of the Account screen: who the account is and how it is doing."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text

from portfolio_tui.domain.text import visible

from portfolio_tui.domain.settings import Settings
from portfolio_tui.service.views import AccountCard
from portfolio_tui.tui.badges import abc_badge, rfm_badge, stage_badge
from portfolio_tui.tui.text import change, days_ago, money

SEP = " · "


def _join(parts: list[Text | str]) -> Text:
    text = Text()
    for n, part in enumerate(p for p in parts if p):
        if n:
            text.append(SEP, style="dim")
        text.append(part)
    return text


def _label(name: str, value: Text | str) -> Text:
    return Text.assemble((f"{name} ", "dim"), value)


def header_text(card: AccountCard, settings: Settings, colours: Mapping[str, str]) -> Text:
    """`colours` are the app's theme variables (success, error...)."""
    good, bad = colours.get("success", "green"), colours.get("error", "red")
    lines = (
        _title_line(card),
        _scores_line(card, settings),
        _figures_line(card, settings, good, bad),
        _relations_line(card, bad),
    )
    return Text("\n").join(lines)


def _title_line(card: AccountCard) -> Text:
    """Name, stage, ABC and RFM badges, then sector, city and size."""
    a = card.account
    title = Text.assemble((visible(a.name), "bold"), "  ", stage_badge(a.stage))
    if card.abc:
        title.append("  ")
        title.append(abc_badge(card.abc))
    if card.rfm:
        title.append("  ")
        title.append(rfm_badge(card.rfm))
    where = _join([a.sector or "", a.city or "", a.size_band or ""])
    if where:
        title.append("   ")
        title.append(where.plain, style="dim")
    return title


def _scores_line(card: AccountCard, settings: Settings) -> Text:
    rfm = card.rfm
    if rfm is None:
        return Text(f"No sales in the {card.window_label} window", style="dim")
    return _join(
        [
            _label("Recency", f"{rfm.recency_days} d (R{rfm.r})"),
            _label("Frequency", f"{rfm.frequency} orders (F{rfm.f})"),
            _label("Monetary", f"{money(rfm.monetary, settings)} (M{rfm.m})"),
        ]
    )


def _figures_line(card: AccountCard, settings: Settings, good: str, bad: str) -> Text:
    """Revenue against the window before, potential, accessibility, risk."""
    a = card.account
    revenue = Text(money(card.revenue_now, settings), style="bold")
    revenue.append(f" vs {money(card.revenue_before, settings)} before")
    if delta := change(card.revenue_now, card.revenue_before):
        revenue.append(f" ({delta})", style=bad if delta.startswith("-") else good)
    access = f"{a.accessibility}/5" if a.accessibility is not None else "—"
    return _join(
        [
            _label(f"Revenue {card.window_label}", revenue),
            _label("Potential", money(a.potential, settings)),
            _label("Access", access),
            _label("Risk", a.risk_level or "—"),
        ]
    )


def _relations_line(card: AccountCard, bad: str) -> Text:
    """Contact cadence, NPS, who referred the account and whom it referred."""
    a = card.account
    status = card.contact
    if status.interval is None:
        cadence = Text(f"no cadence · last contact {days_ago(status.days_since)}")
    else:
        cadence = Text(f"every {status.interval} d · last {days_ago(status.days_since)}")
        if status.due:
            late = f", {status.overdue_days} d late" if status.overdue_days else ""
            cadence.append(f" · due{late}", style=f"bold {bad}")
    nps = "—"
    if a.nps_score is not None:
        nps = f"{card.nps_category} ({a.nps_score}"
        nps += f", {a.nps_date:%d %b %Y})" if a.nps_date else ")"
    return _join(
        [
            _label("Contact", cadence),
            _label("NPS", nps),
            _label("Referred by", card.referred_by[1]) if card.referred_by else "",
            _label("Referrals", ", ".join(name for _, name in card.referrals))
            if card.referrals
            else "",
        ]
    )
