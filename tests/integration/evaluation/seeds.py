"""A quarter of D001's history (2026-Q2) written as the bot would have stored it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from storage.models import (
    DealerRow,
    ProductRow,
    RegionRow,
    StockRow,
    TicketFollowUpRow,
    TicketRow,
    ViolationRow,
)
from tests.integration.targets.test_targets_and_jobs import add_sale, set_target


def _dealer_id(s, code="D001"):
    return s.scalar(select(DealerRow.id).where(DealerRow.code == code))


def ticket(uow_factory, resolved: datetime, *, late=False, reopened=0, rating=None) -> None:
    with uow_factory() as uow:
        s = uow.session
        created = resolved - timedelta(hours=30)
        due = created + timedelta(hours=24 if late else 48)
        row = TicketRow(
            dealer_id=_dealer_id(s),
            category="quality",
            urgency="normal",
            status="closed",
            description="屏幕闪烁",
            created_by="dealer:D001",
            created_at=created,
            sla_started_at=created,
            due_at=due,
            resolved_at=resolved,
            reopen_count=reopened,
        )
        s.add(row)
        s.flush()
        if rating is not None:
            s.add(
                TicketFollowUpRow(
                    ticket_id=row.id, round=1, rating=rating, actor="dealer:D001", at=resolved
                )
            )
        uow.commit()


def violation(uow_factory, at: datetime, severity="major", status="confirmed") -> None:
    with uow_factory() as uow:
        s = uow.session
        s.add(
            ViolationRow(
                dealer_id=_dealer_id(s),
                type="price_floor",
                severity=severity,
                evidence={},
                status=status,
                created_at=at,
            )
        )
        uow.commit()


def stock(uow_factory, as_of: date) -> None:
    with uow_factory() as uow:
        s = uow.session
        s.add(
            StockRow(
                dealer_id=_dealer_id(s),
                product_id=s.scalar(select(ProductRow.id).where(ProductRow.sku == "A100")),
                qty=5,
                as_of=as_of,
                created_at=datetime.combine(as_of, datetime.min.time(), UTC),
            )
        )
        uow.commit()


def market_size(uow_factory, region: str, line: str, period: str, amount: str) -> None:
    from storage.evaluation.models import MarketSizeRow

    with uow_factory() as uow:
        s = uow.session
        region_id = s.scalar(select(RegionRow.id).where(RegionRow.code == region))
        s.add(MarketSizeRow(region_id=region_id, line=line, period=period, amount=Decimal(amount)))
        uow.commit()


def seed_quarter(uow_factory) -> None:
    """D001 in 2026-Q2: 80% of target; 10% of the SC/IMG market; ratings 4 and 5; one of
    two tickets on time and one reopened; one major violation in 3 sales; sales reported on
    time in April and May (June's late), stock in April and June."""
    set_target(uow_factory, "D001", "2026-Q2", "1000000")
    add_sale(uow_factory, "D001", "400000", date(2026, 4, 10), at=datetime(2026, 4, 10, tzinfo=UTC))
    add_sale(uow_factory, "D001", "300000", date(2026, 5, 10), at=datetime(2026, 5, 10, tzinfo=UTC))
    # June's sale reported on 9 July: after the 5-day grace
    add_sale(uow_factory, "D001", "100000", date(2026, 6, 28), at=datetime(2026, 7, 9, tzinfo=UTC))
    add_sale(uow_factory, "D001", "999999", date(2026, 7, 2), at=datetime(2026, 7, 2, tzinfo=UTC))
    add_sale(uow_factory, "D001", "50000", date(2026, 5, 2), status="withdrawn")
    market_size(uow_factory, "SC", "IMG", "2026-Q2", "8000000")
    market_size(uow_factory, "SH", "IMG", "2026-Q2", "9000000")  # not D001's region
    ticket(uow_factory, datetime(2026, 4, 20, tzinfo=UTC), rating=4)
    ticket(uow_factory, datetime(2026, 5, 20, tzinfo=UTC), late=True, reopened=1, rating=5)
    ticket(uow_factory, datetime(2026, 7, 3, tzinfo=UTC), late=True, rating=1)  # next quarter
    violation(uow_factory, datetime(2026, 5, 5, tzinfo=UTC))
    violation(uow_factory, datetime(2026, 5, 6, tzinfo=UTC), "severe", "dismissed")
    stock(uow_factory, date(2026, 4, 30))
    stock(uow_factory, date(2026, 6, 30))
