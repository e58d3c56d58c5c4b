"""What the targets context needs from storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from domain.catalog.model import DealerCode
from domain.shared.periods import Period
from domain.targets.pace import PaceCandidate


class TargetRepository(Protocol):
    """Targets as set, and confirmed sales summed per dealer, each in one query."""

    def explicit(
        self, years: Sequence[int], dealers: Sequence[DealerCode] | None = None
    ) -> dict[DealerCode, dict[Period, Decimal]]:
        """Targets imported or set by a manager for periods in `years` (None: every dealer)."""
        ...

    def set(self, dealer: DealerCode, period: Period, amount: Decimal) -> None: ...

    def achieved(
        self,
        periods: Sequence[Period],
        through: date,
        dealers: Sequence[DealerCode] | None = None,
    ) -> dict[DealerCode, dict[Period, Decimal]]:
        """Counted sales of each period from its start through `through`, per dealer.

        One aggregate over the rows of the longest period, GROUP BY dealer.
        """
        ...

    def pace_candidates(
        self, periods: Sequence[Period], today: date, growth: Decimal
    ) -> list[PaceCandidate]:
        """The active dealers possibly behind pace on each of `periods` as of `today` (one
        statement); `judge_pace` tells exactly. Never leaves out a dealer that is behind."""
        ...

    def reported_since(self, since: datetime) -> set[DealerCode]:
        """Dealers with any sales report (whatever became of it) created since `since`."""
        ...

    def daily(
        self, dealer: DealerCode, period: Period, through: date
    ) -> list[tuple[date, Decimal]]:
        """Counted sales of one dealer per day of `period` up to `through`, oldest first."""
        ...
