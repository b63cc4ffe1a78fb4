"""The Portfolio's rows are made of pieces kept apart (issue 14, `service/portfolio_rows`): a
write makes again only the pieces that read what it touched, and the rows are always what a
computation from scratch gives, in this process and the next."""

from __future__ import annotations

import pytest

from portfolio_tui.service import Portfolio, derived, portfolio_rows

from conftest import FIXED_NOW, open_portfolio


def _scratch_rows(pf: Portfolio) -> list:
    """The rows computed with nothing kept, in memory or in the file."""
    pf.core.data_changed()
    pf.core.kept_cache.clear()
    pf.core.cache_file.path.unlink(missing_ok=True)
    return pf.reports.portfolio_rows()


def _count_reads(monkeypatch) -> dict[str, int]:
    counts = {"_read_words": 0, "_read_last_contacts": 0}
    for module, name in ((portfolio_rows, "_read_words"), (derived, "_read_last_contacts")):
        read = getattr(module, name)

        def counted(*args, name=name, read=read):
            counts[name] += 1
            return read(*args)

        monkeypatch.setattr(module, name, counted)
    return counts


def _row(rows: list, account_id: str):
    return next(row for row in rows if row.account_id == account_id)


def test_a_follow_up_snoozed_reads_only_the_follow_ups(demo_db_path, monkeypatch):
    with open_portfolio(demo_db_path) as pf:
        before = pf.reports.portfolio_rows()
        follow_up = pf.reports.agenda().overdue[0]
        counts = _count_reads(monkeypatch)
        day = pf.routine.snooze(follow_up.follow_up_id, "+3d")
        after = pf.reports.portfolio_rows()
        assert counts == {"_read_words": 0, "_read_last_contacts": 0}
        assert after != before
        assert _row(after, follow_up.account_id).next_follow_up is not None
        assert day > FIXED_NOW.date()
        assert after == _scratch_rows(pf)


@pytest.mark.parametrize("write", ["rename", "contact", "call"])
def test_a_write_to_what_a_piece_reads_makes_it_again(demo_db_path, monkeypatch, write):
    with open_portfolio(demo_db_path) as pf:
        before = pf.reports.portfolio_rows()
        account_id = before[0].account_id
        counts = _count_reads(monkeypatch)
        if write == "rename":
            pf.routine.edit_account(account_id, name="Zéphyr Électricité")
        elif write == "contact":
            pf.routine.add_contact(account_id, "Anaïs Dupré")
        else:
            pf.routine.log_interaction("call", account_id, "Point trimestriel")
        after = pf.reports.portfolio_rows()
        # A rename moves the sales version too (the sales' figures carry the names), and with
        # it every piece.
        expected = {"rename": (1, 1), "contact": (1, 0), "call": (0, 1)}[write]
        assert (counts["_read_words"], counts["_read_last_contacts"]) == expected
        row = _row(after, account_id)
        if write == "rename":
            assert row.name == "Zéphyr Électricité" and "zephyr electricite" in row.folded
            assert row.name_key[0] == "zephyr electricite"
        elif write == "contact":
            assert "Anaïs Dupré" in row.contacts and "anais dupre" in row.folded
        else:
            assert row.last_contact == FIXED_NOW.date()
        assert after == _scratch_rows(pf)


def test_the_next_start_makes_the_rows_from_the_kept_pieces(demo_db_path, monkeypatch):
    with open_portfolio(demo_db_path) as pf:
        pf.routine.snooze(pf.reports.agenda().overdue[0].follow_up_id, "+1d")
        rows = pf.reports.portfolio_rows()
    with open_portfolio(demo_db_path) as again:
        counts = _count_reads(monkeypatch)
        assert again.reports.portfolio_rows() == rows
        assert counts == {"_read_words": 0, "_read_last_contacts": 0}
        assert rows == _scratch_rows(again)
