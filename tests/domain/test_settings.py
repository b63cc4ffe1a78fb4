import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui.config import load_settings, settings_toml, write_default_settings
from portfolio_tui.domain.settings import (
    Settings,
    SettingsError,
    settings_from_dict,
    settings_to_dict,
)


def test_defaults() -> None:
    s = Settings()
    assert (s.abc_a, s.abc_b) == (0.80, 0.95)
    assert dict(s.cadence_by_class) == {"A": 14, "B": 30, "C": 90}
    assert dict(s.cadence_by_stage) == {"hot": 7, "warm": 14, "cold": 30}
    assert (s.window, s.currency, s.decimal_comma) == ("12m", "EUR", False)
    assert (s.concentration_alert, s.stale_after_days) == (0.40, 60)
    assert s.theme == "textual-dark"
    assert dict(s.keymap) == {}


def test_settings_are_read_only() -> None:
    s = Settings(keymap={"today.done": "D"})
    with pytest.raises(AttributeError):
        s.window = "24m"  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.cadence_by_class["A"] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        s.keymap["today.done"] = "X"  # type: ignore[index]


def test_a_caller_mutating_its_dict_does_not_change_settings() -> None:
    keys = {"today.done": "D"}
    s = Settings(keymap=keys)
    keys["today.done"] = "X"
    assert s.keymap["today.done"] == "D"


def test_partial_cadence_keeps_the_other_defaults() -> None:
    s = Settings(cadence_by_class={"A": 7}, cadence_by_stage={"cold": 60})
    assert dict(s.cadence_by_class) == {"A": 7, "B": 30, "C": 90}
    assert dict(s.cadence_by_stage) == {"hot": 7, "warm": 14, "cold": 60}


def test_values_are_normalised() -> None:
    s = Settings(abc_a=1 / 2, abc_b=1, window="24M", currency="usd", concentration_alert=1)
    assert (s.abc_b, s.window, s.currency) == (1.0, "24m", "USD")
    assert isinstance(s.abc_b, float) and isinstance(s.concentration_alert, float)


def test_equal_settings_hash_equal() -> None:
    one = Settings(keymap={"a": "x", "b": "y"})
    two = Settings(keymap={"b": "y", "a": "x"})
    assert one == two and hash(one) == hash(two)
    assert one != Settings()


FULL: dict[str, Any] = {
    "window": "24m",
    "currency": "CHF",
    "decimal_comma": True,
    "theme": "nord",
    "abc": {"a": 0.7, "b": 0.9},
    "cadence": {
        "stale_after_days": 45,
        "class": {"A": 10, "B": 20, "C": 60},
        "stage": {"hot": 3, "warm": 10, "cold": 21},
    },
    "alerts": {"concentration": 0.5},
    "keymap": {"today.done": "D", "app.quit": "ctrl+q"},
    "churn": {"p_alive": 0.4, "penalizer": 0.1, "revenue_drop": 0.25},
    "language": "fr",
    "lost_reasons": ["déménagement"],
    "sync": {"future_tolerance_hours": 12},
    "timezone": "Europe/Paris",
    "working_days": ["mon", "tue", "wed", "thu"],
}


def test_settings_from_dict_reads_every_key() -> None:
    s = settings_from_dict(FULL)
    assert s == Settings(
        abc_a=0.7,
        abc_b=0.9,
        cadence_by_class={"A": 10, "B": 20, "C": 60},
        cadence_by_stage={"hot": 3, "warm": 10, "cold": 21},
        window="24m",
        currency="CHF",
        decimal_comma=True,
        concentration_alert=0.5,
        stale_after_days=45,
        theme="nord",
        keymap={"today.done": "D", "app.quit": "ctrl+q"},
        churn_p_alive=0.4,
        churn_penalizer=0.1,
        churn_revenue_drop=0.25,
        language="fr",
        extra_account_lost_reasons=("déménagement",),
        sync_future_tolerance_hours=12,
        timezone="Europe/Paris",
        working_days=("mon", "tue", "wed", "thu"),
    )
    assert settings_to_dict(s) == FULL


@pytest.mark.parametrize(
    "data",
    [{}, {"abc": {}}, {"cadence": {"class": {}}}, {"keymap": {}}, {"window": "12m"}],
)
def test_empty_or_default_tables_give_defaults(data: dict) -> None:
    assert settings_from_dict(data) == Settings()


