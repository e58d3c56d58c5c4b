"""Targets as set, and counted sales summed per dealer and period in one aggregate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, exists, false, func, or_, select
from sqlalchemy.orm import Session

from domain.achievement import (
    COUNTED_STATUS,
    PaceCandidate,
    assessed_through,
    fallback_periods,
    sub_periods,
)
from domain.catalog import Dealer, DealerCode, DealerStatus
from domain.money import CENT
from domain.periods import Period, PeriodError
from storage.models import DealerRow, TargetRow
from storage.models.sales import SaleRow


class SqlTargetRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def explicit(
        self, years: Sequence[int], dealers: Sequence[DealerCode] | None = None
    ) -> dict[DealerCode, dict[Period, Decimal]]:
        q = select(DealerRow.code, TargetRow.period, TargetRow.amount).join(
            DealerRow, TargetRow.dealer_id == DealerRow.id
        )
        # Period strings start with their year: a prefix range keeps the index usable.
        lo, hi = min(years), max(years)
        q = q.where(TargetRow.period >= f"{lo}", TargetRow.period < f"{hi + 1}")
        if dealers is not None:
            q = q.where(DealerRow.code.in_(list(dealers)))
        found: dict[DealerCode, dict[Period, Decimal]] = {}
        parsed: dict[str, Period | None] = {}
        for code, name, amount in self.s.connection().execute(q).all():
            if name not in parsed:
                try:
                    parsed[name] = Period.parse(name)
                except PeriodError:
                    parsed[name] = None
            period = parsed[name]
            if period is not None:
                found.setdefault(DealerCode(code), {})[period] = amount
        return found

    def active_dealers(self) -> list[Dealer]:
        rows = self.s.connection().execute(
            select(DealerRow.code, DealerRow.name, DealerRow.since)
            .where(DealerRow.status == DealerStatus.ACTIVE.value)
            .order_by(DealerRow.code)
        )
        return [Dealer(code=DealerCode(c), name=n, since=since) for c, n, since in rows.all()]

    def set(self, dealer: DealerCode, period: Period, amount: Decimal) -> None:
        dealer_id = self.s.scalar(select(DealerRow.id).where(DealerRow.code == dealer))
        row = self.s.scalar(
            select(TargetRow).where(
                TargetRow.dealer_id == dealer_id, TargetRow.period == str(period)
            )
        )
        if row is None:
            self.s.add(TargetRow(dealer_id=dealer_id, period=str(period), amount=amount))
        else:
            row.amount = amount
        self.s.flush()

    def achieved(
        self,
        periods: Sequence[Period],
        through: date,
        dealers: Sequence[DealerCode] | None = None,
    ) -> dict[DealerCode, dict[Period, Decimal]]:
        """One scan of the rows of the longest period: a conditional SUM per period."""
        periods = list(periods)
        if not periods:
            return {}
        lo = min(p.start for p in periods)
        hi = min(max(p.end for p in periods), through)
        sums = [
            func.sum(
                case(
                    (
                        and_(SaleRow.sold_on >= p.start, SaleRow.sold_on <= min(p.end, through)),
                        SaleRow.amount,
                    )
                )
            ).label(f"p{i}")
            for i, p in enumerate(periods)
        ]
        per_dealer = (
            select(SaleRow.dealer_id, *sums)
            .where(
                SaleRow.status == COUNTED_STATUS,
                SaleRow.sold_on >= lo,
                SaleRow.sold_on <= hi,
            )
            .group_by(SaleRow.dealer_id)
        )
        if dealers is not None:
            per_dealer = per_dealer.where(SaleRow.dealer_id.in_(self._ids(dealers)))
        agg = per_dealer.subquery()
        q = select(DealerRow.code, *(agg.c[f"p{i}"] for i in range(len(periods)))).join(
            agg, agg.c.dealer_id == DealerRow.id
        )
        zero = Decimal("0.00")
        found: dict[DealerCode, dict[Period, Decimal]] = {}
        for code, *amounts in self.s.execute(q):
            found[DealerCode(code)] = {
                p: _money(a) if a is not None else zero
                for p, a in zip(periods, amounts, strict=True)
            }
        return found

    def pace_candidates(
        self, periods: Sequence[Period], today: date, growth: Decimal
    ) -> list[PaceCandidate]:
        periods = list(periods)
        sales, sum_of = self._sums(periods, today)
        wanted: set[str] = set()
        cols = []
        for i, p in enumerate(periods):
            own, last = str(p), str(p.previous_year())
            children = [str(x) for x in sub_periods(p)] or ["-"]
            grandchildren = [str(x) for c in sub_periods(p) for x in sub_periods(c)] or ["-"]
            parts = children + grandchildren
            older = [str(x) for x in fallback_periods(p)]
            wanted.update([own, last, *parts, *older])
            cols += [
                func.max(case((TargetRow.period == own, TargetRow.amount))).label(f"t{i}"),
                func.max(case((TargetRow.period == last, TargetRow.amount))).label(f"u{i}"),
                # 3 x children set + grandchildren set: at least 3 x children when every
                # child is set or may be rolled up from its own parts (a necessary condition).
                func.sum(
                    case(
                        (TargetRow.period.in_(children), 3),
                        (TargetRow.period.in_(grandchildren), 1),
                        else_=0,
                    )
                ).label(f"s{i}"),
                func.sum(case((TargetRow.period.in_(older), 1), else_=0)).label(f"o{i}"),
            ]
        targets = (
            select(TargetRow.dealer_id, *cols)
            .where(TargetRow.period.in_(sorted(wanted)))
            .group_by(TargetRow.dealer_id)
            .subquery("t")
        )
        slack = Decimal("0.01")  # errs towards inclusion where SQLite computes in floats
        maybe = []
        for i, p in enumerate(periods):
            t, u, sub, old = (targets.c[f"{x}{i}"] for x in "tuso")
            got = func.coalesce(sum_of[p], 0)
            elapsed = min(max((today - p.start).days + 1, 0), p.days)
            may_roll_up = sub >= 3 * len(sub_periods(p)) if sub_periods(p) else false()
            incomplete = and_(t.is_(None), or_(may_roll_up, and_(u.is_(None), old > 0)))
            target = func.coalesce(t, u * (1 + growth))
            behind = and_(
                target.is_not(None),
                or_(DealerRow.since.is_(None), DealerRow.since <= assessed_through(p.start)),
                got * p.days < (target + slack) * elapsed,
            )
            maybe.append(or_(incomplete, behind))
        q = (
            select(
                DealerRow.code,
                DealerRow.name,
                DealerRow.since,
                *(sum_of[p] for p in periods),
                *(targets.c[f"{x}{i}"] for i in range(len(periods)) for x in "tuso"),
                *(case((m, 1), else_=0) for m in maybe),
            )
            .select_from(DealerRow)
            .join(targets, targets.c.dealer_id == DealerRow.id)
            .outerjoin(sales, sales.c.dealer_id == DealerRow.id)
            .where(DealerRow.status == DealerStatus.ACTIVE.value, or_(*maybe))
        )
        zero = Decimal("0.00")
        n = len(periods)
        found = []
        for row in self.s.connection().execute(q).all():
            code, name, since = row[0], row[1], row[2]
            sums, rest, flags = row[3 : 3 + n], row[3 + n : 3 + 5 * n], row[3 + 5 * n :]
            explicit: dict[Period, Decimal] = {}
            complete = True
            for i, p in enumerate(periods):
                t, u, sub, old = rest[4 * i : 4 * i + 4]
                if t is not None:
                    explicit[p] = t
                if u is not None:
                    explicit[p.previous_year()] = u
                parts = len(sub_periods(p))
                if t is None and ((parts and sub >= 3 * parts) or (u is None and old)):
                    complete = False
            found.append(
                PaceCandidate(
                    Dealer(code=DealerCode(code), name=name, since=since),
                    {p: zero if v is None else v for p, v in zip(periods, sums, strict=True)},
                    explicit,
                    complete,
                    tuple(p for p, flag in zip(periods, flags, strict=True) if flag),
                )
            )
        return found

    def _sums(self, periods: list[Period], today: date):
        """Counted sales per dealer of each period through `today`, as one subquery.

        Periods containing today differ only in their first day: a plain SUM for the
        earliest, and for each later first day a SUM of a CASE without ELSE, whose NULLs the
        aggregate skips for free, so the scan costs about what a single SUM does.
        """
        lo = min(p.start for p in periods)
        starts = sorted({p.start for p in periods})
        cols = [
            (
                func.sum(SaleRow.amount)
                if day == lo
                else func.sum(case((SaleRow.sold_on >= day, SaleRow.amount)))
            ).label(f"a{k}")
            for k, day in enumerate(starts)
        ]
        sales = (
            select(SaleRow.dealer_id, *cols)
            .where(
                SaleRow.status == COUNTED_STATUS, SaleRow.sold_on >= lo, SaleRow.sold_on <= today
            )
            .group_by(SaleRow.dealer_id)
            .subquery("s")
        )
        return sales, {p: sales.c[f"a{starts.index(p.start)}"] for p in periods}

    def daily(
        self, dealer: DealerCode, period: Period, through: date
    ) -> list[tuple[date, Decimal]]:
        rows = self.s.execute(
            select(SaleRow.sold_on, func.sum(SaleRow.amount))
            .where(
                SaleRow.dealer_id.in_(self._ids([dealer])),
                SaleRow.status == COUNTED_STATUS,
                SaleRow.sold_on >= period.start,
                SaleRow.sold_on <= min(period.end, through),
            )
            .group_by(SaleRow.sold_on)
            .order_by(SaleRow.sold_on)
        )
        return [(day, _money(amount)) for day, amount in rows]

    def reported_since(self, since: datetime) -> set[DealerCode]:
        rows = self.s.scalars(
            select(DealerRow.code).where(
                exists().where(SaleRow.dealer_id == DealerRow.id, SaleRow.created_at >= since)
            )
        )
        return {DealerCode(c) for c in rows}

    def _ids(self, dealers: Sequence[DealerCode]):
        return select(DealerRow.id).where(DealerRow.code.in_(list(dealers))).scalar_subquery()


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
