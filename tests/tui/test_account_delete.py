"""Deleting from the Account screen: asked first, a tombstone in the database, and ctrl+z
brings it back."""

from __future__ import annotations

from pathlib import Path

from routine_helpers import SIZE, build_app, press

from portfolio_tui.tui.screens.account import best_account

from conftest import open_portfolio


def deleted_at(db: Path, table: str, row_id: str) -> str | None:
    with open_portfolio(db) as pf, pf.db.raw() as conn:
        return conn.execute(f"SELECT deleted_at FROM {table} WHERE id = ?", (row_id,)).fetchone()[0]


async def test_delete_account_asks_then_tombstones_and_undo_restores(demo_db_path: Path) -> None:
    with open_portfolio(demo_db_path) as pf:
        account_id = best_account(pf)
    assert account_id is not None
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "3")
        await press(pilot, "D", "n")
        assert deleted_at(demo_db_path, "account", account_id) is None
        await press(pilot, "D", "y")
        assert deleted_at(demo_db_path, "account", account_id) is not None
        await press(pilot, "ctrl+z")
        assert deleted_at(demo_db_path, "account", account_id) is None
        assert app.screen.card is not None and app.screen.card.account.account_id == account_id


async def test_delete_follow_up_removes_the_selected_one(demo_db_path: Path) -> None:
    with open_portfolio(demo_db_path) as pf:
        account_id = best_account(pf)
        first = pf.routine.schedule_follow_up(account_id, "Call about the renewal", "+2d")
        second = pf.routine.schedule_follow_up(account_id, "Send the catalogue", "+5d")
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "3")
        await press(pilot, "x", "y")  # the cursor is on the first (soonest) follow-up
        assert deleted_at(demo_db_path, "followup", first) is not None
        assert deleted_at(demo_db_path, "followup", second) is None
        await press(pilot, "ctrl+z")
        assert deleted_at(demo_db_path, "followup", first) is None