def test_ints_are_numbers_and_all_is_a_window() -> None:
    s = settings_from_dict({"abc": {"b": 1}, "alerts": {"concentration": 1}, "window": "all"})
    assert (s.abc_b, s.concentration_alert, s.window) == (1.0, 1.0, "all")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"windw": "12m"}, "windw: unknown key (did you mean 'window'?)"),
        ({"colour": "x"}, "colour: unknown key (expected one of: window, currency, "),
        ({"abc": {"c": 0.99}}, "abc.c: unknown key (expected one of: a, b)"),
        ({"abc": {"A": 0.8}}, "abc.A: unknown key (did you mean 'a'?)"),
        ({"cadence": {"class": {"a": 3}}}, "cadence.class.a: unknown key (did you mean 'A'?)"),
        (
            {"cadence": {"class": {"D": 3}}},
            "cadence.class.D: unknown key (expected one of: A, B, C)",
        ),
        (
            {"cadence": {"stage": {"hott": 3}}},
            "cadence.stage.hott: unknown key (did you mean 'hot'?)",
        ),
        (
            {"cadence": {"stale_days": 3}},
            "cadence.stale_days: unknown key (did you mean 'stale_after_days'?)",
        ),
        ({"alerts": {"top10": 0.4}}, "alerts.top10: unknown key"),
        ({"abc": 0.8}, "abc: must be a table ([abc])"),
        ({"cadence": {"class": 14}}, "cadence.class: must be a table ([cadence.class])"),
        ({"keymap": "D"}, "keymap: must be a table ([keymap])"),
        ({"abc": {"a": 2}}, "abc.a: must be a number between 0 and 1"),
        ({"abc": {"a": 0}}, "abc.a: must be a number between 0 and 1"),
        ({"abc": {"a": 1}}, "abc.a: must be a number between 0 and 1"),
        ({"abc": {"a": "0.8"}}, "abc.a: must be a number between 0 and 1"),
        ({"abc": {"a": True}}, "abc.a: must be a number between 0 and 1"),
        ({"abc": {"a": float("nan")}}, "abc.a: must be a number between 0 and 1"),
        ({"abc": {"b": 1.5}}, "abc.b: must be a number greater than 0 and at most 1"),
        ({"abc": {"b": 0.8}}, "abc.b: must be greater than abc.a (0.8)"),
        ({"abc": {"a": 0.96}}, "abc.b: must be greater than abc.a (0.96)"),
        ({"cadence": {"class": {"A": 0}}}, "cadence.class.A: must be a whole number of days"),
        ({"cadence": {"class": {"B": 14.5}}}, "cadence.class.B: must be a whole number of days"),
        ({"cadence": {"class": {"C": "90"}}}, "cadence.class.C: must be a whole number of days"),
        ({"cadence": {"stage": {"hot": -1}}}, "cadence.stage.hot: must be a whole number of days"),
        ({"cadence": {"stage": {"warm": True}}}, "cadence.stage.warm: must be a whole number"),
        (
            {"cadence": {"stale_after_days": 3651}},
            "cadence.stale_after_days: must be a whole number",
        ),
        ({"window": "13x"}, "window: must be 12m, 24m, <N>m or all"),
        ({"window": "0m"}, "window: must be 12m, 24m, <N>m or all"),
        ({"window": 12}, "window: must be 12m, 24m, <N>m or all"),
        ({"currency": "EURO"}, "currency: must be a 3-letter currency code such as EUR"),
        ({"currency": "€"}, "currency: must be a 3-letter currency code such as EUR"),
        ({"decimal_comma": "yes"}, "decimal_comma: must be true or false"),
        ({"decimal_comma": 1}, "decimal_comma: must be true or false"),
        ({"theme": ""}, "theme: must be the name of a theme"),
        ({"theme": 3}, "theme: must be the name of a theme"),
        ({"alerts": {"concentration": 0}}, "alerts.concentration: must be a number greater than 0"),
        (
            {"alerts": {"concentration": 40}},
            "alerts.concentration: must be a number greater than 0",
        ),
        ({"keymap": {"today.done": ""}}, 'keymap.today.done: must be keys such as "ctrl+d" or "D"'),
        ({"keymap": {"today.done": 4}}, "keymap.today.done: must be keys such as"),
        (
            {"keymap": {"today": {"done": "D"}}},
            'keymap.today: binding ids with a dot need quotes: "today.done" = "..."',
        ),
    ],
)
def test_bad_settings_name_the_source_and_key(data: dict, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from_dict(data)
    assert str(caught.value).startswith(f"config.toml: {message}")
    assert isinstance(caught.value, ValueError)


def test_error_message_matches_the_contract() -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from_dict({"abc": {"a": 1.2}}, source="/home/rep/config.toml")
    assert str(caught.value) == "/home/rep/config.toml: abc.a: must be a number between 0 and 1"
    assert caught.value.key == "abc.a"
    assert caught.value.source == "/home/rep/config.toml"


def test_direct_construction_is_checked_too() -> None:
    with pytest.raises(SettingsError, match=r"^abc\.b: must be greater than abc\.a"):
        Settings(abc_a=0.9, abc_b=0.9)
    with pytest.raises(SettingsError, match=r"^cadence\.class\.Z: unknown key"):
        Settings(cadence_by_class={"Z": 3})


settings_strategy = st.builds(
    Settings,
    abc_a=st.floats(min_value=0.01, max_value=0.5),
    abc_b=st.floats(min_value=0.51, max_value=1.0),
    cadence_by_class=st.dictionaries(
        st.sampled_from(["A", "B", "C"]), st.integers(min_value=1, max_value=3650)
    ),
    cadence_by_stage=st.dictionaries(
        st.sampled_from(["hot", "warm", "cold"]), st.integers(min_value=1, max_value=3650)
    ),
    window=st.sampled_from(["12m", "24m", "6m", "all"]),
    currency=st.sampled_from(["EUR", "USD", "CHF"]),
    decimal_comma=st.booleans(),
    concentration_alert=st.floats(min_value=0.01, max_value=1.0),
    stale_after_days=st.integers(min_value=1, max_value=3650),
    theme=st.text(min_size=1, max_size=20).filter(str.strip),
    keymap=st.dictionaries(
        st.text(min_size=1, max_size=15), st.text(min_size=1, max_size=10).filter(str.strip)
    ),
)


@given(settings_strategy)
def test_to_dict_then_from_dict_round_trips(settings: Settings) -> None:
    assert settings_from_dict(settings_to_dict(settings)) == settings


@given(settings_strategy)
def test_toml_text_round_trips(settings: Settings) -> None:
    text = settings_toml(settings)
    assert settings_from_dict(tomllib.loads(text)) == settings


# --- the file -----------------------------------------------------------------------------------


def test_a_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "nowhere" / "config.toml") == Settings()


