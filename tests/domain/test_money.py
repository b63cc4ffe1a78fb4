import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.domain.money import (
    MAX_CENTS,
    MoneyError,
    cents_to_plain,
    format_money,
    parse_money,
)

from conftest import FIXTURES

NBSP = "\u00a0"
NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("0", 0),
        ("12", 1200),
        ("1234.5", 123450),
        ("1234,5", 123450),
        ("1234,50", 123450),
        ("1234.50", 123450),
        (" 1234.50 ", 123450),
        ("0.05", 5),
        ("0,05", 5),
        (".5", 50),
        (",5", 50),
        ("1 234,50", 123450),
        (f"1{NBSP}234,50", 123450),
        (f"1{NNBSP}234,50", 123450),
        ("1\u2009234,50", 123450),
        ("1.234,50", 123450),
        ("1'234.50", 123450),
        ("1’234.50", 123450),
        ("1,234.56", 123456),
        ("12,345,678", 1234567800),
        ("12.345.678", 1234567800),
        ("1.234.567,89", 123456789),
        ("1 234 567,89", 123456789),
        ("5 279,21 €", 527921),
        (f"23{NBSP}626,24 €", 2362624),
        (f"23{NBSP}626,24{NBSP}€", 2362624),
        ("5279,21€", 527921),
        ("€5,279.21", 527921),
        ("€ 5,279.21", 527921),
        ("$1,234.56", 123456),
        ("£12", 1200),
        ("EUR 12", 1200),
        ("12 EUR", 1200),
        ("12 eur", 1200),
        ("CHF 1'234.50", 123450),
        ("-12,5", -1250),
        ("−12,5", -1250),  # U+2212 MINUS SIGN
        ("+12,5", 1250),
        ("- 12", -1200),
        ("-€12.50", -1250),
        ("€-12.50", -1250),
        ("-12,50 €", -1250),
        ("(12.50)", -1250),
        ("(€1,234.50)", -123450),
        ("( 12,50 € )", -1250),
        ("1,2300", 123),  # extra decimals are fine when they are zeros
        ("12.000", 1200000),  # thousands: see the single-separator rule
        ("0007", 700),
    ],
)
def test_parse_money(text: str, cents: int) -> None:
    assert parse_money(text) == cents


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        # A single separator followed by exactly 3 digits, after 1-3 digits not starting with 0,
        # with no other grouping: thousands.
        ("1,234", 123400),
        ("1.234", 123400),
        ("123,456", 12345600),
        ("-1,500", -150000),
        ("1,500 €", 150000),
        # Anything else makes it the decimal separator.
        ("0,500", 50),  # leading 0: not a thousands group
        ("1234,500", 123450),  # 4 digits before: not a thousands group
        ("1 234,500", 123450),  # spaces already group: the comma is decimal
        ("1,23", 123),
        ("1,2", 120),
    ],
)
def test_single_separator_rule(text: str, cents: int) -> None:
    assert parse_money(text) == cents


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("abc", None),
        ("12 pcs", None),
        ("1,", None),
        ("1.", None),
        ("12-", None),
        ("1e5", None),
        ("--12", None),
        ("-+12", None),
        ("(-12)", None),
        ("-(12)", None),
        ("(12", None),
        ("€12 €", None),
        ("€12 $", None),
        ("12 ab", None),
        ("١٢", None),  # Arabic-Indic digits
        ("1,2345", "more than 2 decimals"),
        ("1 234,567", "more than 2 decimals"),
        ("12.3456", "more than 2 decimals"),
        ("0,001", "more than 2 decimals"),
        ("1,234,56", "groups of 3"),
        ("12 34", "groups of 3"),
        ("1234 567", "groups of 3"),
        ("1  234", "groups of 3"),
        ("12.345.6", "groups of 3"),
        ("1.234 567,89", "mixed thousands separators"),
        ("1,234.56.7", "more than one decimal separator"),
        ("1,234.5 6", None),
    ],
)
def test_unreadable_amounts_name_the_text(text: str, reason: str | None) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_money(text)
    assert str(caught.value).startswith(f"can't read the amount '{text}'")
    assert caught.value.text == text
    assert isinstance(caught.value, ValueError)
    if reason is not None:
        assert reason in str(caught.value)


def test_expected_currency() -> None:
    assert parse_money("12 €", currency="EUR") == 1200
    assert parse_money("12", currency="EUR") == 1200
    assert parse_money("12 eur", currency="eur") == 1200
    with pytest.raises(MoneyError, match=r"'\$12': the amount is in USD, not EUR"):
        parse_money("$12", currency="EUR")
    with pytest.raises(MoneyError, match="in CHF, not EUR"):
        parse_money("CHF 12", currency="EUR")


