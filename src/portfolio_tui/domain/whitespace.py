"""White space: the product families to sell next to a client, from what its peers buy.

A client's *peers* are the other clients of its segment with revenue in the window. A family is
suggested to a client that did not buy it in the window (no revenue > 0) when at least
`min_share` of its peers did, and the segment gives it at least `min_peers` peers. The estimate
is the median of those buying peers' revenue in the family, in cents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

DEFAULT_MIN_SHARE = 0.5
DEFAULT_MIN_PEERS = 3


@dataclass(frozen=True, slots=True)
class ClientRevenue:
    """One client's window revenue per product family, in cents, and its segment label."""

    account_id: str
    segment: str
    revenue_by_family: Mapping[str, int]

    def bought(self, family: str) -> bool:
        return self.revenue_by_family.get(family, 0) > 0

    def families_bought(self) -> set[str]:
        return {family for family, cents in self.revenue_by_family.items() if cents > 0}


@dataclass(frozen=True, slots=True)
class Suggestion:
    account_id: str
    segment: str
    family: str
    peers_buying: int
    peers: int
    share: float  # peers_buying / peers
    estimate: int  # median of the buying peers' revenue in the family, in cents


def white_space(
    clients: Iterable[ClientRevenue],
    min_share: float = DEFAULT_MIN_SHARE,
    min_peers: int = DEFAULT_MIN_PEERS,
) -> list[Suggestion]:
    """Every suggestion, the largest estimate first, then by account id and family.

    A client that bought nothing in the window is neither suggested to nor a peer.
    """
    if not 0 <= min_share <= 1:
        raise ValueError(f"the share of peers must be between 0 and 1, not {min_share}")
    if min_peers < 1:
        raise ValueError(f"the number of peers must be at least 1, not {min_peers}")
    threshold = Fraction(str(min_share))  # exact: 0.1 means one in ten, not a binary 0.1
    suggestions: list[Suggestion] = []
    for members in _segments(clients).values():
        if len(members) - 1 >= min_peers:
            suggestions.extend(_segment_suggestions(members, threshold))
    suggestions.sort(key=lambda s: (-s.estimate, s.account_id, s.family))
    return suggestions


def matrix_gaps(suggestions: Iterable[Suggestion]) -> set[tuple[str, str]]:
    """The (segment, family) cells of the dashboard matrix that hold at least one suggestion."""
    return {(s.segment, s.family) for s in suggestions}


def median_cents(values: Sequence[int]) -> int:
    """The median; of an even count, the mean of the two middle values rounded half up."""
    if not values:
        raise ValueError("the median of no values")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle] + 1) // 2


def _segments(clients: Iterable[ClientRevenue]) -> dict[str, list[ClientRevenue]]:
    members: dict[str, list[ClientRevenue]] = defaultdict(list)
    seen: set[str] = set()
    for client in clients:
        if client.account_id in seen:
            raise ValueError(f"account {client.account_id!r} is given twice")
        seen.add(client.account_id)
        if client.families_bought():
            members[client.segment].append(client)
    return members


def _segment_suggestions(members: Sequence[ClientRevenue], threshold: Fraction) -> list[Suggestion]:
    """The suggestions of one segment. A client's peers are the other members; a family it did
    not buy is bought by exactly the members that bought it, so the count, the share and the
    median of a family are the same for every client that did not buy it: one pass per
    family instead of one per client and family (20,000 clients: minutes → well under 1 s)."""
    peers = len(members) - 1
    buyers: dict[str, list[int]] = defaultdict(list)
    for member in members:
        for family, cents in member.revenue_by_family.items():
            if cents > 0:
                buyers[family].append(cents)
    offered = {
        family: (len(bought), median_cents(bought))
        for family, bought in buyers.items()
        if Fraction(len(bought), peers) >= threshold
    }
    found: list[Suggestion] = []
    for client in members:
        mine = client.families_bought()
        for family in sorted(offered.keys() - mine):
            count, estimate = offered[family]
            found.append(
                Suggestion(
                    account_id=client.account_id,
                    segment=client.segment,
                    family=family,
                    peers_buying=count,
                    peers=peers,
                    share=count / peers,
                    estimate=estimate,
                )
            )
    return found
