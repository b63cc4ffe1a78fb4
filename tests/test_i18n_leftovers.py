"""English that used to show under French: form errors, the timeline's stage changes, period
labels, date phrase, recurrence and column-rule errors, days in a deal's stage. Each test reads
the French the user sees, and checks the English stays as it was."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from portfolio_tui.cli.output import account_card_text
from portfolio_tui.domain.columns import column_rule
from portfolio_tui.domain.dates import parse_calendar_date, parse_when
from portfolio_tui.domain.periods import compared_span, period_of
from portfolio_tui.domain.recurrence import RecurrenceError, parse_repeat, validate_rrule
from portfolio_tui.errors import PastDate
from portfolio_tui.i18n import set_language
from portfolio_tui.i18n.terms import field_error, stage_move_text, timeline_text
from portfolio_tui.service import Portfolio
from portfolio_tui.tui.modals.form import FormError
from portfolio_tui.tui.widgets.deal_board import days_text, probability_text

NNBSP = "\u202f"  # before ":" and ";", inside « »
NBSP = "\u00a0"  # between a number and its unit, before %
NOW = datetime(2026, 12, 2, 10, 0)


@pytest.fixture(autouse=True)
def english_again() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


def _error(call, *args) -> str:
    with pytest.raises(ValueError) as caught:
        call(*args)
    return str(caught.value)


# --- form errors ------------------------------------------------------------------------------


def test_a_form_error_names_the_field_in_french() -> None:
    set_language("fr")
    assert str(FormError("sold_on", "ne doit pas être vide")) == (
        f"date de vente{NNBSP}: ne doit pas être vide"
    )
    assert str(FormError("next_due", "x")) == f"prochaine relance{NNBSP}: x"
    assert field_error("summary", "y") == f"résumé{NNBSP}: y"


def test_a_form_error_keeps_its_english() -> None:
    assert str(FormError("sold_on", "must not be empty")) == "sold on: must not be empty"
    assert str(FormError("some_new_field", "bad")) == "some new field: bad"


# --- the timeline's stage changes -------------------------------------------------------------


def test_stage_changes_use_the_stage_labels() -> None:
    assert stage_move_text("warm", "hot") == "warm → hot"
    assert stage_move_text(None, "suspect") == "created as suspect"
    set_language("fr")
    assert stage_move_text("warm", "hot") == "tiède → chaud"
    assert stage_move_text(None, "cold") == "créé comme froid"
    assert stage_move_text("hot", "lost") == "chaud → perdu"


def test_the_account_timeline_says_its_stage_changes_in_french(
    empty_portfolio: Portfolio,
) -> None:
    """The service keeps the stages' keys (its JSON is the same in both languages); the CLI's
    card and the TUI's timeline show the French labels."""
    account_id = empty_portfolio.routine.add_account("Boulangerie Roux", stage="cold")
    empty_portfolio.routine.move_stage(account_id, "warm")
    set_language("fr")
    card = empty_portfolio.reports.account_card(account_id)
    stages = [entry for entry in card.timeline if entry.kind == "stage"]
    assert [entry.text for entry in stages] == ["cold → warm", "created as cold"]
    shown = [timeline_text(entry.kind, entry.text) for entry in stages]
    assert shown == ["froid → tiède", "créé comme froid"]
    text = account_card_text(card, empty_portfolio.settings)
    assert "froid → tiède" in text and "créé comme froid" in text and "created" not in text
    assert timeline_text("call", "created as a joke") == "created as a joke"


# --- periods ----------------------------------------------------------------------------------


def test_period_labels_in_french() -> None:
    set_language("fr")
    assert period_of(date(2026, 12, 2), "year").label == "2026"
    assert period_of(date(2026, 12, 2), "quarter").label == "T4 2026"
    assert period_of(date(2026, 3, 2), "month").label == "03/2026"
    assert period_of(date(2026, 12, 2), "quarter").previous().label == "T3 2026"
    assert "période inconnue" in _error(period_of, date(2026, 1, 1), "week")
    period = period_of(date(2026, 12, 2), "month")
    assert "comparaison inconnue" in _error(compared_span, period, date(2026, 12, 2), "half")


def test_period_labels_keep_their_english() -> None:
    assert period_of(date(2026, 12, 2), "quarter").label == "2026-Q4"
    assert period_of(date(2026, 3, 2), "month").label == "2026-03"
    assert "unknown period 'week'" in _error(period_of, date(2026, 1, 1), "week")


# --- date phrases -----------------------------------------------------------------------------


def test_a_date_phrase_error_in_french() -> None:
    set_language("fr")
    assert _error(parse_when, "31/02", NOW) == (
        f"date illisible «{NNBSP}31/02{NNBSP}»{NNBSP}: il n’y a pas de 31 février"
    )
    assert "le 2 décembre 2026 est un mercredi" in _error(parse_when, "lundi 2 décembre", NOW)
    assert "février 2026 n’a pas de jour 30" in _error(parse_when, "2026-02-30", NOW)
    assert "il n’y a pas d’année 0" in _error(parse_calendar_date, "0000-01-01")
    assert "heure impossible" in _error(parse_calendar_date, "2026-12-01 25:00")


def test_a_date_phrase_error_keeps_its_english() -> None:
    assert (
        _error(parse_when, "31/02", NOW) == "can't read the date '31/02': there is no 31 February"
    )
    assert "2 December 2026 is a Wednesday" in _error(parse_when, "mon 2 dec", NOW)


# --- recurrences ------------------------------------------------------------------------------


