"""The linked managers a ticket's notices go to, by region, dealer or code."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode, ManagerCode, RegionCode
from domain.identity.actors import Actor
from domain.identity.scope import Scope
from storage.catalog.repository import SqlCatalogRepository
from storage.identity.repository import SqlIdentityRepository
from storage.models import ChatIdentityRow


class LinkedStaff:
    def __init__(
        self, session: Session, catalog: SqlCatalogRepository, identities: SqlIdentityRepository
    ) -> None:
        self.s = session
        self.catalog = catalog
        self.identities = identities
        self._staff: list[Actor] | None = None  # linked managers, read once per transaction

    def _linked_staff(self) -> list[Actor]:
        # The SLA job asks for the same few people for every ticket: read them once.
        if self._staff is None:
            rows = self.s.scalars(
                select(ChatIdentityRow)
                .where(ChatIdentityRow.manager_id.is_not(None))
                .order_by(ChatIdentityRow.id)
            )
            self._staff = [self.identities._actor(r) for r in rows]
        return self._staff

    def staff_for_region(self, region: RegionCode | None) -> list[Actor]:
        tree = self.catalog.region_tree()
        return [a for a in self._linked_staff() if Scope.of(a).covers_region(region, tree)]

    def staff_for_dealer(self, dealer: DealerCode) -> list[Actor]:
        tree = self.catalog.region_tree()
        regions = self.catalog.dealer_regions(dealer)
        return [a for a in self._linked_staff() if Scope.of(a).covers_any_region(regions, tree)]

    def manager_contacts(self, code: ManagerCode) -> list[Actor]:
        return [a for a in self._linked_staff() if a.manager_code == code]
