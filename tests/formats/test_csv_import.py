"""Spreadsheet imports on real database files: the shared French files, encodings,
delimiters, headers, --map, matching, all or nothing, dry runs."""

from __future__ import annotations

import json
import uuid

import pytest

from helpers.files import (
    ACCOUNTS_FR,
    CONTACTS_LO,
    SALES_BAD_DATE,
    SALES_FR,
    count,
    db_state,
    rows,
    write_csv,
)
from portfolio_tui.errors import UserError
from portfolio_tui.formats.cells import CellError, money
from portfolio_tui.formats.report import ImportRejected

STORED_NOW = "2026-11-23 07:30:00.000000"  # FIXED_NOW (08:30 Paris) in naive UTC


# --- the shared files ------------------------------------------------------------------------


def test_french_excel_accounts_file(empty_portfolio, empty_db_path):
    report = empty_portfolio.imports.import_csv("accounts", ACCOUNTS_FR)
    assert (report.encoding, report.delimiter) == ("Windows-1252", ";")
    assert (report.rows, report.inserted, report.updated, report.rejected) == (60, 60, 0, [])
    [(legal_id, sector, city, source, stage, custom)] = rows(
        empty_db_path,
        "SELECT legal_id, sector, city, source, stage, custom_fields FROM account "
        "WHERE name = 'Laboratoire Château-Gaillard & Fils'",
    )
    assert (legal_id, sector, city, source, stage) == (
        "18159083016613", "BTP", "Lyon", "outbound", "suspect"
    )  # fmt: skip
    # "5 279,21 €" read with its no-break space thousands and euro sign.
    assert json.loads(custom) == {
        "address": "10 rue Rousseau",
        "postal_code": "69003",
        "revenue_2025": "5279.21",
    }
    # A SIRET starting with 0 keeps it; "Saint-Étienne" is decoded from cp1252.
    assert rows(empty_db_path, "SELECT city FROM account WHERE legal_id = '03177646727204'") == [
        ("Saint-Étienne",)
    ]
    # Origins in French become the app's sources.
    assert {r[0] for r in rows(empty_db_path, "SELECT DISTINCT source FROM account")} == {
        "outbound", "event", "inbound", "referral"
    }  # fmt: skip


def test_reimporting_a_file_changes_nothing(empty_portfolio, empty_db_path):
    empty_portfolio.imports.import_csv("accounts", ACCOUNTS_FR)
    empty_portfolio.imports.import_csv("contacts", CONTACTS_LO)
    empty_portfolio.imports.import_csv("sales", SALES_FR)
    before = db_state(empty_db_path)
    for kind, path in (("accounts", ACCOUNTS_FR), ("contacts", CONTACTS_LO), ("sales", SALES_FR)):
        report = empty_portfolio.imports.import_csv(kind, path)
        assert (report.inserted, report.updated, report.unchanged) == (0, 0, report.rows)
    assert db_state(empty_db_path) == before


def test_libreoffice_contacts_file_links_companies_by_name(empty_portfolio, empty_db_path):
    empty_portfolio.imports.import_csv("accounts", ACCOUNTS_FR)
    report = empty_portfolio.imports.import_csv("contacts", CONTACTS_LO)
    assert (report.encoding, report.delimiter, report.inserted) == ("Windows-1252", ",", 88)
    assert "accounts" not in report.created  # every company was already there
    assert count(empty_db_path, "account") == 60
    [(name, role, phone, account)] = rows(
        empty_db_path,
        "SELECT c.name, c.role, c.phone, a.name FROM contact c "
        "JOIN account a ON a.id = c.account_id WHERE c.email = ?",
        ("benoit.brule@chateaugaillard.example",),
    )
    assert (name, role, phone, account) == (
        "Benoît BRÛLÉ",
        "Assistante de direction",
        "04 73 62 84 48",
        "Laboratoire Château-Gaillard & Fils",
    )


def test_contacts_of_unknown_companies_create_them_as_suspects(empty_portfolio, empty_db_path):
    report = empty_portfolio.imports.import_csv("contacts", CONTACTS_LO)
    assert len(report.created["accounts"]) == 60
    assert rows(empty_db_path, "SELECT DISTINCT stage FROM account") == [("suspect",)]
    assert count(empty_db_path, "stagechange") == 60


