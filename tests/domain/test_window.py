from datetime import date

import pytest

from portfolio_tui.domain.window import Window, WindowError, parse_window

AS_OF = date(2026, 11, 15)


def test_parse_known_windows():
    assert parse_window("12m", AS_OF) == Window(AS_OF, 12)
    assert parse_window("24m", AS_OF) == Window(AS_OF, 24)
    assert parse_window(" 3M ", AS_OF) == Window(AS_OF, 3)
    assert parse_window("all", AS_OF) == Window(AS_OF, None)


@pytest.mark.parametrize("text", ["13x", "0m", "", "m", "-3m", "12", "1y", "12 m", "allm"])
def test_parse_rejects_and_names_the_text(text):
    with pytest.raises(WindowError, match="unknown window") as excinfo:
        parse_window(text, AS_OF)
    assert repr(text) in str(excinfo.value)
    assert "12m, 24m, Nm or all" in str(excinfo.value)


def test_window_error_is_a_value_error():
    assert issubclass(WindowError, ValueError)


def test_zero_month_window_is_refused():
    with pytest.raises(WindowError):
        Window(AS_OF, 0)


def test_labels():
    assert Window(AS_OF, 12).label == "12m"
    assert Window(AS_OF, 7).label == "7m"
    assert Window(AS_OF, None).label == "all"


def test_12m_edges():
    w = Window(date(2026, 11, 15), 12)
    assert w.start == date(2025, 11, 15)
    assert not w.contains(date(2025, 11, 15))  # exactly 12 months before: excluded
    assert w.contains(date(2025, 11, 16))
    assert w.contains(date(2026, 11, 15))  # as_of: included
    assert not w.contains(date(2026, 11, 16))


def test_leap_day_as_of():
    w = Window(date(2024, 2, 29), 12)
    assert w.start == date(2023, 2, 28)
    assert not w.contains(date(2023, 2, 28))
    assert w.contains(date(2023, 3, 1))


def test_leap_day_inside_window():
    w = Window(date(2025, 2, 28), 12)
    assert w.start == date(2024, 2, 28)
    assert not w.contains(date(2024, 2, 28))
    assert w.contains(date(2024, 2, 29))


def test_month_end_31st():
    w = Window(date(2026, 3, 31), 1)
    assert w.start == date(2026, 2, 28)
    assert not w.contains(date(2026, 2, 28))
    assert w.contains(date(2026, 3, 1))
    assert Window(date(2026, 5, 31), 1).start == date(2026, 4, 30)


def test_all_window():
    w = Window(AS_OF, None)
    assert w.start is None
    assert w.contains(date(1900, 1, 1))
    assert w.contains(AS_OF)
    assert not w.contains(date(2026, 11, 16))


def test_previous():
    w = Window(date(2026, 11, 15), 12)
    prev = w.previous()
    assert prev == Window(date(2025, 11, 15), 12)
    assert prev.start == date(2024, 11, 15)
    # the two windows tile: the day that leaves one is the last day of the other
    assert prev.contains(date(2025, 11, 15)) and not w.contains(date(2025, 11, 15))


def test_previous_of_all_fails():
    with pytest.raises(WindowError):
        Window(AS_OF, None).previous()
