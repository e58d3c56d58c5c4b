from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from domain.catalog.model import DealerCode, ProductLine, RegionCode
from domain.promotions.model import (
    Audience,
    DealerProfile,
    Delivery,
    DeliveryStats,
    PromoKind,
    PromoStatus,
    Promotion,
)
from domain.shared.outbox import OutboxStatus
from storage.catalog.repository import SqlCatalogRepository, dealer_from_row
from storage.dialects import insert_for
from storage.models import AuthorizationRow, DealerRow, OutboxRow, RegionRow, TerminalRow
from storage.promotions.models import PromotionDeliveryRow, PromotionRow


def _promo(row: PromotionRow) -> Promotion:
    return Promotion(
        id=row.id,
        kind=PromoKind(row.kind),
        title=row.title,
        body=row.body,
        title_en=row.title_en,
        body_en=row.body_en,
        audience=Audience(
            tuple(ProductLine(x) for x in row.lines or []),
            tuple(RegionCode(x) for x in row.regions or []),
            tuple(row.tiers or []),
        ),
        created_by=row.created_by,
        status=PromoStatus(row.status),
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        fee_text=row.fee_text,
        image=row.image,
        version=row.version,
        sent_at=row.sent_at,
    )


def _apply(row: PromotionRow, p: Promotion) -> None:
    row.kind = p.kind
    row.title = p.title
    row.body = p.body
    row.title_en = p.title_en
    row.body_en = p.body_en
    row.lines = list(p.audience.lines)
    row.regions = list(p.audience.regions)
    row.tiers = list(p.audience.tiers)
    row.starts_at = p.starts_at
    row.ends_at = p.ends_at
    row.fee_text = p.fee_text
    row.image = p.image
    row.status = p.status
    row.version = p.version
    row.created_by = p.created_by
    row.sent_at = p.sent_at