def test_french_excel_sales_file(empty_portfolio, empty_db_path):
    empty_portfolio.imports.import_csv("accounts", ACCOUNTS_FR)
    report = empty_portfolio.imports.import_csv("sales", SALES_FR)
    assert (report.encoding, report.delimiter, report.inserted) == ("UTF-8 with BOM", ";", 900)
    [(sold_on, amount, margin, product, family, account)] = rows(
        empty_db_path,
        "SELECT s.sold_on, s.amount, s.margin, p.name, p.family, a.name FROM sale s "
        "JOIN product p ON p.id = s.product_id JOIN account a ON a.id = s.account_id "
        "WHERE s.order_ref = 'F2023-00000'",
    )
    # 12/10/2023 is day first; "23 626,24 €" has a no-break space and a decimal comma.
    assert (sold_on, amount, margin) == ("2023-10-12", 2362624, 732413)
    assert (product, family, account) == ("Logiciel de gestion", "Logiciel", "Hôtel Chevalier SA")
    assert count(empty_db_path, "account") == 60  # every client matched by name
    assert set(report.created) == {"products"}
    assert count(empty_db_path, "product") == len(report.created["products"])


def test_one_impossible_date_rejects_the_whole_file(empty_portfolio, empty_db_path):
    empty_portfolio.imports.import_csv("accounts", ACCOUNTS_FR)
    before = db_state(empty_db_path)
    with pytest.raises(ImportRejected) as caught:
        empty_portfolio.imports.import_csv("sales", SALES_BAD_DATE)
    assert caught.value.details == [
        f"{SALES_BAD_DATE}:39: date: can't read the date '31/02/2025': February 2025 has no day 31"
    ]
    assert str(SALES_BAD_DATE) in str(caught.value)
    assert db_state(empty_db_path) == before


# --- imported rows carry what sync needs -------------------------------------------------------


def test_bulk_rows_carry_ids_stamps_device_and_clocks(empty_portfolio, empty_db_path, tmp_path):
    path = write_csv(
        tmp_path / "s.csv", [["account", "date", "amount"], ["Acme", "2026-01-05", "10"]]
    )
    empty_portfolio.imports.import_csv("sales", path)
    # Sales get time-ordered ids; the account, named by its id's first 8 characters, random.
    for table, version in (("sale", 7), ("account", 4), ("stagechange", 4)):
        [(row_id, created, updated, device, clocks)] = rows(
            empty_db_path, f"SELECT id, created_at, updated_at, device_id, clocks FROM {table}"
        )
        assert uuid.UUID(row_id).version == version
        assert (created, updated, device, clocks) == (
            STORED_NOW, STORED_NOW, empty_portfolio.device_id, "{}"
        )  # fmt: skip
    # The ORM reads them back like its own rows.
    assert empty_portfolio.resolve_account("Acme").stage == "client"


# --- encodings, delimiters, numbers, dates -----------------------------------------------------

SALES_ROWS = [
    ["Client", "Date", "Montant", "Marge"],
    ["Café Noël", "05/01/2026", "1 234,50 €", "100,00"],
    ["Café Noël", "2026-01-06", "€1,234.50", "-12.5"],
    ["Café Noël", "07.01.2026", "1\u00a0234,50", "(3,00)"],
    ["Café Noël", "08/01/26", "1\u202f234,50 EUR", ""],
]


