"""The reads the screens load through (Today, Portfolio, Account, Pipeline and its deals board,
Dashboard, saved segments, pickers) import neither SQLAlchemy nor SQLModel; the first write
does, and `prepare_writes()` loads it ahead of time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

READS = """
import sys
from portfolio_tui.domain.settings import Settings
from portfolio_tui.service import open_portfolio

pf = open_portfolio(DB, settings=Settings())
account = pf.reports.portfolio_rows()[0].account_id
reads = {
    "agenda": pf.reports.agenda,
    "account_card": lambda: pf.reports.account_card(account),
    "account_deals": lambda: pf.deals.account_deals(account),
    "suggested_follow_up": lambda: pf.reports.suggested_follow_up(account),
    "closable_follow_ups": lambda: pf.reports.closable_follow_ups(account),
    "account_suggestions": lambda: pf.deals.account_suggestions(account),
    "resolve_account": lambda: pf.resolve_account(account[:8]),
    "pipeline": pf.reports.pipeline,
    "board": pf.deals.board,
    "kpi_report": pf.reports.kpi_report,
    "activity_report": pf.activity.activity_report,
    "projection": pf.churn.projection,
    "weighted_churn_risk": pf.churn.weighted_churn_risk,
    "whitespace_cells": pf.deals.whitespace_cells,
    "segments": pf.segments.list,
    "search_accounts": lambda: pf.search_accounts("a"),
}
for name, read in reads.items():
    read()
    assert "sqlalchemy" not in sys.modules and "sqlmodel" not in sys.modules, name
pf.prepare_writes()
assert "sqlmodel" in sys.modules
pf.routine.log_interaction("call", account, "Point devis")
assert pf.reports.account_card(account).timeline[0].text == "Point devis"
pf.close()
"""


def test_the_screens_reads_import_no_orm_and_writes_follow(demo_db_path: Path) -> None:
    code = f"DB = {str(demo_db_path)!r}\n" + READS
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
