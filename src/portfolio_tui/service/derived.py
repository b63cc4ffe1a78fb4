"""Figures derived from the book, kept under the version of what they read (`store/derived.py`):
in memory, and in the cache file so a new process (the app's start, `portfolio today`, `show`)
reads them back instead of computing them again. The BG/NBD fit, the window's figures, the
badges and the alerts read the sales (the *sales version*); the agenda, the activity index, the
white space, the KPIs, the clients report and the Portfolio rows declare the tables they read
(`kept_read`, `Core.tables_version`). The BG/NBD fit of the book took ~3 s of the ~3.3 s the
Today screen needed on 20,000 accounts and a million sales lines; the agenda ~0.9 s more.

A kept value is read back only at the same version and portfolio file (`file_stamp`), the same
format (`FORMAT`, bumped with any change to what is kept or how it is computed) and the same
program version; anything else, or a value that can't be read back, is computed again and kept
in its place.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Any, TypeVar

from portfolio_tui import __version__
from portfolio_tui.domain.clv import BgNbdParams, ClientClv, ClvFit, ClvResult
from portfolio_tui.domain.records import AccountFigures
from portfolio_tui.domain.rfm import RfmScore
from portfolio_tui.domain.window import Window
from portfolio_tui.i18n import current_language
from portfolio_tui.service import cache_pickle
from portfolio_tui.service.core import Core
from portfolio_tui.service.views import Agenda
from portfolio_tui.store import derived, queries

T = TypeVar("T")
FORMAT = 4


def kept(
    core: Core,
    kind: str,
    key: str,
    version: str,
    compute: Callable[[], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    """The value of `kind` for `key` at sales `version` (`Core.fresh_caches`): kept in memory
    for this process, read back from the cache file, or computed and kept in both
    (`encode` / `decode`: to and from plain JSON values)."""

    def dump(value: T) -> bytes:
        return json.dumps(encode(value), separators=(",", ":")).encode()

    return _kept(core, kind, key, version, compute, dump, lambda raw: decode(json.loads(raw)))


def kept_object(
    core: Core, kind: str, key: str, version: str, compute: Callable[[], T], *, in_file: bool = True
) -> T:
    """As `kept`, for a value made of the project's own records (dataclasses, enums, dates):
    kept as a pickle, read back only with the classes `cache_pickle` allows. Not `in_file`:
    kept in memory only."""
    if not in_file:
        return _in_memory(core, kind, f"{kind}|{key}", version, compute)
    return _kept(core, kind, key, version, compute, cache_pickle.dumps, cache_pickle.loads)


def _kept(
    core: Core,
    kind: str,
    key: str,
    version: str,
    compute: Callable[[], T],
    dump: Callable[[T], bytes],
    load: Callable[[bytes], T],
) -> T:
    name = f"{kind}|{key}"

    def from_file() -> T:
        kept_as = f"{version}|{FORMAT}|{__version__}"
        stamp = derived.file_stamp(core.db.path)
        blob = core.cache_file.read(name, kept_as, stamp)
        if blob is not None:
            try:
                return load(zlib.decompress(blob))
            except (zlib.error, ValueError, TypeError, KeyError, IndexError, AttributeError,
                    cache_pickle.UnpicklingError):  # fmt: skip
                pass  # not what this version writes: computed again below
        value = compute()
        core.cache_file.write(kind, name, kept_as, stamp, zlib.compress(dump(value), 1))
        return value

    return _in_memory(core, kind, name, version, from_file)


def _in_memory(core: Core, kind: str, name: str, version: str, compute: Callable[[], T]) -> T:
    key = (version, name)
    if key in core.kept_cache:
        return core.kept_cache[key]  # type: ignore[no-any-return]
    with core.computing(key):  # computed once when two threads ask at the same time
        if key in core.kept_cache:
            return core.kept_cache[key]  # type: ignore[no-any-return]
        value = compute()
        # One version of each kind in memory, as in the file. The app's loads run on threads:
        # the keys are copied at once (`list`), and another thread may have dropped one.
        for stale in [k for k in list(core.kept_cache) if k[1].startswith(kind + "|")]:
            if stale[0] != version:
                core.kept_cache.pop(stale, None)
                core.kept_locks.pop(stale, None)
        core.kept_cache[key] = value
    return value


# --- the BG/NBD fit and the scores: floats as JSON writes them (repr) come back exactly ---------


def clv_to_json(result: ClvResult) -> dict[str, Any]:
    fit, params = result.fit, result.fit.params
    return {
        "params": None if params is None else [params.r, params.alpha, params.a, params.b],
        "fit": [fit.log_likelihood, fit.reason, fit.iterations, fit.clients, fit.repeat_clients],
        "clients": [
            [c.account_id, c.orders, c.repeat_orders, c.recency_weeks, c.age_weeks, c.p_alive,
             c.expected_orders_90d]
            for c in result.clients
        ],
    }  # fmt: skip


def clv_from_json(data: dict[str, Any]) -> ClvResult:
    params = None if data["params"] is None else BgNbdParams(*map(float, data["params"]))
    log_likelihood, reason, iterations, clients, repeat_clients = data["fit"]
    fit = ClvFit(params, log_likelihood, reason, iterations, clients, repeat_clients)
    return ClvResult(fit, tuple(_client(row) for row in data["clients"]))


def _client(row: list[Any]) -> ClientClv:
    account_id, orders, repeat_orders, recency, age, alive, expected = row
    return ClientClv(
        account_id, orders, repeat_orders, float(recency), float(age),
        None if alive is None else float(alive), None if expected is None else float(expected),
    )  # fmt: skip


# --- the window's figures, per account ------------------------------------------------------------


def kept_figures(core: Core, window: Window) -> list[AccountFigures]:
    """`ReportCases.figures`: the window's GROUP BY over the sales, once per sales version."""

    def read() -> list[AccountFigures]:
        with core.db.raw() as conn:
            return queries.account_figures(conn, window.start, window.as_of)

    key = f"{window.start}|{window.as_of}"
    return kept(core, "figures", key, core.fresh_caches(), read, figures_to_json, figures_from_json)


