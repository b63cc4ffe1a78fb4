import json
from datetime import date

import pytest

from portfolio_tui.domain.kpis import (
    AccountAmount,
    FunnelStep,
    KpiInputs,
    SegmentCoverage,
    compute_kpis,
)
from portfolio_tui.domain.periods import period_of
from portfolio_tui.domain.records import AccountInfo, StageMove

AS_OF = date(2026, 6, 30)
YEAR = period_of(AS_OF)  # 2026, counted up to 2026-06-30, against the whole of 2025
# The figures below compare with the whole previous period (`previous="full"`); the
# like-for-like default is tested in test_like_for_like.py.


def acc(account_id, name, stage, sector=None):
    return AccountInfo(account_id, name, stage, {"sector": sector})


ACCOUNTS = [
    acc("a", "Acme", "client", "Industry"),
    acc("b", "Bolt", "client", "Retail"),
    acc("c", "Cora", "client", "Industry"),
    acc("d", "Dune", "client"),
    acc("e", "Echo", "lost", "Retail"),
    acc("f", "Fern", "hot", "Industry"),
    acc("g", "Gala", "cold", ""),
    acc("h", "Hale", "warm", "Retail"),
]


def mv(account_id, from_stage, to_stage, on):
    return StageMove(account_id, from_stage, to_stage, on)


MOVES = [
    mv("d", None, "suspect", date(2025, 6, 1)),
    mv("d", "suspect", "cold", date(2025, 9, 1)),
    mv("d", "cold", "warm", date(2026, 1, 15)),
    mv("d", "warm", "client", date(2026, 2, 10)),  # jumps over hot
    mv("f", None, "suspect", date(2026, 3, 1)),
    mv("f", "suspect", "cold", date(2026, 3, 10)),
    mv("f", "cold", "warm", date(2026, 4, 1)),
    mv("f", "warm", "hot", date(2026, 5, 1)),
    mv("g", None, "cold", date(2024, 1, 1)),
    mv("e", "client", "lost", date(2026, 4, 1)),
    mv("h", None, "warm", date(2025, 1, 1)),
    mv("h", "warm", "cold", date(2026, 2, 1)),
    mv("h", "cold", "warm", date(2026, 3, 1)),
    mv("zz", "cold", "client", date(2026, 2, 1)),  # a deleted account: ignored
]


def portfolio(**changes) -> KpiInputs:
    values = dict(
        as_of=AS_OF,
        period=YEAR,
        accounts=ACCOUNTS,
        revenue_before={"a": 10_000, "b": 5_000, "c": 3_000, "e": 2_000, "zz": 99_999},
        # c only has a credit note this year: not active
        revenue_now={"a": 12_000, "b": 4_000, "c": -500, "d": 3_000, "zz": 99_999},
        first_sale={
            "a": date(2020, 3, 1),
            "b": date(2025, 12, 31),  # the day before the period: not new
            "c": date(2023, 1, 1),
            "d": date(2026, 2, 10),  # new
            "e": date(2022, 1, 1),
            "zz": date(2026, 3, 1),  # deleted: ignored
        },
        revenue_by_family_now={
            ("a", "Software"): 10_000,
            ("a", "Services"): 2_000,
            ("b", "Software"): 4_000,
            ("c", "Services"): -500,
            ("d", "—"): 3_000,
            ("zz", "Software"): 99_999,
        },
        stage_moves=MOVES,
        abc_classes={"a": "A", "b": "A", "c": "B", "d": "C", "zz": "A"},
        previous="full",
    )
    values.update(changes)
    return KpiInputs(**values)


def test_clients_hand_computed():
    k = compute_kpis(portfolio())
    assert k.period == YEAR
    assert k.previous_period.label == "2025"
    assert k.revenue_now == 18_500  # 12000 + 4000 - 500 + 3000
    assert k.revenue_before == 20_000  # 10000 + 5000 + 3000 + 2000
    assert k.active_now == 3  # a, b, d (c is negative)
    assert k.active_before == 4  # a, b, c, e
    assert k.new_clients.count == 1
    assert k.new_clients.revenue == 3_000
    assert k.new_clients.accounts == (AccountAmount("d", "Dune", 3_000),)
    assert k.lost_clients.count == 2  # c and e
    assert k.lost_clients.revenue == 5_000  # their 2025 revenue: 3000 + 2000
    assert k.lost_clients.accounts == (
        AccountAmount("c", "Cora", 3_000),
        AccountAmount("e", "Echo", 2_000),
    )
    assert k.retained_clients == 2  # a, b
    assert k.retention_rate == 0.5  # 2 / 4
    # (12000 + 4000 - 500 + 0) / 20000
    assert k.net_revenue_retention == 0.775


