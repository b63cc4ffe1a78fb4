"""CSV exports read back with the csv module, and round trips: export, import into a fresh
database (or the same one), same data."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from helpers.files import db_state, rows
from portfolio_tui.domain.money import cents_to_plain

from conftest import open_portfolio

KINDS = ("accounts", "contacts", "sales", "interactions")
TRICKY = {
    '=HYPERLINK("http://x")': '\'=HYPERLINK("http://x")',
    "+33 1 23": "'+33 1 23",
    "-rm": "'-rm",
    "@SUM(A1)": "'@SUM(A1)",
    "'=already quoted": "''=already quoted",
}


def _read(text: str, excel: bool = False) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";" if excel else ","))


def _export(pf, kind: str, tmp_path, excel: bool = False):
    path = tmp_path / f"{kind}{'-excel' if excel else ''}.csv"
    pf.exports.export_csv(kind, path, excel=excel)
    return path


def _tricky_portfolio(pf) -> None:
    """Names and notes a spreadsheet would run as formulas, and cells that need quoting."""
    first, second, third = pf.reports.portfolio_rows()[:3]
    for (text, _), row in zip(list(TRICKY.items())[:3], (first, second, third), strict=True):
        pf.routine.edit_account(
            row.account_id, name=text, notes='a "quoted", multi-line\nnote; with ;'
        )
    pf.routine.edit_account(first.account_id, tags="x,y", potential="12 000,50")
    pf.routine.set_custom_field(first.account_id, "address", "@home, 3 rue")
    pf.routine.add_contact(second.account_id, "Ann ; Lee, Jr", phone="+33 6 00", role="-Buyer")


# --- the format ------------------------------------------------------------------------------


def test_rfc4180_export_read_by_the_csv_module(portfolio, tmp_path):
    _tricky_portfolio(portfolio)
    data = _export(portfolio, "accounts", tmp_path).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0].startswith("id,name,legal_id,stage,")
    assert "\n" not in lines[0]
    read = _read(text)
    assert len(read) == len(portfolio.reports.portfolio_rows())
    by_notes = [r for r in read if r["notes"].startswith('a "quoted"')]
    assert {r["notes"] for r in by_notes} == {'a "quoted", multi-line\nnote; with ;'}
    names = {r["name"] for r in read}
    for written in list(TRICKY.values())[:3]:
        assert written in names


def test_formula_guard_on_every_text_cell_and_its_undoing(portfolio, tmp_path):
    _tricky_portfolio(portfolio)
    accounts = _read(_export(portfolio, "accounts", tmp_path).read_text("utf-8"))
    [tagged] = [r for r in accounts if r["tags"] == "x,y"]
    assert tagged["custom:address"] == "'@home, 3 rue"
    assert tagged["potential"] == "12000.50"
    contacts = _read(_export(portfolio, "contacts", tmp_path).read_text("utf-8"))
    [ann] = [r for r in contacts if r["name"] == "Ann ; Lee, Jr"]
    assert (ann["phone"], ann["role"]) == ("'+33 6 00", "'-Buyer")
    # Negative money is a number, not a formula: no quote.
    sale_id = portfolio.routine.record_sale(tagged["id"], datetime(2026, 1, 5).date(), -1250)
    sales = _read(_export(portfolio, "sales", tmp_path).read_text("utf-8"))
    assert [s["amount"] for s in sales if s["id"] == sale_id] == ["-12.50"]


def test_excel_export_is_semicolon_bom_and_decimal_commas(portfolio, tmp_path):
    _tricky_portfolio(portfolio)
    data = _export(portfolio, "sales", tmp_path, excel=True).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    read = _read(data.decode("utf-8-sig"), excel=True)
    assert read[0].keys() >= {"date", "amount", "margin", "quantity"}
    plain = _read(_export(portfolio, "sales", tmp_path).read_text("utf-8"))
    assert len(read) == len(plain) > 1000
    for excel_row, plain_row in zip(read, plain, strict=True):
        assert excel_row["amount"] == plain_row["amount"].replace(".", ",")
        assert "," in excel_row["amount"] and "." not in excel_row["amount"]
    accounts = _read(
        _export(portfolio, "accounts", tmp_path, excel=True).read_text("utf-8-sig"), excel=True
    )
    assert {r["potential"] for r in accounts} >= {"12000,50"}


def test_accounts_export_carries_revenue_abc_and_rfm(portfolio, tmp_path):
    exported = {r["id"]: r for r in _read(_export(portfolio, "accounts", tmp_path).read_text())}
    report = portfolio.reports.client_report()
    assert len(exported) == len(report)
    graded = 0
    for row in report:
        cells = exported[row.account_id]
        assert cells["revenue"] == cents_to_plain(row.revenue)
        assert cells["margin"] == cents_to_plain(row.margin)
        assert cells["abc"] == (row.abc or "")
        if row.rfm:
            graded += 1
            assert (cells["r"], cells["f"], cells["m"], cells["rfm_segment"]) == (
                str(row.rfm.r), str(row.rfm.f), str(row.rfm.m), row.rfm.segment
            )  # fmt: skip
        else:
            assert cells["r"] == cells["rfm_segment"] == ""
    assert graded > 10


def test_follow_ups_export(portfolio, tmp_path):
    read = _read(_export(portfolio, "followups", tmp_path).read_text())
    with portfolio.db.raw() as conn:
        live = conn.execute("SELECT count(*) FROM followup WHERE deleted_at IS NULL").fetchone()[0]
    assert len(read) == live > 0
    assert {"id", "account", "title", "due_on", "time", "recurrence", "done_at"} <= read[0].keys()


def test_export_to_a_stream_and_to_a_missing_folder(portfolio, tmp_path):
    out = io.StringIO(newline="")
    assert portfolio.exports.export_csv("contacts", out) == len(_read(out.getvalue()))
    from portfolio_tui.errors import UserError

    with pytest.raises(UserError, match="does not exist"):
        portfolio.exports.export_csv("contacts", tmp_path / "nowhere" / "c.csv")
    with pytest.raises(UserError, match="can't export 'products'"):
        portfolio.exports.export_csv("products", tmp_path / "p.csv")


# --- round trips -----------------------------------------------------------------------------

SNAPSHOTS = {
    "account": "SELECT id, name, legal_id, stage, sector, size_band, city, region, source, "
    "potential, accessibility, risk_level, nps_score, nps_date, tags, notes, referred_by_id, "
    "custom_fields FROM account WHERE deleted_at IS NULL ORDER BY id",
    "contact": "SELECT id, account_id, name, role, email, phone, preferred_channel FROM contact "
    "WHERE deleted_at IS NULL ORDER BY id",
    "sale": "SELECT s.id, s.account_id, s.sold_on, s.amount, s.margin, p.name, p.family, "
    "s.order_ref, s.quantity FROM sale s LEFT JOIN product p ON p.id = s.product_id "
    "WHERE s.deleted_at IS NULL ORDER BY s.id",
    "interaction": "SELECT id, account_id, contact_id, kind, occurred_at, duration_minutes, "
    "summary, outcome FROM interaction WHERE deleted_at IS NULL ORDER BY id",
}


def _snapshot(path) -> dict[str, list[tuple]]:
    found = {table: rows(path, sql) for table, sql in SNAPSHOTS.items()}
    # Instants are the same whether written with or without microseconds.
    found["interaction"] = [
        (*r[:4], datetime.fromisoformat(r[4]), *r[5:]) for r in found["interaction"]
    ]
    return found


@pytest.mark.parametrize("excel", [False, True], ids=["rfc4180", "excel"])
def test_round_trip_into_a_fresh_database(portfolio, demo_db_path, tmp_path, excel):
    _tricky_portfolio(portfolio)
    files = {kind: _export(portfolio, kind, tmp_path, excel) for kind in KINDS}
    fresh_path = tmp_path / "fresh.db"
    with open_portfolio(fresh_path) as fresh:
        for kind in KINDS:
            report = fresh.imports.import_csv(kind, files[kind])
            assert report.inserted == report.rows and not report.created.get("accounts"), kind
    assert _snapshot(fresh_path) == _snapshot(demo_db_path)


@pytest.mark.parametrize("excel", [False, True], ids=["rfc4180", "excel"])
def test_reimporting_an_export_into_its_database_changes_nothing(portfolio, demo_db_path,
                                                                 tmp_path, excel):  # fmt: skip
    _tricky_portfolio(portfolio)
    files = {kind: _export(portfolio, kind, tmp_path, excel) for kind in KINDS}
    before = db_state(demo_db_path)
    for kind in KINDS:
        report = portfolio.imports.import_csv(kind, files[kind])
        assert (report.inserted, report.updated, report.unchanged) == (0, 0, report.rows), kind
    assert db_state(demo_db_path) == before


@pytest.mark.parametrize(
    ("text", "written"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("'=x", "''=x"), ("'tis", "'tis"), ("a=b", "a=b"), ("", "")],
)  # fmt: skip
def test_guard_and_unguard_are_inverse(text, written):
    from portfolio_tui.formats.cells import unguard
    from portfolio_tui.formats.csv_export import guard

    assert guard(text) == written
    assert unguard(written) == text
