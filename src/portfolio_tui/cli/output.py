"""Text, CSV and JSON renderings of the service's views for the command line.

Text is for people, in the current language: French amounts, numbers and dates come from
`i18n.formats` (CLDR); English keeps the CLI's historical forms (`€12,345.67` or the
`decimal_comma` setting, `Mon 23 Nov`, `12.5%`), which scripts and the tests already read.
CSV and JSON are for scripts and stay the same in both languages (dot decimals, ISO dates,
cents, the domain's English keys)."""

from __future__ import annotations

import csv
import dataclasses
import json
import shutil
from collections.abc import Callable, Collection, Sequence
from datetime import date
from functools import cache
from typing import IO, TYPE_CHECKING, Any

from portfolio_tui.cli.readable import (
    count_text,
    day_text,
    kind_text,
    money_text,
    percent_text,
    segment_text,
    stage_text,
    time_text,
)
from portfolio_tui.domain.kpis import Kpis
from portfolio_tui.domain.money import cents_to_plain
from portfolio_tui.domain.records import FIGURE_NAMES
from portfolio_tui.domain.settings import Settings
from portfolio_tui.i18n import N_, _, current_language, pgettext
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.i18n.terms import timeline_text, window_label

if TYPE_CHECKING:
    # Only named in annotations: building the parser does not load the service.
    from portfolio_tui.service.deal_views import DealView
    from portfolio_tui.service.views import AccountCard, Agenda, AgendaItem, ClientRow

CLIENT_CSV_COLUMNS = ("account_id", "name", "stage", *FIGURE_NAMES)


# The agenda's group titles (service.views.Agenda.groups), marked for the catalogue.
_AGENDA_TITLES = (N_("Overdue"), N_("Today"), N_("Next 7 days"), N_("Due for contact"))
_NPS_CATEGORIES = {
    "promoter": N_("promoter"),
    "passive": N_("passive"),
    "detractor": N_("detractor"),
}


def _english() -> bool:
    return current_language() == "en"


def _money(cents: int | None, settings: Settings) -> str:
    return money_text(cents, settings)


MIN_CUT_WIDTH = 8


def terminal_width() -> int:
    return shutil.get_terminal_size().columns


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    right: set[int] = frozenset(),
    *,
    width: int | None = None,
    cut: Collection[int] = (),
) -> str:
    """A plain fixed-width table; columns in `right` are right-aligned. Within `width`
    characters, the texts of the columns in `cut` (names, titles) are cut with "…"."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    natural = [max(map(len, column)) for column in zip(*cells, strict=True)]
    widths = natural
    if width is not None and cut:
        widths = _fitted(natural, width, cut)
        for i in [i for i in cut if widths[i] < natural[i]]:
            w = widths[i]
            for row in cells:  # cut with "…"
                if len(row[i]) > w:
                    row[i] = row[i][: w - 1] + "…"
    line = "  ".join(
        f"{{:{'>' if i in right else '<'}{w}}}" if w else "{}" for i, w in enumerate(widths)
    ).format
    lines = [line(*cells[0]).rstrip(), "  ".join("-" * w for w in widths)]
    lines += [line(*row).rstrip() for row in cells[1:]]
    return "\n".join(lines)


def _fitted(widths: list[int], width: int, cut: Collection[int]) -> list[int]:
    """Narrow the widest of the `cut` columns, one character at a time, until the line (two
    spaces between columns) fits in `width` or they are all down to MIN_CUT_WIDTH."""
    widths = list(widths)
    overflow = sum(widths) + 2 * (len(widths) - 1) - width
    while overflow > 0:
        widest = max(cut, key=lambda i: widths[i])
        if widths[widest] <= MIN_CUT_WIDTH:
            break
        widths[widest] -= 1
        overflow -= 1
    return widths


# --- report clients ---------------------------------------------------------------------------


def client_row_values(row: ClientRow) -> dict[str, Any]:
    rfm = row.rfm
    return {
        "account_id": row.account_id,
        "name": row.name,
        "stage": row.stage,
        "revenue": row.revenue,
        "margin": row.margin,
        "abc": row.abc,
        "recency_days": rfm.recency_days if rfm else None,
        "frequency": rfm.frequency if rfm else None,
        "monetary": rfm.monetary if rfm else None,
        "r": rfm.r if rfm else None,
        "f": rfm.f if rfm else None,
        "m": rfm.m if rfm else None,
        "rfm_segment": rfm.segment if rfm else None,
    }


def client_rows_csv(rows: Sequence[ClientRow], out: IO[str]) -> None:
    """The contract of `report clients --format csv`: CLIENT_CSV_COLUMNS, money with a dot and
    two decimals, empty cells where a value does not apply."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CLIENT_CSV_COLUMNS)
    plain = cents_to_plain
    no_rfm = ("",) * 7
    writer.writerows(
        (
            r.account_id,
            r.name,
            r.stage,
            plain(r.revenue),
            plain(r.margin),
            r.abc or "",
            *(
                (s.recency_days, s.frequency, plain(s.monetary), s.r, s.f, s.m, s.segment)
                if (s := r.rfm)
                else no_rfm
            ),
        )
        for r in rows
    )


