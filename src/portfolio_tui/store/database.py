"""Opening a portfolio file: creation (mode 0600), pragmas, numbered migrations, backups.

What SQLite reports about the file itself (busy, read-only file or folder, full disk, not a
database, damaged) becomes a one-line `DatabaseError` naming that cause (`operational_error`),
for every transaction and raw connection this module hands out. Backups are created 0600 and
exclusively, before the first byte is copied into them."""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from portfolio_tui import paths
from portfolio_tui.errors import DatabaseError
from portfolio_tui.store import derived

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session


def _create_schema(conn: sqlite3.Connection) -> None:
    from portfolio_tui.store import schema  # the models' metadata: SQLModel, imported here

    schema.create_schema(conn)


def _add_what_the_models_gained(conn: sqlite3.Connection) -> None:
    from portfolio_tui.store import schema

    schema.add_what_the_models_gained(conn)


# Index i holds migration number i + 1; `PRAGMA user_version` is the number applied last.
# Migrations 1 and 2 read the models (`store/schema.py`), so a file already at version 2 or
# later is opened without SQLAlchemy. Migration 3: the sales version count and its triggers;
# 4: the counts of every other table's changes (`store/derived.py`).
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _create_schema,
    _add_what_the_models_gained,
    derived.create,
    derived.create_table_counts,
)
SCHEMA_VERSION = len(MIGRATIONS)
# The migrations from this number on only add (a meta row, triggers), each in one
# transaction: a file already there needs no copy first (a 600 MB portfolio took seconds).
ADDITIVE_FROM = 3


# Each connection's own page cache. The file's pages are in the system's cache already; what a
# connection keeps beyond the B-trees' upper pages only adds to the memory of the app, which
# holds several (the loads run on threads): 2 MiB each by SQLite's default.
PAGE_CACHE_KIB = 512


def _set_pragmas(dbapi_conn: sqlite3.Connection, _record: object = None) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
    cur.close()


def _touch_private(path: Path) -> None:
    if not path.parent.is_dir():
        raise DatabaseError(f"{path}: the folder {path.parent} does not exist")
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        raise DatabaseError(f"{path}: can't create the database file ({exc.strerror})") from None
    os.close(fd)


# --- what SQLite says about the file, in one line ---------------------------------------------

_BUSY, _LOCKED, _READONLY, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 11, 13, 14, 26
_IOERR, _PERM = 10, 3
_READONLY_DIRECTORY = 1544  # SQLITE_READONLY_DIRECTORY: can't create the journal beside it
_BY_MESSAGE = (
    ("database is locked", _BUSY),
    ("database table is locked", _LOCKED),
    ("readonly database", _READONLY),
    ("disk is full", _FULL),
    ("unable to open", _CANTOPEN),
    ("file is not a database", _NOTADB),
    ("malformed", _CORRUPT),
    ("disk i/o error", _IOERR),
)


def _error_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code
    text = str(exc).lower()
    return next((number for words, number in _BY_MESSAGE if words in text), None)


def _folder_writable(folder: Path) -> bool:
    effective = os.access in os.supports_effective_ids
    return os.access(folder, os.W_OK | os.X_OK, effective_ids=effective)


def operational_error(path: Path, exc: BaseException) -> DatabaseError | None:
    """The one-line error naming what went wrong with the file at `path`, or None when `exc`
    is no such error (a bug, to be raised as it is)."""
    if _is_dbapi_error(exc):
        exc = exc.orig  # type: ignore[attr-defined]
    if not isinstance(exc, sqlite3.Error) or isinstance(exc, sqlite3.IntegrityError):
        return None
    code = _error_code(exc)
    if code is None:
        return None
    primary = code & 0xFF
    folder = path.parent
    if primary in (_BUSY, _LOCKED):
        why = "the portfolio is busy (another portfolio command is writing); try again"
    elif code == _READONLY_DIRECTORY or (
        primary in (_READONLY, _CANTOPEN) and not _folder_writable(folder)
    ):
        why = f"the folder {folder} is read-only: the portfolio needs to write beside its file"
    elif primary == _READONLY:
        why = "the database file is read-only (check its permissions); nothing written"
    elif primary == _FULL:
        why = "the disk is full; nothing written (free some space and try again)"
    elif primary == _CANTOPEN:
        why = "can't open the database file (check that it and its folder can be read)"
    elif primary == _NOTADB:
        why = "not a portfolio database (not an SQLite file)"
    elif primary == _CORRUPT:
        why = "the database file is damaged; restore a backup copy (*.bak beside it)"
    elif primary in (_IOERR, _PERM):
        why = f"can't read or write the file ({exc})"
    else:
        return None
    return DatabaseError(f"{path}: {why}")


def _is_dbapi_error(exc: BaseException) -> bool:
    """An SQLAlchemy wrapper of a DB-API error (SQLAlchemy is only looked at once loaded)."""
    if "sqlalchemy" not in sys.modules:
        return False
    from sqlalchemy.exc import DBAPIError

    return isinstance(exc, DBAPIError)


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back what is open. SQLite has rolled back already after some errors (a full
    disk): a second ROLLBACK would only hide the first error behind "no transaction"."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):  # gone either way; the error that brought us here counts
            conn.execute("ROLLBACK")


