"""The white space (`portfolio whitespace`, the Account card's "À développer", the Dashboard's
matrix): per client, the product families its segment's peers bought and it did not."""

from __future__ import annotations

from datetime import date, timedelta

from portfolio_tui.domain.whitespace import ClientRevenue, white_space
from portfolio_tui.domain.window import Window
from portfolio_tui.errors import UserError
from portfolio_tui.i18n import _
from portfolio_tui.service.core import Core
from portfolio_tui.service.deal_views import WhiteSpaceRow
from portfolio_tui.service.reports import NO_FAMILY, ReportCases
from portfolio_tui.store import queries


def suggestions(core: Core, reports: ReportCases, w: Window, by: str) -> list[WhiteSpaceRow]:
    """Per client, the families most of its segment's peers (by `by`) bought over `w`."""
    first_day = w.start + timedelta(days=1) if w.start else date.min
    with core.db.raw() as conn:
        revenue = queries.revenue_by_account_family(conn, first_day, w.as_of, NO_FAMILY)
        infos = {info.account_id: info for info in queries.account_infos(conn)}
    abc = reports.abc(w) if by == "abc" else None
    families: dict[str, dict[str, int]] = {}
    for (account_id, family), cents in revenue.items():
        if account_id in infos and family != NO_FAMILY:
            families.setdefault(account_id, {})[family] = cents
    clients = []
    for account_id, bought in families.items():
        info = infos[account_id]
        segment = abc.class_of(account_id) if abc else info.fields.get(by)
        if segment:  # no segment known: no peers to compare with
            clients.append(ClientRevenue(account_id, segment, bought))
    settings = core.settings
    found = white_space(clients, settings.whitespace_min_share, settings.whitespace_min_peers)
    return [
        WhiteSpaceRow(
            s.account_id, infos[s.account_id].name, s.segment, s.family, s.peers_buying,
            s.peers, s.share, s.estimate,
        )
        for s in found
    ]  # fmt: skip


def check_by(by: str) -> None:
    """`by`: "abc" or one of the accounts' fields."""
    if by != "abc" and by not in queries.ACCOUNT_INFO_FIELDS:
        choices = ", ".join(("abc", *queries.ACCOUNT_INFO_FIELDS))
        raise UserError(_("by: {by!r} is not one of {choices}").format(by=by, choices=choices))


def cells(rows: list[WhiteSpaceRow]) -> set[tuple[str, str]]:
    """The (segment, family) cells of the Dashboard's matrix holding a suggestion."""
    return {(r.segment, r.family) for r in rows}
