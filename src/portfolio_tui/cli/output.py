"""Text, CSV and JSON renderings of the service's views for the command line."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from portfolio_tui.domain.kpis import Kpis
from portfolio_tui.domain.money import cents_to_plain, format_money
from portfolio_tui.domain.records import FIGURE_NAMES
from portfolio_tui.domain.settings import Settings

if TYPE_CHECKING:
    # Only named in annotations: building the parser does not load the service.
    from portfolio_tui.service.views import AccountCard, Agenda, AgendaItem, ClientRow

CLIENT_CSV_COLUMNS = ("account_id", "name", "stage", *FIGURE_NAMES)


def _money(cents: int | None, settings: Settings) -> str:
    if cents is None:
        return ""
    return format_money(cents, settings.currency, decimal_comma=settings.decimal_comma)


def table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], right: set[int] = frozenset()
) -> str:
    """A plain fixed-width table; columns in `right` are right-aligned."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


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
            r.stage,
            _money(r.revenue, settings) if r.revenue else "",
            r.abc or "",
            r.rfm.code if r.rfm else "",
            r.rfm.segment if r.rfm else "",
        )
        for r in rows
    ]
    return table(("account", "stage", "revenue", "abc", "rfm", "segment"), body, right={2})


# --- today ------------------------------------------------------------------------------------


def _when(item: AgendaItem) -> str:
    if item.due_on is None:
        return ""
    text = item.due_on.strftime("%a %d %b")
    return f"{text} {item.due_at:%H:%M}" if item.due_at else text


def _badge(item: AgendaItem) -> str:
    return " ".join(x for x in (item.abc, item.rfm.code if item.rfm else None) if x)


def agenda_text(agenda: Agenda) -> str:
    out = [f"Today, {agenda.today:%A %d %B %Y}"]
    for title, items in agenda.groups:
        out.append("")
        out.append(f"{title} ({len(items)})")
        if not items:
            out.append("  nothing")
            continue
        rows = [
            (
                (i.follow_up_id or "")[:8],
                _when(i),
                i.account_name,
                i.stage,
                _badge(i),
                i.title,
                "" if i.days_since_contact is None else f"{i.days_since_contact}d",
            )
            for i in items
        ]
        body = table(("id", "when", "account", "stage", "badges", "to do", "last"), rows, {6})
        out.extend("  " + line for line in body.splitlines())
    return "\n".join(out)


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


def account_card_text(card: AccountCard, settings: Settings, timeline_limit: int = 25) -> str:
    a = card.account
    rfm = card.rfm
    badges = " · ".join(
        x
        for x in (
            f"ABC {card.abc}" if card.abc else None,
            f"RFM {rfm.code} {rfm.segment}" if rfm else None,
        )
        if x
    )
    lines = [f"{a.name}  [{a.stage}]" + (f"  {badges}" if badges else ""), f"id {a.account_id}"]
    facts = [
        ("legal id", a.legal_id),
        ("sector", a.sector),
        ("size", a.size_band),
        ("city", ", ".join(x for x in (a.city, a.region) if x)),
        ("source", a.source),
        ("potential", _money(a.potential, settings) if a.potential else None),
        ("accessibility", f"{a.accessibility}/5" if a.accessibility else None),
        ("risk", a.risk_level),
        ("NPS", f"{a.nps_score} ({card.nps_category})" if a.nps_score is not None else None),
        ("tags", a.tags),
        (
            f"revenue {card.window_label}",
            f"{_money(card.revenue_now, settings)} (before: "
            f"{_money(card.revenue_before, settings)})",
        ),
        ("referred by", card.referred_by[1] if card.referred_by else None),
        ("referrals", ", ".join(name for _, name in card.referrals)),
    ]
    c = card.contact
    if c.interval is not None:
        since = "never contacted" if c.days_since is None else f"last contact {c.days_since}d ago"
        facts.append(("cadence", f"every {c.interval}d, {since}" + (" — DUE" if c.due else "")))
    lines += [f"  {k:<14} {v}" for k, v in facts if v]
    if a.notes:
        lines += ["", "Notes", f"  {a.notes}"]
    lines += ["", f"Contacts ({len(card.contacts)})"]
    lines += [
        "  " + " · ".join(x for x in (p.name, p.role, p.email, p.phone) if x) for p in card.contacts
    ]
    lines += ["", f"Open follow-ups ({len(card.open_follow_ups)})"]
    for f in card.open_follow_ups:
        when = f"{f.due_on:%a %d %b %Y}" + (f" {f.due_at:%H:%M}" if f.due_at else "")
        lines.append(f"  {f.follow_up_id[:8]}  {when}  {f.title}")
    if card.sales_by_family:
        lines += ["", f"Sales by family ({card.window_label})"]
        lines += [f"  {fam:<20} {_money(v, settings)}" for fam, v in card.sales_by_family]
    lines += ["", f"Timeline ({len(card.timeline)})"]
    for e in card.timeline[:timeline_limit]:
        detail = f" — {e.detail}" if e.detail else ""
        lines.append(f"  {e.at:%Y-%m-%d}  {e.kind:<7} {e.text}{detail}")
    if len(card.timeline) > timeline_limit:
        lines.append(f"  … {len(card.timeline) - timeline_limit} more")
    return "\n".join(lines)


