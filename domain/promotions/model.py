"""Promotions and notices: who they target, when they show, what a dealer reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from domain.catalog.model import Dealer, DealerCode, DealerStatus, ProductLine, RegionCode
from domain.catalog.territory import RegionTree


class PromoKind(StrEnum):
    PROMOTION = "promotion"
    NOTICE = "notice"  # a plain broadcast


class PromoStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # goes out at starts_at (promotion_dispatch job)
    SENT = "sent"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Audience:
    """Empty criteria mean "everyone in the sender's scope"; given criteria must all match."""

    lines: tuple[ProductLine, ...] = ()
    regions: tuple[RegionCode, ...] = ()
    tiers: tuple[str, ...] = ()

    @property
    def everyone(self) -> bool:
        return not (self.lines or self.regions or self.tiers)


@dataclass(frozen=True, slots=True)
class Promotion:
    id: int
    kind: PromoKind
    title: str
    body: str
    audience: Audience
    created_by: str  # manager code
    status: PromoStatus = PromoStatus.DRAFT
    title_en: str = ""
    body_en: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    fee_text: str = ""
    image: bytes | None = None
    version: int = 1  # raised by each correction after sending
    sent_at: datetime | None = None

    def is_active(self, now: datetime) -> bool:
        if self.status is not PromoStatus.SENT:
            return False
        if self.starts_at and now < self.starts_at:
            return False
        return not (self.ends_at and now >= self.ends_at)

    def is_due(self, now: datetime) -> bool:
        return self.status is PromoStatus.SCHEDULED and (
            self.starts_at is None or self.starts_at <= now
        )

    def text_for(self, locale: str) -> tuple[str, str]:
        """Title and body in `locale` when that version exists, else the main text."""
        if locale == "en" and self.title_en and self.body_en:
            return self.title_en, self.body_en
        return self.title, self.body


@dataclass(frozen=True, slots=True)
class DealerProfile:
    """What targeting needs to know of a dealer."""

    dealer: Dealer
    lines: frozenset[ProductLine] = field(default_factory=frozenset)
    regions: tuple[RegionCode, ...] = ()


def is_targeted(audience: Audience, profile: DealerProfile, tree: RegionTree) -> bool:
    if profile.dealer.status is DealerStatus.TERMINATED:
        return False
    if audience.tiers and profile.dealer.tier not in audience.tiers:
        return False
    if audience.lines and not (profile.lines & set(audience.lines)):
        return False
    if audience.regions:
        inside = any(
            tree.is_within(region, wanted)
            for region in profile.regions
            for wanted in audience.regions
        )
        if not inside:
            return False
    return True


def select_dealers(
    audience: Audience, profiles: Iterable[DealerProfile], tree: RegionTree
) -> list[DealerCode]:
    return sorted(p.dealer.code for p in profiles if is_targeted(audience, p, tree))


@dataclass(frozen=True, slots=True)
class DeliveryStats:
    contacts: int
    sent: int
    pending: int
    failed: int
    acknowledged: int


@dataclass(frozen=True, slots=True)
class Delivery:
    promotion_id: int
    dealer_code: DealerCode
    identity_id: int
    acknowledged_at: datetime | None


class PromotionRepository(Protocol):
    def add(self, promo: Promotion, now: datetime) -> int: ...
    def get(self, promo_id: int) -> Promotion | None: ...
    def save(self, promo: Promotion) -> None: ...
    def list(
        self, statuses: Sequence[PromoStatus] | None = None, limit: int = 50
    ) -> list[Promotion]: ...
    def due(self, now: datetime) -> list[Promotion]: ...
    def dealer_profiles(self, codes: Sequence[DealerCode]) -> list[DealerProfile]: ...
    def record_delivery(
        self, promo_id: int, dealer: DealerCode, identity_id: int, dedupe_key: str
    ) -> bool:
        """Remember that this contact was queued this promotion; False if already."""
        ...

    def record_deliveries(self, rows: Sequence[tuple[int, DealerCode, int, str]]) -> int:
        """Bulk record_delivery: (promotion id, dealer, identity id, outbox key) rows."""
        ...

    def deliveries(self, promo_id: int) -> list[Delivery]: ...
    def acknowledge(self, promo_id: int, dealer: DealerCode, at: datetime) -> bool:
        """Mark the dealer's deliveries acknowledged; False if there were none."""
        ...

    def stats(self, promo_id: int) -> DeliveryStats: ...
    def unacknowledged_dealers(self, promo_id: int, sent_before: datetime) -> list[DealerCode]: ...
    def active(self, now: datetime) -> list[Promotion]:
        """Sent promotions whose time window covers `now`."""
        ...
