"""Fuzz cases: seeded byte mutations of the real sample files (CSV, xlsx, ods, vCard, sync
bundles), mutations inside a workbook's XML, and CSV tables made by hypothesis strategies."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Callable, Iterator

from hypothesis import strategies as st

from fuzz.harness import Case

from conftest import FIXTURES

# (fixture, import kind or None for a vCard/bundle, name given to the copy)
CSV_FILES = (
    ("comptes-excel-fr.csv", "accounts"),
    ("contacts-libreoffice.csv", "contacts"),
    ("ventes-date-invalide.csv", "sales"),
)
WORKBOOKS = (("ventes-courtes.xlsx", "sales"), ("comptes-libreoffice.ods", "accounts"))
KINDS = ("accounts", "contacts", "sales", "interactions")
INTERESTING = (
    b"\x00", b"\x1b]0;pwned\x07", b"\xc2\x9b2J", b"\x9b", b"\x7f", b"\xef\xbb\xbf", b"\xff\xfe",
    b'"', b";", b",", b"\t", b"\r\n", b"\n", b"\r", b"'=1+1", b"''", b"NaN", b"Infinity",
    b"92233720368547758,07", b"1e308", b"12/31/2025", b"31/02/2025", b"\xe9", b"\xc3", b"\x81",
    "€".encode(), b"BEGIN:VCARD\r\n", b"END:VCARD\r\n", b"=\r\n", b"tel:", b"urn:uuid:",
    b";ENCODING=QUOTED-PRINTABLE;CHARSET=x-nope", b"<!DOCTYPE x>", b"&#27;", b"_x001B_",
    b'table:number-columns-repeated="99999999"', b"9" * 40, b"-", b" ", b"sep=;\r\n",
)  # fmt: skip


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """1 to 4 random edits: a byte changed, bytes inserted (often an interesting token), a
    range deleted or repeated, the end cut off."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        where = rng.randrange(len(buf) + 1)
        op = rng.randrange(6)
        if op == 0 and buf:
            buf[min(where, len(buf) - 1)] = rng.randrange(256)
        elif op in (1, 2):
            token = rng.choice(INTERESTING) if op == 1 else rng.randbytes(rng.randint(1, 8))
            buf[where:where] = token
        elif op == 3:
            del buf[where : where + rng.randint(1, 64)]
        elif op == 4:
            buf[where:where] = buf[where : where + rng.randint(1, 200)]
        else:
            del buf[rng.randint(len(buf) // 2, len(buf)) :]
    return bytes(buf)


def mutate_zip(data: bytes, rng: random.Random) -> bytes:
    """A workbook with one of its XML parts mutated (and zipped again, so the parsers see
    it), or, one time in four, the zip's own bytes mutated."""
    if rng.random() < 0.25:
        return mutate_bytes(data, rng)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    xml = [i for i, (info, _) in enumerate(parts) if info.filename.endswith(".xml")]
    chosen = rng.choice(xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (info, body) in enumerate(parts):
            archive.writestr(info.filename, mutate_bytes(body, rng) if i == chosen else body)
    return out.getvalue()


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _import_args(kind: str, rng: random.Random) -> tuple[str, ...]:
    dry = ("--dry-run",) if rng.random() < 0.3 else ()
    return ("import", kind, "{f}", *dry)


def csv_cases(seed: int, count: int) -> Iterator[Case]:
    rng = random.Random(seed)
    sources = {name: _read(name) for name, _ in CSV_FILES}
    for number in range(count):
        name, kind = rng.choice(CSV_FILES)
        kind = kind if rng.random() < 0.8 else rng.choice(KINDS)
        data = mutate_bytes(sources[name], rng)
        yield Case(f"csv-{seed}-{number} {name}", _import_args(kind, rng), {"f.csv": data})


def workbook_cases(seed: int, count: int) -> Iterator[Case]:
    rng = random.Random(seed)
    sources = {name: _read(name) for name, _ in WORKBOOKS}
    for number in range(count):
        name, kind = rng.choice(WORKBOOKS)
        data = mutate_zip(sources[name], rng)
        suffix = name.rsplit(".", 1)[1]
        args = _import_args(kind, rng)
        yield Case(f"workbook-{seed}-{number} {name}", args, {f"f.{suffix}": data})


def vcard_cases(seed: int, count: int) -> Iterator[Case]:
    rng = random.Random(seed)
    source = _read("contacts-export.vcf")
    for number in range(count):
        dry = ("--dry-run",) if rng.random() < 0.3 else ()
        data = mutate_bytes(source, rng)
        yield Case(f"vcard-{seed}-{number}", ("import", "vcf", "{f}", *dry), {"f.vcf": data})


def bundle_cases(seed: int, count: int) -> Iterator[Case]:
    rng = random.Random(seed)
    source = _read("portfolio-small.pfbundle")
    for number in range(count):
        data = mutate_bytes(source, rng)
        yield Case(f"bundle-{seed}-{number}", ("sync", "{f}"), {"f.pfbundle": data})


MUTATIONS: dict[str, Callable[[int, int], Iterator[Case]]] = {
    "csv": csv_cases,
    "workbook": workbook_cases,
    "vcard": vcard_cases,
    "bundle": bundle_cases,
}

# --- tables made by hypothesis ---------------------------------------------------------------

HEADERS = ("Client", "Raison sociale", "SIRET", "Date", "Montant", "Marge", "Quantité", "Type",
           "Objet", "Nom", "Prénom", "Email", "Téléphone", "Code postal", "notes", "Durée",
           "id", "potential", "stage", "Pays")  # fmt: skip
NASTY = ("", "'", "''=1+1", "=1+1", "\x1b[2J", "a\x07b", "\x9b", "NaN", "-Infinity", "1e308",
         "92 233 720 368 547 758,07 €", "12/31/2025", "31/12/2025", "2025-02-29",
         "0987654300019", "6000", "x@@y", "zoé@acme.example", "tel:+33 6", "appel", "client",
         '"', "a\r\nb", "\u202e", "\ud800", "  ", "1 234,50 €",
         "00000000-0000-0000-0000-000000000000")  # fmt: skip
cells = st.one_of(st.sampled_from(NASTY), st.text(max_size=12))


@st.composite
def csv_tables(draw: st.DrawFn) -> tuple[str, bytes]:
    """(import kind, the bytes of a CSV file) of 1-5 columns and 0-6 rows of nasty cells,
    in one of the encodings and delimiters reps' files come in."""
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=5, unique=True))
    body = draw(st.lists(st.lists(cells, min_size=len(header), max_size=len(header)),
                         max_size=6))  # fmt: skip
    delimiter = draw(st.sampled_from((";", ",", "\t")))
    encoding = draw(st.sampled_from(("utf-8", "utf-8-sig", "cp1252", "utf-16")))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([header, *body])
    data = out.getvalue().encode(encoding, "surrogatepass" if "16" in encoding else "replace")
    return draw(st.sampled_from(KINDS)), data