def client_rows_json(rows: Sequence[ClientRow]) -> list[dict[str, Any]]:
    """Money in cents (integers), as every JSON output of the CLI."""
    return [client_row_values(r) for r in rows]


def client_rows_table(rows: Sequence[ClientRow], settings: Settings) -> str:
    body = [
        (
            r.name,
            stage_text(r.stage),
            _money(r.revenue, settings) if r.revenue else "",
            r.abc or "",
            r.rfm.code if r.rfm else "",
            segment_text(r.rfm.segment) if r.rfm else "",
        )
        for r in rows
    ]
    headers = (
        pgettext("column", "account"),
        pgettext("column", "stage"),
        pgettext("column", "revenue"),
        pgettext("column", "abc"),
        pgettext("column", "rfm"),
        pgettext("column", "segment"),
    )
    return table(headers, body, right={2}, width=terminal_width(), cut={0})


# --- today ------------------------------------------------------------------------------------


def _when(item: AgendaItem, day: Callable[[date], str] = day_text) -> str:
    if item.due_on is None:
        return ""
    text = day(item.due_on)
    return f"{text} {time_text(item.due_at)}" if item.due_at else text


def _badge(item: AgendaItem) -> str:
    return " ".join(x for x in (item.abc, item.rfm.code if item.rfm else None) if x)


def agenda_text(agenda: Agenda) -> str:
    out = [_("Today, {date}").format(date=_long_day(agenda.today))]
    # Thousands of rows share a few days, stages and counts: each is written once.
    day, stage, ago = cache(day_text), cache(stage_text), cache(_days_ago)
    for title, items in agenda.groups:
        out.append("")
        out.append(f"{_(title)} ({count_text(len(items))})")
        if not items:
            out.append("  " + _("nothing"))
            continue
        rows = [
            (
                (i.follow_up_id or "")[:8],
                _when(i, day),
                i.account_name,
                stage(i.stage),
                _badge(i),
                i.title,
                "" if i.days_since_contact is None else ago(i.days_since_contact),
            )
            for i in items
        ]
        headers = _agenda_headers()
        body = table(headers, rows, {6}, width=terminal_width() - 2, cut={2, 5})
        out.extend("  " + line for line in body.splitlines())
    return "\n".join(out)


def _long_day(day: date) -> str:
    """`Monday 23 November 2026` (en, as before), `lundi 23 novembre 2026` (fr)."""
    if _english():
        return day.strftime("%A %d %B %Y")
    return f"{fmt.weekday(day)} {fmt.date_long(day)}"


def _days_ago(days: int) -> str:
    # TRANSLATORS: days since the last contact, in a narrow column: "12d" / "12 j".
    return _("{days}d").format(days=count_text(days))


def _agenda_headers() -> tuple[str, ...]:
    return (
        pgettext("column", "id"),
        pgettext("column", "when"),
        pgettext("column", "account"),
        pgettext("column", "stage"),
        pgettext("column", "badges"),
        pgettext("column", "to do"),
        pgettext("column", "last"),
    )


def _item_json(item: AgendaItem) -> dict[str, Any]:
    return {
        "follow_up_id": item.follow_up_id,
        "account_id": item.account_id,
        "account": item.account_name,
        "stage": item.stage,
        "abc": item.abc,
        "rfm": item.rfm.code if item.rfm else None,
        "rfm_segment": item.rfm.segment if item.rfm else None,
        "title": item.title,
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "due_at": item.due_at.isoformat() if item.due_at else None,
        "days_since_contact": item.days_since_contact,
        "recurring": item.recurring,
    }


def agenda_json(agenda: Agenda) -> dict[str, Any]:
    return {
        "today": agenda.today.isoformat(),
        "overdue": [_item_json(i) for i in agenda.overdue],
        "today_items": [_item_json(i) for i in agenda.due_today],
        "upcoming": [_item_json(i) for i in agenda.upcoming],
        "due_for_contact": [_item_json(i) for i in agenda.due_for_contact],
    }


# --- show -------------------------------------------------------------------------------------