def test_recurrence_errors_in_french() -> None:
    set_language("fr")
    message = _error(validate_rrule, "FREQ=WEEKLY;FREQ=DAILY")
    rule = f"«{NNBSP}FREQ=WEEKLY;FREQ=DAILY{NNBSP}»"
    assert message == f"récurrence inutilisable {rule}{NNBSP}: FREQ est donné deux fois"
    assert "FREQ manque" in _error(validate_rrule, "BYDAY=MO")
    message = _error(parse_repeat, "tous les blorps")
    assert f"«{NNBSP}blorps{NNBSP}» n’est pas un mot de répétition{NNBSP}; essayez" in message
    assert "dites à quelle fréquence" in _error(parse_repeat, "lundi")
    assert "toutes les 2 semaines" in _error(parse_repeat, "every 2nd week")


def test_recurrence_errors_keep_their_english() -> None:
    with pytest.raises(RecurrenceError) as caught:
        validate_rrule("FREQ=WEEKLY;INTERVAL=0")
    assert str(caught.value) == (
        "can't use the recurrence 'FREQ=WEEKLY;INTERVAL=0': INTERVAL must be 1 to 10000, not 0"
    )
    assert "say 'every 2 weeks' or 'every week on the 2nd'" in _error(
        parse_repeat, "every 2nd week"
    )


# --- column rules (what sync refuses) ---------------------------------------------------------


def test_column_rules_give_their_reasons_in_french() -> None:
    stage = column_rule("account", "stage")
    assert stage is not None
    assert stage("frozen") == "'frozen' is not one of suspect, cold, warm, hot, client, lost"
    set_language("fr")
    assert stage("frozen") == "'frozen' n’est pas l’un de suspect, cold, warm, hot, client, lost"
    assert stage(None) == "ne doit pas être vide"
    sold_on = column_rule("sale", "sold_on")
    assert sold_on is not None
    assert sold_on("2026-02-30") == "'2026-02-30' n’est pas une date qui existe"


# --- deals: days in the stage, probability ----------------------------------------------------


def test_days_in_stage_in_french() -> None:
    assert days_text(59) == "59d"
    assert probability_text(40) == "40%"
    set_language("fr")
    assert days_text(59) == f"59{NBSP}j"
    assert probability_text(40) == f"40{NBSP}%"


# --- refused dates and the proposed working day -----------------------------------------------


def test_a_refused_date_names_it_in_french(empty_portfolio: Portfolio) -> None:
    account_id = empty_portfolio.routine.add_account("Boulangerie Roux")
    set_language("fr")
    with pytest.raises(PastDate) as caught:
        empty_portfolio.routine.schedule_follow_up(account_id, "Rappeler", "2026-01-05")
    assert str(caught.value).startswith(f"échéance{NNBSP}: lun. 5 janv. 2026")


def test_undo_labels_in_french(empty_portfolio: Portfolio) -> None:
    account_id = empty_portfolio.routine.add_account("Boulangerie Roux", stage="cold")
    set_language("fr")
    empty_portfolio.routine.move_stage(account_id, "warm")
    assert empty_portfolio.undo() == "Boulangerie Roux: froid → tiède"
    empty_portfolio.routine.schedule_follow_up(account_id, "Rappeler", "+2d")
    assert empty_portfolio.undo() == "relance pour Boulangerie Roux"
    set_language("en")
    empty_portfolio.routine.move_stage(account_id, "hot")
    assert empty_portfolio.undo() == "Boulangerie Roux: cold → hot"


def test_a_source_and_a_risk_level_typed_in_french() -> None:
    from portfolio_tui.domain.account_fields import clean_account_fields

    typed = {"risk_level": "Élevé", "source": "recommandation"}
    assert clean_account_fields(typed) == {"risk_level": "high", "source": "referral"}
    assert clean_account_fields({"risk_level": "low"}) == {"risk_level": "low"}
    set_language("fr")
    with pytest.raises(ValueError) as caught:
        clean_account_fields({"risk_level": "énorme"})
    shown = f"«{NNBSP}énorme{NNBSP}»"
    assert (
        str(caught.value) == f"niveau de risque{NNBSP}: {shown} n’est pas l’un de low, medium, high"
    )


def test_settings_and_deal_errors_in_french() -> None:
    from portfolio_tui.domain.deals import parse_deal_stage
    from portfolio_tui.domain.settings import settings_from_dict

    set_language("fr")
    with pytest.raises(ValueError) as caught:
        settings_from_dict({"decimal_comma": "oui"})
    assert str(caught.value).endswith("decimal_comma: doit être true ou false")
    assert "(attendu" in _error(parse_deal_stage, "gelée")
    set_language("en")
    with pytest.raises(ValueError) as caught:
        settings_from_dict({"decimal_comma": "oui"})
    assert str(caught.value).endswith("decimal_comma: must be true or false")


def test_vcard_notes_and_calendar_descriptions_in_french(empty_portfolio: Portfolio) -> None:
    pf = empty_portfolio
    account_id = pf.routine.add_account("Boulangerie Roux", stage="warm")
    pf.routine.add_contact(account_id, "Léa Blanc", email="lea@roux.fr")
    pf.routine.schedule_follow_up(account_id, "Rappeler", "+2d")
    set_language("fr")
    [card] = pf.exports.contact_cards()
    assert card.note == f"Étape{NNBSP}: tiède"
    [event] = pf.exports.follow_up_events()
    assert event.description.startswith(f"Compte{NNBSP}: Boulangerie Roux (tiède)")
    assert f"Dernier échange{NNBSP}: aucun" in event.description
    set_language("en")
    [event] = pf.exports.follow_up_events()
    assert event.description.startswith("Account: Boulangerie Roux (warm)")
