"""The header card of the Account screen: who the account is and how it is doing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from rich.text import Text

from portfolio_tui.domain.settings import Settings
from portfolio_tui.domain.text import visible
from portfolio_tui.i18n import _, current_language, ngettext, pgettext
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.i18n.terms import risk_label, window_label
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


def _orders(count: int) -> str:
    return ngettext("{count} order", "{count} orders", count).format(count=count)


def _nps_label(category: str | None) -> str:
    labels = {
        "promoter": pgettext("nps", "promoter"),
        "passive": pgettext("nps", "passive"),
        "detractor": pgettext("nps", "detractor"),
    }
    return labels.get(category or "", category or "")


def _nps_day(day: date) -> str:
    """ "02 Dec 2026" in English (as before), "02/12/2026" in French."""
    return f"{day:%d %b %Y}" if current_language() == "en" else fmt.date_numeric(day)


def _label(name: str, value: Text | str) -> Text:
    return Text.assemble((f"{name} ", "dim"), value)


def header_text(card: AccountCard, settings: Settings, colours: Mapping[str, str]) -> Text:
    """`colours` are the app's theme variables (success, error...)."""
    good, bad = colours.get("success", "green"), colours.get("error", "red")
    lines = (
        _title_line(card),
        _scores_line(card, settings, bad),
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


def _scores_line(card: AccountCard, settings: Settings, bad: str) -> Text:
    """R, F and M, then the churn model's P(alive) (none without a fit or an order)."""
    rfm = card.rfm
    if rfm is None:
        scores = Text(
            _("No sales in the {window} window").format(window=window_label(card.window_label)),
            style="dim",
        )
    else:
        scores = _join(
            [
                _label(_("Recency"), _("{days} d").format(days=rfm.recency_days) + f" (R{rfm.r})"),
                _label(_("Frequency"), _orders(rfm.frequency) + f" (F{rfm.f})"),
                _label(_("Monetary"), f"{money(rfm.monetary, settings)} (M{rfm.m})"),
            ]
        )
    if card.p_alive is None:
        return scores
    alive = Text(fmt.percent(card.p_alive, 0), style=f"bold {bad}" if card.p_alive < 0.5 else "")
    return _join([scores, _label(_("P(alive)"), alive)])


def _figures_line(card: AccountCard, settings: Settings, good: str, bad: str) -> Text:
    """Revenue against the window before, potential, accessibility, risk."""
    a = card.account
    revenue = Text(money(card.revenue_now, settings), style="bold")
    before = _("vs {amount} before").format(amount=money(card.revenue_before, settings))
    revenue.append(f" {before}")
    if delta := change(card.revenue_now, card.revenue_before):
        revenue.append(f" ({delta})", style=bad if delta.startswith("-") else good)
    access = f"{a.accessibility}/5" if a.accessibility is not None else "—"
    return _join(
        [
            _label(_("Revenue {window}").format(window=window_label(card.window_label)), revenue),
            _label(_("Potential"), money(a.potential, settings)),
            _label(_("Access"), access),
            _label(_("Risk"), risk_label(a.risk_level) if a.risk_level else "—"),
        ]
    )


def _relations_line(card: AccountCard, bad: str) -> Text:
    """Contact cadence, NPS, who referred the account and whom it referred."""
    a = card.account
    status = card.contact
    if status.interval is None:
        last = days_ago(status.days_since)
        cadence = Text(_("no cadence · last contact {last}").format(last=last))
    else:
        every = _("every {days} d · last {last}")
        cadence = Text(every.format(days=status.interval, last=days_ago(status.days_since)))
        if status.due:
            late = (
                _(", {days} d late").format(days=status.overdue_days) if status.overdue_days else ""
            )
            cadence.append(" · " + _("due{late}").format(late=late), style=f"bold {bad}")
    nps = "—"
    if a.nps_score is not None:
        nps = f"{_nps_label(card.nps_category)} ({a.nps_score}"
        nps += f", {_nps_day(a.nps_date)})" if a.nps_date else ")"
    return _join(
        [
            _label(pgettext("cadence", "Contact"), cadence),
            _label("NPS", nps),
            _label(_("Referred by"), card.referred_by[1]) if card.referred_by else "",
            _label(_("Referrals"), ", ".join(name for _, name in card.referrals))
            if card.referrals
            else "",
        ]
    )
