"""The Dashboard's panels as Rich renderables: KPIs, concentration alert, ABC table, segment ×
product matrix and the funnel. Pure functions of the service's values and the settings."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text

from portfolio_tui.domain.abc import PARETO_TARGET, AbcResult
from portfolio_tui.domain.kpis import Funnel, Kpis, RevenueMatrix
from portfolio_tui.domain.settings import Settings
from portfolio_tui.i18n import _, current_language, ngettext
from portfolio_tui.i18n import formats as fmt
from portfolio_tui.i18n.terms import stage_label
from portfolio_tui.tui.badges import STAGE_STYLES, abc_badge
from portfolio_tui.tui.text import change, short_money, whole_money

if TYPE_CHECKING:  # the service is imported when the app first opens it
    from portfolio_tui.service.churn import ChurnRiskReport

BAR = "█"


def percent(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    return f"{ratio * 100:.0f}%" if current_language() == "en" else fmt.percent(ratio, 0)


def _count(value: int) -> str:
    return fmt.number(value)


def kpi_table(k: Kpis, settings: Settings) -> Table:
    now, before = k.period.label, k.previous_period.label
    table = Table(box=None, show_header=True, padding=(0, 1, 0, 0), expand=True)
    table.add_column("", style="bold", no_wrap=True, width=13)
    table.add_column(now, justify="right", no_wrap=True, width=12)
    table.add_column(before, justify="right", no_wrap=True, width=12)
    table.add_column("", no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_row(
        _("Revenue"),
        whole_money(k.revenue_now, settings),
        whole_money(k.revenue_before, settings),
        change(k.revenue_now, k.revenue_before),
    )
    table.add_row(_("Active"), _count(k.active_now), _count(k.active_before),
                  change(k.active_now, k.active_before))  # fmt: skip
    table.add_row(
        _("New clients"),
        _count(k.new_clients.count),
        "",
        _("{amount} in {period}").format(
            amount=short_money(k.new_clients.revenue, settings), period=now
        ),
    )
    table.add_row(
        _("Lost clients"),
        _count(k.lost_clients.count),
        "",
        _("{amount} in {period}").format(
            amount=short_money(k.lost_clients.revenue, settings), period=before
        ),
    )
    table.add_row(
        _("Retention"),
        percent(k.retention_rate),
        "",
        _("{shown} of {total}").format(
            shown=_count(k.retained_clients), total=_count(k.active_before)
        ),
    )
    table.add_row(_("NRR"), percent(k.net_revenue_retention), "", _("revenue kept"))
    table.add_row(_("Top 10 share"), percent(k.top10_share), "",
                  _("largest {share}").format(share=percent(k.largest_share)))  # fmt: skip
    return table


def top_accounts_table(k: Kpis, settings: Settings) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 1, 0, 0), expand=True)
    table.add_column("#", justify="right", width=3, style="dim")
    table.add_column(_("Account"), no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column(_("Revenue"), justify="right", no_wrap=True)
    table.add_column(_("Share"), justify="right", no_wrap=True, width=4)
    for rank, account in enumerate(k.top_accounts, start=1):
        share = account.amount / k.revenue_now if k.revenue_now > 0 else None
        table.add_row(
            str(rank), account.name, whole_money(account.amount, settings), percent(share)
        )
    if not k.top_accounts:
        table.add_row("", Text(_("no revenue in this period"), style="italic"), "", "")
    return table


def concentration_text(k: Kpis) -> Text:
    text = Text("⚠ " + _("CONCENTRATION ALERT") + "  ", style="bold")
    text.append(
        _("the top 10 accounts make {share} of {period} revenue (alert above {threshold})").format(
            share=percent(k.top10_share),
            period=k.period.label,
            threshold=percent(k.concentration_threshold),
        )
    )
    return text


def abc_table(abc: AbcResult, settings: Settings) -> Table:
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), expand=True, show_edge=False)
    table.add_column(_("Class"), no_wrap=True)
    table.add_column(_("Accounts"), justify="right", no_wrap=True)
    table.add_column(_("Revenue"), justify="right", no_wrap=True)
    table.add_column(_("Share"), justify="right", no_wrap=True)
    for row in abc.summary():
        table.add_row(
            _plain(abc_badge(row.abc_class)),
            _count(row.accounts),
            whole_money(row.value, settings),
            percent(row.share),
        )
    table.add_row(
        Text(_("All"), style="bold"),
        _count(len(abc.ranked)),
        whole_money(abc.total, settings),
        percent(1.0) if abc.total else "—",
        style="bold",
    )
    return table


def pareto_sentence(abc: AbcResult) -> Text:
    if not abc.ranked:
        return Text(_("No revenue in this window."), style="italic")
    text = Text()
    accounts = ngettext("{count} account", "{count} accounts", abc.pareto_count)
    text.append(accounts.format(count=_count(abc.pareto_count)), style="bold")
    share = _("({share} of {total}) make").format(
        share=percent(abc.pareto_share), total=_count(len(abc.ranked))
    )
    text.append(f" {share} ")
    text.append(f"{percent(PARETO_TARGET)}", style="bold")
    text.append(" " + _("of revenue"))
    return text


def matrix_table(
    m: RevenueMatrix,
    settings: Settings,
    row_label: str,
    highlight: Collection[tuple[str, str]] = (),
    highlight_style: str = "underline",
) -> Table:
    """The matrix; the (row, column) cells in `highlight` (white space) in `highlight_style`."""
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), expand=True, show_edge=False)
    table.add_column(row_label, no_wrap=True, overflow="ellipsis", max_width=18)
    for column in m.columns:
        table.add_column(column, justify="right", no_wrap=True, overflow="ellipsis", min_width=6)
    table.add_column(_("Total"), justify="right", no_wrap=True, style="bold", min_width=7)
    for row, cells, total in zip(m.rows, m.cells, m.row_totals, strict=True):
        label = _plain(abc_badge(row)) if m.row_key == "abc" and row != "—" else Text(row)
        amounts = [_amount(c, settings) for c in cells]
        for amount, column in zip(amounts, m.columns, strict=True):
            if (row, column) in highlight:
                amount.stylize(highlight_style)
        table.add_row(label, *amounts, short_money(total, settings))
    table.add_section()
    table.add_row(
        Text(_("Total"), style="bold"),
        *(short_money(c, settings) for c in m.column_totals),
        short_money(m.total, settings),
        style="bold",
    )
    return table


def _plain(badge: Text) -> Text:
    """The badge without a base style, so a table cell pads it with blanks, not its colour."""
    text = Text()
    text.append_text(badge)
    return text


def _amount(cents: int, settings: Settings) -> Text:
    return Text(short_money(cents, settings)) if cents else Text("·", style="dim")


def funnel_text(f: Funnel, period_label: str, rate_colour: str = "") -> Text:
    """Accounts per stage now, as bars, and each step's conversion during the period."""
    widest = max(f.stage_counts.values(), default=0) or 1
    steps = {s.from_stage: s for s in f.steps}
    text = Text(no_wrap=True, end="")
    bar_width = 10
    for i, (stage, count) in enumerate(f.stage_counts.items()):
        if i:
            text.append("\n")
        style = STAGE_STYLES.get(stage, "").replace("strike", "").strip()
        text.append(f"{stage_label(stage).lower():<8}", style=style)
        length = round(bar_width * count / widest) if count else 0
        text.append(BAR * length, style=style)
        text.append(" " * (bar_width - length))
        text.append(f" {count:>6,}", style="bold")
        step = steps.get(stage)
        if step is not None:
            text.append(f" → {stage_label(step.to_stage).lower()} ", style="dim")
            text.append(percent(step.rate), style=f"bold {rate_colour}")
            text.append(f" ({_count(step.converted)}/{_count(step.entered)})", style="dim")
    moved_on = _("share of the stage's accounts that moved on in {period}")
    text.append("\n→ " + moved_on.format(period=period_label), style="dim italic")
    return text


def churn_risk_table(risk: ChurnRiskReport, settings: Settings) -> Table:
    """The clients weighing most in the weighted churn risk: what each may take away (cents of
    the last 12 months × (1 − P(alive))) and its share of the total."""
    table = Table(box=None, show_header=False, padding=(0, 1, 0, 0), expand=True)
    table.add_column("#", justify="right", width=3, style="dim")
    table.add_column(_("Account"), no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column(_("At risk"), justify="right", no_wrap=True)
    table.add_column(_("Share"), justify="right", no_wrap=True, width=4)
    for rank, client in enumerate(risk.top, start=1):
        table.add_row(
            str(rank), client.name, whole_money(client.risk, settings), percent(client.share)
        )
    if not risk.top:
        table.add_row("", Text(_("no revenue at risk"), style="italic"), "", "")
    return table