@pytest.mark.parametrize(
    ("delimiter", "encoding", "label"),
    [
        (",", "utf-8", "UTF-8"),
        (";", "utf-8-sig", "UTF-8 with BOM"),
        ("\t", "cp1252", "Windows-1252"),
        ("\t", "utf-16", "UTF-16"),
    ],
)
def test_delimiters_encodings_and_number_shapes(
    empty_portfolio, empty_db_path, tmp_path, delimiter, encoding, label
):
    if encoding == "cp1252":
        shaped = [[c.replace("\u202f", " ") for c in r] for r in SALES_ROWS]  # not in cp1252
    else:
        shaped = SALES_ROWS
    path = write_csv(tmp_path / "v.csv", shaped, delimiter=delimiter, encoding=encoding)
    report = empty_portfolio.imports.import_csv("sales", path)
    assert (report.encoding, report.delimiter) == (label, {"\t": "tab"}.get(delimiter, delimiter))
    assert rows(empty_db_path, "SELECT sold_on, amount, margin FROM sale ORDER BY sold_on") == [
        ("2026-01-05", 123450, 10000),
        ("2026-01-06", 123450, -1250),
        ("2026-01-07", 123450, -300),
        ("2026-01-08", 123450, None),
    ]
    assert rows(empty_db_path, "SELECT name FROM account") == [("Café Noël",)]


def test_fast_money_path_reads_like_parse_money():
    from portfolio_tui.domain.money import parse_money

    for text in ("23\u00a0626,24 €", "520,15", "1234", "-1 234,56", "1234.56", "0,05",
                 "12 345 678,90 €", "007", "-0,00", "1\u202f000", "999,99\u00a0€",
                 "100000000000", "100000000000,00", "-100000000000",
                 "100 000 000 000,00"):  # fmt: skip
        assert money(text) == parse_money(text), text
    for too_large in ("100000000000,01", "-100000000000,01", "100 000 000 001", "9" * 30):
        with pytest.raises(CellError):
            money(too_large)
        with pytest.raises(ValueError):
            parse_money(too_large)


def test_import_into_an_empty_portfolio_builds_every_index_again(
    empty_portfolio, empty_db_path, tmp_path
):
    def indexes() -> list[tuple]:
        return rows(empty_db_path, "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name IN ('sale', 'account') ORDER BY name")  # fmt: skip

    before = indexes()
    assert before  # the schema has secondary indexes on both
    header = ["account", "date", "amount"]
    bad = write_csv(tmp_path / "bad.csv", [header, ["Acme", "2026-01-05", "10"],
                                           ["Acme", "2026-01-06", "ten"]])  # fmt: skip
    with pytest.raises(ImportRejected):
        empty_portfolio.imports.import_csv("sales", bad)
    assert indexes() == before and count(empty_db_path, "sale") == 0
    good = write_csv(tmp_path / "s.csv", [header, ["Acme", "2026-01-05", "10"],
                                          ["Bobo", "2026-01-06", "20"]])  # fmt: skip
    assert empty_portfolio.imports.import_csv("sales", good).inserted == 2
    assert indexes() == before
    assert rows(empty_db_path, "PRAGMA integrity_check") == [("ok",)]
    again = write_csv(tmp_path / "t.csv", [header, ["Acme", "2026-01-05", "10"],
                                           ["Acme", "2026-01-07", "30"]])  # fmt: skip
    report = empty_portfolio.imports.import_csv("sales", again)  # the table holds rows now
    assert (report.inserted, report.unchanged) == (1, 1)


