"""Once Today has shown its data, the app reads the Portfolio's rows in the background (issue
14): the Portfolio then opens on rows already in memory, without reading them itself."""

from __future__ import annotations

import gc

import pytest
from routine_helpers import SIZE, build_app, press, settle

from portfolio_tui.service.reports import ReportCases
from portfolio_tui.tui.screens.portfolio import PortfolioScreen

from conftest import open_portfolio


async def test_the_portfolio_opens_on_the_rows_read_ahead(demo_db_path, monkeypatch):
    with open_portfolio(demo_db_path) as pf:
        expected = {row.account_id for row in pf.reports.portfolio_rows()}
        pf.core.cache_file.path.unlink()  # nothing kept for the app to read back
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # Today shown, the read ahead done
        monkeypatch.setattr(ReportCases, "_rows", lambda *a: pytest.fail("rows read again"))
        await press(pilot, "2")
        screen = app.screen
        assert isinstance(screen, PortfolioScreen) and screen.view is not None
        assert {row.account_id for row in screen.table.items} == expected


async def test_what_the_read_ahead_imports_is_set_aside_from_the_collector(
    demo_db_path, monkeypatch
):
    """The ORM the read ahead imports lives as long as the app: frozen once imported, so the
    full collections during typing do not walk it (~45 ms a time on the reference portfolio).
    The loads' own collect-and-freeze is turned off here: it would freeze it as well, or not,
    depending on which comes last."""
    from portfolio_tui.service import Portfolio
    from portfolio_tui.tui.screens import refresher

    monkeypatch.setattr(refresher, "collect_and_freeze", lambda: None)
    imported: list[list[object]] = []
    prepare = Portfolio.prepare_writes

    def prepare_and_mark(self) -> None:
        prepare(self)
        imported.append([object()])  # stands for what the import leaves: long-lived containers

    monkeypatch.setattr(Portfolio, "prepare_writes", prepare_and_mark)
    app = build_app(demo_db_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert imported, "the read ahead did not run"
            marker = imported[0]
            assert not any(tracked is marker for tracked in gc.get_objects())
    finally:
        gc.unfreeze()  # the next tests start from a collector as usual
