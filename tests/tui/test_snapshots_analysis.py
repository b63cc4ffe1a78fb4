"""Snapshots of the Portfolio, Pipeline (prospects and deals), Dashboard and Import/Export
screens at 120x36 on the seeded demo with the fixed clock. Update with
`pytest tests/tui/test_snapshots_analysis.py --snapshot-update`, then look at the SVGs before
committing them."""

from __future__ import annotations

from analysis_helpers import SIZE, analysis_app, keys


def _after(*names: str):
    async def run_before(pilot) -> None:
        await keys(pilot, *names)

    return run_before


def test_portfolio_screen(snap_compare, demo_db_path):
    assert snap_compare(analysis_app(demo_db_path), terminal_size=SIZE, run_before=_after("2"))


def test_portfolio_screen_filtered_and_sorted(snap_compare, demo_db_path):
    steps = _after("2", "slash", "i", "n", "enter", "a", "s", "s", "down")
    assert snap_compare(analysis_app(demo_db_path), terminal_size=SIZE, run_before=steps)


def test_pipeline_board(snap_compare, demo_db_path):
    steps = _after("4", "right", "down")
    assert snap_compare(analysis_app(demo_db_path), terminal_size=SIZE, run_before=steps)


def test_pipeline_potential_access_view(snap_compare, demo_db_path):
    steps = _after("4", "m")
    assert snap_compare(analysis_app(demo_db_path), terminal_size=SIZE, run_before=steps)


def test_pipeline_confirm_won(snap_compare, demo_db_path):
    steps = _after("4", "right", "right", "greater_than_sign")
    assert snap_compare(analysis_app(demo_db_path), terminal_size=SIZE, run_before=steps)


def test_dashboard_screen(snap_compare, demo_db_path):
    assert snap_compare(analysis_app(demo_db_path), terminal_size=SIZE, run_before=_after("5"))


def test_dashboard_bottom_by_quarter(snap_compare, demo_db_path):
    steps = _after("5", "p", "r", "end")
    assert snap_compare(analysis_app(demo_db_path), terminal_size=SIZE, run_before=steps)


def test_deals_board(snap_compare, demo_db_path):
    steps = _after("4", "d")
    assert snap_compare(analysis_app(demo_db_path), terminal_size=SIZE, run_before=steps)


def test_import_export_screen(snap_compare, demo_db_path):
    assert snap_compare(analysis_app(demo_db_path), terminal_size=SIZE, run_before=_after("6"))
