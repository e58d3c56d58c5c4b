"""Duty submissions (nil reports, financial statements) and what storage provides for them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from domain.catalog.model import DealerCode
from domain.duties.calendar import Duty, DutyPeriod

# The statement's figures, in the template's order (营业收入、营业成本、应收账款、存货、现金).
FIGURES = ("revenue", "cost", "receivables", "inventory", "cash")


class Source(StrEnum):
    XLSX = "xlsx"  # the company's template, parsed
    FORM = "form"  # a PDF or photo, with the key figures typed in


@dataclass(frozen=True, slots=True)
class Figures:
    revenue: Decimal
    cost: Decimal
    receivables: Decimal
    inventory: Decimal
    cash: Decimal

    def as_dict(self) -> dict[str, Decimal]:
        return {name: getattr(self, name) for name in FIGURES}


@dataclass(frozen=True, slots=True)
class Statement:
    """One version of a dealer's statement for a month; the highest version is in force."""

    dealer: DealerCode
    period: str  # YYYY-MM
    version: int
    figures: Figures
    source: Source
    file_name: str
    submitted_at: datetime
    submitted_by: str

    def changes_from(self, earlier: Statement) -> list[tuple[str, Decimal, Decimal]]:
        """(figure, before, after) of every figure that differs."""
        old, new = earlier.figures.as_dict(), self.figures.as_dict()
        return [(f, old[f], new[f]) for f in FIGURES if old[f] != new[f]]


class DutyRepository(Protocol):
    def file_nil(
        self, dealer: DealerCode, duty: Duty, period: DutyPeriod, at: datetime, by: str
    ) -> bool:
        """Record "nothing this period"; False when one was already filed."""
        ...

    def done_at(
        self,
        duty: Duty,
        period: DutyPeriod,
        due: date,
        dealers: Sequence[DealerCode] | None = None,
    ) -> dict[DealerCode, datetime]:
        """When each dealer first did `duty` for `period` (sales reports: a sale sold in the
        period or a nil report; stock: a level as of the period's start through `due`;
        statements: one for the month), in one query per source."""
        ...

    def add_statement(self, statement: Statement) -> None:
        """Append a version (unique per dealer, period and version)."""
        ...

    def statement(self, dealer: DealerCode, period: str) -> Statement | None:
        """The version in force of a dealer's statement for a month."""
        ...

    def statements(self, dealer: DealerCode, limit: int = 24) -> list[Statement]:
        """The versions in force of the dealer's latest `limit` months, oldest first."""
        ...
