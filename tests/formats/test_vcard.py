"""vCard 3.0: exports read by vobject, the vdir layout, and imports (round trip, matching,
bad files)."""

from __future__ import annotations

import io
import sqlite3

import pytest
import vobject

from helpers.files import db_state, rows
from portfolio_tui.errors import UserError
from portfolio_tui.formats.report import ImportRejected
from portfolio_tui.formats.vcard import split_name

from conftest import open_portfolio

CONTACTS_SQL = (
    "SELECT c.id, c.account_id, a.name, c.name, c.role, c.email, c.phone FROM contact c "
    "JOIN account a ON a.id = c.account_id WHERE c.deleted_at IS NULL ORDER BY c.id"
)


def _export(pf) -> str:
    out = io.StringIO(newline="")
    pf.exports.export_vcf(out)
    return out.getvalue()


def test_export_read_by_vobject(portfolio, demo_db_path):
    first = portfolio.reports.portfolio_rows()[0]
    portfolio.routine.set_custom_field(first.account_id, "address", "3 rue de la Paix")
    portfolio.routine.set_custom_field(first.account_id, "postal_code", "75002")
    portfolio.routine.add_contact(first.account_id, "Zoé DE LA TOUR", email="zoe@x.example",
                          phone="+33 6 12", role="Achats; Direction, Nord")  # fmt: skip
    text = _export(portfolio)
    assert "\n" not in text.replace("\r\n", "")  # CRLF only
    cards = list(vobject.readComponents(text))
    contacts = rows(demo_db_path, CONTACTS_SQL)
    assert sorted(c.uid.value for c in cards) == [c[0] for c in contacts]
    abc, rfm = portfolio.reports.badges()
    by_uid = {c.uid.value: c for c in cards}
    for cid, account_id, org, name, role, email, phone in contacts:
        card = by_uid[cid]
        assert card.version.value == "3.0"
        assert card.fn.value == name
        assert card.org.value == [org]
        assert getattr(card, "title", None) is None or card.title.value == role
        if email:
            assert card.email.value == email
        if phone:
            assert card.tel.value == phone
        stage = portfolio.resolve_account(account_id).stage
        assert f"Stage: {stage}" in card.note.value
        assert stage in card.categories.value
        if abc.class_of(account_id):
            assert f"ABC: {abc.class_of(account_id)}" in card.note.value
        if account_id in rfm:
            assert f"({rfm[account_id].segment})" in card.note.value
            assert rfm[account_id].segment in card.categories.value
    [zoe] = [c for c in cards if c.fn.value == "Zoé DE LA TOUR"]
    assert (zoe.n.value.family, zoe.n.value.given) == ("DE LA TOUR", "Zoé")
    assert zoe.title.value == "Achats; Direction, Nord"
    assert (zoe.adr.value.street, zoe.adr.value.city, zoe.adr.value.code) == (
        "3 rue de la Paix", portfolio.resolve_account(first.account_id).city, "75002"
    )  # fmt: skip


def test_long_values_fold_at_75_octets_without_splitting_characters(empty_portfolio):
    empty_portfolio.routine.add_account("Société " + "é" * 90)
    long_name = "Bérénice " + "Ÿ" * 60 + " ÉLÉONORE"
    empty_portfolio.routine.add_contact("Société", long_name, role="r\\ôle, with; marks\\")
    text = _export(empty_portfolio)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "\r\n " in text
    [card] = vobject.readComponents(text)
    assert card.fn.value == long_name
    assert card.title.value == "r\\ôle, with; marks\\"
    assert card.org.value == ["Société " + "é" * 90]


@pytest.mark.parametrize(
    ("name", "parts"),
    [("Benoît BRÛLÉ", ("BRÛLÉ", "Benoît")), ("Jean Pierre Martin", ("Martin", "Jean Pierre")),
     ("Madonna", ("Madonna", "")), ("Zoé DE LA TOUR", ("DE LA TOUR", "Zoé")),
     ("IBM", ("IBM", ""))],
)  # fmt: skip
def test_split_name(name, parts):
    assert split_name(name) == parts


def test_directory_export_is_a_vdir(portfolio, demo_db_path, tmp_path):
    folder = tmp_path / "contacts"
    first = portfolio.exports.export_vcf_dir(folder)
    files = sorted(folder.glob("*.vcf"))
    contacts = rows(demo_db_path, CONTACTS_SQL)
    assert (first.written, first.unchanged, first.removed) == (len(contacts), 0, 0)
    assert [f.stem for f in files] == [c[0] for c in contacts]
    for f in files[:5]:
        [card] = vobject.readComponents(f.read_text("utf-8"))
        assert card.uid.value == f.stem
    (folder / "mine.vcf").write_text("not ours")
    stamps = {f: f.stat().st_mtime_ns for f in files}
    again = portfolio.exports.export_vcf_dir(folder)
    assert (again.written, again.unchanged, again.removed) == (0, len(contacts), 0)
    assert {f: f.stat().st_mtime_ns for f in files} == stamps
    # A contact changes, another is deleted (say by a sync): one file rewritten, one removed.
    changed, gone = contacts[0], contacts[1]
    portfolio.routine.add_contact(changed[1], "New Person")
    with sqlite3.connect(demo_db_path) as conn:
        conn.execute("UPDATE contact SET role = 'Boss' WHERE id = ?", (changed[0],))
        conn.execute("UPDATE contact SET deleted_at = '2026-11-23 07:00:00' WHERE id = ?",
                     (gone[0],))  # fmt: skip
    conn.close()
    third = portfolio.exports.export_vcf_dir(folder)
    assert (third.written, third.removed) == (2, 1)
    assert not (folder / f"{gone[0]}.vcf").exists()
    assert (folder / "mine.vcf").read_text() == "not ours"