# --- backups ------------------------------------------------------------------------------------


def create_private_file(target: Path) -> Path:
    """A new empty file at `target`, or beside it when that name is taken (`NAME-2.bak`, ...),
    created exclusively and 0600 from its first byte, never through a symlink."""
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW
    candidate = target
    for number in range(2, 1000):
        try:
            os.close(os.open(candidate, flags, 0o600))
            return candidate
        except FileExistsError:
            candidate = target.with_name(f"{target.stem}-{number}{target.suffix}")
    raise DatabaseError(f"{target}: too many backups of that name; remove some")


def copy_database(source: sqlite3.Connection, target: Path) -> Path:
    """A consistent copy of `source` in a new private file at `target` (or beside it)."""
    made = create_private_file(target)
    try:
        copy = sqlite3.connect(made)
        try:
            source.backup(copy)
        finally:
            copy.close()
    except BaseException:
        made.unlink(missing_ok=True)
        raise
    return made


def migrate(path: Path) -> Path | None:
    """Bring the file at `path` to SCHEMA_VERSION. Returns the backup taken, if any."""
    if path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a database file")
    try:
        conn = sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as exc:
        error = operational_error(path, exc)
        raise error or DatabaseError(f"{path}: can't open the database ({exc})") from None
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
        if has_tables and version + 1 < ADDITIVE_FROM:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            backup = copy_database(conn, paths.backup_path(path, f"v{version}", stamp))
        for number in range(version + 1, SCHEMA_VERSION + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                MIGRATIONS[number - 1](conn)
                conn.execute(f"PRAGMA user_version={number}")
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
        return backup
    except sqlite3.Error as exc:
        error = operational_error(path, exc)
        raise error or DatabaseError(f"{path}: can't use the database ({exc})") from None
    finally:
        conn.close()


class Database:
    """One portfolio file. Raw connections (stdlib sqlite3, kept for reuse) for reads and bulk
    work; sessions for ORM writes, SQLAlchemy being imported by the first one asked for."""

    # Idle connections kept for the next `raw()`: the TUI's loads run on a few threads at once.
    IDLE_KEPT = 4

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            _touch_private(self.path)
        self.migration_backup = migrate(self.path)
        self._engine: Engine | None = None
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._hooks: list[Callable[[sqlite3.Connection], object]] = []

    def connect(self) -> sqlite3.Connection:
        """A new connection to the file, its pragmas set: the raw ones and the engine's."""
        try:
            conn = sqlite3.connect(self.path, check_same_thread=False)
            _set_pragmas(conn)
        except sqlite3.Error as exc:
            raise operational_error(self.path, exc) or exc from None
        for hook in self._hooks:
            hook(conn)
        return conn

    def on_connect(self, hook: Callable[[sqlite3.Connection], object]) -> None:
        """Run `hook` on every connection opened from now on (the open ones are closed)."""
        self.dispose()
        self._hooks.append(hook)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine of the ORM writes, made (and SQLAlchemy imported) when first
        needed; its connections come from `connect()`."""
        with self._lock:
            if self._engine is None:
                from sqlalchemy import create_engine

                self._engine = create_engine(f"sqlite:///{self.path}", creator=self.connect)
            return self._engine

    def prepare_writes(self) -> None:
        """Load what the first ORM write needs (SQLAlchemy, the models and their mappers, the
        engine), so that it does not wait for it: the TUI calls it in the background."""
        from sqlalchemy.orm import configure_mappers

        from portfolio_tui.store import models  # noqa: F401  (the mapped tables)

        configure_mappers()
        _ = self.engine

    def session(self) -> Session:
        from sqlmodel import Session

        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed as one transaction, or not at all."""
        from sqlalchemy.exc import SQLAlchemyError

        with self.session() as session:
            try:
                yield session
                session.commit()
            except BaseException as exc:
                with suppress(SQLAlchemyError, sqlite3.Error):  # rolled back already (full disk)
                    session.rollback()
                error = operational_error(self.path, exc)
                if error is None:
                    raise
                raise error from None

    @contextmanager
    def raw(self) -> Iterator[sqlite3.Connection]:
        """A stdlib sqlite3 connection, for reads (and bulk writes) that need no ORM. What it
        leaves uncommitted is rolled back when it is handed back."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self.connect()
        try:
            yield conn
        except sqlite3.Error as exc:
            error = operational_error(self.path, exc)
            if error is None:
                raise
            raise error from None
        finally:
            self._give_back(conn)

    def _give_back(self, conn: sqlite3.Connection) -> None:
        try:
            _rollback(conn)
        except BaseException:
            conn.close()
            raise
        with self._lock:
            if len(self._idle) < self.IDLE_KEPT:
                self._idle.append(conn)
                return
        conn.close()

    def backup_to(self, target: Path) -> Path:
        """A copy of the committed database in a new private file at `target` (or beside
        it, when that name is taken); returns where it went."""
        with self.raw() as source:
            return copy_database(source, target)

    def dispose(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
            engine = self._engine
        for conn in idle:
            conn.close()
        if engine is not None:
            engine.dispose()


__all__ = ["SCHEMA_VERSION", "Database", "DatabaseError", "migrate"]
