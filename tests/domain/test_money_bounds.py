"""Amounts are bounded (±10¹³ cents), so sums of them can never overflow SQLite's integers;
NaN and infinities are never amounts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.domain.money import MAX_CENTS, MoneyError, parse_money


@pytest.mark.parametrize(
    ("text", "cents"),
    [("100 000 000 000,00", 10**13), ("-100 000 000 000", -(10**13)),
     ("99 999 999 999,99 €", 10**13 - 1)],
)  # fmt: skip
def test_the_bound_itself_is_an_amount(text, cents):
    assert parse_money(text) == cents


@pytest.mark.parametrize(
    "text",
    ["100 000 000 000,01", "92 233 720 368 547 758,07 €", "-100000000000.01",
     "9" * 30, "1" + "0" * 5000],
)  # fmt: skip
def test_beyond_the_bound_is_refused(text):
    with pytest.raises(MoneyError, match=r"beyond ±100,000,000,000\.00"):
        parse_money(text)


@pytest.mark.parametrize("text", ["NaN", "nan", "Infinity", "-inf", "inf €", "1e308", "1E5"])
def test_nan_and_infinities_are_not_amounts(text):
    with pytest.raises(MoneyError):
        parse_money(text)


@given(st.integers(min_value=-MAX_CENTS * 10, max_value=MAX_CENTS * 10))
def test_every_amount_read_is_within_the_bound(cents):
    whole, fraction = divmod(abs(cents), 100)
    text = f"{'-' if cents < 0 else ''}{whole}.{fraction:02d}"
    if abs(cents) <= MAX_CENTS:
        assert parse_money(text) == cents
    else:
        with pytest.raises(MoneyError):
            parse_money(text)