def test_round_trip_into_a_fresh_database(portfolio, demo_db_path, tmp_path):
    path = tmp_path / "all.vcf"
    portfolio.exports.export_vcf(path)
    with open_portfolio(tmp_path / "fresh.db") as fresh:
        report = fresh.imports.import_vcf(path)
        assert report.inserted == report.rows == len(rows(demo_db_path, CONTACTS_SQL))
    assert rows(tmp_path / "fresh.db", CONTACTS_SQL) == rows(demo_db_path, CONTACTS_SQL)


def test_reimport_of_an_export_changes_nothing(portfolio, demo_db_path, tmp_path):
    folder = tmp_path / "vdir"
    portfolio.exports.export_vcf_dir(folder)
    before = db_state(demo_db_path)
    report = portfolio.imports.import_vcf(folder)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, report.rows)
    assert db_state(demo_db_path) == before


PHONE_CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-1234\r\nFN:Ann Lee\r\n"
    "EMAIL;TYPE=HOME:ann@home.example\r\nEMAIL;TYPE=WORK,PREF:ANN@ACME.EXAMPLE\r\n"
    "TITLE:Head of buying\r\nORG:Acme;Sales\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Cy Doe\r\nN:Doe;Cy;;;\r\nORG:Newco\r\n"
    "TEL;VALUE=uri;TYPE=work:tel:+33-1-00\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Mor;Ren=C3=A9\r\n"
    "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Soci=C3=A9t=C3=A9 =\r\n"
    "G=C3=A9n=C3=A9rale\r\nEND:VCARD\r\n"
)


def test_cards_from_a_phone_match_on_email_and_create_accounts(empty_portfolio, empty_db_path,
                                                                tmp_path):  # fmt: skip
    empty_portfolio.routine.add_account("Acme")
    ann = empty_portfolio.routine.add_contact("Acme", "Ann Lee-Smith", email="ann@acme.example")
    path = tmp_path / "phone.vcf"
    path.write_text(PHONE_CARDS, encoding="utf-8")
    preview = empty_portfolio.imports.import_vcf(path, dry_run=True)
    assert (preview.inserted, preview.updated) == (2, 1)
    report = empty_portfolio.imports.import_vcf(path)
    assert report.created == {"accounts": ["Newco", "Société Générale"]}
    assert rows(empty_db_path, "SELECT a.name, c.id, c.name, c.role, c.email, c.phone "
                "FROM contact c JOIN account a ON a.id = c.account_id ORDER BY c.name") == [
        ("Acme", ann, "Ann Lee", "Head of buying", "ann@acme.example", None),
        ("Newco", rows(empty_db_path, "SELECT id FROM contact WHERE name = 'Cy Doe'")[0][0],
         "Cy Doe", None, None, "+33-1-00"),  # a vCard 4.0 tel: URI, stored as a number
        ("Société Générale", rows(empty_db_path, "SELECT id FROM contact WHERE name = 'René Mor'")
         [0][0], "René Mor", None, None, None),
    ]  # fmt: skip
    assert empty_portfolio.imports.import_vcf(path).inserted == 0


def test_card_without_org_or_match_is_rejected(empty_portfolio, empty_db_path, tmp_path):
    path = tmp_path / "x.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lone Wolf\r\nEND:VCARD\r\n")
    before = db_state(empty_db_path)
    with pytest.raises(ImportRejected) as caught:
        empty_portfolio.imports.import_vcf(path)
    assert caught.value.details == [f"{path}:1: account: missing (needed for a new contact)"]
    assert db_state(empty_db_path) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut\r\nEMAIL:cut@x", r":1: the card has no END:VCARD"),
        ("BEGIN:VCARD\r\nFN:A\r\nBEGIN:VCARD\r\nFN:B\r\nEND:VCARD\r\n",
         r":1: a card is not closed before line 3"),
        ("FN:Nobody\r\n", r":1: FN outside a card"),
        ("BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n", r":1: the card has no name"),
        ("hello world\r\n", r":1: not a vCard line"),
    ],
)  # fmt: skip
def test_bad_vcf_files_write_nothing(portfolio, demo_db_path, tmp_path, text, message):
    good = tmp_path / "a.vcf"
    portfolio.exports.export_vcf(good)
    bad = tmp_path / "b.vcf"
    bad.write_text(text, encoding="utf-8")
    before = db_state(demo_db_path)
    with pytest.raises(UserError, match=rf"{bad}{message}"):
        portfolio.imports.import_vcf(tmp_path)  # the folder: a good file and a bad one
    assert db_state(demo_db_path) == before


def test_wrongly_encoded_vcf(portfolio, demo_db_path, tmp_path):
    path = tmp_path / "a.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nFN:Ren\xc3\xa9 \x81\r\nEND:VCARD\r\n")
    before = db_state(demo_db_path)
    with pytest.raises(UserError, match=rf"{path}:2: neither UTF-8 nor Windows-1252"):
        portfolio.imports.import_vcf(path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserError, match=r"no \.vcf files"):
        portfolio.imports.import_vcf(empty)
    assert db_state(demo_db_path) == before
