"""Rules of notices: whom one reaches, and where an acknowledgement stands against its date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.catalog.model import DealerCode
from domain.catalog.territory import RegionTree
from domain.notices.model import Delivery
from domain.promotions.model import Audience, DealerProfile, select_dealers


def audience_dealers(
    audience: Audience, profiles: Iterable[DealerProfile], tree: RegionTree
) -> list[DealerCode]:
    """The dealers a notice reaches: every given criterion (regions with their sub-regions,
    tiers, product lines) must match; none given means everyone; terminated dealers never.
    The same targeting as promotions, said once in `domain.promotions.model`."""
    return select_dealers(audience, profiles, tree)


def deadline_of(day: date, tz: ZoneInfo) -> datetime:
    """ "Acknowledge by 2026-08-01" means by the end of that business day."""
    return datetime.combine(day + timedelta(days=1), time(0), tz)


class AckState(StrEnum):
    ACKNOWLEDGED = "acknowledged"  # on time, or no date asked
    LATE_ACKNOWLEDGED = "late_acknowledged"  # after the date
    PENDING = "pending"  # not yet, the date not passed (or none)
    OVERDUE = "overdue"  # not yet, the date passed


def ack_state(ack_by: datetime | None, acknowledged_at: datetime | None, now: datetime) -> AckState:
    if acknowledged_at is not None:
        if ack_by is not None and acknowledged_at >= ack_by:
            return AckState.LATE_ACKNOWLEDGED
        return AckState.ACKNOWLEDGED
    if ack_by is not None and now >= ack_by:
        return AckState.OVERDUE
    return AckState.PENDING


def dealer_acknowledged_at(deliveries: Iterable[Delivery], dealer: DealerCode) -> datetime | None:
    """A dealer has acknowledged when the first of its contacts did."""
    times = [d.acknowledged_at for d in deliveries if d.dealer_code == dealer and d.acknowledged_at]
    return min(times) if times else None


def reminder_due(
    ack_by: datetime | None, now: datetime, remind_days: int, queued_at: datetime | None = None
) -> bool:
    """Within `remind_days` before the date (and not after it): the time to remind; a
    contact sent the notice inside that window has just read the date and is not reminded."""
    if ack_by is None:
        return False
    window = ack_by - timedelta(days=remind_days)
    if queued_at is not None and queued_at >= window:
        return False
    return window <= now < ack_by


def overdue(ack_by: datetime | None, now: datetime) -> bool:
    return ack_by is not None and now >= ack_by