@pytest.mark.parametrize(
    ("cents", "french", "english"),
    [
        (0, f"0,00{NBSP}€", "€0.00"),
        (5, f"0,05{NBSP}€", "€0.05"),
        (-5, f"-0,05{NBSP}€", "-€0.05"),
        (100, f"1,00{NBSP}€", "€1.00"),
        (99999, f"999,99{NBSP}€", "€999.99"),
        (100000, f"1{NBSP}000,00{NBSP}€", "€1,000.00"),
        (1234567, f"12{NBSP}345,67{NBSP}€", "€12,345.67"),
        (-123456789, f"-1{NBSP}234{NBSP}567,89{NBSP}€", "-€1,234,567.89"),
    ],
)
def test_format_money_in_euros(cents: int, french: str, english: str) -> None:
    assert format_money(cents, decimal_comma=True) == french
    assert format_money(cents) == english
    assert format_money(cents, "EUR", decimal_comma=False) == english


@pytest.mark.parametrize(
    ("args", "kwargs", "text"),
    [
        ((1234567, "USD"), {}, "$12,345.67"),
        ((1234567, "GBP"), {}, "£12,345.67"),
        ((1234567, "CHF"), {}, f"CHF{NBSP}12,345.67"),
        ((1234567, "CHF"), {"decimal_comma": True}, f"12{NBSP}345,67{NBSP}CHF"),
        ((1234567, "USD"), {"decimal_comma": True}, f"12{NBSP}345,67{NBSP}$"),
        ((1234567, ""), {}, "12,345.67"),
        ((1234567, ""), {"decimal_comma": True}, f"12{NBSP}345,67"),
        ((-1234567, "EUR"), {"grouping": False}, "-€12345.67"),
        ((1234567, "EUR"), {"decimal_comma": True, "grouping": False}, f"12345,67{NBSP}€"),
    ],
)
def test_format_money_options(args: tuple, kwargs: dict, text: str) -> None:
    assert format_money(*args, **kwargs) == text


@pytest.mark.parametrize(
    ("cents", "plain"),
    [
        (0, "0.00"),
        (5, "0.05"),
        (-5, "-0.05"),
        (123450, "1234.50"),
        (-100, "-1.00"),
        (10**9, "10000000.00"),
    ],
)
def test_cents_to_plain(cents: int, plain: str) -> None:
    assert cents_to_plain(cents) == plain


@given(
    cents=st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS),
    currency=st.sampled_from(["EUR", "USD", "GBP", "CHF", "CAD", ""]),
    decimal_comma=st.booleans(),
    grouping=st.booleans(),
)
def test_format_then_parse_gives_back_the_cents(
    cents: int, currency: str, decimal_comma: bool, grouping: bool
) -> None:
    text = format_money(cents, currency, decimal_comma=decimal_comma, grouping=grouping)
    assert parse_money(text) == cents
    if currency:
        assert parse_money(text, currency=currency) == cents


@given(st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS))
def test_plain_round_trip(cents: int) -> None:
    assert parse_money(cents_to_plain(cents)) == cents


@given(st.text(max_size=20))
def test_any_text_parses_or_raises_money_error(text: str) -> None:
    try:
        assert isinstance(parse_money(text), int)
    except MoneyError as error:
        assert error.text == text


def _money_cells(name: str, encoding: str, columns: list[str]) -> list[str]:
    path = FIXTURES / name
    with path.open(encoding=encoding, newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    return [row[column] for row in rows for column in columns]


def test_every_amount_in_the_excel_accounts_file_reads() -> None:
    cells = _money_cells("comptes-excel-fr.csv", "cp1252", ["Chiffre d'affaires 2025"])
    assert len(cells) == 60
    amounts = [parse_money(cell, currency="EUR") for cell in cells]
    assert amounts[0] == 527921  # "5 279,21 €"
    assert all(amount > 0 for amount in amounts)


@pytest.mark.parametrize("name", ["ventes-excel-utf8.csv", "ventes-date-invalide.csv"])
def test_every_amount_in_the_sales_exports_reads(name: str) -> None:
    cells = _money_cells(name, "utf-8-sig", ["Montant HT", "Marge"])
    amounts = [parse_money(cell) for cell in cells]
    assert amounts[:2] == [2362624, 732413]  # "23 626,24 €" and "7 324,13"
    assert all(isinstance(amount, int) for amount in amounts)
