"""The figures derived from the sales (the BG/NBD fit, the A clients in danger, the window's
figures) are computed once per sales version: kept in memory and in a cache file for the next
process, given up by every write that changes the sales (a sale recorded, an import, a sync,
another process), kept through the writes that don't, and always the numbers a computation
from scratch gives."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zlib
from dataclasses import replace
from datetime import date
from pathlib import Path

from helpers.files import SALES_FR
from helpers.laptops import SharedTime, open_laptop
from portfolio_tui.domain.clv import client_histories
from portfolio_tui.service import Portfolio
from portfolio_tui.service.derived import FORMAT, clv_from_json, clv_to_json
from portfolio_tui.store import bulk, churn_queries, derived
from portfolio_tui.store.database import SCHEMA_VERSION, Database

from conftest import FIXED_NOW, open_portfolio

TODAY = FIXED_NOW.date()


def from_scratch(pf: Portfolio) -> tuple[object, ...]:
    """The fit, the alerts, the window's figures and the projection computed again, nothing
    cached."""
    pf.core.data_changed()
    pf.core.cache_file.path.unlink(missing_ok=True)
    return derived_now(pf)


def derived_now(pf: Portfolio) -> tuple[object, ...]:
    figures = pf.reports.figures(pf.reports.window())
    return pf.churn.scores(TODAY), pf.churn.alerts(TODAY), figures, pf.churn.projection(TODAY)


def test_the_demo_book_has_a_fit_and_alerts(demo_db_path: Path) -> None:
    with open_portfolio(demo_db_path) as pf:
        fit, alerts, figures, projection = derived_now(pf)
    assert fit.fit.params is not None and figures and projection  # the tests below need them
    assert isinstance(alerts, dict)


def test_the_next_process_reads_the_fit_back_from_the_cache_file(demo_db_path: Path) -> None:
    with open_portfolio(demo_db_path) as pf:
        first = pf.churn.scores(TODAY)
        cache = pf.core.cache_file.path
        before = demo_db_path.read_bytes()
    assert cache.exists() and demo_db_path.read_bytes() == before  # the portfolio is untouched
    with open_portfolio(demo_db_path) as pf:
        assert pf.churn.scores(TODAY) == first
    # Read back, not computed again: a value planted at the same stamp is what comes back.
    planted = replace(first, clients=first.clients[:3])
    conn = sqlite3.connect(cache)
    with conn:
        (name, version) = conn.execute(
            "SELECT name, version FROM kept WHERE name LIKE 'clv|%'"
        ).fetchone()
        blob = zlib.compress(json.dumps(clv_to_json(planted)).encode())
        conn.execute(
            "UPDATE kept_value SET value = ? WHERE id = (SELECT value_id FROM kept WHERE name = ?)",
            (blob, name),
        )
    conn.close()
    assert f"|{FORMAT}|" in version
    with open_portfolio(demo_db_path) as pf:
        assert pf.churn.scores(TODAY) == planted


def test_the_kept_fit_comes_back_exactly() -> None:
    from portfolio_tui.domain.clv import BgNbdParams, ClientClv, ClvFit, ClvResult

    result = ClvResult(
        ClvFit(BgNbdParams(0.1 + 0.2, 1 / 3, 2**-40, 7.0), -1234.5678901234567, None, 42, 2, 1),
        (
            ClientClv("a", 3, 2, 21.0, 46.0, 0.123456789012345678, 1 / 7),
            ClientClv("b", 1, 0, 0.0, 10.0, 1.0, None),
        ),
    )
    assert clv_from_json(json.loads(json.dumps(clv_to_json(result)))) == result


def test_a_sale_recorded_gives_up_every_kept_figure(demo_db_path: Path) -> None:
    with open_portfolio(demo_db_path) as pf:
        before = derived_now(pf)
        version = pf.core.sales_version()
        account = pf.reports.client_report()[0].account_id
        pf.routine.record_sale(account, TODAY, 9_999_999, order_ref="BIG")
        assert pf.core.sales_version() != version
        after = derived_now(pf)
        assert after != before
        assert after == from_scratch(pf)
    with open_portfolio(demo_db_path) as pf:  # the next process sees the sale too
        assert derived_now(pf) == after


def test_a_write_that_leaves_the_sales_alone_keeps_them(demo_db_path: Path) -> None:
    with open_portfolio(demo_db_path) as pf:
        fit = pf.churn.scores(TODAY)
        version = pf.core.sales_version()
        account = pf.reports.client_report()[0].account_id
        pf.routine.log_interaction("call", account, "Point sur la commande")
        pf.routine.schedule_follow_up(account, "Relance", "tomorrow")
        assert pf.core.sales_version() == version
        assert pf.churn.scores(TODAY) is fit
        assert derived_now(pf) == from_scratch(pf)


def test_an_import_of_sales_gives_them_up(empty_db_path: Path) -> None:
    with open_portfolio(empty_db_path) as pf:
        empty = derived_now(pf)
        version = pf.core.sales_version()
        pf.imports.import_csv("sales", SALES_FR)
        assert pf.core.sales_version() != version
        imported = derived_now(pf)
        assert imported != empty and imported[2]
        assert imported == from_scratch(pf)


def test_a_sync_that_brings_sales_gives_them_up(tmp_path: Path) -> None:
    time = SharedTime()
    a = open_laptop(tmp_path / "a.db", "aaaa", time.clock())
    b = open_laptop(tmp_path / "b.db", "bbbb", time.clock())
    try:
        account = a.routine.add_account("Boulangerie Dupont", city="Lyon")
        b.bundles.sync([a.bundles.export_bundle(tmp_path / "first.pfbundle").path])
        window = b.reports.window(TODAY)
        assert b.reports.figures(window) == []
        a.routine.record_sale(account, date(2026, 11, 20), 69_614)
        time.advance(60)
        b.bundles.sync([a.bundles.export_bundle(tmp_path / "second.pfbundle").path])
        (figures,) = b.reports.figures(window)
        assert (figures.account_id, figures.revenue) == (account, 69_614)
    finally:
        a.close()
        b.close()


def test_another_process_changing_sales_or_names_gives_them_up(demo_db_path: Path) -> None:
    with open_portfolio(demo_db_path) as pf:
        before = derived_now(pf)
        top = pf.reports.client_report()[0]
        seen = {pf.core.sales_version()}
        other = sqlite3.connect(demo_db_path)
        for statement, value in (
            ("UPDATE sale SET amount = amount + 1 WHERE account_id = ?", top.account_id),
            ("UPDATE account SET name = 'Renamed' WHERE id = ?", top.account_id),
            ("UPDATE sale SET deleted_at = '2026-11-23 08:00:00' WHERE account_id = ?",
             top.account_id),
        ):  # fmt: skip
            with other:
                other.execute(statement, (value,))
            seen.add(pf.core.sales_version())
            assert derived_now(pf) == from_scratch(pf)
        other.close()
        assert len(seen) == 4 and derived_now(pf) != before


def test_wiping_the_tables_moves_the_version_and_keeps_the_triggers(demo_db_path: Path) -> None:
    db = Database(demo_db_path)
    try:
        with db.raw() as conn, conn:
            version = derived.sales_version(conn)
            bulk.wipe(conn, ("sale",))
            assert derived.sales_version(conn) != version
        with db.raw() as conn:
            names = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
            }
    finally:
        db.dispose()
    assert set(derived.TRIGGER_NAMES) <= names


def test_a_version_2_file_gains_the_triggers_without_a_backup(demo_db_path: Path) -> None:
    conn = sqlite3.connect(demo_db_path)
    with conn:
        for name in derived.TRIGGER_NAMES:
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("DELETE FROM meta WHERE key = ?", (derived.VERSION_KEY,))
    conn.execute("PRAGMA user_version = 2")
    conn.close()
    db = Database(demo_db_path)
    try:
        assert db.migration_backup is None
        assert list(demo_db_path.parent.glob("*.bak")) == []
        with db.raw() as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            version = derived.sales_version(conn)
            with conn:
                conn.execute("UPDATE sale SET amount = amount WHERE rowid = 1")
            assert derived.sales_version(conn) != version
    finally:
        db.dispose()


def test_a_copy_of_the_file_does_not_read_the_originals_cache(demo_db_path: Path) -> None:
    copy = demo_db_path.with_name("copy.db")
    shutil.copy(demo_db_path, copy)
    with open_portfolio(demo_db_path) as pf:
        pf.churn.scores(TODAY)
        original = pf.core.cache_file.path
    with open_portfolio(copy) as pf:
        assert pf.core.cache_file.path != original


def test_order_histories_are_the_histories_of_the_order_days(demo_db_path: Path) -> None:
    with open_portfolio(demo_db_path) as pf:
        account = pf.routine.add_account("Refs sur deux jours")
        for day, ref in ((date(2026, 3, 2), "R1"), (date(2026, 3, 9), "R1"),
                         (date(2026, 3, 9), None), (date(2026, 3, 9), None),
                         (date(2026, 4, 1), "R2"), (date(2026, 12, 1), "LATER")):  # fmt: skip
            pf.routine.record_sale(account, day, 1_000, order_ref=ref)
        with pf.db.raw() as conn:
            for as_of in (TODAY, date(2026, 3, 9), date(2025, 1, 1)):
                histories = churn_queries.order_histories(conn, as_of)
                days = churn_queries.order_days(conn, as_of)
                assert histories == client_histories(days, as_of)
            (mine,) = [
                h for h in churn_queries.order_histories(conn, TODAY) if h.account_id == account
            ]
    assert (mine.orders, mine.first, mine.last) == (3, date(2026, 3, 2), date(2026, 4, 1))
