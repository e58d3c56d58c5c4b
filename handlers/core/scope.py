"""The actor's Scope turned into dealer codes through the catalog: the one place that asks."""

from __future__ import annotations

from domain.catalog.model import DealerCode
from domain.catalog.territory import DealersByRegion
from domain.identity.actors import Actor
from domain.identity.scope import Scope
from domain.shared.ports import UnitOfWork


def scope_of(actor: Actor) -> Scope:
    return Scope.of(actor)


def dealers_of_regions(uow: UnitOfWork, scope: Scope) -> list[DealerCode]:
    """Dealers authorized under the scope's regions (on its lines, if it has some)."""
    return uow.catalog.dealers_in_regions(scope.regions, scope.lines)


def visible_dealers(
    uow: UnitOfWork, scope: Scope, placed: DealersByRegion | None = None
) -> list[DealerCode] | None:
    """The dealers a scope sees; None for an admin's (every dealer, no list to build).
    `placed`: the authorizations already read, for a caller answering many scopes."""
    if scope.everything:
        return None
    if scope.dealer is not None:
        return [scope.dealer]
    if scope.regions:
        if placed is not None:
            return placed.dealers(scope.regions, scope.lines)
        return dealers_of_regions(uow, scope)
    return []


def listed_dealers(uow: UnitOfWork, scope: Scope) -> list[DealerCode]:
    """The dealers a scope sees, an admin's spelled out as every dealer in the catalog."""
    found = visible_dealers(uow, scope)
    return [d.code for d in uow.catalog.dealers()] if found is None else found


def can_see_dealer(uow: UnitOfWork, scope: Scope, dealer: DealerCode) -> bool:
    return scope.covers_dealer(dealer, lambda: dealers_of_regions(uow, scope))