def account_card_text(
    card: AccountCard,
    settings: Settings,
    timeline_limit: int = 25,
    deal_lines: Sequence[str] = (),
) -> str:
    """The card for people; `deal_lines` (its Deals section) come after the follow-ups."""
    a = card.account
    rfm = card.rfm
    badges = " · ".join(
        x
        for x in (
            f"ABC {card.abc}" if card.abc else None,
            f"RFM {rfm.code} {segment_text(rfm.segment)}" if rfm else None,
        )
        if x
    )
    lines = [
        f"{a.name}  [{stage_text(a.stage)}]" + (f"  {badges}" if badges else ""),
        _("id {id}").format(id=a.account_id),
    ]
    lines += [f"  {k:<14} {v}" for k, v in _card_facts(card, settings) if v]
    if a.notes:
        lines += ["", _("Notes"), f"  {a.notes}"]
    lines += ["", _("Contacts ({count})").format(count=count_text(len(card.contacts)))]
    lines += [
        "  " + " · ".join(x for x in (p.name, p.role, p.email, p.phone) if x) for p in card.contacts
    ]
    count = count_text(len(card.open_follow_ups))
    lines += ["", _("Open follow-ups ({count})").format(count=count)]
    for f in card.open_follow_ups:
        when = day_text(f.due_on, year=True) + (f" {time_text(f.due_at)}" if f.due_at else "")
        lines.append(f"  {f.follow_up_id[:8]}  {when}  {f.title}")
    lines += deal_lines
    if card.sales_by_family:
        lines += [
            "",
            _("Sales by family ({window})").format(window=window_label(card.window_label)),
        ]
        lines += [f"  {fam:<20} {_money(v, settings)}" for fam, v in card.sales_by_family]
    return "\n".join(lines + _card_timeline(card, timeline_limit, settings))


def _card_facts(card: AccountCard, settings: Settings) -> list[tuple[str, str | None]]:
    a = card.account
    nps = _NPS_CATEGORIES.get(card.nps_category or "", card.nps_category or "")
    revenue = _("{now} (before: {before})").format(
        now=_money(card.revenue_now, settings), before=_money(card.revenue_before, settings)
    )
    facts = [
        (pgettext("card", "legal id"), a.legal_id),
        (pgettext("card", "sector"), a.sector),
        (pgettext("card", "size"), a.size_band),
        (pgettext("card", "city"), ", ".join(x for x in (a.city, a.region) if x)),
        (pgettext("card", "source"), a.source),
        (pgettext("card", "potential"), _money(a.potential, settings) if a.potential else None),
        (pgettext("card", "accessibility"), f"{a.accessibility}/5" if a.accessibility else None),
        (pgettext("card", "risk"), a.risk_level),
        ("NPS", f"{a.nps_score} ({_(nps)})" if a.nps_score is not None else None),
        (pgettext("card", "tags"), a.tags),
        (
            pgettext("card", "revenue {window}").format(window=window_label(card.window_label)),
            revenue,
        ),
        (pgettext("card", "referred by"), card.referred_by[1] if card.referred_by else None),
        (pgettext("card", "referrals"), ", ".join(name for _id, name in card.referrals)),
    ]
    c = card.contact
    if c.interval is not None:
        if c.days_since is None:
            since = _("never contacted")
        else:
            since = _("last contact {days} ago").format(days=_days_ago(c.days_since))
        cadence = _("every {days}, {since}").format(days=_days_ago(c.interval), since=since)
        facts.append((pgettext("card", "cadence"), cadence + (_(" — DUE") if c.due else "")))
    return facts


def _card_timeline(card: AccountCard, limit: int, settings: Settings) -> list[str]:
    from portfolio_tui.service.account_card import shown_sale_detail

    lines = ["", _("Timeline ({count})").format(count=count_text(len(card.timeline)))]
    for e in card.timeline[:limit]:
        shown = shown_sale_detail(e.detail, settings) if e.kind == "sale" else e.detail
        detail = f" — {shown}" if shown else ""
        text = timeline_text(e.kind, e.text)
        lines.append(f"  {fmt.date_numeric(e.at)}  {kind_text(e.kind):<7} {text}{detail}")
    if len(card.timeline) > limit:
        more = count_text(len(card.timeline) - limit)
        lines.append("  " + _("… {count} more").format(count=more))
    return lines


def account_card_json(card: AccountCard, deals: Sequence[DealView] = ()) -> str:
    """The whole card as JSON, with its `deals` (as `deals --format json` writes them): money
    in cents, dates and times in ISO 8601 (local zone)."""
    values = {**dataclasses.asdict(card), "deals": [d.to_json() for d in deals]}
    return json.dumps(values, indent=2, ensure_ascii=False, default=_iso)


