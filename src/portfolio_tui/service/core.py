"""What every use-case family shares: the database, settings, clock and zone, the one writer
(which makes undo a single mechanism), look-ups by reference, and the cached figures."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portfolio_tui import paths
from portfolio_tui.domain.cadence import Cadence
from portfolio_tui.domain.clv import ClvResult
from portfolio_tui.domain.dates import When, parse_when
from portfolio_tui.domain.settings import Settings, SettingsError
from portfolio_tui.domain.workdays import WorkingCalendar
from portfolio_tui.errors import Ambiguous, FutureDate, NotFound, PastDate
from portfolio_tui.i18n import _, pgettext
from portfolio_tui.service.views import AccountView
from portfolio_tui.store import derived, queries, rows
from portfolio_tui.store.database import Database
from portfolio_tui.store.writes import ChangeSet, Writer

if TYPE_CHECKING:  # the models come with the ORM, loaded by the first write (store/database.py)
    from portfolio_tui.store.models import Account, FollowUp

Clock = Callable[[], datetime]
UNDO_DEPTH = 100


def system_clock() -> datetime:
    return datetime.now(UTC)


def local_zone(setting: str = "") -> tzinfo:
    """The user's IANA zone, with its summer and winter rules: the `timezone` setting, else
    `TZ`, else the zone `/etc/localtime` links to, else UTC."""
    if setting:
        try:
            return ZoneInfo(setting)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"unknown time zone {setting!r}", key="timezone") from None
    for name in (os.environ.get("TZ", "").removeprefix(":"), _linked_zone_name()):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return UTC


def _linked_zone_name(link: str = "/etc/localtime") -> str:
    """ "Europe/Paris" when /etc/localtime links to …/zoneinfo/Europe/Paris; "" otherwise."""
    try:
        target = os.path.realpath(link)
    except OSError:
        return ""
    _, marker, name = target.partition("/zoneinfo/")
    return name if marker else ""


class Core:
    """One open portfolio database and the time it is worked in."""

    db: Database
    settings: Settings
    tz: tzinfo
    cadence_rules: Cadence
    calendar: WorkingCalendar
    device_id: str
    lock: threading.RLock
    undo_stack: list[ChangeSet]
    # Keyed by the sales version they were computed at first: a value a load still running
    # computes from an older version is never taken for the current one.
    churn_cache: dict[tuple[str, date, float], ClvResult]  # (…, as_of, penalizer) → the fit
    kept_cache: dict[tuple[str, str], Any]  # (…, name) → what `service.derived.kept` gave
    kept_locks: dict[tuple[str, str], threading.Lock]  # held while one is being computed
    cache_version: str | None  # the sales version the caches above are forgotten at moving
    cache_file: derived.CacheFile  # where they are kept for the next process

    def __init__(self, db: Database, *, clock: Clock, tz: tzinfo, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        # The `timezone` setting overrides the zone the caller found (TZ, /etc/localtime).
        self.tz = local_zone(settings.timezone) if settings.timezone else tz
        self._clock = clock
        self.lock = threading.RLock()
        self.undo_stack = []
        self.churn_cache = {}
        self.kept_cache = {}
        self.kept_locks = {}
        self._kept_locks_guard = threading.Lock()
        self.cache_version = None
        self.cache_file = derived.CacheFile(paths.derived_cache_file(db.path))
        self.cadence_rules = Cadence(
            by_class=dict(settings.cadence_by_class), by_stage=dict(settings.cadence_by_stage)
        )
        self.calendar = WorkingCalendar(frozenset(settings.working_days))
        self.device_id = self._ensure_device_id()

    @property
    def path(self) -> Path:
        return self.db.path

    # --- time -------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The current local time, aware."""
        return self._clock().astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()

    def stored(self, moment: datetime) -> datetime:
        """Aware → naive UTC, as the database keeps instants."""
        return moment.astimezone(UTC).replace(tzinfo=None)

    def local(self, stored: datetime) -> datetime:
        """A stored (naive UTC) instant in the local zone."""
        if stored.tzinfo is None:
            stored = stored.replace(tzinfo=UTC)
        return stored.astimezone(self.tz)

    def parse_when(self, phrase: str) -> When:
        return parse_when(phrase, self.now())

    def start_of(self, when: When) -> datetime:
        """When a `When` starts: its time, or the local midnight of an all-day one."""
        return when.at(self.tz) or datetime.combine(when.day, time(0), self.tz)

    def refuse_past(self, what: str, when: When, allow_past: bool) -> None:
        """PastDate for a day before today, or a time before now (unless allowed)."""
        if allow_past:
            return
        moment = when.at(self.tz)
        if moment is None and when.day < self.today():
            raise PastDate(what, when.day)
        if moment is not None and moment < self.now().replace(second=0, microsecond=0):
            raise PastDate(what, moment)

    def refuse_future(self, what: str, moment: datetime, allow_future: bool) -> None:
        """FutureDate for an instant after now (unless allowed)."""
        if not allow_future and moment > self.now():
            raise FutureDate(what, moment)

    def working_day_phrase(self, days: int) -> str:
        """ "+Nd": at least `days` days from today, moved on to the next working day."""
        target = self.calendar.next_working_day(date.fromordinal(self.today().toordinal() + days))
        return f"+{(target - self.today()).days}d"

    # --- writes and undo --------------------------------------------------------------------

    def _ensure_device_id(self) -> str:
        with self.db.raw() as conn:
            found = queries.device_id(conn)
            if found is None:
                with conn:
                    found = queries.ensure_device_id(conn, queries.new_device_id())
            return found

    @contextmanager
    def write(self, label: str) -> Iterator[Writer]:
        """One transaction; what it changed becomes one undo step."""
        with self.lock, self.stamped_along(), self.db.transaction() as session:
            writer = Writer(session, self.device_id, self.stored(self.now()), label)
            yield writer
        self.after_write(writer.changeset)

    @contextmanager
    def stamped_along(self) -> Iterator[None]:
        """Around a write of this process, or the close: it changes the file's stamp
        (`store/derived.file_stamp`, which tells this file from another put in its place), so
        what was kept at the stamp before is stamped with the one after. Their versions still
        say whether the write touched what they read: the values it did not touch (the sales'
        figures after a call logged) are read back at the next start."""
        before = derived.file_stamp(self.db.path)
        yield
        after = derived.file_stamp(self.db.path)
        if after != before:
            self.cache_file.restamp(before, after)

    def after_write(self, changeset: ChangeSet | None) -> None:
        # The cached figures stay: `sales_version` tells whether the write touched the sales.
        if changeset is not None and changeset.changes:
            self.undo_stack.append(changeset)
            del self.undo_stack[:-UNDO_DEPTH]

    def computing(self, key: tuple[str, str]) -> threading.Lock:
        """The lock held while the kept value `key` is computed: a second thread asking for
        it waits for the first instead of computing it too (the app reads the Portfolio's rows
        in the background, and the rep may open the Portfolio meanwhile)."""
        with self._kept_locks_guard:
            return self.kept_locks.setdefault(key, threading.Lock())

    def data_changed(self) -> None:
        """Forget the cached figures (they would be forgotten at the next read anyway when the
        sales version moved; this also drops them when it did not)."""
        self.churn_cache.clear()
        self.kept_cache.clear()
        self.kept_locks.clear()
        self.cache_version = None

    def sales_version(self) -> str:
        """The version of what the figures, badges and churn fit read (`store/derived.py`):
        it moves with every write to the sales or the accounts' names, by anyone."""
        with self.db.raw() as conn:
            return derived.sales_version(conn)

    def close(self) -> None:
        """Close the file: closing its last connection copies the write-ahead log into it (a
        checkpoint), which changes its stamp, not what it holds (`stamped_along`)."""
        with self.stamped_along():
            self.db.dispose()

    def tables_version(self, *tables: str) -> str:
        """The version of the sales and of `tables` (of `store/derived.BOOK_TABLES`): moved by
        any write to them, by anyone."""
        with self.db.raw() as conn:
            return derived.tables_version(conn, tables)

    def fresh_caches(self) -> str:
        """The sales version now, the cached figures forgotten first if they were filled at
        another one (a write here or in another process, an import, a sync, an undo)."""
        version = self.sales_version()
        if version != self.cache_version:
            self.data_changed()
            self.cache_version = version
        return version

    def undo(self) -> str | None:
        """Revert the last change made through this portfolio; returns its label."""
        if not self.undo_stack:
            return None
        changeset = self.undo_stack[-1]
        with self.lock, self.stamped_along(), self.db.transaction() as session:
            Writer(session, self.device_id, self.stored(self.now()), "undo").revert(changeset)
        self.undo_stack.pop()
        return changeset.label

    # --- look-ups ---------------------------------------------------------------------------

    def account(self, session: Any, ref: str) -> Account:
        """The account `ref` names, as a model for a write in `session`."""
        return _one_account(queries.find_accounts(session, ref), ref)

    def account_record(self, conn: Any, ref: str) -> Any:
        """The account `ref` names, read without the ORM (a `store.rows.Record`)."""
        return _one_account(rows.accounts_by_id(conn, queries.find_account_ids(conn, ref)), ref)

    def resolve_account(self, ref: str) -> AccountView:
        with self.db.raw() as conn:
            return account_view(self.account_record(conn, ref))

    def follow_up(self, session: Any, ref: str) -> FollowUp:
        found = queries.find_follow_ups(session, ref)
        if not found:
            raise NotFound(_("no follow-up with id {ref!r}").format(ref=ref))
        if len(found) > 1:
            raise Ambiguous(_("follow-up id"), ref, [f"{f.id[:8]} {f.title}" for f in found])
        return found[0]

    def contact_id(self, session: Any, account: Account, name: str | None) -> str | None:
        if not name:
            return None
        found = queries.find_contact(session, account.id, name)
        if not found:
            raise NotFound(
                _("{account} has no contact named {name!r}").format(account=account.name, name=name)
            )
        if len(found) > 1:
            raise Ambiguous(pgettext("ambiguous", "contact"), name, [c.name for c in found])
        return found[0].id


def _one_account(found: list[Any], ref: str) -> Any:
    if not found:
        raise NotFound(_("no account matches {ref!r}").format(ref=ref))
    if len(found) > 1:
        raise Ambiguous(_("account"), ref, [f"{a.name} ({a.id[:8]})" for a in found])
    return found[0]


def account_view(a: Any) -> AccountView:
    """The view of an account, a model or a record (`store.rows.Record`)."""
    return AccountView(
        account_id=a.id,
        name=a.name,
        stage=a.stage,
        legal_id=a.legal_id,
        sector=a.sector,
        size_band=a.size_band,
        city=a.city,
        region=a.region,
        source=a.source,
        potential=a.potential,
        accessibility=a.accessibility,
        risk_level=a.risk_level,
        nps_score=a.nps_score,
        nps_date=a.nps_date,
        tags=a.tags,
        notes=a.notes,
        custom_fields=json.loads(a.custom_fields or "{}"),
    )
