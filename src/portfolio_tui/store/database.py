"""Opening a portfolio file: creation (mode 0600), pragmas, numbered migrations, backups."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import Session, SQLModel

from portfolio_tui import paths
from portfolio_tui.errors import DatabaseError
from portfolio_tui.store import models


def _create_schema(conn: sqlite3.Connection) -> None:
    # Migration 1 is the schema as the models describe it; later migrations alter it.
    dialect = sqlite_dialect.dialect()
    for table in SQLModel.metadata.sorted_tables:
        conn.execute(str(CreateTable(table).compile(dialect=dialect)))
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            conn.execute(str(CreateIndex(index).compile(dialect=dialect)))


def _add_what_the_models_gained(conn: sqlite3.Connection) -> None:
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


# Index i holds migration number i + 1; `PRAGMA user_version` is the number applied last.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _create_schema,
    _add_what_the_models_gained,
)
SCHEMA_VERSION = len(MIGRATIONS)


def _set_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _touch_private(path: Path) -> None:
    if not path.parent.is_dir():
        raise DatabaseError(f"{path}: the folder {path.parent} does not exist")
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def migrate(path: Path) -> Path | None:
    """Bring the file at `path` to SCHEMA_VERSION. Returns the backup taken, if any."""
    if path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a database file")
    try:
        conn = sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path}: can't open the database ({exc})") from exc
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                f"{path}: schema version {version} is newer than this program "
                f"({SCHEMA_VERSION}); upgrade portfolio-tui"
            )
        if version == SCHEMA_VERSION:
            return None
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        backup = None
        if has_tables:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            backup = paths.backup_path(path, f"v{version}", stamp)
            with sqlite3.connect(backup) as copy:
                conn.backup(copy)
            copy.close()
            os.chmod(backup, 0o600)
        for number in range(version + 1, SCHEMA_VERSION + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                MIGRATIONS[number - 1](conn)
                conn.execute(f"PRAGMA user_version={number}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return backup
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: not a portfolio database ({exc})") from exc
    finally:
        conn.close()


class Database:
    """One portfolio file. Sessions for ORM work, raw connections for bulk reads and writes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            _touch_private(self.path)
        self.migration_backup = migrate(self.path)
        self.engine: Engine = create_engine(
            f"sqlite:///{self.path}",
            connect_args={"check_same_thread": False},
        )
        event.listen(self.engine, "connect", _set_pragmas)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed as one transaction, or not at all."""
        with self.session() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def raw(self) -> Iterator[sqlite3.Connection]:
        """The DB-API connection, for reads that must not pay ORM costs."""
        conn = self.engine.raw_connection()
        try:
            yield conn.driver_connection  # type: ignore[misc]
        finally:
            conn.close()

    def backup_to(self, target: Path) -> Path:
        with self.raw() as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        dst.close()
        os.chmod(target, 0o600)
        return target

    def dispose(self) -> None:
        self.engine.dispose()


__all__ = ["SCHEMA_VERSION", "Database", "DatabaseError", "migrate", "models"]