def _iso(value: object) -> str:
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    raise TypeError(f"can't write {type(value).__name__} as JSON")


# --- report kpis ------------------------------------------------------------------------------


def _pct(ratio: float | None) -> str:
    return percent_text(ratio)


def _kpi_line(label: str, value: str) -> str:
    return f"{label:<17} {value}"


def kpis_text(kpis: Kpis, settings: Settings) -> str:
    def money(cents: int) -> str:
        return _money(cents, settings)

    now, before = kpis.period.label, kpis.previous_period.label
    if kpis.comparison == "like_for_like" and kpis.compared_end != kpis.previous_period.end:
        before = _("{label} to {day}").format(label=before, day=kpis.compared_end)
        heading = _("Portfolio KPIs, {now} (to {as_of}) vs the same days of {before}")
    else:
        heading = _("Portfolio KPIs, {now} (to {as_of}) vs all of {before}")
    lines = [
        heading.format(now=now, as_of=kpis.as_of.isoformat(), before=kpis.previous_period.label),
        "",
        table(
            ("", now, before),
            [
                (_("revenue"), money(kpis.revenue_now), money(kpis.revenue_before)),
                (_("active clients"), count_text(kpis.active_now), count_text(kpis.active_before)),
            ],
            right={1, 2},
        ),
        "",
        *_kpi_clients(kpis, money, now, before),
    ]
    if kpis.lost_reasons:
        reasons = ", ".join(f"{reason} {n}" for reason, n in kpis.lost_reasons.items())
        lines.append(_kpi_line(_("prospects lost"), reasons))
    if kpis.concentration_alert:
        lines.append(
            _(
                "!! CONCENTRATION ALERT: the top 10 accounts make {share} of revenue "
                "(threshold {threshold})"
            ).format(
                share=_pct(kpis.top10_share),
                threshold=percent_text(kpis.concentration_threshold, 0),
            )
        )
    return "\n".join(lines + _kpi_matrix(kpis, money, now) + _kpi_coverage_and_funnel(kpis))


def _kpi_clients(kpis: Kpis, money: Callable[[int], str], now: str, before: str) -> list[str]:
    kept = _("({kept} of {active} clients kept)").format(
        kept=count_text(kpis.retained_clients), active=count_text(kpis.active_before)
    )
    won = _("({amount} in {period})").format(amount=money(kpis.new_clients.revenue), period=now)
    lost = _("({amount} in {period})").format(
        amount=money(kpis.lost_clients.revenue), period=before
    )
    largest = _("largest account {share}").format(share=_pct(kpis.largest_share))
    return [
        _kpi_line(_("new clients"), f"{count_text(kpis.new_clients.count)}  {won}"),
        _kpi_line(_("lost clients"), f"{count_text(kpis.lost_clients.count)}  {lost}"),
        _kpi_line(_("retention"), f"{_pct(kpis.retention_rate)}  {kept}"),
        _kpi_line(_("net rev. retention"), _pct(kpis.net_revenue_retention)),
        _kpi_line(_("top-10 share"), f"{_pct(kpis.top10_share)}   {largest}"),
    ]


def _kpi_matrix(kpis: Kpis, money: Callable[[int], str], now: str) -> list[str]:
    m = kpis.matrix
    heading = _("Revenue by {rows} x product family ({period})").format(rows=m.row_key, period=now)
    body = [
        (row, *(money(c) if c else "" for c in cells), money(total))
        for row, cells, total in zip(m.rows, m.cells, m.row_totals, strict=True)
    ]
    total = pgettext("column", "total")
    body.append((total, *(money(c) for c in m.column_totals), money(m.total)))
    right = set(range(1, len(m.columns) + 2))
    rendered = table((m.row_key, *m.columns, total), body, right)
    return ["", heading, *("  " + line for line in rendered.splitlines())]


def _kpi_coverage_and_funnel(kpis: Kpis) -> list[str]:
    lines = ["", _("Coverage (active / all accounts)")]
    lines += [
        f"  {c.segment:<12} {count_text(c.active):>6} / {count_text(c.accounts):<6} {_pct(c.rate)}"
        for c in kpis.coverage
    ]
    funnel = kpis.funnel
    lines += ["", _("Funnel")]
    counts = funnel.stage_counts.items()
    lines.append("  " + "  ".join(f"{stage_text(stage)} {count_text(n)}" for stage, n in counts))
    lines += [
        f"  {stage_text(step.from_stage)} → {stage_text(step.to_stage)}: "
        f"{count_text(step.converted)}/{count_text(step.entered)} ({_pct(step.rate)})"
        for step in funnel.steps
    ]
    return lines