def figures_to_json(figures: list[AccountFigures]) -> list[list[Any]]:
    return [
        [f.account_id, f.name, f.revenue, f.margin, f.orders,
         None if f.last_sale is None else f.last_sale.isoformat()]
        for f in figures
    ]  # fmt: skip


def figures_from_json(rows: list[list[Any]]) -> list[AccountFigures]:
    return [
        AccountFigures(account_id, name, revenue, margin, orders,
                       None if last is None else date.fromisoformat(last))
        for account_id, name, revenue, margin, orders, last in rows
    ]  # fmt: skip


# --- what an Account card shows of the whole book, per account ------------------------------------

# (ABC class, RFM score, P(alive)) of an account; None where it has none.
CardBadges = tuple[str | None, RfmScore | None, float | None]
NO_BADGES: CardBadges = (None, None, None)


def kept_card_badges(
    core: Core, window: Window, compute: Callable[[], dict[str, CardBadges]]
) -> dict[str, CardBadges]:
    """Every account's badges: one card needs the whole book's classes, scores and fit, which
    `portfolio show` would otherwise compute again at each start (~0.12 s on 20,000 accounts).
    Kept per sales version, window, day and settings (the ABC thresholds, the penalizer); as a
    pickle (read back as JSON it took ~0.12 s of `show`'s time, for one card)."""
    settings = zlib.crc32(repr(core.settings).encode())
    key = f"{window.start}|{window.as_of}|{core.today()}|{settings}"
    return kept_object(core, "badges", key, core.fresh_caches(), compute)


# --- what the screens read of the whole book ----------------------------------------------------


def kept_read(
    core: Core,
    kind: str,
    key: tuple[object, ...],
    tables: Sequence[str],
    compute: Callable[[], T],
    *,
    in_file: bool = True,
) -> T:
    """`compute()`, kept per version of the sales and of `tables` (`Core.tables_version`),
    `key` (what it was asked for: the day, the period…), the language (some values hold words)
    and the settings: the next process, or this one after a write elsewhere, reads it back
    (`in_file`; else only this process)."""
    version = core.tables_version(*tables)
    name = "|".join(map(str, (*key, *_reading_context(core))))
    return kept_object(core, kind, name, version, compute, in_file=in_file)


def _reading_context(core: Core) -> tuple[object, ...]:
    """What a value read from the book depends on beside the book: the language (some values
    hold words), the zone and the settings."""
    return current_language(), core.tz, digest(core.settings)


def data_stamp(core: Core) -> str:
    """What the screens read depends on, in one string: the version of every table of the book
    (moved by any write, by anyone), the day and the reading context. The same stamp, the same
    data: a screen shown again reads nothing when its stamp did not move (~0.1 ms to read)."""
    version = core.tables_version(*derived.BOOK_TABLES)
    return "|".join(map(str, (version, core.today(), *_reading_context(core))))


def digest(value: object) -> str:
    """A short stand-in for `value` (settings, a list of accounts) in a key."""
    return hashlib.blake2b(repr(value).encode(), digest_size=12).hexdigest()


def kept_last_contacts(core: Core) -> dict[str, date]:
    """The local day of each account's last live interaction, kept per version of them: the
    Portfolio rows and Today's agenda show it (~0.15 s to read on 20,000 accounts)."""
    read = partial(_read_last_contacts, core)
    return kept_read(core, "last_contact", (), ("interaction",), read)


def _read_last_contacts(core: Core) -> dict[str, date]:
    with core.db.raw() as conn:
        last = queries.last_interactions(conn)
    return {account_id: core.local(at).date() for account_id, at in last.items()}


def kept_agenda(core: Core, compute: Callable[[], Agenda]) -> Agenda:
    """Today's agenda, kept per book version (any write to the file) and day: `portfolio
    today` and the app's start read it back instead of going through every follow-up, deal and
    contact again (~0.9 s on 20,000 accounts)."""
    return kept_read(core, "agenda", (core.today(),), derived.BOOK_TABLES, compute)


def kept_agenda_output(core: Core, key: tuple[object, ...], render: Callable[[], str]) -> str:
    """What a face prints of today's agenda (`render`; `key` holds what else it depends on:
    the format, the terminal's width), kept as the agenda is: `portfolio today` prints it
    again without reading back and laying out ~22,000 rows (~0.2 s on 20,000 accounts)."""
    return kept_read(core, "agenda_output", (core.today(), *key), derived.BOOK_TABLES, render)
