"""Job runs and their lock; the recipients jobs address, fetched in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import exists, select, text
from sqlalchemy.orm import Session, aliased

from domain.catalog.model import Contract, DealerCode
from domain.identity.actors import Actor
from domain.shared.jobs import JobRun, RunOutcome, RunTrigger
from storage.core.job_models import JobRunRow
from storage.identity.repository import linked_managers
from storage.models import ChatIdentityRow, ContractRow, DealerRow


def _run(row: JobRunRow) -> JobRun:
    return JobRun(
        job=row.job,
        occasion=row.occasion,
        trigger=RunTrigger(row.trigger),
        outcome=RunOutcome(row.outcome),
        started_at=row.started_at,
        finished_at=row.finished_at,
        messages=row.messages,
        detail=row.detail,
    )


class SqlJobRunRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def lock(self, job: str) -> None:
        if self.s.bind.dialect.name == "postgresql":
            # Transaction-scoped: released by commit or rollback, even if the process dies.
            self.s.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                {"key": f"dealerbot.job:{job}"},
            )
        else:
            # SQLite transactions start with BEGIN IMMEDIATE (storage.db): the first statement
            # takes the database's write lock, which serializes every writer until commit.
            self.s.execute(text("SELECT 1"))

    def succeeded(self, job: str, occasion: datetime) -> bool:
        found = self.s.scalar(
            select(JobRunRow.id)
            .where(
                JobRunRow.job == job,
                JobRunRow.occasion == occasion,
                JobRunRow.outcome == RunOutcome.OK,
            )
            .limit(1)
        )
        return found is not None

    def last(
        self, job: str, outcome: RunOutcome | None = None, before: datetime | None = None
    ) -> JobRun | None:
        q = select(JobRunRow).where(JobRunRow.job == job)
        if outcome is not None:
            q = q.where(JobRunRow.outcome == outcome)
        if before is not None:
            q = q.where(JobRunRow.occasion < before)
        row = self.s.scalar(q.order_by(JobRunRow.occasion.desc(), JobRunRow.id.desc()).limit(1))
        return _run(row) if row else None

    def record(self, run: JobRun) -> None:
        self.s.add(
            JobRunRow(
                job=run.job,
                occasion=run.occasion,
                trigger=run.trigger,
                outcome=run.outcome,
                started_at=run.started_at,
                finished_at=run.finished_at,
                messages=run.messages,
                detail=run.detail[:2000],
            )
        )
        self.s.flush()


class SqlRecipientRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def managers(self) -> list[Actor]:
        self.s.flush()  # Core below: let it see what this session changed
        return linked_managers(self.s.connection())

    def dealer_contacts(self, dealers: Sequence[DealerCode] | None = None) -> list[Actor]:
        q = (  # columns, not entities: a reminder run reads 12,000 of them
            select(
                ChatIdentityRow.platform,
                ChatIdentityRow.user_id,
                ChatIdentityRow.chat_id,
                ChatIdentityRow.id,
                ChatIdentityRow.locale,
                DealerRow.code,
            )
            .join(DealerRow, ChatIdentityRow.dealer_id == DealerRow.id)
            .where(ChatIdentityRow.undeliverable.is_(False))
            .order_by(DealerRow.code, ChatIdentityRow.id)
        )
        if dealers is not None:
            q = q.where(DealerRow.code.in_(list(dealers)))
        return [
            Actor(
                platform=platform,
                user_id=user_id,
                chat_id=chat_id,
                identity_id=identity_id,
                locale=locale,
                dealer_code=DealerCode(code),
            )
            for platform, user_id, chat_id, identity_id, locale, code in self.s.execute(q)
        ]


class SqlContractCalendar:
    def __init__(self, session: Session) -> None:
        self.s = session

    def ending_between(self, first: date, last: date) -> list[Contract]:
        later = aliased(ContractRow)
        renewed = exists().where(
            later.dealer_id == ContractRow.dealer_id, later.start > ContractRow.start
        )
        rows = self.s.execute(
            select(ContractRow, DealerRow.code)
            .join(DealerRow, ContractRow.dealer_id == DealerRow.id)
            .where(ContractRow.end >= first, ContractRow.end <= last, ~renewed)
            .order_by(ContractRow.end, DealerRow.code)
        )
        return self._contracts(rows)

    def in_force(self, day: date) -> list[Contract]:
        rows = self.s.execute(
            select(ContractRow, DealerRow.code)
            .join(DealerRow, ContractRow.dealer_id == DealerRow.id)
            .where(ContractRow.start <= day, ContractRow.end >= day)
            .order_by(DealerRow.code, ContractRow.start)
        )
        return self._contracts(rows)

    @staticmethod
    def _contracts(rows) -> list[Contract]:
        return [
            Contract(
                dealer_code=DealerCode(code),
                start=c.start,
                end=c.end,
                annual_target=c.annual_target,
                deposit=c.deposit,
                franchise_fee=c.franchise_fee,
            )
            for c, code in rows
        ]
