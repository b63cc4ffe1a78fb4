"""Deals travel between laptops field by field: two edits of one deal both survive, a deal won
on one laptop and edited on the other ends the same on both, stage histories add up."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from helpers.laptops import SYNCED, SharedTime, open_laptop
from portfolio_tui.service import Portfolio

DEAL_TABLES = (*SYNCED, "deal", "dealstagechange")


@pytest.fixture
def time() -> SharedTime:
    return SharedTime()


@pytest.fixture
def laptops(tmp_path: Path, time: SharedTime) -> Iterator[tuple[Portfolio, Portfolio]]:
    a = open_laptop(tmp_path / "a.db", "aaaa", time.clock())
    b = open_laptop(tmp_path / "b.db", "bbbb", time.clock())
    yield a, b
    a.close()
    b.close()


def send(source: Portfolio, target: Portfolio):
    path = source.path.with_name(f"{source.device_id}-{target.device_id}.pfbundle")
    source.bundles.export_bundle(path)
    return target.bundles.sync([path])


def dump(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in DEAL_TABLES}
    finally:
        conn.close()


def shared_deal(a: Portfolio, b: Portfolio, time: SharedTime, stage: str = "warm") -> str:
    account = a.routine.add_account("Boulangerie Dupont", stage=stage)
    deal_id = a.deals.add_deal(account, "Four à sole", amount=1_200_000, close="2027-03-31")
    time.advance(60)
    send(a, b)
    time.advance(60)
    return deal_id


def test_a_new_deal_and_its_history_reach_the_other_laptop(laptops, time) -> None:
    a, b = laptops
    deal_id = shared_deal(a, b, time)
    deal = b.deals.deal(deal_id)
    assert (deal.title, deal.amount, deal.stage, deal.expected_close) == (
        "Four à sole",
        1_200_000,
        "qualification",
        date(2027, 3, 31),
    )
    assert dump(a.path) == dump(b.path)


def test_two_laptops_edit_different_fields_of_one_deal(laptops, time) -> None:
    a, b = laptops
    deal_id = shared_deal(a, b, time)
    a.deals.edit_deal(deal_id, amount=1_500_000)
    time.advance()
    b.deals.edit_deal(deal_id, probability=70, close="2027-02-28")
    ab = send(a, b)
    ba = send(b, a)
    for pf in (a, b):
        deal = pf.deals.deal(deal_id)
        assert (deal.amount, deal.own_probability, deal.expected_close) == (
            1_500_000,
            70,
            date(2027, 2, 28),
        )
    assert ab.files[0].conflicts == [] and ba.files[0].conflicts == []
    assert dump(a.path) == dump(b.path)


def test_a_deal_won_on_one_laptop_and_edited_on_the_other(laptops, time) -> None:
    a, b = laptops
    deal_id = shared_deal(a, b, time)
    moved = a.deals.win_deal(deal_id)
    assert moved.account_became_client
    time.advance()
    b.deals.edit_deal(deal_id, title="Four à sole et pétrin", amount=1_350_000)
    send(a, b)
    send(b, a)
    for pf in (a, b):
        deal = pf.deals.deal(deal_id)
        assert (deal.stage, deal.closed_on, deal.title, deal.amount) == (
            "won",
            date(2026, 11, 23),
            "Four à sole et pétrin",
            1_350_000,
        )
        assert pf.resolve_account(deal.account_id).stage == "client"
        with pf.db.raw() as conn:
            moves = conn.execute("SELECT from_stage, to_stage FROM dealstagechange ORDER BY at")
            assert moves.fetchall() == [(None, "qualification"), ("qualification", "won")]
    assert dump(a.path) == dump(b.path)


def test_moves_on_both_laptops_add_up_and_the_later_stage_wins(laptops, time) -> None:
    a, b = laptops
    deal_id = shared_deal(a, b, time)
    a.deals.move_deal(deal_id, "proposal")
    time.advance()
    b.deals.lose_deal(deal_id, "competitor")
    send(a, b)
    send(b, a)
    for pf in (a, b):
        deal = pf.deals.deal(deal_id)
        assert (deal.stage, deal.lost_reason) == ("lost", "competitor")
        with pf.db.raw() as conn:
            count = conn.execute("SELECT count(*) FROM dealstagechange").fetchone()[0]
        assert count == 3  # created, → proposal on A, → lost on B
    assert dump(a.path) == dump(b.path)


def test_a_deleted_deal_stays_deleted_and_its_next_action_travels(laptops, time) -> None:
    a, b = laptops
    deal_id = shared_deal(a, b, time)
    follow_up = a.deals.plan_next_action(deal_id, "Relancer le devis", "+2d")
    send(a, b)
    action = b.deals.deal(deal_id).next_action
    assert action is not None and action.follow_up_id == follow_up
    time.advance()
    b.deals.delete_deal(deal_id)
    send(b, a)
    assert a.deals.deals("all") == [] and b.deals.deals("all") == []
    assert dump(a.path) == dump(b.path)
