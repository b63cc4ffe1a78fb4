"""The cache file keeps records as pickles (`service/cache_pickle.py`): the project's records
come back equal, and a pickle naming anything else (a function to call, a class of another
package) is refused, so a kept value written by something else is computed again instead."""

from __future__ import annotations

import os
import pickle
import sqlite3
import zlib
from datetime import date, datetime, timedelta, timezone

import pytest

from portfolio_tui.domain.deals import DealStage
from portfolio_tui.domain.rfm import RfmScore
from portfolio_tui.service import Portfolio, cache_pickle
from portfolio_tui.store import bulk

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
    back = cache_pickle.loads(cache_pickle.dumps(values))
    assert back == values
    assert back[2].tzinfo is PARIS and back[1] is DealStage.NEGOTIATION


class _Shell:
    def __reduce__(self):
        return os.system, ("echo owned",)


class _OwnFunction:
    def __reduce__(self):
        return bulk.wipe, (None, ())


class _Getattr:
    def __reduce__(self):  # a method of one of the project's classes, not an enum member
        return getattr, (Portfolio, "undo")


@pytest.mark.parametrize("hostile", [_Shell(), _OwnFunction(), _Getattr()],
                         ids=["os.system", "a function of the project", "getattr"])  # fmt: skip
def test_a_pickle_naming_anything_else_is_refused(hostile):
    data = pickle.dumps(hostile, protocol=pickle.HIGHEST_PROTOCOL)
    with pytest.raises(pickle.UnpicklingError):
        cache_pickle.loads(data)


def test_a_kept_agenda_replaced_by_a_hostile_pickle_is_computed_again(demo_db_path, tmp_path):
    with open_portfolio(demo_db_path) as pf:
        agenda = pf.reports.agenda()
        cache = pf.core.cache_file.path
    marker = tmp_path / "owned"
    evil = pickle.dumps(_Touch(str(marker)), protocol=pickle.HIGHEST_PROTOCOL)
    with sqlite3.connect(cache) as conn:
        assert (
            conn.execute(
                "UPDATE derived SET value = ? WHERE name LIKE 'agenda|%'", (zlib.compress(evil),)
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