def test_excel_sep_line_and_blank_lines(empty_portfolio, empty_db_path, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("sep=;\r\nClient;Date;Montant\r\n\r\nAcme;2026-01-05;10\r\n\r\n")
    assert empty_portfolio.imports.import_csv("sales", path).inserted == 1


# --- headers and --map -----------------------------------------------------------------------


def test_english_headers(empty_portfolio, empty_db_path, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [["Company", "VAT number", "Industry", "Town", "Lead source", "Status", "Comments"],
         ["Acme Ltd", "GB 123 456 789", "Retail", "Leeds", "Trade show", "warm", "big"]],
    )  # fmt: skip
    empty_portfolio.imports.import_csv("accounts", path)
    assert rows(
        empty_db_path, "SELECT name, legal_id, sector, city, source, stage, notes FROM account"
    ) == [("Acme Ltd", "GB 123 456 789", "Retail", "Leeds", "event", "warm", "big")]


def test_map_reads_other_headers(empty_portfolio, empty_db_path, tmp_path):
    path = write_csv(
        tmp_path / "v.csv",
        [["Kunde", "Datum", "Betrag", "Notiz"], ["Acme", "2026-01-05", "10,00", "x"]],
    )
    with pytest.raises(UserError, match=r"no column for account_id or account"):
        empty_portfolio.imports.import_csv("sales", path)
    report = empty_portfolio.imports.import_csv(
        "sales", path, {"Kunde": "account", "Datum": "date", "Betrag": "amount", "Notiz": "ignore"}
    )
    assert report.inserted == 1 and report.ignored_columns == []
    assert rows(empty_db_path, "SELECT amount FROM sale") == [(1000,)]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"Kunde": "customer"}, r"--map: unknown field 'customer' for sales"),
        ({"Kundin": "account"}, r"--map: .*v\.csv has no column 'Kundin'"),
        ({"Kunde": "custom:x"}, r"--map: sales have no custom fields"),
    ],
)
def test_map_errors_name_the_column_or_field(empty_portfolio, empty_db_path, tmp_path, mapping,
                                              message):  # fmt: skip
    path = write_csv(tmp_path / "v.csv", [["Kunde", "Date", "Amount"], ["Acme", "2026-01-05", "1"]])
    before = db_state(empty_db_path)
    with pytest.raises(UserError, match=message):
        empty_portfolio.imports.import_csv("sales", path, mapping)
    assert db_state(empty_db_path) == before


def test_two_columns_for_one_field_is_an_error(empty_portfolio, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["Nom", "Société"], ["A", "B"]])
    with pytest.raises(UserError, match=r"columns 'Nom' and 'Société' both give name"):
        empty_portfolio.imports.import_csv("accounts", path)


def test_map_custom_field_and_unknown_columns_listed(empty_portfolio, empty_db_path, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["Name", "Colour", "Shoe"], ["Acme", "red", "XL"]])
    report = empty_portfolio.imports.import_csv("accounts", path, {"Colour": "custom:colour"})
    assert report.ignored_columns == ["Shoe"]
    assert rows(empty_db_path, "SELECT custom_fields FROM account") == [('{"colour": "red"}',)]


# --- matching existing records ---------------------------------------------------------------


def test_accounts_match_by_id_then_legal_id_then_name(portfolio, demo_db_path, tmp_path):
    by_name = portfolio.reports.portfolio_rows()[0]
    by_id = portfolio.reports.portfolio_rows()[1]
    with portfolio.db.raw() as conn:
        legal_name, legal_id = conn.execute(
            "SELECT name, legal_id FROM account WHERE legal_id IS NOT NULL AND id NOT IN (?, ?) "
            "LIMIT 1",
            (by_name.account_id, by_id.account_id),
        ).fetchone()
    spaced = " ".join(legal_id[i : i + 3] for i in range(0, len(legal_id), 3))
    accounts_before = count(demo_db_path, "account")
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["id", "name", "legal_id", "city"],
            ["", "  " + by_name.name.upper() + " ", "", "Nantes"],
            [by_id.account_id, "Renamed by id", "", "Brest"],
            ["", "Other name", spaced, "Vannes"],
        ],
    )
    report = portfolio.imports.import_csv("accounts", path)
    assert (report.inserted, report.updated) == (0, 3)
    assert count(demo_db_path, "account") == accounts_before
    assert portfolio.resolve_account(by_name.account_id).city == "Nantes"
    renamed = portfolio.resolve_account(by_id.account_id)
    assert (renamed.name, renamed.city) == ("Renamed by id", "Brest")
    other = portfolio.resolve_account(legal_id)
    assert (other.name, other.city) == ("Other name", "Vannes")
    assert legal_name != "Other name"
    # One import is one undo step.
    assert portfolio.undo() == f"import accounts {path.name}"
    assert portfolio.resolve_account(by_id.account_id).name == by_id.name


def test_updates_stamp_field_clocks_for_sync(empty_portfolio, empty_db_path, tmp_path):
    empty_portfolio.routine.add_account("Acme", city="Lyon")
    path = write_csv(tmp_path / "a.csv", [["name", "city", "sector"], ["acme", "Paris", ""]])
    report = empty_portfolio.imports.import_csv("accounts", path)
    assert report.items[0].detail == "city: Lyon → Paris"  # an empty cell erases nothing
    [(city, clocks)] = rows(empty_db_path, "SELECT city, clocks FROM account")
    assert city == "Paris" and set(json.loads(clocks)) == {"city"}


