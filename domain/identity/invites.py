"""Issuing one-time link codes for dealer contacts and managers."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.catalog.model import DealerCode, ManagerCode
from domain.identity.actors import Invite, new_invite_code
from domain.shared.ports import UnitOfWork


class UnknownPerson(LookupError):
    """No dealer or manager with that code."""


def issue_invite(
    uow: UnitOfWork,
    now: datetime,
    ttl: timedelta,
    *,
    dealer: DealerCode | None = None,
    manager: ManagerCode | None = None,
) -> Invite:
    """Create an unused invite for exactly one of `dealer` or `manager` (caller commits)."""
    if (dealer is None) == (manager is None):
        raise ValueError("invite needs exactly one of dealer or manager")
    if dealer is not None and uow.catalog.dealer(dealer) is None:
        raise UnknownPerson(dealer)
    if manager is not None and uow.catalog.manager(manager) is None:
        raise UnknownPerson(manager)
    for _ in range(5):
        code = new_invite_code()
        if uow.invites.get(code) is None:
            break
    invite = Invite(code, now + ttl, None, dealer_code=dealer, manager_code=manager)
    uow.invites.create(invite, now)
    return invite
