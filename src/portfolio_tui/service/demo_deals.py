"""The demo portfolio's deals: about 2.5 an account. Clients carry won and lost deals over the
years and open upsells; prospects carry open deals in the stage their warmth suggests, some
rotting in it, some past their expected close; lost accounts, the deals they once won and the
one they lost. Drawn from a random stream of their own, so the rest of the demo is unchanged.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from portfolio_tui.i18n import N_, gettext
from portfolio_tui.store.ids import uuid4_of

DEAL_COLUMNS = (
    "id", "created_at", "updated_at", "device_id", "clocks", "account_id", "title", "amount",
    "probability", "stage", "expected_close", "family", "lost_reason", "created_on",
    "closed_on", "notes",
)  # fmt: skip
DEAL_STAGE_COLUMNS = (
    "id", "created_at", "updated_at", "device_id", "clocks", "deal_id", "from_stage",
    "to_stage", "at",
)  # fmt: skip
NEXT_ACTION_COLUMNS = (
    "id", "created_at", "updated_at", "device_id", "clocks", "account_id", "deal_id", "title",
    "due_on",
)  # fmt: skip
OPEN = ("qualification", "proposal", "negotiation")
DEFAULT_PROBABILITY = {"qualification": 10, "proposal": 30, "negotiation": 60}
# Which open stage a prospect's deals sit in, by the account's stage.
OPEN_STAGE_WEIGHTS = {
    "suspect": (1, 0, 0),
    "cold": (3, 1, 0),
    "warm": (2, 3, 1),
    "hot": (1, 2, 3),
    "client": (2, 2, 1),
}
# How many deals, by account stage: (closed ones, open ones) as choices.
DEAL_COUNTS = {
    "client": ((1, 2, 2, 3, 3, 4), (0, 1, 1, 1, 2)),
    "lost": ((1, 2, 2, 3), (0,)),
    "hot": ((0, 1), (1, 2, 2)),
    "warm": ((0, 0, 1), (1, 2)),
    "cold": ((0, 0, 1), (1, 1, 2)),
    "suspect": ((0,), (0, 1)),
}
LOST_REASONS = ("price", "competitor", "timing", "no_budget", "no_decision", "other")
LOST_WEIGHTS = (5, 4, 3, 3, 2, 1)
# English msgids, written in the chosen language (picked before translating: same data).
TITLES = (N_("Project"), N_("Renewal"), N_("Extension"), N_("Call for tenders"), N_("Equipment"),
          N_("Upgrade"))  # fmt: skip
UPSELL_TITLES = (N_("Extension"), N_("Move upmarket"), N_("New site"), N_("Renewal"))
NEXT_ACTIONS = (N_("Chase the quote"), N_("Send the proposal"), N_("Book the signature"),
                N_("Present the offer to the committee"))  # fmt: skip
AMOUNTS = (1_500, 3_000, 6_000, 12_000, 25_000, 60_000)  # euros


@dataclass
class DealRows:
    deals: list[tuple] = field(default_factory=list)
    moves: list[tuple] = field(default_factory=list)
    next_actions: list[tuple] = field(default_factory=list)


class DemoDeals:
    """Deals for one account after another, deterministic by seed."""

    def __init__(
        self, seed: int, today: date, stamp: str, device_id: str, families: dict[str, tuple]
    ) -> None:
        self.rng = random.Random(f"deals:{seed}")
        self.today = today
        self.stamp = stamp
        self.device_id = device_id
        self.families = families  # family → product names
        self.rows = DealRows()

    def take(self) -> DealRows:
        """The rows made since the last call."""
        rows, self.rows = self.rows, DealRows()
        return rows

    def _meta(self) -> tuple:
        row_id = uuid4_of(self.rng.getrandbits(128))
        return (row_id, self.stamp, self.stamp, self.device_id, "{}")

    def _at(self, day: date) -> str:
        day = min(day, self.today - timedelta(days=1))
        return datetime.combine(day, time(self.rng.randint(8, 17), 15)).isoformat(sep=" ")

    def for_account(self, account_id: str, stage: str, since: date, until: date) -> None:
        """Deals of an account in `stage` that was worked from `since` to `until`."""
        closed_counts, open_counts = DEAL_COUNTS[stage]
        for _ in range(self.rng.choice(closed_counts)):
            won = stage in ("client", "lost") and self.rng.random() < 0.6
            self._closed(account_id, since, until, won)
        if stage == "lost":
            self._closed(account_id, until - timedelta(days=90), until, won=False)
        for _ in range(self.rng.choice(open_counts)):
            self._open(account_id, stage)

    def _title(self, upsell: bool) -> tuple[str, str]:
        family = self.rng.choice(sorted(self.families))
        product = self.rng.choice(self.families[family])
        words = UPSELL_TITLES if upsell else TITLES
        return f"{gettext(self.rng.choice(words))} — {product}", family

    def _amount(self) -> int:
        return int(self.rng.choice(AMOUNTS) * self.rng.uniform(0.8, 1.4)) * 100

    def _closed(self, account_id: str, since: date, until: date, won: bool) -> None:
        rng = self.rng
        last_start = max(since, min(until, self.today) - timedelta(days=20))
        created = since + timedelta(days=rng.randint(0, max(0, (last_start - since).days)))
        closed = min(created + timedelta(days=rng.randint(10, 120)), self.today - timedelta(1))
        closed = max(closed, created)
        title, family = self._title(upsell=False)
        stage = "won" if won else "lost"
        reason = None if won else rng.choices(LOST_REASONS, LOST_WEIGHTS)[0]
        meta = self._meta()
        self.rows.deals.append(
            (*meta, account_id, title, self._amount(), None, stage, closed.isoformat(), family,
             reason, created.isoformat(), closed.isoformat(), "")
        )  # fmt: skip
        reached = rng.choice(OPEN)
        path = [None, *OPEN[: OPEN.index(reached) + 1], stage]
        self._history(meta[0], path, created, closed)

    def _open(self, account_id: str, account_stage: str) -> None:
        rng = self.rng
        stage = rng.choices(OPEN, OPEN_STAGE_WEIGHTS[account_stage])[0]
        created = self.today - timedelta(days=rng.randint(5, 150))
        # A third sit still in their stage for weeks: some of them rot there.
        entered = created + timedelta(days=rng.randint(0, max(0, (self.today - created).days - 1)))
        if rng.random() < 0.35:
            entered = min(entered, self.today - timedelta(days=rng.randint(25, 60)))
            entered = max(entered, created)
        close = None if rng.random() < 0.1 else self.today + timedelta(rng.randint(-30, 150))
        probability = None
        if rng.random() < 0.3:
            probability = max(5, min(95, DEFAULT_PROBABILITY[stage] + rng.choice((-10, 10, 20))))
        title, family = self._title(upsell=account_stage == "client")
        meta = self._meta()
        self.rows.deals.append(
            (*meta, account_id, title, self._amount(), probability, stage,
             close.isoformat() if close else None, family, None, created.isoformat(), None, "")
        )  # fmt: skip
        self._history(meta[0], [None, *OPEN[: OPEN.index(stage) + 1]], created, entered)
        if rng.random() < 0.5:
            due = self.today + timedelta(days=rng.randint(-5, 14))
            self.rows.next_actions.append(
                (
                    *self._meta(),
                    account_id,
                    meta[0],
                    gettext(rng.choice(NEXT_ACTIONS)),
                    due.isoformat(),
                )
            )

    def _history(self, deal_id: str, path: list[str | None], first: date, last: date) -> None:
        """Stage changes along `path`: the first on `first`, the last on `last`."""
        steps = list(pairwise(path))
        span = max(0, (last - first).days)
        middle = sorted(self.rng.randint(0, span) for _ in steps[1:-1])
        when = [first, *(first + timedelta(days=d) for d in middle), last][: len(steps)]
        for (before, after), day in zip(steps, when, strict=True):
            self.rows.moves.append((*self._meta(), deal_id, before, after, self._at(day)))
