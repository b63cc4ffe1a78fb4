"""The spreadsheet importer's format side: one spec per kind of record (its fields, the
headers that mean them, the columns it needs), the header → field plan (with `--map`), and the
rows of a file as typed values with the reasons each bad cell is refused.

Adding a kind is adding a KindSpec (and its headers in `headers.py`); matching and writing
the records is the Portfolio's job (`portfolio_files.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from portfolio_tui.domain.deals import DealError, parse_deal_stage
from portfolio_tui.domain.text import find_control
from portfolio_tui.errors import UserError
from portfolio_tui.formats import cells, headers
from portfolio_tui.formats.headers import CUSTOM_PREFIX, normalise

Converter = Callable[[str], Any]
IGNORE = ("ignore", "-")


@dataclass(frozen=True)
class KindSpec:
    kind: str
    converters: Mapping[str, Converter]
    headers: Mapping[str, str]  # normalised header → field
    # Each group names fields of which the file must have at least one column.
    required: tuple[tuple[str, ...], ...]
    derived: frozenset[str] = frozenset()  # headers read and ignored (our computed columns)
    custom_fields: bool = False  # `custom:KEY` columns allowed (accounts)

    @property
    def fields(self) -> list[str]:
        return list(self.converters)


_ACCOUNT_REF = {"account_id": cells.record_id, "account": cells.text}

SPECS: dict[str, KindSpec] = {
    "accounts": KindSpec(
        "accounts",
        {
            "id": cells.record_id,
            "name": cells.text,
            "legal_id": cells.legal_id,
            "sector": cells.text,
            "size_band": cells.text,
            "city": cells.text,
            "region": cells.text,
            "source": cells.source,
            "stage": cells.stage,
            "potential": cells.money,
            "accessibility": cells.whole_number(1, 5),
            "risk_level": cells.risk_level,
            "nps_score": cells.whole_number(0, 10),
            "nps_date": cells.day,
            "tags": cells.tags,
            "notes": cells.text,
            "referred_by": cells.text,
            "referred_by_id": cells.record_id,
        },
        headers.ACCOUNTS,
        required=(("id", "name", "legal_id"),),
        derived=headers.ACCOUNTS_DERIVED,
        custom_fields=True,
    ),
    "contacts": KindSpec(
        "contacts",
        {
            "id": cells.record_id,
            **_ACCOUNT_REF,
            "name": cells.text,
            "first_name": cells.text,
            "last_name": cells.text,
            "role": cells.text,
            "email": cells.email,
            "phone": cells.text,
            "preferred_channel": cells.channel,
        },
        headers.CONTACTS,
        required=(("id", "name", "last_name", "first_name", "email"),),
    ),
    "sales": KindSpec(
        "sales",
        {
            "id": cells.record_id,
            **_ACCOUNT_REF,
            "date": cells.day,
            "amount": cells.money,
            "margin": cells.money,
            "product": cells.text,
            "family": cells.text,
            "order_ref": cells.text,
            "quantity": cells.quantity,
        },
        headers.SALES,
        required=(("account_id", "account"), ("date",), ("amount",)),
    ),
    "interactions": KindSpec(
        "interactions",
        {
            "id": cells.record_id,
            **_ACCOUNT_REF,
            "contact_id": cells.record_id,
            "contact": cells.text,
            "kind": cells.kind,
            "date": cells.day_and_time,
            "time": cells.clock_time,
            "duration": cells.whole_number(0, 24 * 60),
            "summary": cells.text,
            "outcome": cells.text,
        },
        headers.INTERACTIONS,
        required=(("account_id", "account"), ("kind",), ("date",)),
    ),
}


def _deal_stage(value: str) -> str:
    try:
        return parse_deal_stage(value).value
    except DealError as error:
        raise cells.CellError(error.detail) from None


def _percent(value: str) -> int:
    return cells.whole_number(0, 100)(value.rstrip().removesuffix("%"))


SPECS["deals"] = KindSpec(
    "deals",
    {
        "id": cells.record_id,
        **_ACCOUNT_REF,
        "title": cells.text,
        "amount": cells.money,
        "probability": _percent,
        "stage": _deal_stage,
        "created": cells.day,
        "expected_close": cells.day,
        "closed": cells.day,
        "lost_reason": cells.text,
        "family": cells.text,
        "notes": cells.text,
    },
    headers.DEALS,
    required=(("id", "account_id", "account"), ("id", "title"), ("id", "amount")),
)
KINDS = tuple(SPECS)


def spec_for(kind: str) -> KindSpec:
    try:
        return SPECS[kind]
    except KeyError:
        raise UserError(f"can't import {kind!r}: choose one of {', '.join(KINDS)}") from None


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """`--map COLUMN=FIELD` arguments as {COLUMN: FIELD}."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, target = pair.rpartition("=")
        if not sep or not column.strip() or not target.strip():
            raise UserError(f"--map: {pair!r} is not COLUMN=FIELD")
        mapping[column.strip()] = target.strip()
    return mapping


