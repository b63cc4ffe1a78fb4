"""The pure merge rules of sync: per-field last writer wins, ties by device id, and the merge
is a join (commutative, associative, idempotent) so replicas converge."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_tui.domain.merge import (
    MergeError,
    RowShape,
    clamp_future,
    clock_key,
    dump_clocks,
    fact_rewrites,
    merge_row,
)

SHAPE = RowShape(
    "account",
    ("id", "created_at", "updated_at", "device_id", "deleted_at", "clocks", "name", "city"),
)
T0 = "2026-11-23 07:30:00.000000"
T1 = "2026-11-23 08:00:00.000000"
T2 = "2026-11-23 09:00:00.000000"


def stamp(at: str, device: str) -> str:
    return f"{at.replace(' ', 'T')}|{device}"


def row(
    *,
    name: str = "Acme",
    city: str | None = "Paris",
    deleted_at: str | None = None,
    clocks: dict[str, str] | None = None,
    updated_at: str = T0,
    device: str = "aaaa",
) -> tuple:
    return ("r1", T0, updated_at, device, deleted_at, json.dumps(clocks or {}), name, city)


def values(merged: tuple) -> dict:
    return dict(zip(SHAPE.columns, merged, strict=True))


def test_concurrent_edits_of_different_fields_both_survive() -> None:
    here = row(name="Acme SA", clocks={"name": stamp(T1, "aaaa")}, updated_at=T1)
    there = row(city="Lyon", clocks={"city": stamp(T2, "bbbb")}, updated_at=T2, device="bbbb")
    merged, conflicts = merge_row(SHAPE, here, there)
    assert values(merged)["name"] == "Acme SA"
    assert values(merged)["city"] == "Lyon"
    assert json.loads(values(merged)["clocks"]) == {
        "name": stamp(T1, "aaaa"),
        "city": stamp(T2, "bbbb"),
    }
    assert conflicts == []


@pytest.mark.parametrize("later_side", ["local", "incoming"])
def test_the_same_field_keeps_the_later_edit(later_side: str) -> None:
    early = row(city="Lyon", clocks={"city": stamp(T1, "zzzz")}, updated_at=T1, device="zzzz")
    late = row(city="Nantes", clocks={"city": stamp(T2, "aaaa")}, updated_at=T2, device="aaaa")
    local, incoming = (late, early) if later_side == "local" else (early, late)
    merged, conflicts = merge_row(SHAPE, local, incoming)
    assert values(merged)["city"] == "Nantes"
    assert values(merged)["updated_at"] == T2
    assert values(merged)["device_id"] == "aaaa"
    [conflict] = conflicts
    assert conflict.field == "city"
    assert conflict.label == "Acme"
    assert conflict.row_id == "r1"
    assert (conflict.local_value, conflict.incoming_value) == (
        ("Nantes", "Lyon") if later_side == "local" else ("Lyon", "Nantes")
    )
    assert conflict.winner == later_side
    assert conflict.winning_value == "Nantes"
    assert conflict.winning_device == "aaaa"


def test_a_tie_in_time_is_broken_by_device_id() -> None:
    a = row(city="Lyon", clocks={"city": stamp(T1, "aaaa")}, updated_at=T1, device="aaaa")
    b = row(city="Brest", clocks={"city": stamp(T1, "bbbb")}, updated_at=T1, device="bbbb")
    for local, incoming in ((a, b), (b, a)):
        merged, conflicts = merge_row(SHAPE, local, incoming)
        assert values(merged)["city"] == "Brest"
        assert values(merged)["device_id"] == "bbbb"
        assert conflicts[0].winning_device == "bbbb"


def test_a_field_never_edited_loses_to_any_edit_and_is_no_conflict() -> None:
    created = row()
    edited = row(city="Lille", clocks={"city": stamp(T1, "0000")}, updated_at=T1, device="0000")
    for local, incoming in ((created, edited), (edited, created)):
        merged, conflicts = merge_row(SHAPE, local, incoming)
        assert values(merged)["city"] == "Lille"
        assert conflicts == []


def test_a_tombstone_wins_and_an_edit_elsewhere_does_not_revive_the_row() -> None:
    deleted = row(deleted_at=T1, clocks={"deleted_at": stamp(T1, "aaaa")}, updated_at=T1)
    edited = row(name="Acme & Co", clocks={"name": stamp(T2, "bbbb")}, updated_at=T2, device="bbbb")
    merged, _ = merge_row(SHAPE, deleted, edited)
    assert values(merged)["deleted_at"] == T1
    assert values(merged)["name"] == "Acme & Co"


def test_an_undone_delete_is_a_later_write_of_the_tombstone() -> None:
    deleted = row(deleted_at=T1, clocks={"deleted_at": stamp(T1, "aaaa")}, updated_at=T1)
    restored = row(deleted_at=None, clocks={"deleted_at": stamp(T2, "aaaa")}, updated_at=T2)
    merged, _ = merge_row(SHAPE, deleted, restored)
    assert values(merged)["deleted_at"] is None


def test_a_new_row_is_taken_whole_with_canonical_clocks() -> None:
    incoming = row(clocks={"name": stamp(T1, "b"), "city": stamp(T1, "b")})
    merged, conflicts = merge_row(SHAPE, None, incoming)
    assert merged[:5] == incoming[:5] and merged[6:] == incoming[6:]
    assert values(merged)["clocks"] == dump_clocks(json.loads(incoming[5]))
    assert list(json.loads(values(merged)["clocks"])) == ["city", "name"]
    assert conflicts == []


def test_clock_times_compare_as_times_not_as_text() -> None:
    # "…:00|x" sorts after "…:00.5|x" as text; as times it is earlier.
    assert clock_key("2026-11-23T08:00:00|x") < clock_key("2026-11-23T08:00:00.500000|x")


@pytest.mark.parametrize(
    "clocks",
    ['{"city": "yesterday|aaaa"}', '{"city": "2026-11-23T08:00:00"}', "[1]", "not json", "{"],
)
def test_bad_clocks_are_refused(clocks: str) -> None:
    incoming = (*row()[:5], clocks, "Acme", "Lyon")
    with pytest.raises(MergeError):
        merge_row(SHAPE, row(), incoming)


def test_values_that_no_database_stores_are_refused() -> None:
    incoming = (*row()[:6], ["Acme"], "Lyon")
    with pytest.raises(MergeError):
        merge_row(SHAPE, None, incoming)


def test_rows_of_another_width_are_refused() -> None:
    with pytest.raises(MergeError):
        merge_row(SHAPE, row(), row()[:-1])


# --- the merge is a join --------------------------------------------------------------------

TIMES = st.sampled_from([T0, T1, T2])
DEVICES = st.sampled_from(["aaaa", "bbbb", "cccc"])
FIELD_VALUES = st.sampled_from([None, "x", "y", 1, 2, 2.0])


@st.composite
def versions(draw) -> tuple:
    """Any version of row r1: random values, random clocks on random fields."""
    clocks = {}
    for column in ("deleted_at", "name", "city"):
        if draw(st.booleans()):
            clocks[column] = stamp(draw(TIMES), draw(DEVICES))
    return (
        "r1",
        draw(TIMES),
        draw(TIMES),
        draw(DEVICES),
        draw(FIELD_VALUES),
        json.dumps(clocks),
        draw(FIELD_VALUES),
        draw(FIELD_VALUES),
    )


def merge(a: tuple, b: tuple) -> tuple:
    return merge_row(SHAPE, a, b)[0]


@settings(max_examples=300, deadline=None)
@given(versions(), versions())
def test_merge_is_commutative(a: tuple, b: tuple) -> None:
    assert merge(a, b) == merge(b, a)


@settings(max_examples=300, deadline=None)
@given(versions(), versions(), versions())
def test_merge_is_associative(a: tuple, b: tuple, c: tuple) -> None:
    assert merge(merge(a, b), c) == merge(a, merge(b, c))


@settings(max_examples=300, deadline=None)
@given(versions(), versions())
def test_merge_is_idempotent(a: tuple, b: tuple) -> None:
    once = merge(a, b)
    assert merge(once, b) == once
    assert merge(once, a) == once
    assert merge(once, once) == once
    assert merge(a, a) == merge(None, a)


@settings(max_examples=300, deadline=None)
@given(versions(), versions())
def test_each_field_takes_the_value_of_its_latest_write(a: tuple, b: tuple) -> None:
    merged = values(merge(a, b))
    clocks = json.loads(merged["clocks"])
    for column in ("deleted_at", "name", "city"):
        stamps = [json.loads(v[5]).get(column) for v in (a, b)]
        latest = max(stamps, key=clock_key)
        assert clocks.get(column) == latest
        if stamps[0] != stamps[1]:
            winner = a if stamps[0] == latest else b
            assert merged[column] == winner[SHAPE.index(column)]


# --- facts: added and tombstoned, never rewritten (issue 9, point 3) -------------------------

FACT = RowShape(
    "sale",
    ("id", "created_at", "updated_at", "device_id", "deleted_at", "clocks", "amount", "sold_on"),
    append_only=True,
)


def sale(
    *, amount: int = 69_614, deleted: tuple[str, str] | None = None, clocks: dict | None = None
) -> tuple:
    """Sale s1 as created on "aaaa" at T0, or tombstoned at deleted = (time, device)."""
    if deleted is None:
        return ("s1", T0, T0, "aaaa", None, dump_clocks(clocks or {}), amount, "2026-11-20")
    at, device = deleted
    stamps = {"deleted_at": stamp(at, device), **(clocks or {})}
    return ("s1", T0, at, device, at, dump_clocks(stamps), amount, "2026-11-20")


def test_a_fact_keeps_its_values_whatever_a_bundle_says() -> None:
    forged = sale(amount=99_999_999, clocks={"amount": stamp(T2, "zzzz")})
    merged, conflicts = merge_row(FACT, sale(), forged)
    assert merged == sale() and conflicts == []
    assert fact_rewrites(FACT, sale(), forged) == ["amount"]
    assert fact_rewrites(FACT, sale(), sale(deleted=(T1, "bbbb"))) == []


def test_a_fact_takes_a_tombstone_and_nothing_beside_it() -> None:
    forged = sale(amount=1, deleted=(T1, "bbbb"))
    merged = dict(zip(FACT.columns, merge_row(FACT, sale(), forged)[0], strict=True))
    assert (merged["amount"], merged["deleted_at"]) == (69_614, T1)
    assert (merged["updated_at"], merged["device_id"]) == (T1, "bbbb")
    assert json.loads(merged["clocks"]) == {"deleted_at": stamp(T1, "bbbb")}


def test_no_later_write_revives_a_tombstoned_fact() -> None:
    revived = ("s1", T0, T2, "aaaa", None, dump_clocks({"deleted_at": stamp(T2, "aaaa")}),
               69_614, "2026-11-20")  # fmt: skip
    deleted = sale(deleted=(T1, "bbbb"))
    assert merge_row(FACT, deleted, revived)[0] == deleted
    assert merge_row(FACT, revived, deleted)[0][4] == T1


def test_a_new_fact_is_taken_whole() -> None:
    assert merge_row(FACT, None, sale(amount=5))[0] == sale(amount=5)


@st.composite
def fact_versions(draw) -> tuple:
    """A version of sale s1 a real laptop can hold: as created, or tombstoned once."""
    if draw(st.booleans()):
        return sale()
    return sale(deleted=(draw(TIMES), draw(DEVICES)))


@settings(max_examples=200, deadline=None)
@given(fact_versions(), fact_versions(), fact_versions())
def test_the_merge_of_facts_is_a_join(a: tuple, b: tuple, c: tuple) -> None:
    def fmerge(x: tuple, y: tuple) -> tuple:
        return merge_row(FACT, x, y)[0]

    assert fmerge(a, b) == fmerge(b, a)
    assert fmerge(fmerge(a, b), c) == fmerge(a, fmerge(b, c))
    assert fmerge(fmerge(a, b), b) == fmerge(a, b) == fmerge(fmerge(a, b), a)


# --- clocks from the future (issue 9, point 2) -------------------------------------------------

LIMIT = datetime(2026, 11, 24, 7, 30)
RECEIVED = datetime(2026, 11, 23, 7, 30)


def test_clocks_and_updated_at_beyond_the_limit_are_brought_back() -> None:
    future = row(
        name="Pirate",
        clocks={"name": "9999-01-01T00:00:00|zzzz", "city": stamp(T1, "aaaa")},
        updated_at="9999-01-01 00:00:00",
        device="zzzz",
    )
    clamped, count = clamp_future(SHAPE, future, LIMIT, RECEIVED)
    assert count == 2
    assert values(clamped)["updated_at"] == "2026-11-23 07:30:00.000000"
    assert json.loads(values(clamped)["clocks"]) == {
        "name": "2026-11-23T07:30:00.000000|zzzz",
        "city": stamp(T1, "aaaa"),
    }
    assert values(clamped)["name"] == "Pirate"
    # Brought back, it loses to any edit made after it was received.
    fixed = row(name="Acme", clocks={"name": stamp(T2, "aaaa")}, updated_at=T2)
    assert values(merge_row(SHAPE, fixed, clamped)[0])["name"] == "Acme"


def test_clocks_up_to_the_limit_are_left_alone() -> None:
    at_limit = row(clocks={"name": "2026-11-24T07:30:00|b"}, updated_at="2026-11-24 07:30:00")
    assert clamp_future(SHAPE, at_limit, LIMIT, RECEIVED) == (at_limit, 0)
    assert clamp_future(SHAPE, row(), LIMIT, RECEIVED) == (row(), 0)