def test_contacts_match_by_email_then_name_in_their_account(empty_portfolio, empty_db_path,
                                                             tmp_path):  # fmt: skip
    empty_portfolio.routine.add_account("Acme")
    empty_portfolio.routine.add_account("Beta")
    empty_portfolio.routine.add_contact("Acme", "Ann Lee", email="ann@acme.example")
    empty_portfolio.routine.add_contact("Acme", "Bob Ray")
    empty_portfolio.routine.add_contact("Beta", "Bob Ray")
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["Company", "Name", "Email", "Title"],
            ["Beta", "Ann Lee-Smith", "ANN@acme.example", "CEO"],  # moved company, same email
            ["Acme", "bob ray", "", "Buyer"],
            ["Beta", "Cy Doe", "cy@beta.example", ""],
        ],
    )
    report = empty_portfolio.imports.import_csv("contacts", path)
    assert (report.inserted, report.updated) == (1, 2)
    assert rows(
        empty_db_path,
        "SELECT a.name, c.name, c.email, c.role FROM contact c JOIN account a "
        "ON a.id = c.account_id ORDER BY c.name, a.name",
    ) == [
        ("Beta", "Ann Lee-Smith", "ann@acme.example", "CEO"),
        ("Acme", "Bob Ray", None, "Buyer"),
        ("Beta", "Bob Ray", None, None),
        ("Beta", "Cy Doe", "cy@beta.example", None),
    ]


def test_ambiguous_name_is_rejected_not_guessed(empty_portfolio, empty_db_path, tmp_path):
    empty_portfolio.routine.add_account("Twin")
    empty_portfolio.routine.add_account("Twin")
    before = db_state(empty_db_path)
    path = write_csv(tmp_path / "a.csv", [["name", "city"], ["Twin", "Lyon"]])
    with pytest.raises(ImportRejected) as caught:
        empty_portfolio.imports.import_csv("accounts", path)
    assert caught.value.details == [
        f"{path}:2: name: 2 records have the name 'Twin': add an id or a legal id"
    ]
    assert db_state(empty_db_path) == before


def test_rows_of_one_file_never_duplicate_each_other(empty_portfolio, empty_db_path, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [["name", "SIRET", "city"], ["Acme", "123 456 789", "Lyon"], ["ACME", "", "Paris"],
         ["Acme Group", "123456789", ""]],
    )  # fmt: skip
    report = empty_portfolio.imports.import_csv("accounts", path)
    assert (report.inserted, report.updated) == (1, 2)
    assert rows(empty_db_path, "SELECT name, city FROM account") == [("Acme Group", "Paris")]


# --- sales specifics -------------------------------------------------------------------------


def test_sales_account_by_id_legal_id_or_name_unknown_created_as_client(
    empty_portfolio, empty_db_path, tmp_path
):
    acme = empty_portfolio.routine.add_account("Acme", legal_id="552 100 554")
    empty_portfolio.routine.add_account("Beta", stage="warm")
    path = write_csv(
        tmp_path / "v.csv",
        [
            ["account", "date", "amount", "product", "family", "order_ref", "quantity"],
            [acme, "2026-01-05", "10", "Widget", "Hardware", "F-1", "2"],
            ["552100554", "2026-01-06", "20", "widget", "", "", "1,5"],
            ["beta", "2026-01-07", "30", "", "Services", " ", ""],
            ["Gamma SA", "2026-01-08", "40", "Widget", "", "F-2", ""],
        ],
    )
    report = empty_portfolio.imports.import_csv("sales", path)
    assert report.created == {"products": ["Widget", "Services"], "accounts": ["Gamma SA"]}
    assert rows(
        empty_db_path,
        "SELECT a.name, s.amount, p.name, p.family, s.order_ref, s.quantity FROM sale s "
        "JOIN account a ON a.id = s.account_id LEFT JOIN product p ON p.id = s.product_id "
        "ORDER BY s.sold_on",
    ) == [
        ("Acme", 1000, "Widget", "Hardware", "F-1", 2.0),
        ("Acme", 2000, "Widget", "Hardware", None, 1.5),  # empty order_ref is NULL
        ("Beta", 3000, "Services", "Services", None, None),
        ("Gamma SA", 4000, "Widget", "Hardware", "F-2", None),
    ]
    assert empty_portfolio.resolve_account("Gamma SA").stage == "client"
    assert empty_portfolio.resolve_account("Beta").stage == "warm"


