"""Targets as set, and counted sales summed per dealer and period in one aggregate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, exists, false, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased
from sqlalchemy.types import NullType

from domain.catalog.model import Dealer, DealerCode, DealerStatus
from domain.shared.money import CENT
from domain.shared.periods import Period, PeriodError, PeriodKind
from domain.targets.achievement import COUNTED_STATUS
from domain.targets.pace import PACE_MAYBE, PACE_NO, PACE_RESOLVE, PaceCandidate, assessed_through
from domain.targets.resolution import fallback_periods, sub_periods
from storage.base import Money
from storage.models import DealerRow, TargetRow
from storage.sales.models import SaleRow
from storage.sales.monthly import month_of
from storage.sales.monthly_models import SalesMonthlyRow


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
        """The dealers possibly behind pace on one of `periods` as of `today`, in one statement.

        Per active dealer with targets: its targets for each period, last year's and counts
        of the others that may decide it (one pivot of the targets), and its counted sales
        since each first day of the periods, read from the month sums `sales_monthly` kept
        on write: the earlier months of the period as a correlated SUM (a primary-key range
        seek, a dozen rows at most), today's month joined by its key. Today's month counts
        up to `today` only: its sales dated after today (possible only when a catch-up run
        judges an earlier day, since reports cannot be dated ahead) are taken out with a
        seek in the covering index `ix_sales_achievement`, done only for the dealers whose
        month has seen such a day (`last_day > today`). OFFSET 0 keeps those sums computed
        once per dealer (SQLite would copy them into the WHERE, PostgreSQL pull them up).
        The WHERE keeps the dealers behind on a period whose target it knows (a cent of
        slack where SQLite computes in floats), or whose target derives from other
        periods; `judge_pace` decides exactly.
        """
        periods = list(periods)
        targets = self._target_pivot(periods)
        starts = sorted({p.start for p in periods})
        month = month_of(today)
        assert all(day.day == 1 and day <= month for day in starts), starts
        this = aliased(SalesMonthlyRow, name="m")
        earlier = [
            select(func.sum(SalesMonthlyRow.amount))
            .where(
                SalesMonthlyRow.dealer_id == targets.c.dealer_id,
                SalesMonthlyRow.month >= day,
                SalesMonthlyRow.month < month,
            )
            .scalar_subquery()
            .label(f"e{k}")
            for k, day in enumerate(starts)
            if day < month
        ]
        cols = [this.amount.label("m_amount")]
        # Today's month counts up to today: sales dated later in it (possible when a catch-up
        # run judges an earlier day) are taken out, sought in the index only for the dealers
        # whose month has seen a sale dated after today.
        month_end = Period.containing(today, PeriodKind.MONTH).end
        if today < month_end:
            after = (
                select(func.sum(SaleRow.amount))
                .where(
                    SaleRow.dealer_id == targets.c.dealer_id,
                    SaleRow.sold_on > today,
                    SaleRow.sold_on <= month_end,
                    SaleRow.status == COUNTED_STATUS,
                )
                .scalar_subquery()
            )
            cols.append(case((this.last_day > today, after)).label("later"))
        per_dealer = (
            select(DealerRow.code, DealerRow.name, DealerRow.since, *targets.c, *earlier, *cols)
            .select_from(targets)
            .join(DealerRow, DealerRow.id == targets.c.dealer_id)
            .outerjoin(this, and_(this.dealer_id == targets.c.dealer_id, this.month == month))
            .where(DealerRow.status == DealerStatus.ACTIVE.value)
            .offset(0)
            .subquery("d")
        )
        d = per_dealer.c
        zero = literal(Decimal("0.00"), Money())
        # Achieved to date: the earlier months since the period's first day, plus today's
        # month less its sales dated after today.
        now = func.coalesce(d.m_amount, zero)
        if today < month_end:
            now = now - func.coalesce(d.later, zero)
        achieved = [
            (func.coalesce(d[f"e{k}"], zero) + now) if day < month else now
            for k, day in enumerate(starts)
        ]
        slack = Decimal("0.01")
        flags, maybe = [], []
        for i, p in enumerate(periods):
            t, u, sub, old = (d[f"{x}{i}"] for x in "tuso")
            got = achieved[starts.index(p.start)]
            elapsed = min(max((today - p.start).days + 1, 0), p.days)
            parts = len(sub_periods(p))
            may_roll_up = sub >= 3 * parts if parts else false()
            resolve = and_(t.is_(None), or_(may_roll_up, and_(u.is_(None), old > 0)))
            target = func.coalesce(t, u * (1 + growth))
            late = and_(
                target.is_not(None),
                or_(d.since.is_(None), d.since <= assessed_through(p.start)),
                got * p.days < (target + slack) * elapsed,
            )
            flags.append(case((resolve, PACE_RESOLVE), (late, PACE_MAYBE), else_=PACE_NO))
            maybe += [resolve, late]
        raw = NullType()  # the driver's values, converted below only where a flag asks
        cols = []
        for i, p in enumerate(periods):
            t = d[f"t{i}"]
            cols += [
                flags[i],
                type_coerce(achieved[starts.index(p.start)], raw),
                type_coerce(t, raw),
                type_coerce(case((t.is_(None), d[f"u{i}"])), raw),
            ]
        q = select(d.code, d.name, d.since, *cols).where(or_(*maybe))
        rows = self.s.connection().execute(q).all()
        found = []
        for i, p in enumerate(periods):  # period by period, as `judge_pace` likes them
            at = 3 + 4 * i
            for row in rows:
                flag = row[at]
                if flag:
                    got, t, u = row[at + 1 : at + 4]
                    found.append(
                        PaceCandidate(
                            DealerCode(row[0]),
                            row[1],
                            row[2],
                            p,
                            flag,
                            _cents(got),
                            _cents(t, None),
                            _cents(u, None),
                        )
                    )
        return found

    def _target_pivot(self, periods: list[Period]):
        """Per dealer and period i: t{i} the target set, u{i} last year's, s{i} 3 x its parts
        set + their parts set (>= 3 x parts when every part is set or may roll up from its
        own: a necessary condition), o{i} how many older targets may decide it."""
        wanted: set[str] = set()
        cols = []
        for i, p in enumerate(periods):
            own, last = str(p), str(p.previous_year())
            children = [str(x) for x in sub_periods(p)] or ["-"]
            grandchildren = [str(x) for c in sub_periods(p) for x in sub_periods(c)] or ["-"]
            older = [str(x) for x in fallback_periods(p)]
            wanted.update([own, last, *children, *grandchildren, *older])
            cols += [
                func.max(case((TargetRow.period == own, TargetRow.amount))).label(f"t{i}"),
                func.max(case((TargetRow.period == last, TargetRow.amount))).label(f"u{i}"),
                func.sum(
                    case(
                        (TargetRow.period.in_(children), 3),
                        (TargetRow.period.in_(grandchildren), 1),
                        else_=0,
                    )
                ).label(f"s{i}"),
                func.sum(case((TargetRow.period.in_(older), 1), else_=0)).label(f"o{i}"),
            ]
        return (
            select(TargetRow.dealer_id, *cols)
            .where(TargetRow.period.in_(sorted(wanted)))
            .group_by(TargetRow.dealer_id)
            .subquery("t")
        )

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


def _cents(value, empty: Decimal | None = Decimal("0.00")) -> Decimal | None:
    """A driver's money value as Decimal cents: PostgreSQL gives Decimal, SQLite int, or a
    float for sums of fractional amounts (exact to far below a cent, so rounding is exact)."""
    if value is None:
        return empty
    kind = type(value)
    if kind is Decimal:
        return value
    if kind is int:
        return _ZERO_CENTS + value  # exact, with two places, without a quantize
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


_ZERO_CENTS = Decimal("0.00")
