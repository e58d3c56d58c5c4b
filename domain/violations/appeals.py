"""A dealer's appeal against a decided violation: who hears it and when it may be made."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from domain.catalog.model import ManagerRole
from domain.sales.model import Violation, ViolationStatus

# An appeal goes to the role above the one that decided (policy: 区域招商总监 -> 销售部经理 ->
# 营销总监); an admin's own decision is heard by the admins.
ROLE_ABOVE: dict[ManagerRole, ManagerRole] = {
    ManagerRole.SERVICE_AGENT: ManagerRole.SALES_MANAGER,
    ManagerRole.REGIONAL_DIRECTOR: ManagerRole.SALES_MANAGER,
    ManagerRole.PRODUCT_LINE_MANAGER: ManagerRole.SALES_MANAGER,
    ManagerRole.SALES_MANAGER: ManagerRole.MARKETING_DIRECTOR,
    ManagerRole.MARKETING_ADMIN: ManagerRole.MARKETING_DIRECTOR,
    ManagerRole.MARKETING_DIRECTOR: ManagerRole.ADMIN,
    ManagerRole.ADMIN: ManagerRole.ADMIN,
}

APPEALABLE = frozenset({ViolationStatus.CONFIRMED, ViolationStatus.PENALIZED})


class AppealRefusal(StrEnum):
    NOT_DECIDED = "not_decided"  # open, dismissed or settled: nothing stands against the dealer
    TOO_LATE = "too_late"
    ALREADY_APPEALED = "already_appealed"


def appeal_deadline(violation: Violation, appeal_days: int) -> datetime | None:
    if violation.decided_at is None:
        return None
    return violation.decided_at + timedelta(days=appeal_days)


def check_appeal(
    violation: Violation, now: datetime, appeal_days: int, *, appealed: bool
) -> AppealRefusal | None:
    if violation.status not in APPEALABLE or violation.decided_at is None:
        return AppealRefusal.NOT_DECIDED
    if appealed:
        return AppealRefusal.ALREADY_APPEALED
    deadline = appeal_deadline(violation, appeal_days)
    if deadline is not None and now > deadline:
        return AppealRefusal.TOO_LATE
    return None


def hearing_role(decider: ManagerRole | None) -> ManagerRole:
    """Who hears an appeal against a decision by `decider` (a decider no longer on record:
    the marketing director)."""
    if decider is None:
        return ManagerRole.MARKETING_DIRECTOR
    return ROLE_ABOVE[decider]
