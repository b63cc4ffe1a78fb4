"""A clock from the future does not win (issue 9, point 2).

A field clock of 9999-01-01 overwrote an account's name, reverted the rep's fix at every
later sync, and spread to a third laptop. Now a clock (or `updated_at`) later than the
receiver's now plus `sync.future_tolerance_hours` is brought back to the bundle's export
time before the merge, and counted."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest
from bundle_edits import rewrite, set_value

from helpers.laptops import SharedTime, open_laptop, row_of, synced_dump
from portfolio_tui import service
from portfolio_tui.config import settings_toml
from portfolio_tui.domain.settings import Settings, SettingsError, settings_from_dict
from portfolio_tui.service import Portfolio
from portfolio_tui.service.sync_text import sync_file_text

from conftest import PARIS

FUTURE = "9999-01-01T00:00:00.000000"


@pytest.fixture
def time() -> SharedTime:
    return SharedTime()


def forged(source: Portfolio, account: str, name: str, at: str) -> Path:
    """A full bundle of `source` in which `account` is named `name`, with a name clock and an
    updated_at at `at` (ISO, naive UTC)."""
    path = source.bundles.export_bundle(source.path.with_name("forged.pfbundle")).path
    clocks = json.dumps({"name": f"{at}|{source.device_id}"})
    rewrite(path, set_value("account", "name", name, account))
    rewrite(path, set_value("account", "clocks", clocks, account))
    return rewrite(path, set_value("account", "updated_at", at.replace("T", " "), account))


def shared(a: Portfolio, b: Portfolio, time: SharedTime) -> str:
    account = a.routine.add_account("Boulangerie Dupont", city="Lyon")
    path = a.bundles.export_bundle(a.path.with_name("first.pfbundle")).path
    b.bundles.sync([path])
    time.advance(60)
    return account


def test_a_clock_from_the_future_is_brought_back_and_cant_revert_a_later_fix(tmp_path, time):
    a = open_laptop(tmp_path / "a.db", "aaaa", time.clock())
    b = open_laptop(tmp_path / "b.db", "bbbb", time.clock())
    account = shared(a, b, time)
    bad = forged(a, account, "Pirate", FUTURE)
    at_export = "2026-11-23T07:31:00.000000"  # FIXED_NOW (07:30 UTC) plus the 60 s of `shared`

    [file] = b.bundles.sync([bad]).files
    assert file.future_clocks == 2  # the name's clock and updated_at
    row = row_of(b, "account", account)
    assert row["name"] == "Pirate"  # never edited here: the bundle's later edit still wins
    assert json.loads(row["clocks"]) == {"name": f"{at_export}|aaaa"}
    assert row["updated_at"] == at_export.replace("T", " ")
    assert "2 clocks from the future clamped" in sync_file_text(file, PARIS)

    time.advance(3600)
    b.routine.edit_account(account, name="Boulangerie Dupont")  # the rep's fix
    time.advance(86400)
    again = b.bundles.sync([bad])  # the folder still holds the bad bundle, a day later
    assert again.files[0].future_clocks == 2
    assert not again.changed
    assert b.resolve_account(account).name == "Boulangerie Dupont"

    c = open_laptop(tmp_path / "c.db", "cccc", time.clock())
    c.bundles.sync([b.bundles.export_bundle(tmp_path / "b.pfbundle").path])
    assert c.resolve_account(account).name == "Boulangerie Dupont"
    assert "9999" not in json.dumps(synced_dump(c.path)) + json.dumps(synced_dump(b.path))
    for pf in (a, b, c):
        pf.close()


def test_a_clock_a_little_ahead_is_kept_as_it_is(tmp_path, time) -> None:
    a = open_laptop(tmp_path / "a.db", "aaaa", time.clock(skew=2 * 3600))  # 2 h fast
    b = open_laptop(tmp_path / "b.db", "bbbb", time.clock())
    account = shared(a, b, time)
    a.routine.edit_account(account, city="Annecy")
    [file] = b.bundles.sync([a.bundles.export_bundle(tmp_path / "a.pfbundle").path]).files
    assert file.future_clocks == 0
    assert row_of(b, "account", account)["clocks"] == row_of(a, "account", account)["clocks"]
    a.close()
    b.close()


def test_the_tolerance_is_a_setting(tmp_path, time) -> None:
    a = open_laptop(tmp_path / "a.db", "aaaa", time.clock(skew=2 * 3600))
    b = open_laptop(tmp_path / "b.db", "bbbb", time.clock())
    account = shared(a, b, time)
    a.routine.edit_account(account, city="Annecy")
    bundle = a.bundles.export_bundle(tmp_path / "a.pfbundle").path
    b.close()
    strict = service.open_portfolio(
        tmp_path / "b.db",
        clock=time.clock(),
        tz=PARIS,
        settings=Settings(sync_future_tolerance_hours=1),
    )
    [file] = strict.bundles.sync([bundle]).files
    # A's edit is 2 h ahead, and so is its export time: the clock comes back to B's now.
    assert file.future_clocks == 2
    assert json.loads(row_of(strict, "account", account)["clocks"]) == {
        "city": "2026-11-23T07:31:00.000000|aaaa"
    }
    strict.close()
    a.close()


def test_the_same_bad_bundle_gives_the_same_rows_whenever_it_is_synced(tmp_path, time):
    a = open_laptop(tmp_path / "a.db", "aaaa", time.clock())
    b = open_laptop(tmp_path / "b.db", "bbbb", time.clock())
    account = shared(a, b, time)
    bad = forged(a, account, "Pirate", FUTURE)
    copy = tmp_path / "copy.db"
    b.close()
    shutil.copy(tmp_path / "b.db", copy)
    with open_laptop(tmp_path / "b.db", "bbbb", time.clock()) as b1:
        b1.bundles.sync([bad])
    time.advance(7 * 86400)
    with open_laptop(copy, "bbbb", time.clock()) as b2:
        b2.bundles.sync([bad])  # a week later: the same clamp, the same rows
    assert synced_dump(tmp_path / "b.db") == synced_dump(copy)
    a.close()


# --- the setting ----------------------------------------------------------------------------


def test_the_setting_defaults_to_a_day_and_is_written_by_config_init() -> None:
    assert Settings().sync_future_tolerance_hours == 24
    text = settings_toml(Settings())
    assert tomllib.loads(text)["sync"] == {"future_tolerance_hours": 24}
    assert settings_from_dict(tomllib.loads(text)) == Settings()
    assert settings_from_dict({"sync": {"future_tolerance_hours": 2}}).sync_future_tolerance_hours


@pytest.mark.parametrize("bad", [0, -1, 1.5, "24", True, 24 * 367])
def test_a_bad_tolerance_is_refused_by_name(bad) -> None:
    with pytest.raises(SettingsError, match=r"config\.toml: sync\.future_tolerance_hours: must"):
        settings_from_dict({"sync": {"future_tolerance_hours": bad}})


def test_a_typo_in_the_sync_table_is_named() -> None:
    with pytest.raises(SettingsError, match="did you mean 'future_tolerance_hours'"):
        settings_from_dict({"sync": {"future_tolerance_hour": 2}})