def test_unknown_legal_id_or_account_id_is_an_error(empty_portfolio, tmp_path):
    path = write_csv(
        tmp_path / "v.csv",
        [["account", "date", "amount"], ["552100554", "2026-01-05", "1"],
         [str(uuid.uuid4()), "2026-01-05", "1"]],
    )  # fmt: skip
    with pytest.raises(ImportRejected) as caught:
        empty_portfolio.imports.import_csv("sales", path)
    assert [e.line for e in caught.value.errors] == [2, 3]
    assert all(e.field == "account" for e in caught.value.errors)


def test_identical_lines_are_two_sales_and_stay_two(empty_portfolio, empty_db_path, tmp_path):
    lines = [["account", "date", "amount"]] + [["Acme", "2026-01-05", "10"]] * 2
    path = write_csv(tmp_path / "v.csv", lines)
    assert empty_portfolio.imports.import_csv("sales", path).inserted == 2
    assert empty_portfolio.imports.import_csv("sales", path).inserted == 0
    bigger = write_csv(tmp_path / "w.csv", [*lines, ["Acme", "2026-01-05", "10"]])
    assert empty_portfolio.imports.import_csv("sales", bigger).inserted == 1
    assert count(empty_db_path, "sale") == 3


def test_sale_id_given_twice_or_edited_is_rejected(empty_portfolio, empty_db_path, tmp_path):
    sale_id = str(uuid.uuid4())
    path = write_csv(tmp_path / "v.csv", [["id", "account", "date", "amount"],
                                          [sale_id, "Acme", "2026-01-05", "10"]])  # fmt: skip
    empty_portfolio.imports.import_csv("sales", path)
    assert rows(empty_db_path, "SELECT id FROM sale") == [(sale_id,)]
    before = db_state(empty_db_path)
    edited = write_csv(
        tmp_path / "w.csv",
        [["id", "account", "date", "amount"], [sale_id, "Acme", "2026-01-05", "11"],
         [(other := str(uuid.uuid4())), "Acme", "2026-01-06", "1"],
         [other, "Acme", "2026-01-06", "1"]],
    )  # fmt: skip
    with pytest.raises(ImportRejected) as caught:
        empty_portfolio.imports.import_csv("sales", edited)
    assert [(e.line, e.field) for e in caught.value.errors] == [(2, "id"), (4, "id")]
    assert "an import does not edit them" in caught.value.errors[0].reason
    assert db_state(empty_db_path) == before


@pytest.mark.parametrize("kind", ["sales", "interactions"])
def test_ids_given_twice_into_an_empty_table_are_refused_like_into_a_full_one(
    kind, empty_portfolio, empty_db_path, tmp_path
):
    table = {"sales": "sale", "interactions": "interaction"}[kind]
    header = ["id", "account", "date", "amount" if kind == "sales" else "kind"]
    value = "10" if kind == "sales" else "call"
    twice, thrice = str(uuid.uuid4()), str(uuid.uuid4())
    lines = [header, [twice, "Acme", "2026-01-05", value], [thrice, "Bobo", "2026-01-06", value],
             [twice, "Acme", "2026-01-07", value], [thrice, "Bobo", "2026-01-08", value],
             [thrice, "Cara", "2026-01-09", value]]  # fmt: skip
    before = db_state(empty_db_path)
    with pytest.raises(ImportRejected) as caught:
        empty_portfolio.imports.import_csv(kind, write_csv(tmp_path / "v.csv", lines))
    assert [(e.line, e.field, e.reason) for e in caught.value.errors] == [
        (4, "id", f"{twice} is also the id of line 2"),
        (6, "id", f"{thrice} is also the id of line 3"),
    ]
    assert db_state(empty_db_path) == before
    assert count(empty_db_path, table) == 0
    # Once the table holds a row the staging path refuses them with the same words.
    other = [header[1:], ["Dora", "2026-02-01", value]]
    empty_portfolio.imports.import_csv(kind, write_csv(tmp_path / "w.csv", other))
    with pytest.raises(ImportRejected) as again:
        empty_portfolio.imports.import_csv(kind, write_csv(tmp_path / "x.csv", lines))
    assert [(e.line, e.reason) for e in again.value.errors] == [
        (4, f"{twice} is also the id of line 2"),
        (6, f"{thrice} is also the id of line 3"),
    ]


