import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.domain.text import (
    TextError,
    check_text,
    find_control,
    fold,
    is_valid_email,
    sort_key,
    visible,
)

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


# --- fold and sort_key ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Électricité", "electricite"),
        ("ÉLECTRICITÉ", "electricite"),
        ("electricite", "electricite"),
        ("Œuvres Sociales", "oeuvres sociales"),
        ("cœur", "coeur"),
        ("Lætitia", "laetitia"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("Ça va à Noël", "ca va a noel"),
        ("Müller-Lüdenscheidt", "muller-ludenscheidt"),
        ("Søren Łukasz", "soren lukasz"),
        ("ﬁnance", "finance"),  # the ligature fi
        ("L’Oréal", "l'oreal"),
        ("", ""),
        ("SARL 2 Frères", "sarl 2 freres"),
    ],
)
def test_fold(text: str, key: str) -> None:
    assert fold(text) == key


def test_fold_matches_decomposed_and_composed_accents() -> None:
    composed = unicodedata.normalize("NFC", "Hélène")
    decomposed = unicodedata.normalize("NFD", "Hélène")
    assert composed != decomposed
    assert fold(composed) == fold(decomposed) == "helene"


def test_sort_key_puts_accented_letters_with_their_base_letter() -> None:
    names = ["Vins du Sud", "Électricité Martin", "Zinc", "eau vive", "Espace", "Ébénisterie"]
    assert sorted(names, key=sort_key) == [
        "eau vive",
        "Ébénisterie",
        "Électricité Martin",
        "Espace",
        "Vins du Sud",
        "Zinc",
    ]
    assert sorted(names) != sorted(names, key=sort_key)  # plain sorting puts É after Z


def test_sort_key_breaks_ties_by_the_text() -> None:
    assert sort_key("Eric") < sort_key("Éric")
    assert sorted(["Éric", "Eric", "eric"], key=sort_key) == ["Eric", "eric", "Éric"]


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet=st.characters(max_codepoint=0x24F)))
def test_fold_ignores_case_in_latin_scripts(text: str) -> None:
    assert fold(text.upper()) == fold(text.lower()) == fold(text)


# --- find_control, check_text ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "allow_newline", "index"),
    [
        ("Dupont SA", False, None),
        ("col1\tcol2", False, None),  # tab is allowed
        ("ligne 1\nligne 2", False, 7),
        ("ligne 1\nligne 2", True, None),
        ("ligne 1\r\nligne 2", True, 7),  # check_text turns \r\n into \n first
        ("Dupont\x1b[2J", False, 6),
        ("Dupont\x1b[2J", True, 6),
        ("\x00", False, 0),
        ("bell\x07", False, 4),
        ("del\x7f", False, 3),
        ("csi\x9b31m", False, 3),  # C1
        ("nel\x85", True, 3),
        ("nbsp\xa0ok", False, None),  # U+00A0 is the first character after C1
        ("sep\u2028", False, 3),
        ("sep\u2028", True, None),
        ("para\u2029", False, 4),
        ("\u202eevil", False, None),  # bidi controls are kept
        ("RLM\u200f", True, None),
        ("bad\udc80", False, 3),  # a lone surrogate
        ("😀 émoji", False, None),
    ],
)
def test_find_control(text: str, allow_newline: bool, index: int | None) -> None:
    assert find_control(text, allow_newline=allow_newline) == index


def test_check_text_returns_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Hélène")
    assert check_text("name", decomposed) == "Hélène"
    assert check_text("name", decomposed) == unicodedata.normalize("NFC", "Hélène")


def test_check_text_keeps_surrounding_spaces_and_tabs() -> None:
    assert check_text("name", "  Dupont\t") == "  Dupont\t"


def test_check_text_turns_windows_newlines_into_newlines() -> None:
    assert check_text("notes", "a\r\nb\rc\nd", allow_newline=True) == "a\nb\nc\nd"


@pytest.mark.parametrize(
    ("text", "allow_newline", "reason", "index", "message"),
    [
        ("Dupont\x1bSA", False, "control", 6, "name: character 7 is a control character (U+001B)"),
        ("\x00", True, "control", 0, "name: character 1 is a control character (U+0000)"),
        ("a\x9bb", False, "control", 1, "(U+009B)"),
        ("a\x7f", False, "control", 1, "(U+007F)"),
        ("a\x0cb", True, "control", 1, "(U+000C)"),  # form feed, even in a note
        ("ligne 1\nligne 2", False, "newline", 7, "name: must be on one line"),
        ("ligne 1\r\nligne 2", False, "newline", 7, "must be on one line"),
        ("old mac\rline", False, "newline", 7, "must be on one line"),
        ("sep\u2028", False, "newline", 3, "must be on one line"),
    ],
)
def test_check_text_refusals(
    text: str, allow_newline: bool, reason: str, index: int, message: str
) -> None:
    with pytest.raises(TextError) as caught:
        check_text("name", text, allow_newline=allow_newline)
    assert caught.value.field == "name"
    assert caught.value.reason == reason
    assert caught.value.index == index
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_check_text_max_length() -> None:
    assert check_text("city", "Lyon", max_length=4) == "Lyon"
    with pytest.raises(TextError) as caught:
        check_text("city", "Paris", max_length=4)
    assert (caught.value.reason, caught.value.index) == ("too_long", None)
    assert str(caught.value) == "city: is 5 characters long, more than 4"


def test_check_text_counts_length_after_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Éa")  # 3 code points, 2 once composed
    assert check_text("code", decomposed, max_length=2) == "Éa"


