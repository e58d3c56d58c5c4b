"""SqlEvaluationRepository: a period's facts in bulk, market sizes, scorecards drafted once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode
from domain.evaluation.model import (
    CardState,
    Criterion,
    Facts,
    MarketSize,
    NewCard,
    NotApplicable,
    Score,
    Scorecard,
)
from domain.shared.periods import Period
from storage.catalog.models import DealerRow, RegionRow
from storage.dialects import insert_for
from storage.evaluation.facts import FactReader, months_of
from storage.evaluation.models import MarketSizeRow, ScorecardRow


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _score_json(s: Score) -> dict:
    return {
        "criterion": s.criterion.value,
        "value": None if s.value is None else str(s.value),
        "points": None if s.points is None else str(s.points),
        "missing": None if s.missing is None else s.missing.value,
        "adjusted_from": None if s.adjusted_from is None else str(s.adjusted_from),
        "reason": s.reason,
    }


def _score(d: dict) -> Score:
    return Score(
        Criterion(d["criterion"]),
        _dec(d["value"]),
        _dec(d["points"]),
        NotApplicable(d["missing"]) if d.get("missing") else None,
        _dec(d.get("adjusted_from")),
        d.get("reason", ""),
    )


CHUNK = 500  # cards per INSERT: well under SQLite's 32,766 bound parameters


def _card(row: ScorecardRow) -> Scorecard:
    return Scorecard(
        row.id,
        DealerCode(row.dealer_code),
        Period.parse(row.period),
        tuple(_score(d) for d in row.scores),
        row.total,
        row.grade,
        tuple(row.consequences),
        row.tier,
        row.new_tier,
        CardState(row.state),
        row.request_id,
        row.created_at,
        row.published_at,
        row.appeal,
        tuple(row.adjustments or ()),
    )


class SqlEvaluationRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    # -- facts -------------------------------------------------------------------------

    def facts(
        self,
        period: Period,
        tz: tzinfo,
        dealers: Sequence[DealerCode] | None = None,
        grace_days: int = 5,
    ) -> dict[DealerCode, Facts]:
        read = FactReader(self.s, period, tz, grace_days)
        who = read.dealers(dealers)
        sales, (size, sold) = read.sales(), read.market()
        tickets, ratings = read.tickets(), read.ratings()
        violations, stock = read.violations(), read.stock_months()
        months = len(months_of(period))
        zero = Decimal("0.00")
        found = {}
        for dealer_id, (code, since) in who.items():
            amount, count, on_time = sales.get(dealer_id, (zero, 0, 0))
            resolved, in_sla, reopened = tickets.get(dealer_id, (0, 0, 0))
            rated, rating_sum = ratings.get(dealer_id, (0, 0))
            found[DealerCode(code)] = Facts(
                since=since,
                achieved=amount,
                market_size=size.get(dealer_id),
                market_sales=sold.get(dealer_id, zero),
                ratings=rated,
                rating_sum=rating_sum,
                tickets_resolved=resolved,
                resolved_on_time=in_sla,
                tickets_reopened=reopened,
                sales_count=count,
                violations=violations.get(dealer_id, ()),
                months=months,
                sales_months=on_time,
                stock_months=stock.get(dealer_id, 0),
            )
        return found

    def tiers(self, dealers: Sequence[DealerCode] | None = None) -> dict[DealerCode, str]:
        q = select(DealerRow.code, DealerRow.tier)
        if dealers is not None:
            q = q.where(DealerRow.code.in_(list(dealers)))
        return {DealerCode(c): t or "" for c, t in self.s.connection().execute(q)}

    def set_tier(self, dealer: DealerCode, tier: str) -> None:
        self.s.execute(update(DealerRow).where(DealerRow.code == dealer).values(tier=tier))

    # -- market sizes --------------------------------------------------------------------

    def add_market_sizes(self, sizes: Sequence[MarketSize]) -> list[str]:
        regions = dict(self.s.execute(select(RegionRow.code, RegionRow.id)).all())
        outcomes = []
        for m in sizes:
            key = (regions[m.region], m.line, str(m.period))
            row = self.s.scalar(
                select(MarketSizeRow).where(
                    MarketSizeRow.region_id == key[0],
                    MarketSizeRow.line == key[1],
                    MarketSizeRow.period == key[2],
                )
            )
            if row is None:
                self.s.add(
                    MarketSizeRow(region_id=key[0], line=m.line, period=key[2], amount=m.amount)
                )
                outcomes.append("created")
            elif row.amount != m.amount:
                row.amount = m.amount
                outcomes.append("updated")
            else:
                outcomes.append("unchanged")
        self.s.flush()
        return outcomes

    # -- scorecards ----------------------------------------------------------------------

    def _values(self, new: NewCard) -> dict:
        return {
            "scores": [_score_json(s) for s in new.scores],
            "total": new.total,
            "grade": new.grade,
            "consequences": list(new.consequences),
            "tier": new.tier,
            "new_tier": new.new_tier,
        }

    def add(self, new: NewCard, now: datetime) -> Scorecard | None:
        row = ScorecardRow(
            dealer_code=new.dealer,
            period=str(new.period),
            state=CardState.DRAFT.value,
            adjustments=[],
            appeal="",
            created_at=now,
            **self._values(new),
        )
        try:
            # The unique key decides: a card drafted by an earlier run or by another
            # scheduler at the same moment wins, and this one is not added.
            with self.s.begin_nested():
                self.s.add(row)
            return _card(row)
        except IntegrityError:
            pass
        # A card the sign-off rejected is drafted afresh (compare-and-set on its state).
        done = self.s.execute(
            update(ScorecardRow)
            .where(
                ScorecardRow.dealer_code == new.dealer,
                ScorecardRow.period == str(new.period),
                ScorecardRow.state == CardState.REJECTED.value,
            )
            .values(
                **self._values(new),
                state=CardState.DRAFT.value,
                request_id=None,
                adjustments=[],
                created_at=now,
            )
        )
        return self.of(new.dealer, new.period) if done.rowcount else None

    def add_many(self, news: Sequence[NewCard], now: datetime) -> list[Scorecard]:
        """`add` for many cards: one INSERT ... ON CONFLICT DO NOTHING per chunk, the cards
        inserted read back in one SELECT; a dealer whose card exists goes through `add`
        (drafted afresh if it was rejected, else left alone)."""
        drafted: list[Scorecard] = []
        for i in range(0, len(news), CHUNK):
            chunk = news[i : i + CHUNK]
            rows = [
                {
                    "dealer_code": new.dealer,
                    "period": str(new.period),
                    "state": CardState.DRAFT.value,
                    "adjustments": [],
                    "appeal": "",
                    "created_at": now,
                    **self._values(new),
                }
                for new in chunk
            ]
            make = insert_for(self.s)
            q = (
                make(ScorecardRow.__table__)
                .on_conflict_do_nothing(index_elements=["dealer_code", "period"])
                .returning(ScorecardRow.id, ScorecardRow.dealer_code)
            )
            # Core executemany: SQLAlchemy batches it into multi-row INSERTs of one cached
            # compiled form ("insertmanyvalues"), where .values(rows) compiled each chunk anew.
            found = self.s.connection().execute(q, rows)
            inserted = {code: id for id, code in found}
            if inserted:
                fresh = self.s.scalars(
                    select(ScorecardRow).where(ScorecardRow.id.in_(list(inserted.values())))
                )
                drafted.extend(_card(r) for r in fresh)
            for new in chunk:
                if new.dealer not in inserted and (card := self.add(new, now)) is not None:
                    drafted.append(card)
        return sorted(drafted, key=lambda c: c.dealer)

    def link_requests(self, links: Sequence[tuple[int, int]]) -> None:
        """(card id, request id) pairs, as `link_request` for each, in one executemany."""
        if links:
            self.s.execute(
                update(ScorecardRow),
                [{"id": card, "request_id": request} for card, request in links],
            )

    def drafted(self, period: Period) -> set[DealerCode]:
        rows = self.s.scalars(
            select(ScorecardRow.dealer_code).where(
                ScorecardRow.period == str(period),
                ScorecardRow.state != CardState.REJECTED.value,
            )
        )
        return {DealerCode(c) for c in rows}

    def get(self, id: int) -> Scorecard | None:
        row = self.s.get(ScorecardRow, id)
        return None if row is None else _card(row)

    def of(self, dealer: DealerCode, period: Period) -> Scorecard | None:
        row = self.s.scalar(
            select(ScorecardRow).where(
                ScorecardRow.dealer_code == dealer, ScorecardRow.period == str(period)
            )
        )
        return None if row is None else _card(row)

    def latest_published(self, dealer: DealerCode) -> Scorecard | None:
        row = self.s.scalars(
            select(ScorecardRow)
            .where(
                ScorecardRow.dealer_code == dealer,
                ScorecardRow.state == CardState.PUBLISHED.value,
            )
            .order_by(ScorecardRow.period.desc(), ScorecardRow.id.desc())
            .limit(1)
        ).first()
        return None if row is None else _card(row)

    def of_period(self, period: Period) -> list[Scorecard]:
        rows = self.s.scalars(
            select(ScorecardRow)
            .where(ScorecardRow.period == str(period))
            .order_by(ScorecardRow.dealer_code)
        )
        return [_card(r) for r in rows]

    def link_request(self, id: int, request_id: int) -> None:
        self.s.execute(
            update(ScorecardRow).where(ScorecardRow.id == id).values(request_id=request_id)
        )

    def revise(self, card, scores, total, grade, consequences, new_tier, note) -> None:
        row = self.s.get(ScorecardRow, card.id)
        assert row is not None
        row.scores = [_score_json(s) for s in scores]
        row.total, row.grade = total, grade
        row.consequences = list(consequences)
        row.new_tier = new_tier
        row.adjustments = [*(row.adjustments or []), note]  # a new list: JSON columns see it
        self.s.flush()

    def mark(
        self, id: int, state: CardState, now: datetime, *, expect: Sequence[CardState]
    ) -> bool:
        values: dict = {"state": state.value}
        if state is CardState.PUBLISHED:
            values["published_at"] = now
        done = self.s.execute(
            update(ScorecardRow)
            .where(ScorecardRow.id == id, ScorecardRow.state.in_([e.value for e in expect]))
            .values(**values)
        )
        return bool(done.rowcount)

    def set_appeal(self, id: int, reason: str, request_id: int) -> None:
        self.s.execute(
            update(ScorecardRow)
            .where(ScorecardRow.id == id)
            .values(
                appeal=reason,
                appeal_request_id=request_id,
                request_id=request_id,
                state=CardState.APPEALED.value,
            )
        )