def test_a_long_file_into_an_empty_portfolio_names_accounts_first_seen_in_any_batch(
    empty_portfolio, empty_db_path, tmp_path, monkeypatch
):
    from portfolio_tui.service import fact_import

    monkeypatch.setattr(fact_import, "BATCH", 7)  # many batches from a small file
    lines = [["account", "date", "amount", "product"]] + [
        [f"Client {i % 13 if i < 40 else i}", f"2026-01-{1 + i % 28:02d}", str(i), f"P{i % 5}"]
        for i in range(60)
    ]
    report = empty_portfolio.imports.import_csv("sales", write_csv(tmp_path / "v.csv", lines))
    assert (report.inserted, report.unchanged) == (60, 0)
    assert count(empty_db_path, "account") == 13 + 20
    assert count(empty_db_path, "stagechange") == 13 + 20
    assert count(empty_db_path, "product") == 5
    assert rows(empty_db_path, "PRAGMA foreign_key_check") == []
    assert rows(empty_db_path, "SELECT sum(amount) FROM sale") == [(sum(range(60)) * 100,)]
    ids = [r[0] for r in rows(empty_db_path, "SELECT id FROM sale ORDER BY rowid")]
    assert ids == sorted(ids)  # in file order, appended
    assert empty_portfolio.imports.import_csv("sales", tmp_path / "v.csv").inserted == 0


def test_every_bad_row_is_reported_and_nothing_written(empty_portfolio, empty_db_path, tmp_path):
    empty_portfolio.imports.import_csv("sales", SALES_FR)
    before = db_state(empty_db_path)
    path = write_csv(
        tmp_path / "v.csv",
        [
            ["Client", "Date", "Montant", "Quantité"],
            ["Acme", "2026-01-05", "10", "1"],
            ["Acme", "2026-13-05", "1,2,3", "x"],
            ["", "2026-01-05", "10", ""],
            ["Acme", "05/01/2026", "", ""],
            ["Acme", "05/01/2026", "10"],
        ],
    )
    with pytest.raises(ImportRejected) as caught:
        empty_portfolio.imports.import_csv("sales", path)
    assert caught.value.details == [
        f"{path}:3: date: can't read the date '2026-13-05': there is no month 13",
        f"{path}:3: amount: can't read the amount '1,2,3': thousands are not in groups of 3 digits",
        f"{path}:3: quantity: 'x' is not a number",
        f"{path}:4: account: missing",
        f"{path}:5: amount: missing",
        f"{path}:6: row: 3 cells where the header has 4 (is the line cut short?)",
    ]
    assert caught.value.report.rejected_rows == 4
    assert db_state(empty_db_path) == before


def test_leading_quote_of_our_formula_guard_is_removed(empty_portfolio, empty_db_path, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["name", "notes", "tags"], ["'=Acme", "'+33 1", "'its"]])
    empty_portfolio.imports.import_csv("accounts", path)
    assert rows(empty_db_path, "SELECT name, notes, tags FROM account") == [
        ("=Acme", "+33 1", "'its")
    ]