@given(st.text(), st.booleans())
def test_check_text_accepts_exactly_what_find_control_accepts(text: str, multiline: bool) -> None:
    ready = unicodedata.normalize("NFC", text)
    if multiline:
        ready = ready.replace("\r\n", "\n").replace("\r", "\n")
    try:
        assert check_text("f", text, allow_newline=multiline) == ready
    except TextError:
        assert find_control(ready, allow_newline=multiline) is not None
    else:
        assert find_control(ready, allow_newline=multiline) is None


# --- visible ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Dupont SA", "Dupont SA"),
        ("Dupont\x1b[2J", "Dupont␛[2J"),
        ("\x00\x07\x08\t\n\r", "␀␇␈␉␊␍"),
        ("del\x7f", "del␡"),
        ("csi\x9b31m osc\x9d", "csi�31m osc�"),
        ("\x80\x9f", "��"),
        ("a\u2028b\u2029c", "a␤b¶c"),
        ("\u202egpj.exe", "⟨RLO⟩gpj.exe"),
        ("\u2066x\u2069 \u200f \u200e \u061c", "⟨LRI⟩x⟨PDI⟩ ⟨RLM⟩ ⟨LRM⟩ ⟨ALM⟩"),
        ("\u202a\u202b\u202c\u202d\u2067\u2068", "⟨LRE⟩⟨RLE⟩⟨PDF⟩⟨LRO⟩⟨RLI⟩⟨FSI⟩"),
        ("bad\udc80", "bad�"),
        ("Hélène 😀\xa0", "Hélène 😀\xa0"),
    ],
)
def test_visible(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_visible_keeps_newlines_when_asked() -> None:
    assert visible("a\nb\u2028c\u2029d\x1b", keep_newline=True) == "a\nb\nc\nd␛"
    assert visible("a\r\nb", keep_newline=True) == "a␍\nb"


def _unsafe(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in BIDI


# any character, lone surrogates included, with the dangerous ones drawn often
ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from([chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]),
        st.sampled_from([*BIDI, "\u2028", "\u2029", "\ud800", "\udc80", "\udfff"]),
    )
)


@given(ANY_TEXT)
def test_visible_never_contains_a_control_character(text: str) -> None:
    assert not any(_unsafe(c) for c in visible(text))
    assert find_control(visible(text)) is None


@given(ANY_TEXT)
def test_visible_with_newlines_contains_only_newlines(text: str) -> None:
    shown = visible(text, keep_newline=True)
    assert not any(_unsafe(c) for c in shown if c != "\n")
    assert shown.count("\n") == sum(text.count(c) for c in "\n\u2028\u2029")


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_visible_leaves_safe_text_alone(text: str) -> None:
    if not any(_unsafe(c) for c in text):
        assert visible(text) == text


# --- is_valid_email --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "elodie@exemple.fr",
        "élodie.martin@exemple.fr",
        "Elodie.Martin@Exemple.FR",
        "j.dupont+devis@sous.domaine.exemple.com",
        "o'brien@exemple.ie",
        "contact@électricité-martin.fr",  # an IDN domain
        "contact@xn--lectricit-martin-9pbj.fr",  # the same in punycode
        "info@例え.テスト",
        "a@b.co",
        "x_y-z@exemple-1.fr",
        "123@exemple.fr",
        "elodie@exemple.f\u0301r",  # a combining mark inside a label belongs to a letter
    ],
)
def test_valid_emails(address: str) -> None:
    assert is_valid_email(address)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "elodie",
        "elodie@",
        "@exemple.fr",
        "elodie@exemple",  # no dot in the domain
        "elodie@exemple.fr.",  # trailing dot
        "elodie@.exemple.fr",
        "elodie@exemple..fr",
        "elodie@@exemple.fr",
        "elodie@martin@exemple.fr",
        "élodie martin@exemple.fr",
        " elodie@exemple.fr",
        "elodie@exemple.fr ",
        "elodie@exe mple.fr",
        "elodie@exemple_sa.fr",
        "elodie@-exemple.fr",
        "elodie@exemple-.fr",
        "elodie@exemple.123",
        "elodie@192.168.0.1",
        ".elodie@exemple.fr",
        "elodie.@exemple.fr",
        "elo..die@exemple.fr",
        "Élodie <elodie@exemple.fr>",
        "elodie@exemple.fr;marc@exemple.fr",
        "elodie,marc@exemple.fr",
        "elo\x1bdie@exemple.fr",
        "elodie@exemple.fr\n",
        "elodie@\u0301exemple.fr",  # a label can't start with a combining mark
        "e" * 65 + "@exemple.fr",
        "elodie@" + "a" * 64 + ".fr",
        "elodie@" + "a" * 64 + ".fr",
    ],
)
def test_invalid_emails(address: str) -> None:
    assert not is_valid_email(address)


def test_email_length_limits_are_inclusive() -> None:
    assert is_valid_email("e" * 64 + "@exemple.fr")
    assert is_valid_email("elodie@" + "a" * 63 + ".fr")
    longest = "elodie@" + "a." * 122 + "abc"
    assert len(longest) == 254 and is_valid_email(longest)
    too_long = "elodie@" + "a." * 123 + "fr"
    assert len(too_long) == 255 and not is_valid_email(too_long)


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_ascii_text_folds_as_any_text_does(text):
    """`fold` skips the decomposition of plain ASCII text: the same key all the same."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    assert fold(text) == bare.casefold()