def test_load_settings_reads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'window = "24m"\ndecimal_comma = true\n\n[cadence.class]\nA = 7\n\n'
        '[keymap]\n"today.done" = "D"\n',
        encoding="utf-8",
    )
    s = load_settings(path)
    assert (s.window, s.decimal_comma, s.cadence_by_class["A"], s.cadence_by_class["B"]) == (
        "24m",
        True,
        7,
        30,
    )
    assert dict(s.keymap) == {"today.done": "D"}


def test_a_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'\xef\xbb\xbfcurrency = "USD"\n')
    assert load_settings(path).currency == "USD"


def test_invalid_toml_names_the_path_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('window = "12m"\ncurrency = EUR\n', encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: invalid TOML: ")
    assert "line 2" in message


def test_a_bad_value_in_the_file_names_the_path_and_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[abc]\na = 1.5\n", encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value) == f"{path}: abc.a: must be a number between 0 and 1"


def test_a_typo_in_the_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[cadance.class]\nA = 7\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"cadance: unknown key \(did you mean 'cadence'\?\)"):
        load_settings(path)


def test_text_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes('window = "12m"\ntheme = "thème"\n'.encode("cp1252"))
    with pytest.raises(SettingsError, match=r": not UTF-8 text \(at line 2\)"):
        load_settings(path)


def test_an_unreadable_path_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"can't read the file"):
        load_settings(tmp_path)  # a directory


def test_write_default_settings(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "config.toml"
    write_default_settings(path)
    text = path.read_text(encoding="utf-8")
    assert load_settings(path) == Settings()
    assert tomllib.loads(text) == settings_to_dict(Settings())  # every key, at its default
    assert text.startswith("# portfolio-tui settings.")
    assert "\n# Sales window" in text
    assert '# "today.done" = "D"\n[keymap]\n' in text


def test_write_default_settings_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('window = "24m"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        write_default_settings(path)
    assert str(caught.value) == f"{path}: already exists; not overwriting it"
    assert path.read_text(encoding="utf-8") == 'window = "24m"\n'
