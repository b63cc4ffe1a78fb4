from datetime import date

import pytest

from portfolio_tui.domain.cadence import (
    DEFAULT_CADENCE,
    Cadence,
    ContactStatus,
    contact_interval,
    contact_status,
)
from portfolio_tui.domain.stages import Stage

TODAY = date(2026, 6, 30)


def test_defaults():
    assert dict(DEFAULT_CADENCE.by_class) == {"A": 14, "B": 30, "C": 90}
    assert dict(DEFAULT_CADENCE.by_stage) == {"hot": 7, "warm": 14, "cold": 30}
    assert Cadence() == DEFAULT_CADENCE


def test_default_factories_are_not_shared():
    assert Cadence().by_class is not Cadence().by_class


@pytest.mark.parametrize(
    ("abc_class", "stage", "interval"),
    [
        ("A", "client", 14),
        ("B", "client", 30),
        ("C", "client", 90),
        (None, "client", None),  # unclassed client
        (None, "hot", 7),
        (None, "warm", 14),
        (None, "cold", 30),
        (None, "suspect", None),
        (None, "lost", None),
        ("C", "hot", 7),  # the shorter one wins
        ("A", "cold", 14),
        ("B", "warm", 14),
        ("B", "lost", 30),  # a class applies whatever the stage
        ("Z", "client", None),  # an unknown class adds nothing
    ],
)
def test_contact_interval(abc_class, stage, interval):
    assert contact_interval(DEFAULT_CADENCE, abc_class, stage) == interval


def test_contact_interval_accepts_stage_enum_and_custom_cadence():
    assert contact_interval(DEFAULT_CADENCE, None, Stage.HOT) == 7
    custom = Cadence(by_class={"A": 5}, by_stage={"suspect": 60})
    assert contact_interval(custom, "A", "suspect") == 5
    assert contact_interval(custom, "B", "suspect") == 60
    assert contact_interval(custom, None, "hot") is None


@pytest.mark.parametrize("bad", [0, -3, 1.5, True])
def test_bad_interval(bad):
    with pytest.raises(ValueError, match="'A'"):
        Cadence(by_class={"A": bad})


def test_not_yet_due():
    assert contact_status(date(2026, 6, 20), TODAY, 14) == ContactStatus(14, 10, False, 0)


def test_due_on_the_day_the_interval_is_reached():
    assert contact_status(date(2026, 6, 16), TODAY, 14) == ContactStatus(14, 14, True, 0)


def test_overdue():
    assert contact_status(date(2026, 6, 1), TODAY, 14) == ContactStatus(14, 29, True, 15)


def test_never_contacted_is_due_when_it_has_an_interval():
    assert contact_status(None, TODAY, 30) == ContactStatus(30, None, True, 0)


def test_no_interval_is_never_due():
    assert contact_status(None, TODAY, None) == ContactStatus(None, None, False, 0)
    assert contact_status(date(2020, 1, 1), TODAY, None) == ContactStatus(None, 2372, False, 0)


def test_contact_after_today_is_not_due():
    status = contact_status(date(2026, 7, 2), TODAY, 7)
    assert status == ContactStatus(7, -2, False, 0)
