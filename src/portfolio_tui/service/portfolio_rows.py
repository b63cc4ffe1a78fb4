"""The Portfolio's rows, one per live account, made of pieces kept apart: a write recomputes the
pieces that read what it touched, not the whole book.

- the words of each account (name, stage, city, sector, tags, contacts) with what the `/`
  filter and the sort by name need of them, folded once: kept per version of the accounts and
  contacts (folding 20,000 accounts' words took ~1.3 s of the ~2.6 s the rows cost);
- the window's revenue and the badges: kept per sales version (`derived`);
- the day of each account's last contact: kept per version of the interactions (shared with
  Today's agenda: `derived.kept_last_contacts`);
- the next follow-up: read at each making (one indexed pass, ~0.1 s).

The rows themselves are kept in memory only: writing 20,000 of them to the cache file took
~0.6 s at each making, more than making them again from the kept pieces. A follow-up snoozed,
the most common write, reads the follow-ups again and nothing else.
"""

from __future__ import annotations

from functools import partial

from portfolio_tui.domain.text import fold, sort_key
from portfolio_tui.service.core import Core
from portfolio_tui.service.derived import NO_BADGES, CardBadges, kept_last_contacts, kept_read
from portfolio_tui.service.views import PortfolioRow, row_words
from portfolio_tui.store import queries

# (id, name, stage, city, sector, tags, contacts, folded words, name's sort key), by name.
AccountWords = tuple[
    str, str, str, str | None, str | None, str, tuple[str, ...], str, tuple[str, str]
]
_WORDS_TABLES = ("account", "contact")


def kept_words(core: Core) -> list[AccountWords]:
    """Every live account's words, by name, kept per version of the accounts and contacts."""
    return kept_read(core, "portfolio_words", (), _WORDS_TABLES, partial(_read_words, core))


def _read_words(core: Core) -> list[AccountWords]:
    with core.db.raw() as conn:
        contacts = queries.contact_names(conn)
        accounts = queries.account_list_fields(conn)
    words = []
    for account_id, name, stage, city, sector, tags in accounts:
        names = tuple(contacts.get(account_id, ()))
        folded = fold(row_words(name, city, sector, tags or "", names))
        words.append((account_id, name, stage, city, sector, tags or "", names, folded,
                      sort_key(name)))  # fmt: skip
    return words


def make_rows(
    core: Core, revenue: dict[str, int], badges: dict[str, CardBadges]
) -> list[PortfolioRow]:
    """A row per live account, by name, from the kept pieces and the next follow-ups read now;
    `revenue` and `badges`: the window's, per account."""
    words = kept_words(core)
    last = kept_last_contacts(core)
    with core.db.raw() as conn:
        upcoming = queries.next_follow_ups(conn)
    rows = []
    for account_id, name, stage, city, sector, tags, contacts, folded, name_key in words:
        follow_up = upcoming.get(account_id)
        abc, rfm, alive = badges.get(account_id, NO_BADGES)
        rows.append(
            PortfolioRow(
                account_id=account_id,
                name=name,
                stage=stage,
                abc=abc,
                rfm=rfm,
                revenue=revenue.get(account_id, 0),
                last_contact=last.get(account_id),
                next_follow_up=follow_up[0] if follow_up else None,
                next_follow_up_title=follow_up[1] if follow_up else None,
                city=city,
                sector=sector,
                tags=tags,
                contacts=contacts,
                p_alive=alive,
                folded=folded,
                name_key=name_key,
            )
        )
    return rows
