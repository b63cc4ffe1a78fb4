"""Every value of a bundle is checked before anything is written (issue 9, points 1, 4, 5).

A bundle with a valid checksum used to store any JSON value in any column; each case below
is one the issue found stored, then breaking `today`, `report kpis` or `export`. Each is now
refused with `FILE: table.column of ROW_ID: reason`, exit 2, the database byte-identical."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from bundle_edits import lines_of, repeat_row, rewrite, rows_of, set_value

from helpers.laptops import SharedTime, open_laptop, synced_dump
from portfolio_tui.cli import main
from portfolio_tui.domain.columns import (
    BOOKKEEPING_RULES,
    COLUMN_RULES,
    JsonConstant,
    column_rule,
    row_rules,
)
from portfolio_tui.formats.bundle import BundleError, BundleValueError
from portfolio_tui.store.models import SYNCED_TABLES

from conftest import db_dump


@dataclass(frozen=True)
class Laptops:
    bundle: Path  # a good full bundle from laptop A
    receiver: Path  # laptop B's database, before any sync
    ids: dict[str, str]  # table -> the id of A's first row of that table


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Laptops:
    """Laptop A holds one row of every kind (a referral, a series, a sale, a stage move);
    laptop B holds an account of its own."""
    folder = tmp_path_factory.mktemp("laptops")
    time = SharedTime()
    with open_laptop(folder / "a.db", "aaaa", time.clock()) as a:
        referrer = a.routine.add_account("Parrain SARL")
        account = a.routine.add_account("Boulangerie Dupont", city="Lyon", potential="12 000")
        a.routine.edit_account(account, referred_by=referrer, nps_score="9")
        a.routine.set_custom_field(account, "Tournée", "mardi")
        a.routine.add_contact(account, "Claire Martin", email="claire@example.fr")
        a.routine.log_interaction("call", account, "Point devis", contact="Claire Martin",
                                  duration_minutes=15)  # fmt: skip
        a.routine.schedule_follow_up(account, "Relance", "tomorrow", recurrence="every monday")
        a.routine.record_sale(account, date(2026, 11, 20), 69_614, margin=20_000)
        a.routine.move_stage(account, "warm")
        bundle = a.bundles.export_bundle(folder / "a.pfbundle").path
    with open_laptop(folder / "b.db", "bbbb", time.clock()) as b:
        b.routine.add_account("Déjà là")
    lines = lines_of(bundle)
    ids = {t: rows_of(lines, t)[0]["id"] for t in ("account", "contact", "interaction",
                                                 "followup", "sale", "stagechange")}  # fmt: skip
    ids["account"] = rows_of(lines, "account")[-1]["id"]  # Boulangerie Dupont, the referred one
    return Laptops(bundle, folder / "b.db", ids)


@pytest.fixture
def receiver(sent: Laptops, tmp_path: Path) -> Iterator[Path]:
    db = tmp_path / "b.db"
    shutil.copy(sent.receiver, db)
    yield db


def crafted(sent: Laptops, tmp_path: Path, table: str, column: str, value) -> Path:
    path = tmp_path / "crafted.pfbundle"
    shutil.copy(sent.bundle, path)
    return rewrite(path, set_value(table, column, value, sent.ids[table]))


# (table, column, value, words of the reason)
BAD_VALUES = {
    "garbage-instant": ("interaction", "occurred_at", "garbage", "is not a time"),
    "iso-t-instant": ("interaction", "occurred_at", "2026-11-20T10:00:00", "is not a time"),
    "feb-31": ("followup", "due_on", "2025-02-31", "is not a real date"),
    "date-as-number": ("sale", "sold_on", 20261120, "is not a date"),
    "text-amount": ("sale", "amount", "abc", "is not an amount in cents"),
    "float-amount": ("sale", "amount", 1.5, "is not an amount in cents"),
    "huge-float-amount": ("sale", "amount", 1e308, "is not an amount in cents"),
    "bool-amount": ("sale", "amount", True, "is not an amount in cents"),
    "too-many-cents": ("sale", "amount", 10**13 + 1, "is beyond ±10,000,000,000,000 cents"),
    "int64-overflow": ("sale", "margin", 9_223_372_036_854_775_807, "is beyond"),
    "infinite-amount": ("sale", "amount", float("inf"), "Infinity is not an amount"),
    "nan-quantity": ("sale", "quantity", float("nan"), "NaN is not a number"),
    "infinite-potential": ("account", "potential", float("-inf"), "-Infinity is not an amount"),
    "text-potential": ("account", "potential", "12", "is not an amount in cents"),
    "custom-not-json": ("account", "custom_fields", "not json", "is not a JSON object"),
    "custom-a-list": ("account", "custom_fields", "[1, 2]", "is not a JSON object"),
    "custom-nested": ("account", "custom_fields", '{"a": {"b": 1}}', "is not a plain value"),
    "stage-hacked": ("account", "stage", "hacked", "is not one of suspect, cold"),
    "kind-hack": ("interaction", "kind", "hack", "is not one of call, meeting"),
    "to-stage": ("stagechange", "to_stage", "won", "is not one of suspect"),
    "channel": ("contact", "preferred_channel", "pigeon", "is not one of phone"),
    "nps-text": ("account", "nps_score", "x", "is not a whole number"),
    "nps-eleven": ("account", "nps_score", 11, "11 is not between 0 and 10"),
    "duration": ("interaction", "duration_minutes", -5, "-5 is not between 0 and"),
    "empty-name": ("account", "name", "", "must not be empty"),
    "blank-name": ("account", "name", "   ", "must not be empty"),
    "null-name": ("contact", "name", None, "must not be empty"),
    "escape-in-name": ("account", "name", "Dupont\x1b]0;pwned\x07", "control character (U+001B)"),
    "newline-in-city": ("account", "city", "Lyon\nParis", "must be on one line"),
    "lone-surrogate": ("account", "city", "Lyon\ud800", "control character (U+D800)"),
    "bad-rrule": ("followup", "recurrence", "FREQ=SOMETIMES", "is not a recurrence rule"),
    "bad-clock": ("account", "clocks", '{"name": "hier|x"}', "is not an ISO time"),
    "clocks-not-json": ("account", "clocks", "{", "is not a JSON object"),
    "id-not-uuid": ("sale", "account_id", "nowhere", "is not an id (a UUID)"),
    "referral-number": ("account", "referred_by_id", 5, "5 is not an id (a UUID)"),
    "parent-number": ("contact", "account_id", 5, "5 is not an id (a UUID)"),
    "list-value": ("account", "city", ["Lyon"], "is not text"),
    "object-value": ("sale", "order_ref", {"a": 1}, "is not text"),
    "bad-updated-at": ("sale", "updated_at", "yesterday", "is not a time"),
}


@pytest.mark.parametrize("case", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_a_bad_value_refuses_the_bundle_and_writes_nothing(sent, receiver, tmp_path, case):
    table, column, value, reason = case
    bad = crafted(sent, tmp_path, table, column, value)
    before = receiver.read_bytes()
    with (
        open_laptop(receiver, "bbbb", SharedTime().clock()) as b,
        pytest.raises(BundleValueError) as caught,
    ):
        b.bundles.sync([sent.bundle, bad])  # the good one first: still nothing is written
    message = str(caught.value)
    assert message.startswith(f"{bad}: {table}.{column} of {sent.ids[table]}: "), message
    assert reason in message
    assert "\n" not in message and "\x1b" not in message and "\x07" not in message
    assert receiver.read_bytes() == before
    assert list(receiver.parent.glob("*.bak")) == []


def test_the_cli_says_it_in_one_line_and_exits_2(sent, receiver, tmp_path, capsys) -> None:
    bad = crafted(sent, tmp_path, "followup", "due_on", "2025-02-31")
    before = db_dump(receiver)
    code = main(["--db", str(receiver), "sync", str(bad)])
    _, err = capsys.readouterr()
    assert code == 2
    assert err == (
        f"portfolio: error: {bad}: followup.due_on of {sent.ids['followup']}: "
        "'2025-02-31' is not a real date (line 6)\n"
    )
    assert db_dump(receiver) == before


def test_an_infinity_written_raw_in_the_json_is_refused_by_name(sent, receiver, tmp_path):
    # Python's json reads the token Infinity, which JSON does not have.
    bad = crafted(sent, tmp_path, "sale", "amount", 0)
    rewrite(bad, lambda lines: [line.replace(b", 0, ", b", Infinity, ") for line in lines])
    with (
        open_laptop(receiver, "bbbb", SharedTime().clock()) as b,
        pytest.raises(BundleValueError, match=r"sale\.amount of .*: Infinity is not an"),
    ):
        b.bundles.sync([bad])


def test_good_values_of_every_kind_go_in(sent, receiver) -> None:
    with open_laptop(receiver, "bbbb", SharedTime().clock()) as b:
        report = b.bundles.sync([sent.bundle])
        assert report.changed
    dump = synced_dump(receiver)
    texts = [v for row in dump["account"] for v in row if isinstance(v, str)]
    assert [json.loads(t) for t in texts if t.startswith('{"Tourn')] == [{"Tournée": "mardi"}]
    assert len(dump["followup"]) == len(dump["sale"]) == len(dump["interaction"]) == 1


# --- point 4: bounded input -----------------------------------------------------------------


def test_an_id_listed_twice_in_one_bundle_is_refused(sent, receiver, tmp_path) -> None:
    path = tmp_path / "twice.pfbundle"
    shutil.copy(sent.bundle, path)
    rewrite(path, repeat_row("account", 1))
    before = receiver.read_bytes()
    with (
        open_laptop(receiver, "bbbb", SharedTime().clock()) as b,
        pytest.raises(BundleValueError, match=r"account\.id of .*: listed twice in the bundle"),
    ):
        b.bundles.sync([path])
    assert receiver.read_bytes() == before


def test_a_million_copies_of_one_row_stop_at_the_second(sent, receiver, tmp_path) -> None:
    path = tmp_path / "copies.pfbundle"
    shutil.copy(sent.bundle, path)
    rewrite(path, repeat_row("account", 200_000))
    with (
        open_laptop(receiver, "bbbb", SharedTime().clock()) as b,
        pytest.raises(BundleValueError, match=r"listed twice in the bundle \(line 3\)"),
    ):
        b.bundles.sync([path])


def test_the_same_row_in_two_bundles_is_no_repeat(sent, receiver, tmp_path) -> None:
    again = tmp_path / "again.pfbundle"
    shutil.copy(sent.bundle, again)
    with open_laptop(receiver, "bbbb", SharedTime().clock()) as b:
        b.bundles.sync([sent.bundle, again])


# --- point 5: referrals -----------------------------------------------------------------------


def test_a_referral_to_an_account_nowhere_leaves_the_account_out_before_the_commit(
    sent, receiver, tmp_path, capsys
) -> None:
    nowhere = "0b0d1e55-0000-4000-8000-00000000000f"
    bad = crafted(sent, tmp_path, "account", "referred_by_id", nowhere)
    code = main(["--db", str(receiver), "sync", str(bad)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert f"referred_by_id {nowhere[:8]} is in neither this database nor the bundle" in out
    accounts = {row[0] for row in synced_dump(receiver)["account"]}
    assert sent.ids["account"] not in accounts


# --- the rules themselves (domain/columns.py) -----------------------------------------------


def test_every_synced_column_has_a_rule_of_its_own() -> None:
    for model in SYNCED_TABLES:
        table = model.__tablename__
        missing = [c for c in model.model_fields if column_rule(table, c) is None]
        assert missing == [], f"{table}: add the rule of {missing} to domain/columns.py"


def test_the_rules_cover_the_bookkeeping_of_every_table() -> None:
    assert set(BOOKKEEPING_RULES) == {"id", "created_at", "updated_at", "device_id",
                                      "deleted_at", "clocks"}  # fmt: skip
    assert not set(BOOKKEEPING_RULES) & {c for cols in COLUMN_RULES.values() for c in cols}


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("sale", "amount", 10**13),
        ("sale", "amount", -(10**13)),
        ("sale", "margin", None),
        ("sale", "quantity", 2),
        ("sale", "quantity", 2.5),
        ("account", "notes", "Livraison le mardi\n\tpar l'arrière"),
        ("account", "name", "L’Oréal — « Frères » \u200f"),
        ("account", "custom_fields", '{"Tournée": "mardi", "n": 3, "ok": true}'),
        ("account", "clocks", '{"city": "2026-11-23T07:30:00.000000|aaaa"}'),
        ("account", "created_at", "2024-02-29 23:59:59"),
        ("account", "created_at", "2024-02-29 23:59:59.123456"),
        ("followup", "recurrence", "FREQ=WEEKLY;BYDAY=MO"),
        ("segment", "id", "6f1d2c1e-3b0a-5c55-9a43-5e6a1b0c7d21"),  # segments use UUID 5
    ],
)
def test_good_values_pass(table: str, column: str, value) -> None:
    rule = column_rule(table, column)
    assert rule is not None and rule(value) is None


def test_a_run_is_checked_value_by_value_where_types_mix() -> None:
    # 1, 1.0 and True are one value to a set: a True hidden behind a 1 is still found.
    rules = row_rules("account", ["id", "nps_score"])
    ok = "0b0d1e55-0000-4000-8000-000000000001"
    refused = rules.first_problem
    assert refused([[ok, 1], [ok, True]]) == (1, "nps_score", "True is not a whole number")
    assert refused([[ok, 1], [ok, 1.0]]) == (1, "nps_score", "1.0 is not a whole number")
    assert refused([[ok, 3], [ok, None], [ok, 10]]) is None
    assert refused([[ok, 3], [ok, 12], [ok, -1]]) == (1, "nps_score", "12 is not between 0 and 10")


def test_a_run_names_its_first_bad_row_then_its_first_bad_column() -> None:
    rules = row_rules("sale", ["id", "sold_on", "amount"])
    ok = "0b0d1e55-0000-4000-8000-000000000001"
    rows = [[ok, "2026-01-01", 1], [ok, "2026-01-01", "x"], [ok, "2026-13-01", "y"]]
    reason = "'x' is not an amount in cents (a whole number)"
    assert rules.first_problem(rows) == (1, "amount", reason)
    rows[1][1] = "2026-02-30"
    assert rules.first_problem(rows) == (1, "sold_on", "'2026-02-30' is not a real date")


def test_texts_found_good_are_not_checked_again_but_a_bad_one_always_is() -> None:
    rules = row_rules("account", ["stage"])
    assert rules.first_problem([["client"]] * 3) is None
    [reason] = [rules.problem(["hacked"])[1]]
    assert rules.first_problem([["client"], ["hacked"]]) == (1, "stage", reason)


def test_a_json_constant_is_refused_everywhere() -> None:
    for table, columns in COLUMN_RULES.items():
        for column, rule in columns.items():
            assert rule(JsonConstant("NaN")) is not None, f"{table}.{column}"


def test_bundle_error_messages_quote_a_bad_id_safely(tmp_path: Path) -> None:
    error = BundleValueError(tmp_path / "x", "account", "name", "\x1b[2J", "must not be empty", 2)
    assert "\x1b" not in str(error) and "'\\x1b[2J'" in str(error)
    assert isinstance(error, BundleError)