# --- report kpis ------------------------------------------------------------------------------


def _pct(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.1%}"


def kpis_text(kpis: Kpis, settings: Settings) -> str:
    def money(cents: int) -> str:
        return _money(cents, settings)

    now, before = kpis.period.label, kpis.previous_period.label
    lines = [
        f"Portfolio KPIs, {now} (to {kpis.as_of.isoformat()}) vs {before}",
        "",
        table(
            ("", now, before),
            [
                ("revenue", money(kpis.revenue_now), money(kpis.revenue_before)),
                ("active clients", kpis.active_now, kpis.active_before),
            ],
            right={1, 2},
        ),
        "",
        f"new clients       {kpis.new_clients.count}  ({money(kpis.new_clients.revenue)} in {now})",
        f"lost clients      {kpis.lost_clients.count}  "
        f"({money(kpis.lost_clients.revenue)} in {before})",
        f"retention         {_pct(kpis.retention_rate)}  "
        f"({kpis.retained_clients} of {kpis.active_before} clients kept)",
        f"net rev. retention {_pct(kpis.net_revenue_retention)}",
        f"top-10 share      {_pct(kpis.top10_share)}   largest account {_pct(kpis.largest_share)}",
    ]
    if kpis.concentration_alert:
        lines.append(
            f"!! CONCENTRATION ALERT: the top 10 accounts make {_pct(kpis.top10_share)} of "
            f"revenue (threshold {kpis.concentration_threshold:.0%})"
        )
    m = kpis.matrix
    lines += ["", f"Revenue by {m.row_key} x product family ({now})"]
    body = [
        (row, *(money(c) if c else "" for c in cells), money(total))
        for row, cells, total in zip(m.rows, m.cells, m.row_totals, strict=True)
    ]
    body.append(("total", *(money(c) for c in m.column_totals), money(m.total)))
    right = set(range(1, len(m.columns) + 2))
    lines += [
        "  " + line for line in table((m.row_key, *m.columns, "total"), body, right).splitlines()
    ]
    lines += ["", "Coverage (active / all accounts)"]
    lines += [
        f"  {c.segment:<12} {c.active:>6} / {c.accounts:<6} {_pct(c.rate)}" for c in kpis.coverage
    ]
    funnel = kpis.funnel
    lines += ["", "Funnel"]
    lines.append("  " + "  ".join(f"{stage} {n}" for stage, n in funnel.stage_counts.items()))
    lines += [
        f"  {step.from_stage} → {step.to_stage}: {step.converted}/{step.entered} "
        f"({_pct(step.rate)})"
        for step in funnel.steps
    ]
    return "\n".join(lines)
