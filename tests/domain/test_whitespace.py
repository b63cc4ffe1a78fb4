"""White space: what each client's peers buy and it does not, computed by hand."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_tui.domain.whitespace import (
    ClientRevenue,
    Suggestion,
    matrix_gaps,
    median_cents,
    white_space,
)


def client(account_id, segment, **revenue):
    return ClientRevenue(account_id, segment, revenue)


CLIENTS = [
    client("a", "Industry", Software=10_000),
    client("b", "Industry", Software=20_000, Services=3_000),
    client("c", "Industry", Services=5_000, Hardware=7_000),
    client("d", "Industry", Software=40_000, Services=4_001, Training=-100),
    client("e", "Industry", Hardware=8_001, Services=-500),  # a credit note is no purchase
    client("x", "Industry", Software=0),  # no revenue in the window: not a client, not a peer
    client("f", "Retail", Wine=1_000),
    client("g", "Retail", Wine=3_000),
    client("h", "Retail", Cheese=500),
]


def test_suggestions_with_the_defaults():
    # Industry: each of a b c d e has 4 peers; Retail: 2 peers each, fewer than 3
    assert white_space(CLIENTS) == [
        # Software bought by a b d: median(10 000, 20 000, 40 000)
        Suggestion("c", "Industry", "Software", 3, 4, 0.75, 20_000),
        Suggestion("e", "Industry", "Software", 3, 4, 0.75, 20_000),
        # Hardware bought by c e, exactly half: median(7 000, 8 001) = 7 500.5 -> 7 501
        Suggestion("a", "Industry", "Hardware", 2, 4, 0.5, 7_501),
        Suggestion("b", "Industry", "Hardware", 2, 4, 0.5, 7_501),
        Suggestion("d", "Industry", "Hardware", 2, 4, 0.5, 7_501),
        # Services bought by b c d: median(3 000, 5 000, 4 001)
        Suggestion("a", "Industry", "Services", 3, 4, 0.75, 4_001),
        Suggestion("e", "Industry", "Services", 3, 4, 0.75, 4_001),
    ]


def test_min_share_edges():
    at_three_quarters = white_space(CLIENTS, min_share=0.75)
    assert [(s.account_id, s.family) for s in at_three_quarters] == [
        ("c", "Software"),
        ("e", "Software"),
        ("a", "Services"),
        ("e", "Services"),
    ]
    assert white_space(CLIENTS, min_share=0.76) == []


def test_min_share_is_exact_in_decimal():
    # 1 of 10 peers is 0.1: enough at 0.1, although the binary 0.1 is slightly above 1/10
    clients = [client("k0", "S", X=700, Y=1)] + [client(f"k{i}", "S", Y=1) for i in range(1, 11)]
    found = white_space(clients, min_share=0.1, min_peers=3)
    assert len(found) == 10
    assert {(s.family, s.peers_buying, s.peers, s.estimate) for s in found} == {("X", 1, 10, 700)}
    assert white_space(clients, min_share=0.11, min_peers=3) == []


def test_min_peers_edges():
    # Retail has 2 peers per client: enough at 2
    retail = [s for s in white_space(CLIENTS, min_peers=2) if s.segment == "Retail"]
    assert retail == [
        Suggestion("h", "Retail", "Wine", 2, 2, 1.0, 2_000),  # median(1 000, 3 000)
        Suggestion("f", "Retail", "Cheese", 1, 2, 0.5, 500),
        Suggestion("g", "Retail", "Cheese", 1, 2, 0.5, 500),
    ]
    # Industry has 4 peers per client: enough at 4, not at 5
    assert len(white_space(CLIENTS, min_peers=4)) == 7
    assert white_space(CLIENTS, min_peers=5) == []


def test_matrix_gaps():
    assert matrix_gaps(white_space(CLIENTS)) == {
        ("Industry", "Software"),
        ("Industry", "Hardware"),
        ("Industry", "Services"),
    }
    assert matrix_gaps([]) == set()


def test_no_clients():
    assert white_space([]) == []


@pytest.mark.parametrize(
    ("values", "median"),
    [([5], 5), ([3, 1, 2], 2), ([1, 2], 2), ([1, 4], 3), ([2, 4], 3), ([10, 1, 7, 3], 5)],
)
def test_median_cents(values, median):
    assert median_cents(values) == median


def test_median_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="no values"):
        median_cents([])


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        white_space(CLIENTS, min_share=1.5)
    with pytest.raises(ValueError, match="at least 1"):
        white_space(CLIENTS, min_peers=0)
    with pytest.raises(ValueError, match="'a' is given twice"):
        white_space([*CLIENTS, client("a", "Retail", Wine=1)])


# properties

FAMILIES = ["F1", "F2", "F3", "F4"]
clients_strategy = st.lists(
    st.tuples(
        st.sampled_from(["S1", "S2", "S3"]),
        st.dictionaries(
            st.sampled_from(FAMILIES),
            st.one_of(st.sampled_from([-100, 0, 1, 2]), st.integers(1, 10**8)),
        ),
    ),
    max_size=30,
).map(lambda rows: [ClientRevenue(f"c{i:02}", seg, rev) for i, (seg, rev) in enumerate(rows)])


@settings(max_examples=300, deadline=None)
@given(
    clients_strategy,
    st.sampled_from([0.0, 0.25, 0.5, 0.6, 1.0]),
    st.integers(1, 5),
)
def test_white_space_invariants(clients, min_share, min_peers):
    found = white_space(clients, min_share, min_peers)
    by_id = {c.account_id: c for c in clients}
    buyers = [c for c in clients if any(v > 0 for v in c.revenue_by_family.values())]
    for s in found:
        me = by_id[s.account_id]
        assert me.revenue_by_family.get(s.family, 0) <= 0  # never a family the client bought
        others = [c for c in buyers if c.segment == me.segment and c is not me]
        buying = [
            c.revenue_by_family[s.family]
            for c in others
            if c.revenue_by_family.get(s.family, 0) > 0
        ]
        assert s.segment == me.segment
        assert s.peers == len(others) >= min_peers  # peers exclude the client
        assert s.peers_buying == len(buying) >= 1
        assert Fraction(s.peers_buying, s.peers) >= Fraction(str(min_share))
        assert s.share == s.peers_buying / s.peers
        assert min(buying) <= s.estimate <= max(buying)
    keys = [(-s.estimate, s.account_id, s.family) for s in found]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    assert matrix_gaps(found) == {(s.segment, s.family) for s in found}
