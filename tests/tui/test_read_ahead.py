"""Once Today has shown its data, the app reads the Portfolio's rows in the background (issue
14): the Portfolio then opens on rows already in memory, without reading them itself."""

from __future__ import annotations

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