class SqlPromotionRepository:
    def __init__(self, session: Session, catalog: SqlCatalogRepository) -> None:
        self.s = session
        self.catalog = catalog

    def add(self, promo: Promotion, now: datetime) -> int:
        row = PromotionRow(created_at=now)
        _apply(row, promo)
        self.s.add(row)
        self.s.flush()
        return row.id

    def get(self, promo_id: int) -> Promotion | None:
        row = self.s.get(PromotionRow, promo_id)
        return _promo(row) if row else None

    def save(self, promo: Promotion) -> None:
        row = self.s.get(PromotionRow, promo.id)
        _apply(row, promo)
        self.s.flush()

    def list(
        self, statuses: Sequence[PromoStatus] | None = None, limit: int = 50
    ) -> list[Promotion]:
        q = select(PromotionRow).order_by(PromotionRow.id.desc()).limit(limit)
        if statuses:
            q = q.where(PromotionRow.status.in_([s.value for s in statuses]))
        return [_promo(r) for r in self.s.scalars(q)]

    def due(self, now: datetime) -> list[Promotion]:
        q = (
            select(PromotionRow)
            .where(
                PromotionRow.status == PromoStatus.SCHEDULED,
                (PromotionRow.starts_at.is_(None)) | (PromotionRow.starts_at <= now),
            )
            .order_by(PromotionRow.id)
        )
        return [_promo(r) for r in self.s.scalars(q)]

    def dealer_profiles(self, codes: Sequence[DealerCode]) -> list[DealerProfile]:
        dealers: dict[str, DealerRow] = {}
        lines: dict[str, set[ProductLine]] = {}
        regions: dict[str, set[RegionCode]] = {}
        region = aliased(RegionRow)
        term_region = aliased(RegionRow)
        for start in range(0, len(codes), 500):
            chunk = list(codes[start : start + 500])
            for row in self.s.scalars(select(DealerRow).where(DealerRow.code.in_(chunk))):
                dealers[row.code] = row
            auths = self.s.execute(
                select(DealerRow.code, AuthorizationRow.line, region.code, term_region.code)
                .join(AuthorizationRow, AuthorizationRow.dealer_id == DealerRow.id)
                .outerjoin(region, AuthorizationRow.region_id == region.id)
                .outerjoin(TerminalRow, AuthorizationRow.terminal_id == TerminalRow.id)
                .outerjoin(term_region, TerminalRow.region_id == term_region.id)
                .where(DealerRow.code.in_(chunk))
            )
            for code, line, rc, trc in auths:
                lines.setdefault(code, set()).add(ProductLine(line))
                if rc or trc:
                    regions.setdefault(code, set()).add(RegionCode(rc or trc))
        return [
            DealerProfile(
                dealer_from_row(row),
                frozenset(lines.get(code, ())),
                tuple(sorted(regions.get(code, ()))),
            )
            for code, row in sorted(dealers.items())
        ]

    def record_deliveries(self, rows: Sequence[tuple[int, DealerCode, int, str]]) -> int:
        """(promotion id, dealer, identity id, outbox key) rows; existing pairs are kept."""
        if not rows:
            return 0
        insert = insert_for(self.s)
        values = [
            {"promotion_id": p, "dealer_code": d, "identity_id": i, "dedupe_key": k}
            for p, d, i, k in rows
        ]
        stored = 0
        for start in range(0, len(values), 500):
            result = self.s.execute(
                insert(PromotionDeliveryRow)
                .values(values[start : start + 500])
                .on_conflict_do_nothing(index_elements=["promotion_id", "identity_id"])
                .returning(PromotionDeliveryRow.id)
            )
            stored += len(result.all())  # rowcount is not reliable for multi-row inserts
        return stored

    def record_delivery(
        self, promo_id: int, dealer: DealerCode, identity_id: int, dedupe_key: str
    ) -> bool:
        exists = self.s.scalar(
            select(PromotionDeliveryRow.id).where(
                PromotionDeliveryRow.promotion_id == promo_id,
                PromotionDeliveryRow.identity_id == identity_id,
            )
        )
        if exists is not None:
            return False
        self.s.add(
            PromotionDeliveryRow(
                promotion_id=promo_id,
                dealer_code=dealer,
                identity_id=identity_id,
                dedupe_key=dedupe_key,
            )
        )
        self.s.flush()
        return True

    def deliveries(self, promo_id: int) -> list[Delivery]:
        rows = self.s.scalars(
            select(PromotionDeliveryRow)
            .where(PromotionDeliveryRow.promotion_id == promo_id)
            .order_by(PromotionDeliveryRow.id)
        )
        return [
            Delivery(r.promotion_id, DealerCode(r.dealer_code), r.identity_id, r.acknowledged_at)
            for r in rows
        ]

    def acknowledge(self, promo_id: int, dealer: DealerCode, at: datetime) -> bool:
        found = self.s.execute(
            update(PromotionDeliveryRow)
            .where(
                PromotionDeliveryRow.promotion_id == promo_id,
                PromotionDeliveryRow.dealer_code == dealer,
                PromotionDeliveryRow.acknowledged_at.is_(None),
            )
            .values(acknowledged_at=at)
        ).rowcount
        if found:
            return True
        return (
            self.s.scalar(
                select(func.count()).where(
                    PromotionDeliveryRow.promotion_id == promo_id,
                    PromotionDeliveryRow.dealer_code == dealer,
                )
            )
            > 0
        )

    def stats(self, promo_id: int) -> DeliveryStats:
        d = PromotionDeliveryRow
        row = self.s.execute(
            select(
                func.count(d.id),
                func.count(OutboxRow.id).filter(OutboxRow.status == OutboxStatus.SENT),
                func.count(OutboxRow.id).filter(
                    OutboxRow.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
                ),
                func.count(OutboxRow.id).filter(
                    OutboxRow.status.in_([OutboxStatus.FAILED, OutboxStatus.UNDELIVERABLE])
                ),
                func.count(d.acknowledged_at),
            )
            .select_from(d)
            .outerjoin(OutboxRow, OutboxRow.dedupe_key == d.dedupe_key)
            .where(d.promotion_id == promo_id)
        ).one()
        return DeliveryStats(*row)

    def unacknowledged_dealers(self, promo_id: int, sent_before: datetime) -> list[DealerCode]:
        d = PromotionDeliveryRow
        acked = select(d.dealer_code).where(
            d.promotion_id == promo_id, d.acknowledged_at.is_not(None)
        )
        rows = self.s.scalars(
            select(d.dealer_code)
            .join(OutboxRow, OutboxRow.dedupe_key == d.dedupe_key)
            .where(
                d.promotion_id == promo_id,
                d.dealer_code.not_in(acked),
                OutboxRow.created_at <= sent_before,
            )
            .distinct()
            .order_by(d.dealer_code)
        )
        return [DealerCode(c) for c in rows]

    def active(self, now: datetime) -> list[Promotion]:
        rows = self.s.scalars(
            select(PromotionRow)
            .where(PromotionRow.status == PromoStatus.SENT)
            .order_by(PromotionRow.id.desc())
        )
        return [p for p in map(_promo, rows) if p.is_active(now)]