def test_concentration_hand_computed():
    k = compute_kpis(portfolio())
    # active revenue: 12000 + 4000 + 3000 = 19000; fewer than 10 accounts, so top-10 is all
    assert k.top_accounts == (
        AccountAmount("a", "Acme", 12_000),
        AccountAmount("b", "Bolt", 4_000),
        AccountAmount("d", "Dune", 3_000),
    )
    assert k.top10_share == 1.0
    assert k.largest_share == 12_000 / 19_000
    assert k.concentration_threshold == 0.40
    assert k.concentration_alert is True


def test_top10_of_twelve_accounts_and_the_alert_threshold():
    accounts = [AccountInfo(f"id{i:02}", f"N{i:02}", "client") for i in range(1, 13)]
    revenue = {a.account_id: i for i, a in enumerate(accounts, start=1)}  # 1..12, total 78
    inputs = portfolio(
        accounts=accounts,
        revenue_now=revenue,
        revenue_before={},
        first_sale={},
        revenue_by_family_now={},
        stage_moves=[],
        abc_classes={},
    )
    k = compute_kpis(inputs)
    assert [a.amount for a in k.top_accounts] == list(range(12, 2, -1))
    assert k.top10_share == 75 / 78  # 12 + 11 + ... + 3
    assert k.largest_share == 12 / 78
    assert compute_kpis(inputs, concentration_alert=0.97).concentration_alert is False
    assert compute_kpis(inputs, concentration_alert=0.96).concentration_alert is True
    # strictly greater: a share equal to the threshold raises no alert
    assert compute_kpis(inputs, concentration_alert=75 / 78).concentration_alert is False


def test_top_accounts_tie_by_name_then_id():
    accounts = [AccountInfo("2", "Same", "client"), AccountInfo("1", "Same", "client")]
    accounts.append(AccountInfo("0", "Zed", "client"))
    k = compute_kpis(portfolio(accounts=accounts, revenue_now={"0": 5, "1": 5, "2": 5}))
    assert [a.account_id for a in k.top_accounts] == ["1", "2", "0"]


def test_matrix_by_abc_class_hand_computed():
    m = compute_kpis(portfolio()).matrix
    assert m.row_key == "abc"
    assert m.rows == ("A", "B", "C", "—")  # e, f, g, h are unclassed
    assert m.columns == ("Services", "Software", "—")
    assert m.cells == (
        (2_000, 14_000, 0),  # A: a and b
        (-500, 0, 0),  # B: c's credit note
        (0, 0, 3_000),  # C: d, no family
        (0, 0, 0),
    )
    assert m.row_totals == (16_000, -500, 3_000, 0)
    assert m.column_totals == (1_500, 14_000, 3_000)
    assert m.total == 18_500
    assert m.cell("A", "Software") == 14_000
    assert m.cell("Z", "Software") == 0


def test_matrix_and_coverage_by_sector():
    k = compute_kpis(portfolio(), matrix_rows="sector")
    m = k.matrix
    assert m.row_key == "sector"
    assert m.rows == ("Industry", "Retail", "—")  # d has no sector, g a blank one
    assert m.cells == (
        (1_500, 10_000, 0),  # a: 2000 services + 10000 software, c: -500 services
        (0, 4_000, 0),  # b
        (0, 0, 3_000),  # d
    )
    assert m.row_totals == (11_500, 4_000, 3_000)
    assert k.coverage == (
        SegmentCoverage("Industry", 3, 1, 1 / 3),  # a, c, f: a active
        SegmentCoverage("Retail", 3, 1, 1 / 3),  # b, e, h: b active
        SegmentCoverage("—", 2, 1, 0.5),  # d, g: d active
    )


def test_coverage_by_abc_class():
    assert compute_kpis(portfolio()).coverage == (
        SegmentCoverage("A", 2, 2, 1.0),
        SegmentCoverage("B", 1, 0, 0.0),
        SegmentCoverage("C", 1, 1, 1.0),
        SegmentCoverage("—", 4, 0, 0.0),
    )


def test_funnel_hand_computed():
    funnel = compute_kpis(portfolio()).funnel
    assert dict(funnel.stage_counts) == {
        "suspect": 0,
        "cold": 1,
        "warm": 1,
        "hot": 1,
        "client": 4,
        "lost": 1,
    }
    assert list(funnel.stage_counts) == ["suspect", "cold", "warm", "hot", "client", "lost"]
    # paths in 2026: d cold>warm>client; f suspect>cold>warm>hot (created in March);
    # g cold (since 2024); h warm>cold>warm; e client>lost; a, b, c client (no history)
    assert funnel.steps == (
        FunnelStep("suspect", "cold", 1, 1, 1.0),  # f
        FunnelStep("cold", "warm", 4, 3, 0.75),  # d, f, g, h; g stayed
        FunnelStep("warm", "hot", 3, 2, 2 / 3),  # d, f, h; d jumped to client, h went back
        FunnelStep("hot", "client", 1, 0, 0.0),  # f is still hot
    )