def test_dry_run_previews_and_writes_nothing(portfolio, demo_db_path, tmp_path):
    existing = portfolio.reports.portfolio_rows()[0]
    before = db_state(demo_db_path)
    path = write_csv(
        tmp_path / "a.csv",
        [["name", "city", "potential"], [existing.name, "Quimper", ""], ["New One", "Lyon", "5k"],
         ["Newer", "Caen", "12 000"]],
    )  # fmt: skip
    report = portfolio.imports.import_csv("accounts", path, dry_run=True)
    assert (report.inserted, report.updated, len(report.rejected)) == (1, 1, 1)
    assert [(i.line, i.action, i.label) for i in report.items] == [
        (2, "update", existing.name),
        (4, "insert", "Newer"),
    ]
    assert report.rejected[0].line == 3 and report.rejected[0].field == "potential"
    sales = write_csv(
        tmp_path / "v.csv", [["account", "date", "amount"], ["Zed", "2026-01-05", "1"]]
    )
    preview = portfolio.imports.import_csv("sales", sales, dry_run=True)
    assert (preview.inserted, preview.created) == (1, {"accounts": ["Zed"]})
    assert preview.items[0].label == "2026-01-05  Zed  1.00"
    assert db_state(demo_db_path) == before


# --- interactions ----------------------------------------------------------------------------


def test_interactions_import_in_french(empty_portfolio, empty_db_path, tmp_path):
    empty_portfolio.routine.add_account("Acme")
    empty_portfolio.routine.add_contact("Acme", "Ann Lee", email="ann@acme.example")
    path = write_csv(
        tmp_path / "i.csv",
        [
            ["Société", "Interlocuteur", "Type", "Date", "Heure", "Durée", "Objet", "Résultat"],
            ["Acme", "ann lee", "Appel", "05/01/2026", "14h30", "15", "Relance devis", "OK"],
            ["Acme", "ann@acme.example", "RDV", "2026-01-06 09:00", "", "", "Démo", ""],
            ["Newco", "", "Visite", "07/01/2026", "", "", "", ""],
        ],
    )
    report = empty_portfolio.imports.import_csv("interactions", path)
    assert (report.inserted, report.created) == (3, {"accounts": ["Newco"]})
    assert rows(
        empty_db_path,
        "SELECT a.name, c.name, i.kind, i.occurred_at, i.duration_minutes, i.summary, i.outcome "
        "FROM interaction i JOIN account a ON a.id = i.account_id "
        "LEFT JOIN contact c ON c.id = i.contact_id ORDER BY i.occurred_at",
    ) == [
        ("Acme", "Ann Lee", "call", "2026-01-05 13:30:00.000000", 15, "Relance devis", "OK"),
        ("Acme", "Ann Lee", "meeting", "2026-01-06 08:00:00.000000", None, "Démo", None),
        ("Newco", None, "visit", "2026-01-07 11:00:00.000000", None, "", None),  # noon, Paris
    ]
    assert empty_portfolio.resolve_account("Newco").stage == "suspect"
    assert empty_portfolio.imports.import_csv("interactions", path).inserted == 0


def test_interaction_with_unknown_contact_or_kind_is_rejected(empty_portfolio, tmp_path):
    empty_portfolio.routine.add_account("Acme")
    path = write_csv(
        tmp_path / "i.csv",
        [["account", "contact", "kind", "date"], ["Acme", "Nobody", "call", "2026-01-05"],
         ["Acme", "", "fax", "2026-01-05"], ["Acme", "", "call", "2026-01-05 25:00"]],
    )  # fmt: skip
    with pytest.raises(ImportRejected) as caught:
        empty_portfolio.imports.import_csv("interactions", path)
    assert [(e.line, e.field) for e in caught.value.errors] == [
        (2, "contact"), (3, "kind"), (4, "date")
    ]  # fmt: skip


def test_siret_mangled_by_excel_is_refused(empty_portfolio, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["Raison sociale", "SIRET"], ["Acme", "1,81591E+13"]],
                     delimiter=";")  # fmt: skip
    with pytest.raises(ImportRejected) as caught:
        empty_portfolio.imports.import_csv("accounts", path)
    [error] = caught.value.errors
    assert (error.line, error.field) == (2, "legal_id")
    assert "scientific notation" in error.reason
