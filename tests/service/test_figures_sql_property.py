"""The store's SQL aggregate and the domain's reference agree on any sales history."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio_tui.domain.aggregate import figures_from_sales
from portfolio_tui.domain.records import SaleLine
from portfolio_tui.domain.window import Window
from portfolio_tui.store import bulk, queries
from portfolio_tui.store.database import Database

AS_OF = date(2026, 11, 22)
ACCOUNTS = ("a1", "a2", "a3", "a4")
BOOKKEEPING = ("id", "created_at", "updated_at", "device_id", "clocks")
ROW_STAMPS = ("2026-01-01 00:00:00.000000", "2026-01-01 00:00:00.000000", "device", "{}")

sale_lines = st.lists(
    st.builds(
        SaleLine,
        account_id=st.sampled_from(ACCOUNTS),
        date=st.integers(-800, 30).map(lambda d: AS_OF + timedelta(days=d)),
        amount=st.integers(-50_000, 5_000_000),
        margin=st.one_of(st.none(), st.integers(-1_000, 1_000_000)),
        order_ref=st.sampled_from((None, "", "O1", "O2", "O3")),
    ),
    max_size=40,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sales=sale_lines, months=st.sampled_from((None, 1, 12, 24)))
def test_sql_figures_match_the_reference(tmp_path: Path, sales: list[SaleLine], months) -> None:
    db = Database(tmp_path / f"{uuid.uuid4()}.db")
    names = {a: a.upper() for a in ACCOUNTS}
    try:
        with db.raw() as conn, conn:
            bulk.insert_rows(
                conn, "account", (*BOOKKEEPING, "name", "stage", "tags", "notes", "custom_fields"),
                [(a, *ROW_STAMPS, names[a], "client", "", "", "{}") for a in ACCOUNTS],
            )  # fmt: skip
            bulk.insert_rows(
                conn, "sale",
                (*BOOKKEEPING, "account_id", "sold_on", "amount", "margin", "order_ref"),
                [(str(uuid.uuid4()), *ROW_STAMPS, s.account_id, s.date.isoformat(), s.amount,
                  s.margin, s.order_ref) for s in sales],
            )  # fmt: skip
        window = Window(AS_OF, months)
        with db.raw() as conn:
            got = queries.account_figures(conn, window.start, window.as_of)
        expected = figures_from_sales(sales, window, names)
        assert sorted(got, key=lambda f: f.account_id) == sorted(
            expected, key=lambda f: f.account_id
        )
    finally:
        db.dispose()
