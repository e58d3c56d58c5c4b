"""The company's staff as the bot knows them: every manager of the catalog, linked to a chat
account or not, and the rules that pick whom a notice can reach."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.catalog.model import Manager, ManagerCode, ManagerRole, ProductLine, RegionCode
from domain.catalog.territory import RegionTree
from domain.identity.actors import Actor
from domain.identity.scope import Scope


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A manager of the catalog and whether a chat account is linked to them (only a
    linked one can be told anything)."""

    manager: Manager
    linked: bool

    @property
    def code(self) -> ManagerCode:
        return self.manager.code

    @property
    def role(self) -> ManagerRole:
        return self.manager.role

    @property
    def seat(self) -> Actor:
        """The manager as an actor with no chat account, for the rules asked of actors."""
        m = self.manager
        return Actor(
            "",
            "",
            "",
            manager_code=m.code,
            manager_role=m.role,
            manager_regions=m.region_codes,
            manager_lines=m.lines,
        )

    @property
    def scope(self) -> Scope:
        return Scope.of(self.seat)


class StaffDirectory(Protocol):
    def members(self) -> list[StaffMember]:
        """Every manager of the catalog, by code, with whether a chat account is linked."""
        ...


def staff_over(
    members: Iterable[StaffMember],
    regions: Sequence[RegionCode],
    tree: RegionTree,
    line: ProductLine | None = None,
    roles: frozenset[ManagerRole] | None = None,
) -> list[StaffMember]:
    """The members whose scope covers one of `regions` (admins always), on `line` when
    given, of `roles` when given."""
    return [
        m
        for m in members
        if (roles is None or m.role in roles)
        and m.scope.covers_any_region(regions, tree)
        and (line is None or m.scope.covers_line(line))
    ]


def visible_to(
    members: Iterable[StaffMember], viewer: Scope, tree: RegionTree
) -> list[StaffMember]:
    """The members a manager may list: everyone for an admin, else those sharing a region
    with the viewer's (above, below or the same) and the admins over them."""
    if viewer.everything:
        return list(members)
    mine = viewer.regions

    def shares(m: StaffMember) -> bool:
        if m.scope.everything:
            return True
        return any(
            tree.is_within(theirs, r) or tree.is_within(r, theirs)
            for theirs in m.manager.region_codes
            for r in mine
        )

    return [m for m in members if shares(m)]
