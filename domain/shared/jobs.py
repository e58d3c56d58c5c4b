"""Scheduled job runs: what ran, for which occasion, and how it ended.

An *occasion* is the cron fire time a run stands for (the latest one not after now). A run
and its messages commit together, so "this occasion has a successful run" means its
messages are in the outbox; a second scheduler, a restart or a manual rerun then sends
nothing new (every message's dedupe key also names job, subject and period).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from domain.catalog.model import Contract, DealerCode
from domain.identity.actors import Actor


class RunOutcome(StrEnum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"  # the occasion had already run (another process, or before a restart)


class RunTrigger(StrEnum):
    SCHEDULE = "schedule"
    CATCH_UP = "catch_up"  # a fire time missed while no scheduler was running
    MANUAL = "manual"  # `dealerbot jobs run NAME`


@dataclass(frozen=True, slots=True)
class JobRun:
    job: str
    occasion: datetime
    trigger: RunTrigger
    outcome: RunOutcome
    started_at: datetime
    finished_at: datetime
    messages: int = 0
    detail: str = ""


class JobRunRepository(Protocol):
    def lock(self, job: str) -> None:
        """Hold the job's lock until the transaction ends (other schedulers wait)."""
        ...

    def succeeded(self, job: str, occasion: datetime) -> bool:
        """A run of `job` for `occasion` finished OK (and its messages are committed)."""
        ...

    def last(
        self, job: str, outcome: RunOutcome | None = None, before: datetime | None = None
    ) -> JobRun | None:
        """The latest run of `job` by occasion (of that outcome, for an occasion before)."""
        ...

    def record(self, run: JobRun) -> None: ...


class RecipientRepository(Protocol):
    """Who proactive messages go to, fetched in bulk (jobs address many dealers at once)."""

    def managers(self) -> list[Actor]:
        """Every deliverable chat identity linked to a manager."""
        ...

    def dealer_contacts(self, dealers: Sequence[DealerCode] | None = None) -> list[Actor]:
        """Deliverable chat identities linked to `dealers` (None: every dealer)."""
        ...


class ContractCalendar(Protocol):
    def ending_between(self, first: date, last: date) -> list[Contract]:
        """Contracts whose last day falls in [first, last], with no later contract following."""
        ...

    def in_force(self, day: date) -> list[Contract]:
        """Contracts running on `day`, by dealer."""
        ...
