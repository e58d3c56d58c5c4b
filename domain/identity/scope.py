"""Which dealers, regions and product lines an actor may see: the one rule every context asks.

A dealer contact sees itself; a manager the dealers of their regions (a product-line manager
only on their lines); an admin everything; the unlinked nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from domain.catalog.model import DealerCode, ProductLine, RegionCode
from domain.catalog.territory import RegionTree
from domain.identity.actors import Actor


@dataclass(frozen=True, slots=True)
class Scope:
    everything: bool = False  # an admin
    dealer: DealerCode | None = None  # a dealer contact: only itself
    regions: tuple[RegionCode, ...] = ()  # a manager's regions (and every region below them)
    lines: tuple[ProductLine, ...] | None = None  # None: every product line

    @classmethod
    def of(cls, actor: Actor) -> Scope:
        if actor.is_admin:
            return cls(everything=True)
        if actor.manager_code is not None:
            return cls(regions=actor.manager_regions, lines=actor.lines)
        if actor.dealer_code is not None:
            return cls(dealer=actor.dealer_code)
        return cls()

    def every_line(self) -> Scope:
        """The same dealers and regions, whatever the product line."""
        return replace(self, lines=None)

    def covers_line(self, line: ProductLine | None) -> bool:
        return self.lines is None or line in self.lines

    def covers_region(self, region: RegionCode | None, tree: RegionTree) -> bool:
        """Whether `region` lies in (or is) one of this scope's regions."""
        if self.everything:
            return True
        return region is not None and any(tree.is_within(region, r) for r in self.regions)

    def covers_any_region(self, regions: Iterable[RegionCode], tree: RegionTree) -> bool:
        return self.everything or any(self.covers_region(r, tree) for r in regions)

    def covers_dealer(
        self, dealer: DealerCode, in_regions: Callable[[], Iterable[DealerCode]]
    ) -> bool:
        """Whether `dealer` is visible; `in_regions` lists the dealers of this scope's regions
        (and lines) as the catalog has them, asked only for a manager who is no admin."""
        if self.everything:
            return True
        if self.dealer is not None:
            return self.dealer == dealer
        return bool(self.regions) and dealer in set(in_regions())
