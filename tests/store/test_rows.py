"""Records read without the ORM carry the same values, of the same types, as the models."""

from __future__ import annotations

from pathlib import Path

from portfolio_tui.service import open_portfolio
from portfolio_tui.store import rows
from portfolio_tui.store.models import SYNCED_TABLES


def test_every_record_equals_its_model_field_by_field(demo_db_path: Path) -> None:
    with open_portfolio(demo_db_path) as pf:
        pf.routine.log_interaction("call", pf.reports.portfolio_rows()[0].account_id, "Point")
        with pf.db.session() as session, pf.db.raw() as conn:
            for model in SYNCED_TABLES:
                table = model.__tablename__
                records = rows.read(conn, table, f"1 ORDER BY {table}.id LIMIT 200", [])
                for record in records:
                    row = session.get(model, record.id)
                    assert row is not None
                    for name in model.model_fields:
                        mine, theirs = getattr(record, name), getattr(row, name)
                        assert (type(mine), mine) == (type(theirs), theirs), (table, name)


def test_sales_come_with_their_product_or_none(demo_db_path: Path) -> None:
    with open_portfolio(demo_db_path) as pf, pf.db.raw() as conn:
        account_id = conn.execute("SELECT account_id FROM sale LIMIT 1").fetchone()[0]
        conn.execute("UPDATE sale SET product_id = NULL WHERE rowid = (SELECT min(rowid) "
                     "FROM sale WHERE account_id = ?)", (account_id,))  # fmt: skip
        sales = rows.account_sales_with_family(conn, account_id)
    assert sales and [s.sold_on for s, _ in sales] == sorted((s.sold_on for s, _ in sales),
                                                             reverse=True)  # fmt: skip
    assert any(p is None for _, p in sales)
    for sale, product in sales:
        assert product is None or product.id == sale.product_id


def test_the_sql_fold_of_ascii_text_is_the_domain_fold() -> None:
    from portfolio_tui.domain.text import fold
    from portfolio_tui.store.queries import _fold_or_none

    ascii_text = "".join(chr(c) for c in range(128))
    assert _fold_or_none(ascii_text) == fold(ascii_text)
    for word in ("Électricité", "Œuvre Straße", "ﬁn", "Hôtel", "ABC d'Or"):
        assert _fold_or_none(word) == fold(word)