@dataclass
class Columns:
    """Which cell of a row holds which field."""

    fields: dict[str, int]
    custom: dict[str, tuple[int, Converter]]
    used: list[tuple[str, str]]  # (header, field) in file order
    ignored: list[str]  # headers nothing reads
    width: int  # cells in the header


def _custom_target(spec: KindSpec, name: str) -> tuple[str, Converter] | None:
    """A `custom:KEY` header or target, or a yearly revenue column, for kinds that keep custom
    fields."""
    if not spec.custom_fields:
        return None
    if name.strip().lower().startswith(CUSTOM_PREFIX):
        key = name.strip()[len(CUSTOM_PREFIX) :].strip()
        return (key, cells.text) if key else None
    match = headers.YEARLY_REVENUE.match(normalise(name))
    if match:
        return f"revenue_{match[1]}", cells.money_plain
    return None


def plan_columns(
    header: Sequence[str], spec: KindSpec, mapping: Mapping[str, str], source: str
) -> Columns:
    """Work out which column holds which field. UserError naming the file for an unknown
    --map column or field, two columns meaning one field, or a missing needed column."""
    targets = _mapped_targets(header, spec, mapping, source)
    fields: dict[str, int] = {}
    custom: dict[str, tuple[int, Converter]] = {}
    used: list[tuple[str, str]] = []
    ignored: list[str] = []
    for index, name in enumerate(header):
        key = normalise(name)
        target = targets.get(index)
        if target is None:
            target = spec.headers.get(key)
        if target is None or target.startswith(CUSTOM_PREFIX):
            found = _custom_target(spec, target or name)
            if found is not None:
                custom[found[0]] = (index, found[1])
                used.append((name, CUSTOM_PREFIX + found[0]))
                continue
        if not target:
            if key and key not in spec.derived and index not in targets:
                ignored.append(name)
            continue
        if target in fields:
            first = header[fields[target]]
            raise UserError(
                f"{source}: columns {first!r} and {name!r} both give {target}: "
                f"--map one of them to another field or to ignore"
            )
        fields[target] = index
        used.append((name, target))
    if (
        spec.kind == "contacts"
        and "last_name" in fields
        and not ({"first_name", "name"} & fields.keys())
    ):
        # "Nom" alone is the whole name, not the family name.
        fields["name"] = fields.pop("last_name")
        used = [(h, "name" if f == "last_name" else f) for h, f in used]
    _check_required(header, spec, fields, source)
    return Columns(fields, custom, used, ignored, len(header))


def _mapped_targets(
    header: Sequence[str], spec: KindSpec, mapping: Mapping[str, str], source: str
) -> dict[int, str]:
    """{column index: field} from --map COLUMN=FIELD ("" for a column to ignore)."""
    by_header = {h.strip(): i for i, h in enumerate(header)}
    by_normal = {normalise(h): i for i, h in enumerate(header)}
    targets: dict[int, str] = {}
    for column, target in mapping.items():
        index = by_header.get(column, by_normal.get(normalise(column)))
        if index is None:
            listing = ", ".join(repr(h) for h in header)
            raise UserError(f"--map: {source} has no column {column!r} (columns: {listing})")
        if target.lower() in IGNORE:
            targets[index] = ""
        elif target in spec.converters or target.startswith(CUSTOM_PREFIX):
            if target.startswith(CUSTOM_PREFIX) and not _custom_target(spec, target):
                raise UserError(f"--map: {spec.kind} have no custom fields ({target!r})")
            targets[index] = target
        else:
            raise UserError(
                f"--map: unknown field {target!r} for {spec.kind} "
                f"(fields: {', '.join(spec.fields)}; or ignore)"
            )
    return targets


