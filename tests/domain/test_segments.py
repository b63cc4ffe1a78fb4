"""Saved segments: parsing, canonical text, matching every field, French names, accents."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.domain.rfm import SEGMENTS
from portfolio_tui.domain.segments import (
    FIELDS,
    SegmentError,
    SegmentFilter,
    SegmentTerm,
    parse_segment,
    validate_segment_name,
)
from portfolio_tui.domain.stages import Stage

ROW: dict[str, object] = {
    "abc": "A",
    "stage": "client",
    "segment": "At Risk",
    "sector": "Agroalimentaire",
    "city": "Saint-Étienne",
    "region": "Auvergne-Rhône-Alpes",
    "tags": ["VIP", "salon 2026"],
    "nps_category": "promoter",
    "p_alive": 0.42,
    "revenue_cents": 1_000_000,  # 10 000 €
    "last_contact_days": 30,
}


def matches(text: str, row: dict[str, object] = ROW) -> bool:
    return parse_segment(text).matches(row)


# --- parsing and canonical text ---------------------------------------------------------------


def test_parse_gives_terms():
    assert parse_segment("abc = A and stage != lost") == SegmentFilter(
        (SegmentTerm("abc", "=", "A"), SegmentTerm("stage", "!=", "lost"))
    )


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("abc=a", "abc = A"),
        ("ABC = b  ET  Stage = Chaud", "abc = B and stage = hot"),
        ('segment = "à risque"', 'segment = "At Risk"'),
        ("segment = 'Fidèles potentiels'", 'segment = "Potential Loyalists"'),
        ("segment = cant_lose_them", 'segment = "Can\'t Lose Them"'),
        ("city = Le   Mans and tag = vip", 'city = "Le Mans" and tag = vip'),
        ("city = Villeneuve-d'Ascq", 'city = "Villeneuve-d\'Ascq"'),
        ('sector = "Arts et métiers"', 'sector = "Arts et métiers"'),
        ("sector = 'say \"hi\"'", "sector = 'say \"hi\"'"),
        ("revenue >= 10 000", "revenue >= 10000"),
        ("revenue < 1 234,50 €", "revenue < 1234.50"),
        ("p_alive<0,5", "p_alive < 0.5"),
        ("p_alive >= 1", "p_alive >= 1.0"),
        ("last_contact > 030", "last_contact > 30"),
        ("nps = Détracteur", "nps = detractor"),
    ],
)
def test_canonical_text_round_trips(text, canonical):
    segment = parse_segment(text)
    assert str(segment) == canonical
    assert parse_segment(canonical) == segment


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the segment filter is empty"),
        ("   ", "the segment filter is empty"),
        ("citi = Paris", "unknown field 'citi' (expected one of: abc, stage, segment, nps, "),
        ("= A", "unknown field '='"),
        ("abc = D", "unknown abc 'D' (expected one of: A, B, C)"),
        ("stage = tepid", "unknown stage 'tepid' (expected one of: suspect, cold, warm, hot, "),
        ("segment = Sleepy", "unknown segment 'Sleepy' (expected one of: Champions, Loyal, "),
        ("nps = fan", "unknown nps 'fan' (expected one of: promoter, passive, detractor)"),
        ("abc == A", "abc: bad operator '==' (expected one of: = != < > <= >=)"),
        ("last_contact => 3", "last_contact: bad operator '=>'"),
        ("abc <> A", "abc: bad operator '<>'"),
        ("abc ! A", "abc: bad operator '!'"),
        ("abc A", "abc: expected an operator (= != < > <= >=), got 'A'"),
        ("abc", "abc: expected an operator"),
        ("city < Paris", "city: operator '<' does not apply (use = or !=)"),
        ("stage >= warm", "stage: operator '>=' does not apply"),
        ("abc =", "abc: missing value"),
        ('city = ""', "city: empty value"),
        ("city = a = b", "city: unexpected '=' in the value (quote it)"),
        ('city = "Le" Mans', "city: a quoted value must stand alone"),
        ('city = "Paris', "unclosed quote"),
        ("city = 'Paris", "unclosed quote"),
        ("abc = A and", "'and' must join two terms"),
        ("et abc = A", "'and' must join two terms"),
        ("abc = A and and stage = hot", "'and' must join two terms"),
        ("p_alive > 1.5", "p_alive: '1.5' is not a number from 0 to 1"),
        ("p_alive > high", "p_alive: 'high' is not a number from 0 to 1"),
        ("revenue > 10k", "revenue: can't read '10k' as euros"),
        ("revenue > 10 USD", "revenue: can't read '10 USD' as euros"),
        ("last_contact > -3", "last_contact: '-3' is not a whole number of days"),
        ("last_contact > 2.5", "last_contact: '2.5' is not a whole number of days"),
    ],
)
def test_parse_errors_name_the_problem(text, message):
    with pytest.raises(SegmentError) as caught:
        parse_segment(text)
    assert str(caught.value).startswith(message)
    assert isinstance(caught.value, ValueError)


def test_unknown_field_lists_every_field():
    with pytest.raises(SegmentError) as caught:
        parse_segment("colour = red")
    assert all(field in str(caught.value) for field in FIELDS)


# --- every field ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abc = A", True),
        ("abc = a", True),
        ("abc != A", False),
        ("abc = B", False),
        ("stage = client", True),
        ("stage != hot", True),
        ("segment = 'At Risk'", True),
        ("segment = at_risk", True),
        ("segment != Champions", True),
        ("nps = promoter", True),
        ("nps = passive", False),
        ("sector = agroalimentaire", True),
        ("sector != AGROALIMENTAIRE", False),
        ("city = saint-etienne", True),  # accents and case ignored
        ("city = SAINT-ÉTIENNE", True),
        ("city = Saint-Etienne-du-Rouvray", False),
        ("region = 'auvergne-rhone-alpes'", True),
        ("tag = vip", True),
        ("tag = 'Salon 2026'", True),
        ("tag = salon", False),  # a whole tag, not a part of one
        ("tag != vip", False),
        ("tag != export", True),
        ("p_alive > 0.4", True),
        ("p_alive >= 0.42", True),
        ("p_alive < 0.42", False),
        ("p_alive <= 0,5", True),
        ("revenue >= 10000", True),  # euros against 1 000 000 cents
        ("revenue > 10 000", False),
        ("revenue = 10 000 €", True),
        ("revenue < 9999.99", False),
        ("revenue <= 10000.01", True),
        ("last_contact >= 30", True),
        ("last_contact > 30", False),
        ("last_contact != 31", True),
        ("abc = A and city = saint-étienne et tag = vip", True),
        ("abc = A and city = Paris", False),
    ],
)
def test_every_field_matches(text, expected):
    assert matches(text) is expected


def test_stage_enum_row_value_matches():
    assert matches("stage = chaud", {**ROW, "stage": Stage.HOT})


def test_tags_as_comma_text():
    row = {**ROW, "tags": " vip , Salon 2026,,"}
    assert matches("tag = VIP", row)
    assert matches("tag = 'salon 2026'", row)
    assert not matches("tag = salon", row)


@pytest.mark.parametrize("tags", [[], "", ()])
def test_an_account_without_tags_is_not_tagged(tags):
    row = {**ROW, "tags": tags}
    assert not matches("tag = vip", row)
    assert matches("tag != vip", row)


@pytest.mark.parametrize(
    ("key", "blank", "text"),
    [
        ("abc", None, "abc != A"),
        ("stage", None, "stage != lost"),
        ("segment", None, "segment != Champions"),
        ("nps_category", None, "nps != detractor"),
        ("city", None, "city != Paris"),
        ("city", "  ", "city != Paris"),
        ("sector", None, "sector != x"),
        ("region", "", "region != x"),
        ("tags", None, "tag != vip"),
        ("p_alive", None, "p_alive >= 0"),
        ("revenue_cents", None, "revenue >= 0"),
        ("last_contact_days", None, "last_contact >= 0"),
    ],
)
def test_none_never_matches(key, blank, text):
    assert not matches(text, {**ROW, key: blank})
    row_without_key = {k: v for k, v in ROW.items() if k != key}
    assert not matches(text, row_without_key)


# --- French names, accents and case -----------------------------------------------------------


@pytest.mark.parametrize(
    ("french", "english"),
    [
        ("Champions", "Champions"),
        ("Fidèles", "Loyal"),
        ("Fidèles potentiels", "Potential Loyalists"),
        ("Nouveaux clients", "New Customers"),
        ("Prometteurs", "Promising"),
        ("À surveiller", "Need Attention"),
        ("Bientôt endormis", "About to Sleep"),
        ("À risque", "At Risk"),
        ("À ne pas perdre", "Can't Lose Them"),
        ("En hibernation", "Hibernating"),
    ],
)
def test_french_segment_names(french, english):
    for spelling in (french, french.upper(), french.casefold(), _without_accents(french)):
        assert parse_segment(f'segment = "{spelling}"').terms[0].value == english
    assert matches(f'segment = "{french}"', {**ROW, "segment": english})


def test_every_rfm_segment_is_accepted_in_english():
    for name in SEGMENTS:
        assert parse_segment(f'segment = "{name.upper()}"').terms[0].value == name


def test_english_name_matches_a_row_holding_another_spelling():
    assert matches("segment = 'Can’t lose them'", {**ROW, "segment": "Can't Lose Them"})


@pytest.mark.parametrize(
    ("french", "stage"),
    [
        ("suspect", "suspect"),
        ("froid", "cold"),
        ("tiède", "warm"),
        ("TIEDE", "warm"),
        ("chaud", "hot"),
        ("gagné", "client"),
        ("gagnee", "client"),
        ("perdu", "lost"),
    ],
)
def test_french_stage_names(french, stage):
    assert parse_segment(f"stage = {french}").terms[0].value == stage


@pytest.mark.parametrize(
    ("french", "category"),
    [("promoteur", "promoter"), ("Passif", "passive"), ("detracteur", "detractor")],
)
def test_french_nps_names(french, category):
    assert parse_segment(f"nps = {french}").terms[0].value == category


def test_conjunctions_ignore_case():
    assert len(parse_segment("abc = A AND stage = hot Et city = Lyon").terms) == 3


# --- names ------------------------------------------------------------------------------------


def test_validate_segment_name_tidies_spaces():
    assert validate_segment_name("  A clients   à risque ") == "A clients à risque"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "can't be empty"),
        ("   ", "can't be empty"),
        ("x" * 61, "at most 60 characters"),
        ("bad\u200bname", "control characters"),
    ],
)
def test_invalid_segment_names(name, message):
    with pytest.raises(SegmentError, match=message):
        validate_segment_name(name)


def test_a_name_of_sixty_characters_is_fine():
    assert validate_segment_name("x" * 60) == "x" * 60


# --- canonical text, in general ---------------------------------------------------------------

_text_values = (
    st.text(alphabet="abé Z'-<=!&", min_size=1, max_size=12)
    .map(lambda text: " ".join(text.split()))
    .filter(bool)
)
_terms = st.one_of(
    st.builds(
        SegmentTerm,
        st.sampled_from(("sector", "city", "region", "tag")),
        st.sampled_from(("=", "!=")),
        _text_values,
    ),
    st.builds(
        SegmentTerm,
        st.just("revenue"),
        st.sampled_from(("<", ">=")),
        st.integers(min_value=0, max_value=10**12),
    ),
    st.builds(
        SegmentTerm,
        st.just("last_contact"),
        st.just("<="),
        st.integers(min_value=0, max_value=10**5),
    ),
    st.builds(SegmentTerm, st.just("segment"), st.just("="), st.sampled_from(SEGMENTS)),
)


@given(st.lists(_terms, min_size=1, max_size=4))
def test_str_parses_back_to_the_same_filter(terms):
    segment = SegmentFilter(tuple(terms))
    assert parse_segment(str(segment)) == segment


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
