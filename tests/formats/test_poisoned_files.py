"""Files that try to poison the portfolio (issue 9): every value checked on the way in, each
error one `FILE:LINE: FIELD: reason` line, the database untouched; exports that a spreadsheet
never runs and that come back exactly."""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers.files import count, db_state, rows, write_csv, write_xlsx
from portfolio_tui.cli import main
from portfolio_tui.errors import UserError
from portfolio_tui.formats.report import ImportRejected

from conftest import open_portfolio

HUGE = "92 233 720 368 547 758,07 €"
BOUND = "beyond ±100,000,000,000.00, the largest amount kept"


@contextmanager
def no_hang(seconds: int = 5) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block takes longer than `seconds`."""

    def alarm(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def cli(capsys, db: Path, *args: object) -> tuple[int, str, str]:
    code = main(["--db", str(db), *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


# --- 6. numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "header", "cells", "field"),
    [("sales", ["Client", "Date", "Montant"], ["Acme", "05/01/2026", HUGE], "amount"),
     ("sales", ["Client", "Date", "Montant", "Marge"], ["Acme", "05/01/2026", "1", HUGE], "margin"),
     ("accounts", ["name", "potential"], ["Acme", "100 000 000 000,01"], "potential")],
)  # fmt: skip
def test_amounts_beyond_the_bound_are_refused(capsys, empty_db_path, tmp_path, kind, header,
                                              cells, field):  # fmt: skip
    open_portfolio(empty_db_path).close()
    path = write_csv(tmp_path / "big.csv", [header, cells], delimiter=";")
    before = db_state(empty_db_path)
    code, out, err = cli(capsys, empty_db_path, "import", kind, path)
    assert (code, out) == (2, "")
    assert err.splitlines()[1] == (
        f"{path}:2: {field}: can't read the amount '{cells[header.index(header[-1])]}': {BOUND}"
    )
    assert "Traceback" not in err
    assert db_state(empty_db_path) == before


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [("Quantité", "1e308", "1e308 is beyond ±1,000,000,000, the largest quantity kept"),
     ("Quantité", "NaN", "'NaN' is not a number"),
     ("Quantité", "-Infinity", "'-Infinity' is not a number"),
     ("Montant", "NaN", "can't read the amount 'NaN' (try: 1234.50, 1 234,50 €, €1,234.50)")],
)  # fmt: skip
def test_nan_infinities_and_huge_quantities_are_refused(empty_portfolio, tmp_path, header, value,
                                                        reason):  # fmt: skip
    cells = {"Client": "Acme", "Date": "2026-01-05", "Montant": "1", header: value}
    path = write_csv(tmp_path / "q.csv", [list(cells), list(cells.values())])
    with pytest.raises(ImportRejected) as caught:
        empty_portfolio.imports.import_csv("sales", path)
    field = "quantity" if header == "Quantité" else "amount"
    assert caught.value.details == [f"{path}:2: {field}: {reason}"]


def test_durations_are_bounded(empty_portfolio, tmp_path):
    path = write_csv(tmp_path / "i.csv", [["Client", "Type", "Date", "Durée"],
                                          ["Acme", "appel", "2026-01-05", "100000"]])  # fmt: skip
    with pytest.raises(ImportRejected) as caught:
        empty_portfolio.imports.import_csv("interactions", path)
    assert caught.value.details == [f"{path}:2: duration: 100000 is not between 0 and 1440"]


# --- 7. encodings -----------------------------------------------------------------------------

GOOD_SALES = "Client;Date;Montant\r\nAcmé;05/01/2026;1 234,50 €\r\nBéta;06/01/2026;99,90\r\n"
CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoé Martin\r\nORG:Acmé\r\nEND:VCARD\r\n"


def _bad_bom_utf8(text: str) -> bytes:
    data = b"\xef\xbb\xbf" + text.encode("utf-8")
    return data.replace("Béta".encode(), b"B\xe9ta")  # one Windows-1252 byte in line 3


def _odd_utf16(text: str) -> bytes:
    return text.encode("utf-16")[:-1]  # cut inside the last character


@pytest.mark.parametrize(
    ("damage", "line", "message"),
    [(_bad_bom_utf8, 3, "not valid UTF-8: byte 0xe9 although the file starts with a UTF-8 "
      "byte-order mark; save it again as CSV UTF-8"),
     (_odd_utf16, 3, "not valid UTF-16: the file ends in the middle of a character (an odd "
      "number of bytes); save it again as CSV UTF-8"),
     (lambda t: b"\xef\xbb\xbf" + t.replace("Béta", "B\x00ta").encode(), 3,
      "holds NUL characters: not a text (CSV) file"),
     (lambda t: t.replace("Béta", "B\x00ta").encode("utf-16"), 3,
      "holds NUL characters: not a text (CSV) file")],
    ids=["utf8-bom-bad-byte", "utf16-odd-length", "utf8-bom-nul", "utf16-nul"],
)  # fmt: skip
def test_a_byte_order_mark_does_not_skip_the_checks(capsys, demo_db_path, tmp_path, damage, line,
                                                    message):  # fmt: skip
    before = db_state(demo_db_path)
    sales = tmp_path / "ventes.csv"
    sales.write_bytes(damage(GOOD_SALES))
    code, out, err = cli(capsys, demo_db_path, "import", "sales", sales)
    assert (code, out, err) == (2, "", f"portfolio: error: {sales}:{line}: {message}\n")
    card_text = CARD + CARD.replace("Zoé Martin", "Béta Bloch")
    card = tmp_path / "cards.vcf"
    card.write_bytes(damage(card_text))
    card_line = 10 if "odd number" in message else 8  # the second card's FN, or its end
    code, out, err = cli(capsys, demo_db_path, "import", "vcf", card)
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"portfolio: error: {card}:{card_line}: {message.split(';')[0]}")
    assert db_state(demo_db_path) == before


def test_good_files_with_a_byte_order_mark_still_import(empty_portfolio, tmp_path):
    for encoding in ("utf-8-sig", "utf-16", "utf-16-be"):
        path = tmp_path / f"{encoding}.csv"
        data = GOOD_SALES.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        path.write_bytes(data)
        report = empty_portfolio.imports.import_csv("sales", path, dry_run=True)
        assert (report.ok, report.rows) == (True, 2), encoding


# --- 8. only regular files --------------------------------------------------------------------


def test_fifos_devices_and_folders_are_refused_at_once(capsys, empty_db_path, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "a.vcf").write_text(CARD)
    os.mkfifo(folder / "b.vcf")
    cases = [
        (("import", "sales", fifo), f"{fifo}: not a regular file (a pipe, a device or a socket)"),
        (("import", "vcf", fifo), f"{fifo}: not a regular file (a pipe, a device or a socket)"),
        (("import", "vcf", folder),
         f"{folder / 'b.vcf'}: not a regular file (a pipe, a device or a socket)"),
        (("import", "accounts", "/dev/zero"),
         "/dev/zero: not a regular file (a pipe, a device or a socket)"),
        (("import", "vcf", "/dev/zero"),
         "/dev/zero: not a regular file (a pipe, a device or a socket)"),
        (("import", "sales", tmp_path), f"{tmp_path}: is a folder; give a file"),
        (("import", "sales", tmp_path / "nope.csv"), f"{tmp_path / 'nope.csv'}: no such file"),
    ]  # fmt: skip
    for args, message in cases:
        with no_hang():
            code, out, err = cli(capsys, empty_db_path, *args)
        assert (code, out, err) == (2, "", f"portfolio: error: {message}\n"), args
    assert count(empty_db_path, "contact") == 0


def test_a_file_larger_than_the_bound_is_refused(empty_portfolio, tmp_path, monkeypatch):
    from portfolio_tui.formats import csv_read

    monkeypatch.setattr(csv_read, "MAX_TABLE_BYTES", 1024)
    path = tmp_path / "big.csv"
    path.write_text("Client;Date;Montant\r\n" + "Acme;05/01/2026;1\r\n" * 100)
    with pytest.raises(UserError, match=r"big\.csv: 0 MB, more than the 0 MB an import reads"):
        empty_portfolio.imports.import_csv("sales", path)


# --- 10. control characters -------------------------------------------------------------------


def test_control_characters_in_csv_cells_are_refused(capsys, demo_db_path, tmp_path):
    before = db_state(demo_db_path)
    path = write_csv(
        tmp_path / "comptes.csv",
        [["name", "city", "notes"], ["Acme\x1b]0;pwned\x07", "Lyon", "ok"],
         ["Béta", "Évian\x9b2J", "two\r\nlines are fine here"], ["Gamma", "Caen\nNord", "\x7f"]],
    )  # fmt: skip
    code, out, err = cli(capsys, demo_db_path, "import", "accounts", path)
    assert (code, out) == (2, "")
    assert err.splitlines()[1:] == [
        f"{path}:2: name: control character U+001B",
        f"{path}:3: city: control character U+009B",
        f"{path}:5: city: must be on one line (it holds a line break)",  # line 3 takes two
        f"{path}:5: notes: control character U+007F",
    ]
    assert "\x1b" not in err and "\x9b" not in err
    assert db_state(demo_db_path) == before


def test_a_control_character_in_a_header_is_refused(empty_portfolio, tmp_path):
    path = write_csv(tmp_path / "h.csv", [["name\x1b[2J", "city"], ["Acme", "Lyon"]])
    with pytest.raises(
        UserError, match=rf"^{path}:1: header of column 1: control character U\+001B$"
    ):
        empty_portfolio.imports.import_csv("accounts", path)


def test_notes_keep_their_line_breaks(empty_portfolio, empty_db_path, tmp_path):
    path = write_csv(tmp_path / "n.csv", [["name", "notes"], ["Acme", "one\r\ntwo\tthree"]])
    empty_portfolio.imports.import_csv("accounts", path)
    assert rows(empty_db_path, "SELECT notes FROM account") == [("one\ntwo\tthree",)]


def test_control_characters_in_xlsx_cells_are_refused(empty_portfolio, empty_db_path, tmp_path):
    # XML can't hold ESC, but C1 controls (CSI U+009B) and DEL are valid XML characters.
    path = write_xlsx(tmp_path / "c.xlsx", {"Comptes": [["name", "city"], ["Acme\x9b2J", "Lyon"],
                                                        ["Béta", "Caen\x7f"]]})  # fmt: skip
    before = db_state(empty_db_path)
    with pytest.raises(ImportRejected) as caught:
        empty_portfolio.imports.import_csv("accounts", path)
    assert caught.value.details == [f"{path}:2: name: control character U+009B",
                                    f"{path}:3: city: control character U+007F"]  # fmt: skip
    assert db_state(empty_db_path) == before


def test_control_characters_in_vcards_are_refused(empty_portfolio, empty_db_path, tmp_path):
    path = tmp_path / "x.vcf"
    path.write_text(CARD.replace("Zoé Martin", "Zoé\x1b]2;pwned\x07") + CARD.replace(
        "ORG:Acmé", "ORG:Acmé\x9b2J\r\nTEL:+33\x07"), encoding="utf-8")  # fmt: skip
    before = db_state(empty_db_path)
    with pytest.raises(ImportRejected) as caught:
        empty_portfolio.imports.import_vcf(path)
    assert caught.value.details == [
        f"{path}:1: name: control character U+001B",
        f"{path}:6: account: control character U+009B",
        f"{path}:6: phone: control character U+0007",
    ]
    assert db_state(empty_db_path) == before


# --- 12. the formula guard, and an exact round trip -------------------------------------------

TRICKY = ["'", "''", "'''", "''=1+1", "'=1+1", "=1+1", "'tis", "@SUM(A1)", "-5 rue", "+33 6",
          "\tTab", "L'Oréal", "a=b"]  # fmt: skip


@pytest.mark.parametrize("excel", [False, True], ids=["rfc4180", "excel"])
def test_tricky_values_come_back_exactly(empty_portfolio, tmp_path, excel):
    for name in TRICKY:
        empty_portfolio.routine.add_account(name.strip() or name, city=name.strip() or None)
    path = tmp_path / "comptes.csv"
    empty_portfolio.exports.export_csv("accounts", path, excel=excel)
    with open_portfolio(tmp_path / "fresh.db") as fresh:
        report = fresh.imports.import_csv("accounts", path)
        assert report.inserted == len(TRICKY)
    names = rows(tmp_path / "fresh.db", "SELECT name, city FROM account ORDER BY name")
    assert names == sorted((n.strip(), n.strip()) for n in TRICKY)


def test_every_text_column_is_guarded(portfolio, demo_db_path, tmp_path):
    # Values a bundle could have brought into columns that hold codes.
    with sqlite3.connect(demo_db_path) as conn:
        conn.execute("UPDATE followup SET recurrence = '=HYPERLINK(\"x\")' WHERE rowid = "
                     "(SELECT min(rowid) FROM followup)")  # fmt: skip
        conn.execute("UPDATE interaction SET kind = '@cmd' WHERE rowid = "
                     "(SELECT min(rowid) FROM interaction)")  # fmt: skip
        conn.execute("UPDATE contact SET preferred_channel = '+1+1' WHERE rowid = "
                     "(SELECT min(rowid) FROM contact)")  # fmt: skip
    conn.close()
    for kind, column, value in (("followups", "recurrence", "'=HYPERLINK(\"x\")"),
                                ("interactions", "kind", "'@cmd"),
                                ("contacts", "preferred_channel", "'+1+1")):  # fmt: skip
        out = io.StringIO(newline="")
        portfolio.exports.export_csv(kind, out)
        cells = [r[column] for r in csv.DictReader(io.StringIO(out.getvalue()))]
        assert value in cells, kind
        assert not any(c.startswith(("=", "+", "-", "@")) for c in cells), kind


# --- 14. what spreadsheets do to codes and dates ----------------------------------------------


def test_lost_leading_zeros_are_restored_with_a_warning(empty_portfolio, empty_db_path, tmp_path):
    path = write_csv(tmp_path / "c.csv", [
        ["Raison sociale", "SIRET", "Code postal", "Pays"],
        ["Azur SA", "0987654300019", "6000", ""], ["Nord SARL", "98765430001", "59000", "France"],
        ["Bruxelles SPRL", "", "1000", "Belgique"],
    ])  # fmt: skip
    report = empty_portfolio.imports.import_csv("accounts", path)
    assert [str(w) for w in report.warnings] == [
        f"{path}:2: legal_id: '0987654300019' has 13 digits: read as SIRET 00987654300019",
        f"{path}:2: postal_code: '6000' has 4 digits: read as postcode 06000",
    ]
    found = rows(empty_db_path, "SELECT name, legal_id, json_extract(custom_fields, "
                 "'$.postal_code') FROM account ORDER BY name")  # fmt: skip
    assert found == [("Azur SA", "00987654300019", "06000"), ("Bruxelles SPRL", None, "1000"),
                     ("Nord SARL", "98765430001", "59000")]  # fmt: skip


def test_a_month_first_file_is_refused_as_such(capsys, demo_db_path, tmp_path):
    before = db_state(demo_db_path)
    path = write_csv(tmp_path / "us.csv", [["Client", "Date", "Montant"],
                                           ["Acme", "01/05/2025", "1"], ["Acme", "12/31/2025", "2"],
                                           ["Acme", "02/14/2025", "3"]])  # fmt: skip
    code, out, err = cli(capsys, demo_db_path, "import", "sales", path, "--dry-run")
    assert (code, out) == (2, "")
    assert err == (
        f"portfolio: error: {path}:3: date: '12/31/2025' is month first (month/day/year) and "
        "so is every date of this column: save the file with days first (31/12/2025) or ISO "
        "dates (2025-12-31)\n"
    )
    assert db_state(demo_db_path) == before


def test_a_day_first_file_with_small_days_is_read_day_first(empty_portfolio, empty_db_path,
                                                            tmp_path):  # fmt: skip
    path = write_csv(tmp_path / "fr.csv", [["Client", "Date", "Montant"],
                                           ["Acme", "01/05/2025", "1"], ["Acme", "31/12/2025", "2"],
                                           ["Acme", "12/11/2025", "3"]])  # fmt: skip
    empty_portfolio.imports.import_csv("sales", path)
    assert rows(empty_db_path, "SELECT sold_on FROM sale ORDER BY amount") == [
        ("2025-05-01",), ("2025-12-31",), ("2025-11-12",)]  # fmt: skip


# --- 15. vCards from other programs -----------------------------------------------------------

FOREIGN = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Ines Khard\r\nORG:Acme\r\n"
    "EMAIL:ines@acme.example\r\nTEL;VALUE=uri;TYPE=cell:tel:+33-6-12-34-56-78\r\nEND:VCARD\r\n"
)


@pytest.mark.parametrize("uid", ["khard-2f1e-contact", "6B29FC40-CA47-1067-B31D-00DD010662DA"])
def test_a_foreign_uid_is_kept_and_not_duplicated(empty_portfolio, empty_db_path, tmp_path, uid):
    empty_portfolio.routine.add_account("Acme")
    folder = tmp_path / "vdir"
    empty_portfolio.exports.export_vcf_dir(folder)
    foreign = folder / f"{uid}.vcf"
    foreign.write_text(FOREIGN.format(uid=uid), encoding="utf-8")
    assert empty_portfolio.imports.import_vcf(folder).inserted == 1
    assert rows(empty_db_path, "SELECT name, phone FROM contact") == [
        ("Ines Khard", "+33-6-12-34-56-78")]  # fmt: skip
    result = empty_portfolio.exports.export_vcf_dir(folder)
    assert sorted(p.name for p in folder.iterdir()) == [f"{uid}.vcf"]
    assert (result.written, result.unchanged) == (1, 0)
    assert f"\r\nUID:{uid}\r\n" in foreign.read_bytes().decode("utf-8")
    again = empty_portfolio.exports.export_vcf_dir(folder)
    assert (again.written, again.unchanged) == (0, 1)
    report = empty_portfolio.imports.import_vcf(folder)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 1)


def test_emails_in_vcards_are_validated(empty_portfolio, empty_db_path, tmp_path):
    path = tmp_path / "x.vcf"
    path.write_text(CARD.replace("END:VCARD", "EMAIL:zoe@@acme\r\nEND:VCARD"), encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        empty_portfolio.imports.import_vcf(path)
    assert caught.value.details == [f"{path}:1: email: 'zoe@@acme' is not an email address"]
    assert count(empty_db_path, "contact") == 0
