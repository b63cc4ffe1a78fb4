"""The cache file keeps records as pickles (`service/cache_pickle.py`): the project's records
come back equal, and a pickle naming anything else (a function to call, a class of another
package) is refused, so a kept value written by something else is computed again instead."""

from __future__ import annotations

import os
import pickle
import sqlite3
import zlib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from portfolio_tui.domain.deals import DealStage
from portfolio_tui.domain.rfm import RfmScore
from portfolio_tui.service import cache_pickle
from portfolio_tui.service.views import AgendaItem, PortfolioRow
from portfolio_tui.store import bulk
from portfolio_tui.store.database import Database

from conftest import PARIS, open_portfolio


def test_records_enums_dates_and_zones_come_back_equal(portfolio):
    agenda = portfolio.reports.agenda()
    values = [
        agenda,
        DealStage.NEGOTIATION,
        datetime(2026, 3, 29, 2, 30, tzinfo=PARIS),
        datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=2))),
        {frozenset({"a"}), date(2026, 2, 28)},
        RfmScore(12, 4, 125_000, 5, 4, 3, "Champions"),
    ]
    rows = portfolio.reports.portfolio_rows()[:50]  # made with their folded text
    values.append(rows)
    back = cache_pickle.loads(cache_pickle.dumps(values))
    assert back == values
    assert [r.folded for r in back[-1]] == [r.folded for r in rows] and isinstance(
        back[-1][0], PortfolioRow)  # fmt: skip
    assert back[2].tzinfo is PARIS and back[1] is DealStage.NEGOTIATION


class _Shell:
    def __reduce__(self):
        return os.system, ("echo owned",)


class _OwnFunction:
    def __reduce__(self):
        return bulk.wipe, (None, ())


class _Getattr:
    def __reduce__(self):  # a method of one of the project's records, not an enum member
        return getattr, (AgendaItem, "__init__")


class _OwnClass:
    def __reduce__(self):  # a class of the project that is no record: it opens a file
        return Database, ("/tmp/made-by-a-pickle.db",)


@pytest.mark.parametrize(
    "hostile", [_Shell(), _OwnFunction(), _Getattr(), _OwnClass()],
    ids=["os.system", "a function of the project", "getattr", "a class that is no record"],
)  # fmt: skip
def test_a_pickle_naming_anything_else_is_refused(hostile):
    data = pickle.dumps(hostile, protocol=pickle.HIGHEST_PROTOCOL)
    with pytest.raises(pickle.UnpicklingError):
        cache_pickle.loads(data)
    assert not Path("/tmp/made-by-a-pickle.db").exists()


def test_a_kept_agenda_replaced_by_a_hostile_pickle_is_computed_again(demo_db_path, tmp_path):
    with open_portfolio(demo_db_path) as pf:
        agenda = pf.reports.agenda()
        cache = pf.core.cache_file.path
    marker = tmp_path / "owned"
    evil = pickle.dumps(_Touch(str(marker)), protocol=pickle.HIGHEST_PROTOCOL)
    with sqlite3.connect(cache) as conn:
        assert (
            conn.execute(
                "UPDATE kept_value SET value = ? WHERE id = "
                "(SELECT value_id FROM kept WHERE name LIKE 'agenda|%')",
                (zlib.compress(evil),),
            ).rowcount
            == 1
        )
    conn.close()
    with open_portfolio(demo_db_path) as pf:
        assert pf.reports.agenda() == agenda
    assert not marker.exists()


class _Touch:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return open, (self.path, "w")


def test_a_damaged_cache_file_is_started_again(demo_db_path, monkeypatch):
    with open_portfolio(demo_db_path) as pf:
        agenda = pf.reports.agenda()
        cache = pf.core.cache_file.path
    cache.write_bytes(b"not a database at all" * 100)
    with open_portfolio(demo_db_path) as pf:
        assert pf.reports.agenda() == agenda  # computed again, kept in a new cache file
    with open_portfolio(demo_db_path) as pf:
        monkeypatch.setattr(pf.reports, "_agenda", lambda: pytest.fail("computed again"))
        assert pf.reports.agenda() == agenda


def test_a_cache_file_of_an_older_layout_is_laid_out_again(demo_db_path, monkeypatch):
    with open_portfolio(demo_db_path) as pf:
        cache = pf.core.cache_file.path
    cache.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(cache) as conn:  # the layout of stop 17: value and stamp in one row
        conn.execute("CREATE TABLE derived (name TEXT PRIMARY KEY, version TEXT, value BLOB)")
        conn.execute("INSERT INTO derived VALUES ('agenda|x', 'v', x'00')")
    conn.close()
    with open_portfolio(demo_db_path) as pf:
        agenda = pf.reports.agenda()
    with open_portfolio(demo_db_path) as pf:
        monkeypatch.setattr(pf.reports, "_agenda", lambda: pytest.fail("computed again"))
        assert pf.reports.agenda() == agenda
    with sqlite3.connect(cache) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "derived" not in tables and {"kept", "kept_value"} <= tables
