"""Promotion delivery use cases: whom a promotion reaches, sending it, nudging the dealers
who have not acknowledged it. The handlers render and queue the messages; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.catalog.model import DealerCode, ManagerCode
from domain.identity.actors import Actor
from domain.promotions.model import PromoStatus, Promotion, select_dealers
from domain.shared.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Reach:
    dealers: list[DealerCode]
    contacts: int


@dataclass(frozen=True, slots=True)
class Addressee:
    """One contact a promotion goes to, with the key its message is queued (and recorded) by."""

    dealer: DealerCode
    contact: Actor
    dedupe_key: str


@dataclass(frozen=True, slots=True)
class Addressees:
    reach: Reach
    each: tuple[Addressee, ...]


def sender_scope(uow: UnitOfWork, manager: str) -> list[DealerCode]:
    """Dealers the promotion's author may address: admins all, others their regions."""
    m = uow.catalog.manager(ManagerCode(manager))
    if m is None:
        return []
    if m.role == "admin":
        return [d.code for d in uow.catalog.dealers()]
    return uow.catalog.dealers_in_regions(m.region_codes)


def reach(uow: UnitOfWork, promo: Promotion) -> Reach:
    return addressees(uow, promo).reach


def addressees(uow: UnitOfWork, promo: Promotion) -> Addressees:
    """Every contact of every dealer `promo` targets within its author's scope; a contact's
    key names the promotion's version, so a correction goes out again and a rerun does not."""
    profiles = uow.promotions.dealer_profiles(sender_scope(uow, promo.created_by))
    dealers = select_dealers(promo.audience, profiles, uow.catalog.region_tree())
    contacts = uow.identities.contacts_of_dealers(dealers)
    each = tuple(
        Addressee(dealer, contact, f"promo:{promo.id}:v{promo.version}:{contact.identity_id}")
        for dealer in dealers
        for contact in contacts[dealer]
    )
    return Addressees(Reach(dealers, sum(len(c) for c in contacts.values())), each)


def record_deliveries(uow: UnitOfWork, promo: Promotion, sent: Addressees) -> None:
    """Remember who was sent `promo` (for acknowledgements and nudges); a contact not linked
    to an identity cannot acknowledge and is not recorded."""
    uow.promotions.record_deliveries(
        [
            (promo.id, a.dealer, a.contact.identity_id, a.dedupe_key)
            for a in sent.each
            if a.contact.identity_id is not None
        ]
    )


def mark_sent(uow: UnitOfWork, promo: Promotion, now: datetime) -> Promotion:
    sent = replace(promo, status=PromoStatus.SENT, sent_at=now)
    uow.promotions.save(sent)
    return sent


@dataclass(frozen=True, slots=True)
class Unacknowledged:
    dealers: list[DealerCode]  # sent it at least the hours asked ago, no acknowledgement yet
    recent: int  # when `dealers` is empty: those sent it more recently, not acknowledged yet


def unacknowledged(uow: UnitOfWork, promo_id: int, now: datetime, hours: int) -> Unacknowledged:
    pending = uow.promotions.unacknowledged_dealers(promo_id, now - timedelta(hours=hours))
    if pending:
        return Unacknowledged(pending, 0)
    # Not "everyone acknowledged" when the only ones left were sent it too recently.
    return Unacknowledged([], len(uow.promotions.unacknowledged_dealers(promo_id, now)))


def contacts_to_nudge(uow: UnitOfWork, dealers: list[DealerCode]) -> list[Actor]:
    return [c for dealer in dealers for c in uow.identities.dealer_contacts(dealer)]
