"""The bundle file: header, rows, trailer; every kind of bad file is refused with its name."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path

import pytest

from portfolio_tui.domain.columns import JsonConstant
from portfolio_tui.errors import UserError
from portfolio_tui.formats.bundle import (
    FORMAT,
    VERSION,
    BundleError,
    BundleHeader,
    BundleReader,
    BundleValueError,
    write_bundle,
)

COLUMNS = {
    "account": ("id", "created_at", "name", "potential"),
    "sale": ("id", "created_at", "amount", "quantity"),
}
ACCOUNTS = [
    ("a1", "2026-11-23 07:30:00", "Boulangerie Dupont", 1_200_000),
    ("a2", "2026-11-23 07:30:00", "Électricité Müller — « Frères »", None),
]
SALES = [(f"s{i}", "2026-11-20 10:00:00", 1000 + i, 1.5 * i) for i in range(3000)]


def header(**changes) -> BundleHeader:
    values = dict(
        device_id="dev-a",
        exported_at="2026-11-23T07:30:00+00:00",
        since=None,
        schema=1,
        columns=COLUMNS,
        counts={"account": len(ACCOUNTS), "sale": len(SALES)},
    )
    values.update(changes)
    return BundleHeader(**values)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    path = tmp_path / "a.pfbundle"
    write_bundle(path, header(), [("account", ACCOUNTS), ("sale", SALES)])
    return path


def lines_of(path: Path) -> list[bytes]:
    return gzip.decompress(path.read_bytes()).splitlines(keepends=True)


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(gzip.compress(b"".join(lines)))
    return path


def with_trailer(lines: list[bytes]) -> list[bytes]:
    """Lines plus a trailer that matches them, as a careful forger would write."""
    digest = hashlib.sha256(b"".join(lines)).hexdigest()
    trailer = {"trailer": True, "rows": len(lines) - 1, "sha256": digest}
    return [*lines, json.dumps(trailer).encode() + b"\n"]


def test_round_trip_gives_back_header_and_rows(bundle: Path) -> None:
    reader = BundleReader(bundle)
    got = reader.verify()
    assert got == header()
    rows = list(reader.rows())
    assert [(t, tuple(v)) for _, t, v in rows] == [("account", r) for r in ACCOUNTS] + [
        ("sale", r) for r in SALES
    ]
    assert [line for line, _, _ in rows] == list(range(2, 2 + len(ACCOUNTS) + len(SALES)))


def test_the_file_is_gzip_json_lines_with_a_self_describing_header(bundle: Path) -> None:
    lines = lines_of(bundle)
    first = json.loads(lines[0])
    assert first["format"] == FORMAT == "portfolio-tui-bundle"
    assert first["version"] == VERSION == 1
    assert first["device_id"] == "dev-a"
    assert first["exported_at"] == "2026-11-23T07:30:00+00:00"
    assert first["counts"] == {"account": 2, "sale": 3000}
    assert first["columns"]["account"] == list(COLUMNS["account"])
    assert json.loads(lines[1]) == {"table": "account", "row": list(ACCOUNTS[0])}
    assert "Électricité Müller — « Frères »" in lines[2].decode("utf-8")
    last = json.loads(lines[-1])
    assert last["trailer"] is True and last["rows"] == len(ACCOUNTS) + len(SALES)
    assert last["sha256"] == hashlib.sha256(b"".join(lines[:-1])).hexdigest()


def test_writing_is_atomic(tmp_path: Path) -> None:
    def failing_rows():
        yield ACCOUNTS[0]
        raise RuntimeError("disk gone")

    target = tmp_path / "x.pfbundle"
    with pytest.raises(RuntimeError):
        write_bundle(target, header(counts={"account": 2}), [("account", failing_rows())])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("keep", [0.02, 0.5, 0.97])
def test_a_file_cut_short_is_refused(bundle: Path, keep: float) -> None:
    data = bundle.read_bytes()
    bundle.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(BundleError, match="truncated") as caught:
        BundleReader(bundle).verify()
    assert str(bundle) in str(caught.value)


def test_a_file_cut_at_a_line_then_recompressed_is_refused(bundle: Path) -> None:
    lines = lines_of(bundle)
    write_lines(bundle, lines[:1500])
    with pytest.raises(BundleError, match="truncated"):
        BundleReader(bundle).verify()


def test_a_file_missing_rows_but_keeping_its_trailer_is_refused(bundle: Path) -> None:
    lines = lines_of(bundle)
    write_lines(bundle, [*lines[:100], lines[-1]])
    with pytest.raises(BundleError, match="truncated or altered"):
        BundleReader(bundle).verify()


def test_an_altered_row_is_refused(bundle: Path) -> None:
    lines = lines_of(bundle)
    altered = lines[5].replace(b",1002,", b",9002,")
    assert altered != lines[5]
    lines[5] = altered
    write_lines(bundle, lines)
    with pytest.raises(BundleError, match="checksum"):
        BundleReader(bundle).verify()


def test_damaged_compressed_bytes_are_refused(bundle: Path) -> None:
    data = bytearray(bundle.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = b"\x00" * 8
    bundle.write_bytes(bytes(data))
    with pytest.raises(BundleError):
        BundleReader(bundle).verify()


@pytest.mark.parametrize(
    "content",
    [
        b"name;city\nDupont;Lyon\n",
        b"",
        b"BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n",
        b'{"format": "portfolio-tui-bundle", "version": 1}',
    ],
    ids=["csv", "empty", "vcard", "plain-json"],
)
def test_a_file_that_is_not_gzip_is_refused_as_foreign(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "other.pfbundle"
    path.write_bytes(content)
    with pytest.raises(BundleError, match="not a portfolio-tui bundle"):
        BundleReader(path).verify()


@pytest.mark.parametrize(
    "first_line",
    [b'{"format": "other-app-export", "version": 1}\n', b"[1, 2, 3]\n", b"hello\n", b"\n"],
)
def test_gzip_of_something_else_is_refused_as_foreign(tmp_path: Path, first_line: bytes) -> None:
    path = write_lines(tmp_path / "x.pfbundle", [first_line, b'{"a": 1}\n'])
    with pytest.raises(BundleError, match="not a portfolio-tui bundle") as caught:
        BundleReader(path).verify()
    assert caught.value.line == 1


def test_an_empty_gzip_is_refused(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "x.pfbundle", [])
    with pytest.raises(BundleError, match="empty"):
        BundleReader(path).verify()


def test_a_newer_version_is_refused_with_advice(bundle: Path) -> None:
    lines = lines_of(bundle)
    first = json.loads(lines[0])
    first["version"] = VERSION + 1
    lines[0] = json.dumps(first).encode() + b"\n"
    write_lines(bundle, with_trailer(lines[:-1]))
    with pytest.raises(BundleError, match=r"version 2 is newer.*upgrade portfolio-tui"):
        BundleReader(bundle).verify()


def test_a_newer_version_is_refused_even_if_it_also_is_truncated(bundle: Path) -> None:
    lines = lines_of(bundle)
    first = json.loads(lines[0])
    first["version"] = 7
    lines[0] = json.dumps(first).encode() + b"\n"
    write_lines(bundle, lines[:10])
    with pytest.raises(BundleError, match="newer"):
        BundleReader(bundle).verify()


@pytest.mark.parametrize("field", ["device_id", "columns", "counts", "exported_at"])
def test_a_header_without_a_required_field_is_refused(bundle: Path, field: str) -> None:
    lines = lines_of(bundle)
    first = json.loads(lines[0])
    del first[field]
    lines[0] = json.dumps(first).encode() + b"\n"
    write_lines(bundle, with_trailer(lines[:-1]))
    with pytest.raises(BundleError, match="bad bundle header"):
        BundleReader(bundle).verify()


@pytest.mark.parametrize("field", ["exported_at", "since"])
def test_a_header_time_that_is_not_a_time_is_refused(bundle: Path, field: str) -> None:
    lines = lines_of(bundle)
    first = json.loads(lines[0])
    first[field] = "last tuesday"
    lines[0] = json.dumps(first).encode() + b"\n"
    write_lines(bundle, with_trailer(lines[:-1]))
    with pytest.raises(BundleError, match=r"bad bundle header.*last tuesday"):
        BundleReader(bundle).verify()


@pytest.mark.parametrize(
    "bad_line, reason",
    [
        (b"not json\n", "not a bundle row"),
        (b'{"table": "account"}\n', "not a bundle row"),
        (b'{"table": "invoice", "row": [1, 2, 3, 4]}\n', "unknown table 'invoice'"),
        (b'{"table": "account", "row": ["a9", "x"]}\n', "needs a list of 4 values"),
        (b'{"table": "account", "row": "a9"}\n', "needs a list of 4 values"),
        (b'{"table": ["account"], "row": []}\n', "unknown table"),
    ],
)
def test_a_malformed_row_is_named_by_its_line(bundle: Path, bad_line: bytes, reason: str) -> None:
    lines = lines_of(bundle)
    lines[2] = bad_line
    write_lines(bundle, with_trailer(lines[:-1]))
    reader = BundleReader(bundle)
    reader.verify()  # the checksum is right: only reading the rows finds the fault
    with pytest.raises(BundleError, match=reason) as caught:
        list(reader.rows())
    assert caught.value.line == 3
    assert f"{bundle}:3:" in str(caught.value)


def test_rows_need_a_verified_header(bundle: Path) -> None:
    with pytest.raises(RuntimeError):
        list(BundleReader(bundle).rows())


# --- values JSON does not have; ids; private, exclusive writing (issue 9, points 1, 4, 11) -----


@pytest.mark.parametrize("token", [b"Infinity", b"-Infinity", b"NaN"])
@pytest.mark.parametrize("field", [b'"schema": 1', b'"account": 2'])
def test_a_header_number_json_does_not_have_is_refused(bundle: Path, token, field) -> None:
    lines = lines_of(bundle)
    lines[0] = lines[0].replace(field.replace(b": ", b":"), field.split(b":")[0] + b":" + token)
    assert token in lines[0]
    write_lines(bundle, with_trailer(lines[:-1]))
    with pytest.raises(BundleError, match=r"not a portfolio-tui bundle|bad bundle header"):
        BundleReader(bundle).verify()


def test_a_row_number_json_does_not_have_is_read_as_a_json_constant(bundle: Path) -> None:
    lines = lines_of(bundle)
    lines[3] = b'{"table":"sale","row":["s0","2026-11-20 10:00:00",NaN,-Infinity]}\n'
    write_lines(bundle, with_trailer(lines[:-1]))
    reader = BundleReader(bundle)
    reader.verify()
    _, table, values = next(row for row in reader.rows() if row[0] == 4)
    assert table == "sale" and [type(v) for v in values[2:]] == [JsonConstant, JsonConstant]
    assert [repr(v) for v in values[2:]] == ["NaN", "-Infinity"]


@pytest.mark.parametrize(
    "bad_line",
    [b'{"table":"sale","row":["s1",' + b"[" * 100_000 + b"]" * 100_000 + b",1,2]}\n",
     b'{"table":"sale","row":["\xff\xfe","x",1,2]}\n'],
    ids=["deeply-nested", "not-utf-8"],
)  # fmt: skip
def test_rows_that_break_the_json_parser_are_refused_by_line(bundle: Path, bad_line) -> None:
    lines = lines_of(bundle)
    lines[4] = bad_line
    write_lines(bundle, with_trailer(lines[:-1]))
    reader = BundleReader(bundle)
    reader.verify()
    with pytest.raises(BundleError, match="not a bundle row") as caught:
        list(reader.rows())
    assert caught.value.line == 5


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (b'["a1","2026-11-23 07:30:00","Copie",1]', r"account\.id of a1: listed twice"),
        (b'[12,"2026-11-23 07:30:00","Douze",1]', r"account\.id of 12: 12 is not an id"),
        (b'[["a1"],"2026-11-23 07:30:00","Liste",1]', r"account\.id of \['a1'\]: \['a1'\] is not"),
    ],
    ids=["twice", "number", "list"],
)  # fmt: skip
def test_ids_are_text_and_never_twice_in_a_table(bundle: Path, row: bytes, reason: str) -> None:
    lines = lines_of(bundle)
    lines.insert(3, b'{"table":"account","row":' + row + b"}\n")
    first = json.loads(lines[0])
    first["counts"]["account"] += 1
    lines[0] = json.dumps(first).encode() + b"\n"
    write_lines(bundle, with_trailer(lines[:-1]))
    reader = BundleReader(bundle)
    reader.verify()
    with pytest.raises(BundleValueError, match=reason + r".*\(line 4\)"):
        list(reader.rows())


def test_each_run_is_checked_before_it_is_handed_out(bundle: Path) -> None:
    reader = BundleReader(bundle)
    reader.verify()
    seen: list[tuple[str, int]] = []

    def check(table: str, run: list) -> None:
        seen.append((table, len(run)))
        if table == "sale":
            raise BundleError(bundle, "refused", run[0][0])

    handed = []
    with pytest.raises(BundleError, match="refused"):
        for table, _run in reader.runs(1000, check=check):
            handed.append(table)
    assert seen == [("account", 2), ("sale", 1000)] and handed == ["account"]


def test_the_temporary_file_is_private_and_exclusive(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    (tmp_path / ".a.pfbundle.part").symlink_to(victim)
    old = os.umask(0)
    try:
        write_bundle(tmp_path / "a.pfbundle", header(), [("account", ACCOUNTS), ("sale", SALES)])
    finally:
        os.umask(old)
    assert victim.read_bytes() == b"keep me"
    assert (tmp_path / "a.pfbundle").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".a.pfbundle.part",
        "a.pfbundle",
        "victim",
    ]


def test_a_value_json_can_not_carry_is_refused_in_one_line(tmp_path: Path) -> None:
    rows = [("a1", "2026-11-23 07:30:00", "Dupont", float("inf"))]
    with pytest.raises(UserError, match=r"can't export account 'a1': it holds a value"):
        write_bundle(tmp_path / "a.pfbundle", header(counts={"account": 1}), [("account", rows)])
    assert list(tmp_path.iterdir()) == []


def test_an_id_is_remembered_exactly_whatever_its_form() -> None:
    """Ids are remembered as numbers when they are UUIDs as ids are written (less memory on a
    million sales), as text otherwise: two ids share a key only when they are the same text."""
    from portfolio_tui.formats.bundle import _id_key

    lower = "3f2a9c1e-0b7d-4c1a-9e8f-0123456789ab"
    keys = {_id_key(lower), _id_key(lower.upper()), _id_key(lower.replace("-", "")),
            _id_key("a1"), _id_key(" " + lower)}  # fmt: skip
    assert len(keys) == 5
    assert _id_key(lower) == int(lower.replace("-", ""), 16) and _id_key("a1") == "a1"
