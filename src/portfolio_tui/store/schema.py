"""The schema as the models describe it, for the migrations that create or complete it.

Imported by `store/database.py` only when one of those migrations runs: opening a file that is
already at their version does not load SQLAlchemy."""

from __future__ import annotations

import sqlite3

from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import SQLModel

from portfolio_tui.store import models  # noqa: F401  (registers the tables in the metadata)


def create_schema(conn: sqlite3.Connection) -> None:
    # Migration 1 is the schema as the models describe it; later migrations alter it.
    dialect = sqlite_dialect.dialect()
    for table in SQLModel.metadata.sorted_tables:
        conn.execute(str(CreateTable(table).compile(dialect=dialect)))
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            conn.execute(str(CreateIndex(index).compile(dialect=dialect)))


def add_what_the_models_gained(conn: sqlite3.Connection) -> None:
    # Migration 2: the tables, columns and indexes the models have and a version-1 file lacks
    # (deals, segments, follow-up series…). New columns are nullable, so old rows stay valid.
    dialect = sqlite_dialect.dialect()
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in tables:
            conn.execute(str(CreateTable(table).compile(dialect=dialect)))
        else:
            have = {row[1] for row in conn.execute(f'PRAGMA table_info("{table.name}")')}
            for column in table.columns:
                if column.name not in have:
                    kind = column.type.compile(dialect=dialect)
                    conn.execute(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}')
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            conn.execute(str(CreateIndex(index, if_not_exists=True).compile(dialect=dialect)))