def _check_required(
    header: Sequence[str], spec: KindSpec, fields: Mapping[str, int], source: str
) -> None:
    for group in spec.required:
        if not any(f in fields for f in group):
            wanted = " or ".join(group)
            raise UserError(
                f"{source}: no column for {wanted} in a {spec.kind} file "
                f"(columns: {', '.join(repr(h) for h in header)}); "
                f"name one with --map COLUMN={group[0]}"
            )


@dataclass(slots=True)
class Row:
    line: int
    values: dict[str, Any]
    custom: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (field, what was done)


class Table(Protocol):
    """A file read as a header and rows of text cells: CSV, or a sheet of a workbook."""

    path: Path
    header: list[str]
    header_line: int
    delimiter: str  # "" for a workbook

    @property
    def label(self) -> str:
        """What the file is, for people: "UTF-8 with BOM", "Excel workbook, sheet 'Ventes'"."""
        ...

    @property
    def lines(self) -> int:
        """About how many lines (rows) the file has, for progress."""
        ...

    def rows(self) -> Iterator[tuple[int, list[str]]]: ...

    def close(self) -> None: ...


# Fields whose text may span lines; every other cell must be on one line.
MULTILINE_FIELDS = frozenset({"notes", "summary", "outcome"})
# The first character find_control refuses in a one-line field: a row none of whose cells
# holds one (nearly all of them) is checked in one search.
_CRLF = re.compile("\r\n?")
_ANY_REFUSED = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def control_reason(cell: str, name: str) -> str | None:
    """Why `cell` can't be stored in field `name`: a control character, or a line break in a
    one-line field; None when it can."""
    index = find_control(cell, allow_newline=name in MULTILINE_FIELDS)
    if index is None:
        return None
    char = cell[index]
    if char in "\n\r\u2028\u2029":
        return "must be on one line (it holds a line break)"
    return f"control character U+{ord(char):04X}"


def check_header(header: Sequence[str], source: str, line: int) -> None:
    """UserError for a header cell holding a control character (or a line break): headers
    are echoed in reports and errors."""
    for number, name in enumerate(header, start=1):
        name = name.replace("\r", "\n")  # a header may be on two lines ("Montant\nHT")
        index = find_control(name, allow_newline=True)
        if index is not None:
            raise UserError(
                f"{source}:{line}: header of column {number}: "
                f"control character U+{ord(name[index]):04X}"
            )


def read_rows(table: Table, spec: KindSpec, columns: Columns) -> Iterator[Row]:
    """Every record of the table as typed values; empty cells are absent from `values`.
    A cell holding a control character is refused without being read (nor echoed)."""
    plan: list[tuple[str, int, Converter, str | None]] = [
        (name, index, spec.converters[name], None) for name, index in columns.fields.items()
    ]
    plan += [
        (CUSTOM_PREFIX + key, index, convert, key)
        for key, (index, convert) in columns.custom.items()
    ]
    fast_plan = [(n, i, None if c is cells.text else c, k) for n, i, c, k in plan]
    width = columns.width
    repair = "legal_id" in columns.fields or "postal_code" in columns.custom
    unguard = cells.unguard
    for line, raw in table.rows():
        row = Row(line, {})
        if len(raw) != width:
            problem = _width_problem(raw, width)
            if problem is not None:
                row.errors.append(("row", problem))
                yield row
                continue
        if _ANY_REFUSED.search("\t".join(raw)) is not None:
            for name, index, convert, _ in plan:
                _read_cell(row, name, raw[index], convert)
        else:  # nearly every row: no control character, no line break (inlined for speed)
            for name, index, convert, custom in fast_plan:
                cell = raw[index].strip()
                if cell and cell[0] == "'":
                    cell = unguard(cell).strip()
                if not cell:
                    continue
                if convert is None:  # a text cell is kept as it is
                    value = cell
                else:
                    try:
                        value = convert(cell)
                    except ValueError as exc:
                        row.errors.append((name, str(exc)))
                        continue
                if custom is None:
                    row.values[name] = value
                else:
                    row.custom[custom] = value
        if repair:
            restore_leading_zeros(row)
        yield row


