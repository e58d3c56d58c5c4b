"""Is a sale inside a dealer's authorization (region tree, terminal, product line, dates)?"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.catalog.model import Authorization, DealerCode, ProductLine, RegionCode, Terminal


class TerritoryVerdict(StrEnum):
    INSIDE = "inside"
    OUTSIDE_TERRITORY = "outside_territory"  # terminal/region not covered: cross-region selling
    LINE_NOT_AUTHORIZED = "line_not_authorized"
    AUTHORIZATION_EXPIRED = "authorization_expired"


@dataclass(frozen=True, slots=True)
class RegionTree:
    """Parent links of the region tree: child code -> parent code."""

    parents: Mapping[RegionCode, RegionCode | None]

    def ancestors_and_self(self, code: RegionCode) -> list[RegionCode]:
        chain: list[RegionCode] = []
        current: RegionCode | None = code
        while current is not None and current not in chain:  # guards against cycles in data
            chain.append(current)
            current = self.parents.get(current)
        return chain

    def is_within(self, code: RegionCode, ancestor: RegionCode) -> bool:
        return ancestor in self.ancestors_and_self(code)


def _covers_place(auth: Authorization, terminal: Terminal, tree: RegionTree) -> bool:
    if auth.terminal_code is not None:
        return auth.terminal_code == terminal.code
    if auth.region_code is not None:
        return tree.is_within(terminal.region_code, auth.region_code)
    return False


def check_territory(
    authorizations: Iterable[Authorization],
    terminal: Terminal,
    line: ProductLine,
    on: date,
    tree: RegionTree,
) -> TerritoryVerdict:
    """Judge a sale of `line` to `terminal` on day `on` against the dealer's authorizations.

    The most specific failure is reported: a place covered only by lapsed authorizations is
    "expired", a covered place without this product line is "line not authorized", anything
    else outside is cross-region selling.
    """
    place_matches = [a for a in authorizations if _covers_place(a, terminal, tree)]
    if not place_matches:
        return TerritoryVerdict.OUTSIDE_TERRITORY
    line_matches = [a for a in place_matches if a.line == line]
    if not line_matches:
        return TerritoryVerdict.LINE_NOT_AUTHORIZED
    if any(a.validity.covers(on) for a in line_matches):
        return TerritoryVerdict.INSIDE
    return TerritoryVerdict.AUTHORIZATION_EXPIRED


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one authorization places a dealer: the region it covers (or its terminal's)."""

    dealer: DealerCode
    region: RegionCode
    line: ProductLine


class DealersByRegion:
    """The dealers authorized anywhere under each region of the tree, and on which lines:
    built once from every placement, then answering any managers' regions without a query
    (a job with a thousand managers reads the authorizations once, not once per manager)."""

    def __init__(self, placements: Iterable[Placement], tree: RegionTree) -> None:
        self._under: dict[RegionCode, dict[DealerCode, set[ProductLine]]] = {}
        for p in placements:
            for region in tree.ancestors_and_self(p.region):
                self._under.setdefault(region, {}).setdefault(p.dealer, set()).add(p.line)

    def dealers(
        self, regions: Iterable[RegionCode], lines: Iterable[ProductLine] | None = None
    ) -> list[DealerCode]:
        """Dealers placed under one of `regions`; with `lines`, by one of those lines."""
        wanted = None if lines is None else set(lines)
        found: set[DealerCode] = set()
        for region in set(regions):
            for dealer, on in self._under.get(region, {}).items():
                if wanted is None or not wanted.isdisjoint(on):
                    found.add(dealer)
        return sorted(found)
