from datetime import date

from portfolio_tui.domain.aggregate import figures_from_sales
from portfolio_tui.domain.records import AccountFigures, SaleLine
from portfolio_tui.domain.window import Window

AS_OF = date(2026, 6, 30)
W12 = Window(AS_OF, 12)
NAMES = {"a": "Alpha", "b": "Beta"}


def test_empty():
    assert figures_from_sales([], W12, NAMES) == []


def test_sums_and_last_sale_in_the_window_only():
    sales = [
        SaleLine("a", date(2025, 6, 30), 1_000, 100),  # exactly 12 months before: out
        SaleLine("a", date(2025, 7, 1), 200, 50, "O1"),
        SaleLine("a", date(2026, 6, 30), 300, None, "O2"),  # as_of: in; missing margin is 0
        SaleLine("a", date(2026, 7, 1), 5_000, 500, "O3"),  # after as_of: out
    ]
    assert figures_from_sales(sales, W12, NAMES) == [
        AccountFigures("a", "Alpha", revenue=500, margin=50, orders=2, last_sale=date(2026, 6, 30))
    ]


def test_order_counting():
    d1, d2 = date(2026, 1, 10), date(2026, 2, 10)
    sales = [
        # the same order_ref on two lines, even on two dates: one order
        SaleLine("a", d1, 100, order_ref="R1"),
        SaleLine("a", d2, 100, order_ref="R1"),
        # two lines without order_ref on the same date: one order; another date: another
        SaleLine("a", d1, 100),
        SaleLine("a", d1, 100),
        SaleLine("a", d2, 100),
        # a ref that happens to look like a date is still its own order
        SaleLine("a", d1, 100, order_ref="2026-01-10"),
    ]
    (fig,) = figures_from_sales(sales, W12, NAMES)
    assert fig.orders == 4  # R1, "2026-01-10", (a, d1), (a, d2)
    assert fig.revenue == 600


def test_orders_without_ref_are_per_account():
    d = date(2026, 1, 10)
    sales = [SaleLine("a", d, 1), SaleLine("b", d, 1), SaleLine("b", d, 1, order_ref="X")]
    figs = figures_from_sales(sales, W12, NAMES)
    assert [(f.account_id, f.orders) for f in figs] == [("a", 1), ("b", 2)]


def test_accounts_without_sales_in_window_are_absent_and_unknown_names_fall_back():
    sales = [SaleLine("b", date(2020, 1, 1), 10), SaleLine("zz", date(2026, 1, 1), 7)]
    assert figures_from_sales(sales, W12, NAMES) == [
        AccountFigures("zz", "zz", 7, 0, 1, date(2026, 1, 1))
    ]


def test_all_window_and_negative_lines():
    sales = [SaleLine("a", date(2001, 1, 1), 100, 10), SaleLine("a", date(2002, 1, 1), -30, -3)]
    (fig,) = figures_from_sales(sales, Window(AS_OF, None), NAMES)
    assert (fig.revenue, fig.margin, fig.orders, fig.last_sale) == (70, 7, 2, date(2002, 1, 1))
