"""Approvers told once per period: a quarter's cards are many (a sales manager's region may
hold hundreds of dealers), so past a few the first step's approvers get one message each
naming how many cards wait for them, instead of one card per dealer."""

from __future__ import annotations

from collections.abc import Sequence

from domain.approvals.model import Request
from domain.catalog.model import DealerCode, ManagerRole
from domain.shared.periods import Period
from handlers.core.messages import Reply

ONE_BY_ONE = 10  # up to this many cards, each goes to its approvers as a card of its own


def _scope(ctx, manager, cache: dict) -> set[DealerCode] | None:
    """The dealers a manager decides for (None: every one, an admin)."""
    if manager.role is ManagerRole.ADMIN:
        return None
    lines = manager.lines if manager.role is ManagerRole.PRODUCT_LINE_MANAGER else None
    key = (tuple(sorted(manager.region_codes)), tuple(sorted(lines)) if lines else None)
    if key not in cache:
        cache[key] = set(ctx.uow.catalog.dealers_in_regions(manager.region_codes, lines))
    return cache[key]


def tell_approvers_once(ctx, requests: Sequence[Request], period: Period) -> int:
    """One message per linked manager who may decide the first step of some of `requests`;
    the number of chats told."""
    if not requests:
        return 0
    rule = requests[0].chain[0]
    dealers = [r.dealer for r in requests]
    cache: dict = {}
    told = 0
    for person in ctx.uow.recipients.managers():
        manager = ctx.uow.catalog.manager(person.manager_code) if person.manager_code else None
        if manager is None:
            continue
        if rule.manager is not None:
            if rule.manager != manager.code:
                continue
            count = len(dealers)
        else:
            if rule.role is not manager.role:
                continue
            scope = _scope(ctx, manager, cache)
            count = len(dealers) if scope is None else sum(d in scope for d in dealers)
        if count:
            told += ctx.notify(
                person,
                f"digest:{period}:{manager.code}:{count}",
                lambda t, n=count: Reply(t("evaluation.digest", count=n, period=str(period))),
            )
    return told
