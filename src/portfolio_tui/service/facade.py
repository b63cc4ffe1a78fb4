"""The application service: every use case, once. The CLI and the TUI call nothing else."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

from portfolio_tui import paths
from portfolio_tui.domain.abc import AbcResult
from portfolio_tui.domain.cadence import Cadence
from portfolio_tui.domain.dates import When, parse_when
from portfolio_tui.domain.records import AccountFigures
from portfolio_tui.domain.settings import Settings
from portfolio_tui.errors import Ambiguous, NotFound, UserError
from portfolio_tui.portfolio_files import FileExchange
from portfolio_tui.portfolio_reports import ReportCases, account_view
from portfolio_tui.portfolio_routine import RoutineCases
from portfolio_tui.portfolio_sync import SyncExchange
from portfolio_tui.store import bulk, queries
from portfolio_tui.store.database import Database
from portfolio_tui.store.models import (
    Account,
    FollowUp,
    Meta,
)
from portfolio_tui.store.writes import ChangeSet, Writer
from portfolio_tui.views import (
    AccountView,
)

Clock = Callable[[], datetime]
UNDO_DEPTH = 100


def system_clock() -> datetime:
    return datetime.now(UTC)


def local_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


class Portfolio(RoutineCases, ReportCases, FileExchange, SyncExchange):
    """One portfolio database, its settings, and the clock and zone it is worked in."""

    def __init__(
        self,
        db_path: Path,
        *,
        clock: Clock = system_clock,
        tz: tzinfo | None = None,
        settings: Settings | None = None,
    ) -> None:
        if settings is None:
            from portfolio_tui.config import load_settings

            settings = load_settings(paths.config_file())
        self.settings = settings
        self.db = Database(db_path)
        self._clock = clock
        self.tz = tz or local_zone()
        self._lock = threading.RLock()
        self._undo: list[ChangeSet] = []
        self._figures_cache: dict[tuple[date | None, date], list[AccountFigures]] = {}
        self._badges_cache: dict[tuple[date | None, date], tuple[AbcResult, dict]] = {}
        self._cadence = Cadence(
            by_class=dict(settings.cadence_by_class), by_stage=dict(settings.cadence_by_stage)
        )
        self.device_id = self._ensure_device_id()

    @property
    def path(self) -> Path:
        return self.db.path

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Portfolio:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- time -------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The current local time, aware."""
        return self._clock().astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()

    def _stored(self, moment: datetime) -> datetime:
        """Aware → naive UTC, as the database keeps instants."""
        return moment.astimezone(UTC).replace(tzinfo=None)

    def _local(self, stored: datetime) -> datetime:
        """A stored (naive UTC) instant in the local zone."""
        if stored.tzinfo is None:
            stored = stored.replace(tzinfo=UTC)
        return stored.astimezone(self.tz)

    def parse_when(self, phrase: str) -> When:
        return parse_when(phrase, self.now())

    # --- bookkeeping ------------------------------------------------------------------------

    def _ensure_device_id(self) -> str:
        with self.db.transaction() as session:
            meta = session.get(Meta, "device_id")
            if meta is None:
                meta = Meta(key="device_id", value=queries.new_device_id())
                session.add(meta)
            return meta.value

    @contextmanager
    def _write(self, label: str) -> Iterator[Writer]:
        """One transaction; what it changed becomes one undo step."""
        with self._lock, self.db.transaction() as session:
            writer = Writer(session, self.device_id, self._stored(self.now()), label)
            yield writer
        self._after_write(writer.changeset)

    def _after_write(self, changeset: ChangeSet | None) -> None:
        self.data_changed()
        if changeset is not None and changeset.changes:
            self._undo.append(changeset)
            del self._undo[:-UNDO_DEPTH]

    def data_changed(self) -> None:
        """Forget cached figures after a write that bypassed `_write` (bulk import, sync)."""
        self._figures_cache.clear()
        self._badges_cache.clear()

    def undo(self) -> str | None:
        """Revert the last change made through this Portfolio; returns its label."""
        if not self._undo:
            return None
        changeset = self._undo[-1]
        with self._lock, self.db.transaction() as session:
            Writer(session, self.device_id, self._stored(self.now()), "undo").revert(changeset)
        self._undo.pop()
        self.data_changed()
        return changeset.label

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    # --- look-ups ---------------------------------------------------------------------------

    def _account(self, session: Any, ref: str) -> Account:
        found = queries.find_accounts(session, ref)
        if not found:
            raise NotFound(f"no account matches {ref!r}")
        if len(found) > 1:
            raise Ambiguous("account", ref, [f"{a.name} ({a.id[:8]})" for a in found])
        return found[0]

    def resolve_account(self, ref: str) -> AccountView:
        with self.db.session() as session:
            return account_view(self._account(session, ref))

    def search_accounts(self, text: str, limit: int = 20) -> list[tuple[str, str]]:
        """(id, name) of live accounts whose name contains `text`, for pickers."""
        with self.db.raw() as conn:
            return queries.search_account_names(conn, text, limit)

    def _follow_up(self, session: Any, ref: str) -> FollowUp:
        found = queries.find_follow_ups(session, ref)
        if not found:
            raise NotFound(f"no follow-up with id {ref!r}")
        if len(found) > 1:
            raise Ambiguous("follow-up id", ref, [f"{f.id[:8]} {f.title}" for f in found])
        return found[0]

    def _contact_id(self, session: Any, account: Account, name: str | None) -> str | None:
        if not name:
            return None
        found = queries.find_contact(session, account.id, name)
        if not found:
            raise NotFound(f"{account.name} has no contact named {name!r}")
        if len(found) > 1:
            raise Ambiguous("contact", name, [c.name for c in found])
        return found[0].id

    # --- demo --------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        with self.db.raw() as conn:
            return queries.count_accounts(conn) == 0

    def load_demo(
        self, *, accounts: int = 120, years: int = 3, seed: int = 42, force: bool = False
    ) -> dict[str, int]:
        """Fill the database with the demo portfolio; returns rows written per table."""
        from portfolio_tui import demo

        if not self.is_empty() and not force:
            raise UserError(f"{self.path} already holds accounts (use --force to replace them)")
        if accounts < 1 or years < 1:
            raise UserError("accounts and years must be at least 1")
        chunks = demo.generate(
            accounts=accounts,
            years=years,
            seed=seed,
            today=self.today(),
            now=self._stored(self.now()),
            device_id=self.device_id,
        )
        counts: dict[str, int] = {}
        with self._lock, self.db.raw() as conn, conn:
            bulk.wipe(conn, demo.TABLES_CHILDREN_FIRST)
            for data in chunks:
                for table, columns, rows in data.tables():
                    counts[table] = counts.get(table, 0) + bulk.insert_rows(
                        conn, table, columns, rows
                    )
        self._undo.clear()
        self.data_changed()
        return counts
