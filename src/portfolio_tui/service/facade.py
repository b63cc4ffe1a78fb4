"""The `Portfolio` facade and `open_portfolio()`: the faces' only door to the use cases."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from portfolio_tui import paths
from portfolio_tui.domain.dates import When
from portfolio_tui.domain.settings import Settings
from portfolio_tui.errors import UserError
from portfolio_tui.i18n import _
from portfolio_tui.service.core import Clock, Core, local_zone, system_clock
from portfolio_tui.service.views import AccountView
from portfolio_tui.store import bulk, queries
from portfolio_tui.store.database import Database

if TYPE_CHECKING:
    from portfolio_tui.service.activity import ActivityCases
    from portfolio_tui.service.churn import ChurnCases
    from portfolio_tui.service.deals import DealCases
    from portfolio_tui.service.exports import ExportCases
    from portfolio_tui.service.imports import ImportCases
    from portfolio_tui.service.reports import ReportCases
    from portfolio_tui.service.reviews import ReviewCases
    from portfolio_tui.service.routine import RoutineCases
    from portfolio_tui.service.segments import SegmentCases
    from portfolio_tui.service.sync import SyncCases

F = TypeVar("F")


class Portfolio:
    """One portfolio database, worked in one clock and zone: the faces' only door.

    Each use-case family is made (and its module imported) when first used: `portfolio today`
    imports neither the writes nor the imports, exports and sync, nor the ORM they load."""

    core: Core
    _families: dict[str, Any]
    _families_lock: threading.Lock

    def __init__(self, core: Core) -> None:
        self.core = core
        self._families = {}
        self._families_lock = threading.Lock()

    def _family(self, name: str, make: Callable[[], F]) -> F:
        with self._families_lock:
            found = self._families.get(name)
        if found is None:
            made = make()  # outside the lock: a family may ask for another one
            with self._families_lock:
                found = self._families.setdefault(name, made)
        return found

    @property
    def routine(self) -> RoutineCases:
        from portfolio_tui.service.routine import RoutineCases

        return self._family("routine", lambda: RoutineCases(self.core))

    @property
    def reports(self) -> ReportCases:
        from portfolio_tui.service.reports import ReportCases

        return self._family("reports", lambda: ReportCases(self.core))

    @property
    def imports(self) -> ImportCases:
        from portfolio_tui.service.imports import ImportCases

        return self._family("imports", lambda: ImportCases(self.core))

    @property
    def exports(self) -> ExportCases:
        from portfolio_tui.service.exports import ExportCases

        return self._family("exports", lambda: ExportCases(self.core, self.reports))

    @property
    def bundles(self) -> SyncCases:
        from portfolio_tui.service.sync import SyncCases

        return self._family("bundles", lambda: SyncCases(self.core))

    @property
    def deals(self) -> DealCases:
        from portfolio_tui.service.deals import DealCases

        return self._family("deals", lambda: DealCases(self.core, self.reports))

    @property
    def activity(self) -> ActivityCases:
        from portfolio_tui.service.activity import ActivityCases

        return self._family("activity", lambda: ActivityCases(self.core, self.reports))

    @property
    def segments(self) -> SegmentCases:
        from portfolio_tui.service.segments import SegmentCases

        return self._family("segments", lambda: SegmentCases(self.core, self.reports))

    @property
    def churn(self) -> ChurnCases:
        from portfolio_tui.service.churn import ChurnCases

        return self._family("churn", lambda: ChurnCases(self.core, self.reports))

    @property
    def reviews(self) -> ReviewCases:
        from portfolio_tui.service.reviews import ReviewCases

        return self._family(
            "reviews",
            lambda: ReviewCases(self.core, self.reports, self.activity, self.deals, self.churn),
        )

    # --- the core, as the faces see it --------------------------------------------------------

    @property
    def path(self) -> Path:
        return self.core.path

    @property
    def db(self) -> Database:
        return self.core.db

    @property
    def settings(self) -> Settings:
        return self.core.settings

    @property
    def tz(self) -> tzinfo:
        return self.core.tz

    @property
    def device_id(self) -> str:
        return self.core.device_id

    def now(self) -> datetime:
        return self.core.now()

    def today(self) -> date:
        return self.core.today()

    def parse_when(self, phrase: str) -> When:
        return self.core.parse_when(phrase)

    def undo(self) -> str | None:
        return self.core.undo()

    @property
    def can_undo(self) -> bool:
        return bool(self.core.undo_stack)

    def data_stamp(self) -> str:
        """A stamp that moves whenever what any screen reads may have changed (a write by
        anyone, the day, the language, the settings); cheap enough for the UI thread."""
        from portfolio_tui.service.derived import data_stamp

        return data_stamp(self.core)

    def prepare_writes(self) -> None:
        """Import and set up what the first write needs (the ORM, the writes of the day), for
        a face to call in the background once its first screen is shown; reads need none."""
        _ = self.routine
        self.core.db.prepare_writes()

    def resolve_account(self, ref: str) -> AccountView:
        return self.core.resolve_account(ref)

    def search_accounts(self, text: str, limit: int = 20) -> list[tuple[str, str]]:
        """(id, name) of live accounts whose name contains `text`, for pickers."""
        with self.core.db.raw() as conn:
            return queries.search_account_names(conn, text, limit)

    def close(self) -> None:
        self.core.close()

    def __enter__(self) -> Portfolio:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the whole portfolio ----------------------------------------------------------------

    def is_empty(self) -> bool:
        with self.core.db.raw() as conn:
            return queries.count_accounts(conn) == 0

    def load_demo(
        self, *, accounts: int = 120, years: int = 3, seed: int = 42, force: bool = False
    ) -> dict[str, int]:
        """Fill the database with the demo portfolio; returns rows written per table."""
        from portfolio_tui.service import demo

        if not self.is_empty() and not force:
            raise UserError(
                _("{path} already holds accounts (use --force to replace them)").format(
                    path=self.path
                )
            )
        if accounts < 1 or years < 1:
            raise UserError(_("accounts and years must be at least 1"))
        core = self.core
        chunks = demo.generate(
            accounts=accounts,
            years=years,
            seed=seed,
            today=core.today(),
            now=core.stored(core.now()),
            device_id=core.device_id,
        )
        counts: dict[str, int] = {}
        with core.lock, core.db.raw() as conn, conn:
            bulk.wipe(conn, demo.TABLES_CHILDREN_FIRST)
            # The tables are empty now: load without their indexes, built once at the end.
            with bulk.bulk_load(conn, demo.TABLES_CHILDREN_FIRST):
                for data in chunks:
                    for table, columns, rows in data.tables():
                        counts[table] = counts.get(table, 0) + bulk.insert_rows(
                            conn, table, columns, rows
                        )
        core.undo_stack.clear()
        core.data_changed()
        return counts


def open_portfolio(
    db_path: Path,
    *,
    clock: Clock = system_clock,
    tz: tzinfo | None = None,
    settings: Settings | None = None,
) -> Portfolio:
    """Open (creating or migrating) the database at `db_path`. Without `settings`, the
    settings file is read here, so a missing or bad file is seen before any screen."""
    if settings is None:
        from portfolio_tui.config import load_settings

        settings = load_settings(paths.config_file())
    core = Core(Database(db_path), clock=clock, tz=tz or local_zone(), settings=settings)
    return Portfolio(core)
