"""The Account screen after a save (issue 8, point 26): a stage move shows the new stage in the
header at once, and what was read before a save (header, timeline, follow-ups) is shown dimmed
until the data read after it arrives, never as current. The reload is held to check the frame
between the save and the fresh data, whatever the machine's speed."""

from __future__ import annotations

from analysis_helpers import plain, rows_of
from held_reloads import hold_reloads
from routine_helpers import SIZE, build_app, settle, type_text

from portfolio_tui.tui.modals.forms import LogForm
from portfolio_tui.tui.screens.account import AccountScreen

PARTS = ("#account-header", "#timeline", "#follow-ups")


async def _account(pilot, db_path, stage: str) -> AccountScreen:
    (account_id,) = rows_of(
        db_path,
        "SELECT id FROM account WHERE stage = ? AND deleted_at IS NULL ORDER BY name LIMIT 1",
        stage,
    )[0]
    pilot.app.open_account(account_id)
    for _ in range(50):
        await settle(pilot)
        screen = pilot.app.screen
        if isinstance(screen, AccountScreen) and screen.card is not None:
            return screen
    raise AssertionError("the account never showed")


async def _until(pilot, done, what: str) -> None:
    """Frames until `done()`, waiting for every worker but the held reload."""
    for _ in range(200):
        busy = [w for w in pilot.app.workers if w.group != "refresh" and not w.is_finished]
        if busy:
            await pilot.app.workers.wait_for_complete(busy)
        await pilot.pause()
        if done():
            return
    raise AssertionError(what)


def _stale(screen: AccountScreen) -> list[bool]:
    return [screen.query_one(part).has_class("-stale") for part in PARTS]


def _header(screen: AccountScreen) -> str:
    return plain(screen.query_one("#account-header").content)


async def test_a_stage_move_shows_the_new_stage_before_the_reload(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _account(pilot, demo_db_path, "cold")
        assert "cold" in _header(screen) and "warm" not in _header(screen)
        gate = hold_reloads(screen)
        loads = screen.loads
        await pilot.press("greater_than_sign")
        await _until(pilot, lambda: "warm" in _header(screen), "the header kept the old stage")
        assert screen.loads == loads  # the reload is held: the move itself is shown
        assert _stale(screen) == [True, True, True]  # the rest was read before the move
        gate.set()
        await settle(pilot)
        assert screen.loads == loads + 1
        assert "warm" in _header(screen) and _stale(screen) == [False, False, False]


async def test_after_a_log_what_was_read_before_is_dimmed_until_the_reload(demo_db_path):
    app = build_app(demo_db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _account(pilot, demo_db_path, "client")
        assert _stale(screen) == [False, False, False]
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, LogForm)
        await type_text(pilot, "Point sur la commande")
        gate = hold_reloads(screen)
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: app.screen is screen, "the form did not close")
        assert screen.load_pending and _stale(screen) == [True, True, True]
        gate.set()
        await settle(pilot)
        assert _stale(screen) == [False, False, False]
        timeline = screen.query_one("#timeline")
        texts = [plain(timeline.get_row_at(i)[2]) for i in range(min(10, timeline.row_count))]
        assert any("Point sur la commande" in text for text in texts)
