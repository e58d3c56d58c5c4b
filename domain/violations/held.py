"""Severe alerts nobody could be told yet: held for the managers over the dealer's regions
until one of them links a chat account (or a digest carries them to someone who has)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.catalog.model import ManagerCode
from domain.sales.model import ViolationId


class HeldAlertRepository(Protocol):
    def hold(self, violation: ViolationId, managers: Sequence[ManagerCode], now: datetime) -> None:
        """Keep the violation's alert for each of `managers` (holding it again changes nothing)."""
        ...

    def waiting_for(self, manager: ManagerCode) -> list[ViolationId]:
        """The violations held for `manager` and not yet delivered to anyone, oldest first."""
        ...

    def undelivered(self) -> list[ViolationId]:
        """Every held violation not yet delivered to anyone, oldest first."""
        ...

    def deliver(self, violations: Sequence[ViolationId], now: datetime) -> None:
        """Mark the violations delivered: no longer held for anyone."""
        ...
