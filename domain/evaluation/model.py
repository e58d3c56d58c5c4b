"""Scorecards: the criteria, the facts they are computed from, and the port that keeps them.

A criterion scores 0-100 points, or is N/A when the period gave it no data; an N/A
criterion is left out of the weighted total (its weight is not counted), never scored 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from domain.catalog.model import DealerCode
from domain.shared.periods import Period


class Criterion(StrEnum):
    SALES = "sales"  # achievement of the period's target
    MARKET_SHARE = "market_share"  # sales over the imported market size
    SATISFACTION = "satisfaction"  # follow-up ratings of tickets
    SERVICE = "service"  # tickets resolved within SLA, reopen rate
    COMPLIANCE = "compliance"  # confirmed violations weighted by severity, per 100 sales
    REPORTING = "reporting"  # months with a sales report and a stock report
    TRAINING = "training"  # notices acknowledged by their date, of those asking for it


class NotApplicable(StrEnum):
    """Why a criterion has no points this period (the card says so)."""

    FIRST_YEAR = "first_year"
    NO_TARGET = "no_target"
    NO_MARKET_SIZE = "no_market_size"
    NO_RATINGS = "no_ratings"
    NO_TICKETS = "no_tickets"
    NO_SALES = "no_sales"
    NO_NOTICES = "no_notices"  # no notice of the period asked for an acknowledgement
    NO_SOURCE = "no_source"  # cards drafted before notices were read


@dataclass(frozen=True, slots=True)
class Facts:
    """What one dealer did in one period, read in bulk (one aggregate per source)."""

    since: date | None = None
    target: Decimal | None = None
    achieved: Decimal = Decimal("0.00")
    market_size: Decimal | None = None  # sum over the dealer's (region, line) cells
    market_sales: Decimal = Decimal("0.00")  # its sales in those cells
    ratings: int = 0
    rating_sum: int = 0
    tickets_resolved: int = 0
    resolved_on_time: int = 0
    tickets_reopened: int = 0
    sales_count: int = 0
    violations: tuple[tuple[str, int], ...] = ()  # (severity, count), confirmed or penalized
    months: int = 0  # months in the period
    sales_months: int = 0  # months with a sales report made in the month
    stock_months: int = 0  # months with a stock report
    # (acknowledged by the date, asked to acknowledge) notices of the period; None: none
    acknowledged: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Score:
    criterion: Criterion
    value: Decimal | None  # the measured figure (a percent, an average, an index)
    points: Decimal | None  # 0-100; None: N/A
    missing: NotApplicable | None = None
    adjusted_from: Decimal | None = None  # the computed points, when a manager adjusted them
    reason: str = ""  # the adjustment's reason

    @property
    def applicable(self) -> bool:
        return self.points is not None


class CardState(StrEnum):
    DRAFT = "draft"  # computed, waiting for sign-off
    PUBLISHED = "published"  # signed off and shown to the dealer
    REJECTED = "rejected"  # the sign-off refused it; the next run may draft again
    APPEALED = "appealed"  # the dealer contests it; under review again


@dataclass(frozen=True, slots=True)
class NewCard:
    dealer: DealerCode
    period: Period
    scores: tuple[Score, ...]
    total: Decimal | None
    grade: str | None
    consequences: tuple[str, ...]
    tier: str  # the dealer's tier when drafted
    new_tier: str | None  # the tier the consequences propose (None: unchanged)


@dataclass(frozen=True, slots=True)
class Scorecard:
    id: int
    dealer: DealerCode
    period: Period
    scores: tuple[Score, ...]
    total: Decimal | None
    grade: str | None
    consequences: tuple[str, ...]
    tier: str
    new_tier: str | None
    state: CardState
    request_id: int | None
    created_at: datetime
    published_at: datetime | None = None
    appeal: str = ""
    adjustments: tuple[dict, ...] = field(default=())

    def score(self, criterion: Criterion) -> Score | None:
        return next((s for s in self.scores if s.criterion is criterion), None)


@dataclass(frozen=True, slots=True)
class MarketSize:
    region: str
    line: str
    period: Period
    amount: Decimal


class EvaluationRepository(Protocol):
    def facts(
        self,
        period: Period,
        tz,
        dealers: Sequence[DealerCode] | None = None,
        grace_days: int = 5,
    ) -> dict[DealerCode, Facts]:
        """Each active dealer's facts for `period` (business days in `tz`), one aggregate
        per source; None: every active dealer. The target is left for the caller (the
        targets context resolves it); a month's report is on time up to `grace_days`
        after it."""
        ...

    def tiers(self, dealers: Sequence[DealerCode] | None = None) -> dict[DealerCode, str]: ...

    def add(self, new: NewCard, now: datetime) -> Scorecard | None:
        """Draft a card; None when the dealer's card for the period exists (by this run,
        another scheduler's, or an earlier one) and was not rejected."""
        ...

    def add_many(self, news: Sequence[NewCard], now: datetime) -> list[Scorecard]:
        """`add` of each, in as few statements as the store allows; the cards drafted now."""
        ...

    def link_requests(self, links: Sequence[tuple[int, int]]) -> None:
        """`link_request` of each (card id, request id)."""
        ...

    def latest_published(self, dealer: DealerCode) -> Scorecard | None:
        """The dealer's published card of the latest period (appealed ones are in review)."""
        ...

    def drafted(self, period: Period) -> set[DealerCode]:
        """Dealers whose card for `period` exists and was not rejected."""
        ...

    def get(self, id: int) -> Scorecard | None: ...

    def of(self, dealer: DealerCode, period: Period) -> Scorecard | None: ...

    def of_period(self, period: Period) -> list[Scorecard]: ...

    def link_request(self, id: int, request_id: int) -> None: ...

    def revise(self, card: Scorecard, scores, total, grade, consequences, new_tier, note) -> None:
        """Store adjusted scores and the adjustment record (criterion, from, to, reason, who)."""
        ...

    def mark(
        self, id: int, state: CardState, now: datetime, *, expect: Sequence[CardState]
    ) -> bool:
        """Move a card in one of `expect` to `state`; False when it was not."""
        ...

    def set_appeal(self, id: int, reason: str, request_id: int) -> None: ...

    def set_tier(self, dealer: DealerCode, tier: str) -> None: ...

    def add_market_sizes(self, sizes: Sequence[MarketSize]) -> list[str]:
        """Create or update; one outcome ("created"/"updated"/"unchanged") per size."""
        ...
