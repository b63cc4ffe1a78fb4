"""Truncated, wrongly encoded and wrong-column files of every kind: one clear error naming the
file (and line), and the database byte for byte as it was."""

from __future__ import annotations

import pytest

from helpers.files import ACCOUNTS_FR, CONTACTS_LO, SALES_FR, db_state
from portfolio_tui.errors import UserError
from portfolio_tui.formats.report import ImportRejected

GOOD = {
    "accounts": "name;SIRET;city\r\nAcmé;552100554;Lyon\r\nBéta Cie;;Évian\r\n",
    "contacts": "Société;Nom;Prénom;Email\r\nAcmé;DUPONT;Zoé;zoe@acme.example\r\n"
    "Béta Cie;MARTIN;Léo;leo@beta.example\r\n",
    "sales": "Client;Date;Montant\r\nAcmé;05/01/2026;1 234,50 €\r\nBéta Cie;06/01/2026;99,90\r\n",
    "interactions": "Société;Type;Date;Objet\r\nAcmé;appel;05/01/2026;Relance\r\n"
    "Béta Cie;visite;06/01/2026 10:00;Démo\r\n",
}
KINDS = tuple(GOOD)


@pytest.fixture
def state(portfolio, demo_db_path):
    """The demo database's state before the test's import."""
    return db_state(demo_db_path)


def _write(tmp_path, data: bytes):
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("kind", KINDS)
def test_good_files_import(portfolio, tmp_path, kind):
    for encoding in ("utf-8", "utf-8-sig", "cp1252"):
        path = _write(tmp_path, GOOD[kind].encode(encoding))
        report = portfolio.imports.import_csv(kind, path, dry_run=True)
        assert report.ok and report.rows == 2, (encoding, report.rejected)


@pytest.mark.parametrize("kind", KINDS)
def test_file_cut_in_the_middle_of_a_line(portfolio, demo_db_path, state, tmp_path, kind):
    text = GOOD[kind]
    cut = text[: text.rindex(";")]  # the last line loses its last cell
    path = _write(tmp_path, cut.encode("utf-8"))
    with pytest.raises(ImportRejected) as caught:
        portfolio.imports.import_csv(kind, path)
    [error] = caught.value.errors
    assert (error.line, error.field) == (3, "row")
    assert "cut short" in error.reason
    assert db_state(demo_db_path) == state


@pytest.mark.parametrize("kind", KINDS)
def test_file_cut_inside_a_quoted_cell(portfolio, demo_db_path, state, tmp_path, kind):
    path = _write(tmp_path, (GOOD[kind] + 'Gamma;"never closed').encode("utf-8"))
    with pytest.raises(UserError, match=rf"^{path}:4: .*cut short"):
        portfolio.imports.import_csv(kind, path)
    assert db_state(demo_db_path) == state


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        # A byte that is neither UTF-8 nor Windows-1252, in the last line.
        (lambda t: t.encode("utf-8").replace(b"\r\nB", b"\r\n\x81B"),
         r":3: neither UTF-8 nor Windows-1252 text \(byte 0x81\)"),
        # Lines saved in two encodings: line 2 in Windows-1252, the others in UTF-8.
        (lambda t: t.split("\r\n", 2)[0].encode() + b"\r\n"
         + t.split("\r\n", 2)[1].encode("cp1252") + b"\r\n" + t.split("\r\n", 2)[2].encode(),
         r":2: mixed encodings: this line is not UTF-8 but line [13] is"),
        # UTF-16 without its byte-order mark.
        (lambda t: t.encode("utf-16-le"), r":1: holds NUL bytes: not a text \(CSV\) file"),
    ],
    ids=["undefined-byte", "mixed", "utf16-no-bom"],
)  # fmt: skip
def test_wrongly_encoded_file(portfolio, demo_db_path, state, tmp_path, kind, damage, message):
    path = _write(tmp_path, damage(GOOD[kind]))
    with pytest.raises(UserError, match=rf"^{path}{message}"):
        portfolio.imports.import_csv(kind, path)
    assert db_state(demo_db_path) == state


WRONG_COLUMNS = {
    "accounts": (CONTACTS_LO, "no column for id or name or legal_id"),  # Nom & Société clash
    "contacts": (SALES_FR, "no column for id or name or last_name or first_name or email"),
    "sales": (ACCOUNTS_FR, "no column for date"),  # Raison sociale names the account
    "interactions": (SALES_FR, "no column for kind"),
}


@pytest.mark.parametrize("kind", KINDS)
def test_file_of_another_kind(portfolio, demo_db_path, state, kind):
    path, message = WRONG_COLUMNS[kind]
    if kind == "accounts":
        message = "columns 'Nom' and 'Société' both give name"
    with pytest.raises(UserError, match=message) as caught:
        portfolio.imports.import_csv(kind, path)
    assert str(path) in str(caught.value)
    assert db_state(demo_db_path) == state


@pytest.mark.parametrize("kind", KINDS)
def test_wrong_values_in_every_row(portfolio, demo_db_path, state, tmp_path, kind):
    # Right headers, but the columns were shifted by one: every row is rejected.
    header, *lines = GOOD[kind].split("\r\n")
    shifted = [header] + [";".join(["x", *line.split(";")[:-1]]) for line in lines if line]
    path = _write(tmp_path, "\r\n".join(shifted).encode("utf-8"))
    if kind == "accounts":
        report = portfolio.imports.import_csv(kind, path, dry_run=True)
        # Shifted names still read as names: the preview shows what would change.
        assert report.inserted + report.updated == 2
    else:
        with pytest.raises(ImportRejected) as caught:
            portfolio.imports.import_csv(kind, path)
        assert caught.value.report.rejected_rows == 2
    assert db_state(demo_db_path) == state


@pytest.mark.parametrize("kind", KINDS)
def test_empty_and_missing_files(portfolio, demo_db_path, state, tmp_path, kind):
    empty = _write(tmp_path, b"\r\n\r\n")
    with pytest.raises(UserError, match=rf"^{empty}: the file is empty"):
        portfolio.imports.import_csv(kind, empty)
    with pytest.raises(UserError, match=r"nope\.csv: no such file"):
        portfolio.imports.import_csv(kind, tmp_path / "nope.csv")
    assert db_state(demo_db_path) == state
