"""A kept value two threads ask for at the same time is computed once (issue 14): the app reads
the Portfolio's rows ahead in the background, and the rep may open the Portfolio meanwhile;
its load waits for the read under way instead of doing it again beside it."""

from __future__ import annotations

import threading

from portfolio_tui.service.derived import kept_read

from conftest import open_portfolio


def test_two_threads_asking_at_once_compute_once_and_get_the_same_value(demo_db_path):
    started, release = threading.Event(), threading.Event()
    computed: list[int] = []

    def slow() -> list[int]:
        computed.append(1)
        started.set()
        assert release.wait(10)
        return [len(computed)]

    with open_portfolio(demo_db_path) as pf:
        got: list[object] = []

        def ask() -> None:
            got.append(kept_read(pf.core, "probe", ("k",), ("account",), slow))

        first = threading.Thread(target=ask)
        first.start()
        assert started.wait(10)
        second = threading.Thread(target=ask)
        second.start()
        second.join(0.2)
        assert second.is_alive(), "the second waits for the first"
        release.set()
        first.join(10)
        second.join(10)
        assert computed == [1]
        assert got == [[1], [1]] and got[0] is got[1]


def test_a_value_computed_again_after_a_write_is_not_held_up_by_the_old_one(demo_db_path):
    with open_portfolio(demo_db_path) as pf:
        before = pf.reports.portfolio_rows()
        account = before[0].account_id
        pf.routine.log_interaction("call", account, "Appel")
        after = pf.reports.portfolio_rows()
        assert after is not before
        assert len({key for key in pf.core.kept_locks if key[1].startswith("portfolio|")}) == 1
