"""Record ids: random UUIDv4s for the records a rep names by their short id, increasing
UUIDv7s for the sales an import appends; both valid and unique, and a seeded UUIDv7 stream
is the same at every run."""

from __future__ import annotations

import random
import uuid

from portfolio_tui.store.ids import (
    COUNTER_SPAN,
    new_id,
    uuid4_of,
    uuid4_texts,
    uuid7_of,
    uuid7_texts,
)


def _parsed(text: str, version: int) -> uuid.UUID:
    parsed = uuid.UUID(text)
    assert (str(parsed), parsed.version, parsed.variant) == (text, version, uuid.RFC_4122)
    return parsed


def test_bulk_time_ordered_ids_are_increasing_uuid7s_across_batches():
    ids = [next(uuid7_texts()) for _ in range(3)]
    generator = uuid7_texts()
    stream = [next(generator) for _ in range(3 * COUNTER_SPAN + 5)]
    for text in ids + stream:
        _parsed(text, 7)
    assert len(set(ids + stream)) == len(ids + stream)
    assert stream == sorted(stream)  # text order is creation order: new rows append


def test_time_ordered_ids_carry_the_clock_millisecond_and_never_go_back():
    clock = iter([5_000, 4_000, 4_000])  # the clock steps back: the ids do not
    generator = uuid7_texts(now_ms=lambda: next(clock), random_bytes=random.Random(1).randbytes)
    stream = [next(generator) for _ in range(3 * COUNTER_SPAN)]
    stamps = [_parsed(t, 7).int >> 80 for t in stream]
    assert stamps[0] == 5_000
    assert sorted(set(stamps)) == [5_000, 5_001, 5_002]
    assert stream == sorted(stream)


def test_a_seeded_time_ordered_stream_is_the_same_at_every_run():
    def seeded() -> list[str]:
        generator = uuid7_texts(
            now_ms=lambda: 1_700_000_000_000, random_bytes=random.Random(7).randbytes
        )
        return [next(generator) for _ in range(10)]

    assert seeded() == seeded()
    assert seeded()[0].startswith("018bcfe5-6800-7000-")


def test_ids_of_typed_records_are_random_uuid4s_with_distinct_short_ids():
    generator = uuid4_texts()
    ids = [new_id() for _ in range(2_000)] + [next(generator) for _ in range(2 * 4096 + 3)]
    for text in ids:
        _parsed(text, 4)
    assert len({text[:8] for text in ids}) > len(ids) - 5  # 8 hex digits: a clash is rare


def test_ids_from_a_seeded_stream_are_those_uuid_makes():
    draws = random.Random(11)
    for _ in range(20_000):
        bits = draws.getrandbits(128)
        assert uuid4_of(bits) == str(uuid.UUID(int=bits, version=4))
    start = 1_700_000_000_000
    made = [uuid7_of(start + n // COUNTER_SPAN, n % COUNTER_SPAN, draws.getrandbits(128))
            for n in range(2 * COUNTER_SPAN + 1)]  # fmt: skip
    assert made == sorted(made) and len(set(made)) == len(made)
    assert {_parsed(text, 7).int >> 80 for text in made} == {
        1_700_000_000_000 + k for k in range(3)
    }