def _width_problem(raw: list[str], width: int) -> str | None:
    if len(raw) < width:
        return f"{len(raw)} cells where the header has {width} (is the line cut short?)"
    if any(c.strip() for c in raw[width:]):
        return f"{len(raw)} cells where the header has {width}"
    return None


def _read_cell(row: Row, name: str, raw: str, convert: Converter) -> None:
    """One cell of a row that holds a control character or a line break somewhere."""
    cell = raw.strip()
    if not cell:
        return
    if name in MULTILINE_FIELDS and "\r" in cell:
        cell = _CRLF.sub("\n", cell)
    reason = control_reason(cell, name)
    if reason is not None:
        row.errors.append((name, reason))
        return
    if cell[0] == "'":
        cell = cells.unguard(cell).strip()
        if not cell:
            return
    try:
        value = convert(cell)
    except ValueError as exc:
        row.errors.append((name, str(exc)))
        return
    if name.startswith(CUSTOM_PREFIX):
        row.custom[name[len(CUSTOM_PREFIX) :]] = value
    else:
        row.values[name] = value


_FRANCE = frozenset({"france", "fr", "fra"})


def restore_leading_zeros(row: Row) -> None:
    """Put back the leading zero a spreadsheet ate when it took a code for a number: a SIRET
    of 13 digits, a French postcode of 4. Each restoration is a warning of the row."""
    legal = row.values.get("legal_id")
    if isinstance(legal, str) and legal.isdigit() and len(legal) == 13:
        row.values["legal_id"] = "0" + legal
        row.warnings.append(("legal_id", f"'{legal}' has 13 digits: read as SIRET 0{legal}"))
    postcode = row.custom.get("postal_code")
    country = str(row.custom.get("country", "")).strip().casefold()
    french = not country or country in _FRANCE
    if isinstance(postcode, str) and postcode.isdigit() and len(postcode) == 4 and french:
        row.custom["postal_code"] = "0" + postcode
        row.warnings.append(
            ("postal_code", f"'{postcode}' has 4 digits: read as postcode 0{postcode}")
        )


DATE_FIELDS = ("date", "nps_date", "created", "expected_close", "closed")
# A day, a month and a year with / . or - between them (not ISO: its year comes first).
_NUMERIC_DATE = re.compile(r"'?([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-][0-9]{2,4}\b")


def check_day_first(table: Table, columns: Columns, source: str) -> None:
    """UserError when a date column is written month first (12/31/2025): some date has a
    second number above 12 and none a first one. Dates are read day first, so such a file
    would otherwise be refused line by line, or read wrong where both numbers are ≤ 12.
    Reading stops at the first date whose day is above 12 in each column."""
    pending = {name: columns.fields[name] for name in DATE_FIELDS if name in columns.fields}
    month_first: dict[str, tuple[int, str]] = {}
    rows = table.rows()
    try:
        for line, raw in rows:
            for name, index in list(pending.items()):
                match = _NUMERIC_DATE.match(raw[index].strip()) if index < len(raw) else None
                if match is None:
                    continue
                if int(match[1]) > 12:
                    del pending[name]
                    month_first.pop(name, None)
                elif int(match[2]) > 12:
                    month_first.setdefault(name, (line, match[0]))
            if not pending:
                return
    finally:
        rows.close()
    for name, (line, shown) in month_first.items():
        raise UserError(
            f"{source}:{line}: {name}: '{shown}' is month first (month/day/year) and so is "
            "every date of this column: save the file with days first (31/12/2025) or "
            "ISO dates (2025-12-31)"
        )
