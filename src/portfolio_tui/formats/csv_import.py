"""The spreadsheet importer's format side: one spec per kind of record (its fields, the
headers that mean them, the columns it needs), the header → field plan (with `--map`), and the
rows of a file as typed values with the reasons each bad cell is refused.

Adding a kind is adding a KindSpec (and its headers in `headers.py`); matching and writing
the records is the Portfolio's job (`portfolio_files.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from portfolio_tui.errors import UserError
from portfolio_tui.formats import cells, headers
from portfolio_tui.formats.csv_read import CsvTable
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
    for group in spec.required:
        if not any(f in fields for f in group):
            wanted = " or ".join(group)
            raise UserError(
                f"{source}: no column for {wanted} in a {spec.kind} file "
                f"(columns: {', '.join(repr(h) for h in header)}); "
                f"name one with --map COLUMN={group[0]}"
            )
    return Columns(fields, custom, used, ignored, len(header))


@dataclass(slots=True)
class Row:
    line: int
    values: dict[str, Any]
    custom: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, reason)


def read_rows(table: CsvTable, spec: KindSpec, columns: Columns) -> Iterator[Row]:
    """Every record of the table as typed values; empty cells are absent from `values`."""
    plan = [(name, index, spec.converters[name]) for name, index in columns.fields.items()]
    plan += [
        (CUSTOM_PREFIX + key, index, convert) for key, (index, convert) in columns.custom.items()
    ]
    width = columns.width
    unguard = cells.unguard
    for line, raw in table.rows():
        row = Row(line, {})
        if len(raw) != width:
            if len(raw) < width:
                row.errors.append(
                    (
                        "row",
                        f"{len(raw)} cells where the header has {width} (is the line cut short?)",
                    )
                )
                yield row
                continue
            if any(c.strip() for c in raw[width:]):
                row.errors.append(("row", f"{len(raw)} cells where the header has {width}"))
                yield row
                continue
        for name, index, convert in plan:
            cell = raw[index].strip()
            if not cell:
                continue
            if cell[0] == "'":
                cell = unguard(cell).strip()
                if not cell:
                    continue
            try:
                value = convert(cell)
            except ValueError as exc:
                row.errors.append((name, str(exc)))
                continue
            if name.startswith(CUSTOM_PREFIX):
                row.custom[name[len(CUSTOM_PREFIX) :]] = value
            else:
                row.values[name] = value
        yield row