def test_funnel_ignores_moves_outside_the_period():
    moves = [
        mv("g", None, "cold", date(2024, 1, 1)),
        mv("g", "cold", "warm", date(2025, 12, 31)),  # before the period
        mv("g", "warm", "hot", date(2026, 7, 1)),  # after as_of
    ]
    funnel = compute_kpis(portfolio(stage_moves=moves)).funnel
    steps = {(s.from_stage, s.to_stage): (s.entered, s.converted) for s in funnel.steps}
    # g was warm all through 2026 up to as_of; the accounts without history stay where they
    # are (f hot, h warm): warm is entered by g and h, hot by f, and nobody moves
    assert steps[("cold", "warm")] == (0, 0)
    assert steps[("warm", "hot")] == (2, 0)
    assert steps[("hot", "client")] == (1, 0)


def test_quarter_period():
    k = compute_kpis(portfolio(period=period_of(AS_OF, "quarter")))
    assert k.period.label == "2026-Q2"
    assert k.previous_period.label == "2026-Q1"
    # d's first sale (2026-02-10) is in Q1, not Q2: no new client this quarter
    assert k.new_clients.count == 0
    funnel = {(s.from_stage, s.to_stage): (s.entered, s.converted) for s in k.funnel.steps}
    # paths in Q2: f cold (since Mar 10) > warm > hot; g cold; h warm (since Mar 1);
    # d client; e client > lost; a, b, c client
    assert funnel[("suspect", "cold")] == (0, 0)
    assert funnel[("cold", "warm")] == (2, 1)  # f, g; f moved on
    assert funnel[("warm", "hot")] == (2, 1)  # f, h; f moved on
    assert funnel[("hot", "client")] == (1, 0)  # f


def test_zero_denominators():
    k = compute_kpis(
        portfolio(
            accounts=[],
            revenue_now={},
            revenue_before={},
            first_sale={},
            revenue_by_family_now={},
            stage_moves=[],
            abc_classes={},
        )
    )
    assert (k.active_now, k.active_before, k.retained_clients) == (0, 0, 0)
    assert k.retention_rate is None
    assert k.net_revenue_retention is None
    assert k.top10_share is None
    assert k.largest_share is None
    assert k.concentration_alert is False
    assert k.top_accounts == ()
    assert k.matrix.rows == ("A", "B", "C")
    assert k.matrix.columns == ()
    assert k.matrix.total == 0
    assert [c.rate for c in k.coverage] == [None, None, None]
    assert [s.rate for s in k.funnel.steps] == [None] * 4
    assert k.new_clients.count == 0 and k.new_clients.accounts == ()


def test_prospects_only():
    accounts = [AccountInfo("p", "Prospect", "cold")]
    k = compute_kpis(portfolio(accounts=accounts, revenue_now={}, revenue_before={}, first_sale={}))
    assert k.revenue_now == 0
    assert k.retention_rate is None
    assert k.coverage[-1] == SegmentCoverage("—", 1, 0, 0.0)


def test_bad_options():
    with pytest.raises(ValueError, match="concentration"):
        compute_kpis(portfolio(), concentration_alert=1.5)
    with pytest.raises(ValueError, match="matrix"):
        compute_kpis(portfolio(), matrix_rows="")


def test_to_dict_is_json_ready():
    data = compute_kpis(portfolio()).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert list(data) == [
        "as_of",
        "period",
        "previous_period",
        "revenue_now",
        "revenue_before",
        "active_now",
        "active_before",
        "new_clients",
        "lost_clients",
        "retained_clients",
        "retention_rate",
        "net_revenue_retention",
        "top_accounts",
        "top10_share",
        "largest_share",
        "concentration_threshold",
        "concentration_alert",
        "matrix",
        "funnel",
        "coverage",
        "comparison",
        "compared_end",
        "lost_reasons",
    ]
    assert data["as_of"] == "2026-06-30"
    assert (data["comparison"], data["compared_end"]) == ("full", "2025-12-31")
    assert data["lost_reasons"] == {"—": 1}  # e, lost on 2026-04-01, no reason given
    assert data["period"] == {
        "kind": "year",
        "label": "2026",
        "start": "2026-01-01",
        "end": "2026-12-31",
    }
    assert data["new_clients"] == {
        "count": 1,
        "revenue": 3_000,
        "accounts": [{"account_id": "d", "name": "Dune", "amount": 3_000}],
    }
    assert data["matrix"]["cells"]["A"] == {"Services": 2_000, "Software": 14_000, "—": 0}
    assert data["matrix"]["row_totals"]["—"] == 0
    assert data["matrix"]["column_totals"] == {"Services": 1_500, "Software": 14_000, "—": 3_000}
    assert data["funnel"]["steps"][1] == {
        "from_stage": "cold",
        "to_stage": "warm",
        "entered": 4,
        "converted": 3,
        "rate": 0.75,
    }
    assert data["funnel"]["stage_counts"]["client"] == 4
    assert data["coverage"][0] == {"segment": "A", "accounts": 2, "active": 2, "rate": 1.0}
