"""SqlApprovalRepository: requests and decisions, the decision a compare-and-set."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.approvals.model import (
    Decision,
    DecisionRecord,
    DecisionTaken,
    Delegation,
    Kind,
    NewRequest,
    Request,
    RequestId,
    State,
    StepRule,
)
from domain.catalog.model import DealerCode, ManagerCode
from storage.approvals.models import (
    ApprovalDecisionRow,
    ApprovalDelegationRow,
    ApprovalRequestRow,
)


def _request(row: ApprovalRequestRow) -> Request:
    return Request(
        id=RequestId(row.id),
        kind=Kind(row.kind),
        subject=row.subject,
        dealer=DealerCode(row.dealer_code) if row.dealer_code else None,
        requester=row.requester,
        payload=dict(row.payload or {}),
        chain=tuple(StepRule.parse(s) for s in row.chain),
        step=row.step,
        state=State(row.state),
        version=row.version,
        created_at=row.created_at,
        step_started_at=row.step_started_at,
        reminded_step=row.reminded_step,
        escalated_step=row.escalated_step,
        decided_at=row.decided_at,
    )


def _record(row: ApprovalDecisionRow) -> DecisionRecord:
    return DecisionRecord(
        RequestId(row.request_id),
        row.step,
        row.version,
        Decision(row.decision),
        row.actor,
        row.at,
        row.reason,
        ManagerCode(row.for_manager) if row.for_manager else None,
    )


class SqlApprovalRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, new: NewRequest, now: datetime) -> Request:
        row = ApprovalRequestRow(**_new_row(new, now))
        self.s.add(row)
        self.s.flush()
        return _request(row)

    def add_many(self, news: Sequence[NewRequest], now: datetime) -> list[Request]:
        """`add` of each, one multi-row INSERT ... RETURNING per 500; in the order given."""
        out: list[Request] = []
        for i in range(0, len(news), 500):
            q = insert(ApprovalRequestRow.__table__).returning(
                ApprovalRequestRow.id, sort_by_parameter_order=True
            )
            rows = [_new_row(new, now) for new in news[i : i + 500]]
            ids = [row_id for (row_id,) in self.s.connection().execute(q, rows)]
            rows = {
                r.id: r
                for r in self.s.scalars(
                    select(ApprovalRequestRow).where(ApprovalRequestRow.id.in_(ids))
                )
            }
            out.extend(_request(rows[row_id]) for row_id in ids)
        return out

    def get(self, request_id: RequestId) -> Request | None:
        row = self.s.get(ApprovalRequestRow, request_id, populate_existing=True)
        return _request(row) if row else None

    def revise_payload(self, request_id: RequestId, payload: dict[str, Any]) -> None:
        self.s.execute(
            update(ApprovalRequestRow)
            .where(ApprovalRequestRow.id == request_id)
            .values(payload=dict(payload))
            .execution_options(synchronize_session=False)
        )

    def advance(
        self, request: Request, record: DecisionRecord, dedupe_key: str, *, step: int, state: State
    ) -> Request:
        # The request moves only from the step, version and state the decider saw; a
        # concurrent press updates no row (or waits on the row lock, then updates none).
        values: dict = {"step": step, "state": state.value, "version": record.version + 1}
        if step != request.step or state is State.PENDING:
            values["step_started_at"] = record.at
        if state is not State.PENDING:
            values["decided_at"] = record.at
        moved = self.s.execute(
            update(ApprovalRequestRow)
            .where(ApprovalRequestRow.id == request.id)
            .where(ApprovalRequestRow.step == record.step)
            .where(ApprovalRequestRow.version == record.version)
            .where(ApprovalRequestRow.state == request.state.value)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if moved != 1:
            raise DecisionTaken()
        try:
            with self.s.begin_nested():
                self.s.add(
                    ApprovalDecisionRow(
                        request_id=request.id,
                        step=record.step,
                        version=record.version,
                        decision=record.decision.value,
                        actor=record.actor,
                        for_manager=record.for_manager,
                        reason=record.reason,
                        at=record.at,
                        dedupe_key=dedupe_key[:200],
                    )
                )
        except IntegrityError:
            raise DecisionTaken() from None
        after = self.get(request.id)
        assert after is not None
        return after

    def mark_alerts(self, request: Request, *, reminded: int, escalated: int) -> None:
        self.s.execute(
            update(ApprovalRequestRow)
            .where(ApprovalRequestRow.id == request.id)
            .values(reminded_step=reminded, escalated_step=escalated)
            .execution_options(synchronize_session=False)
        )
        request.reminded_step, request.escalated_step = reminded, escalated

    def decisions(self, request_id: RequestId) -> list[DecisionRecord]:
        rows = self.s.scalars(
            select(ApprovalDecisionRow)
            .where(ApprovalDecisionRow.request_id == request_id)
            .order_by(ApprovalDecisionRow.version)
        )
        return [_record(r) for r in rows]

    def last_decision(self, request_id: RequestId) -> DecisionRecord | None:
        found = self.decisions(request_id)
        return found[-1] if found else None

    def pending(self, kinds: tuple[Kind, ...] | None = None) -> list[Request]:
        q = select(ApprovalRequestRow).where(ApprovalRequestRow.state == State.PENDING.value)
        if kinds:
            q = q.where(ApprovalRequestRow.kind.in_([k.value for k in kinds]))
        return [_request(r) for r in self.s.scalars(q.order_by(ApprovalRequestRow.id))]

    def of_kind(self, kind: Kind, states: tuple[State, ...] | None = None) -> list[Request]:
        q = select(ApprovalRequestRow).where(ApprovalRequestRow.kind == kind.value)
        if states:
            q = q.where(ApprovalRequestRow.state.in_([s.value for s in states]))
        return [_request(r) for r in self.s.scalars(q.order_by(ApprovalRequestRow.id.desc()))]

    def of_requester(self, requester: str, limit: int = 30) -> list[Request]:
        rows = self.s.scalars(
            select(ApprovalRequestRow)
            .where(ApprovalRequestRow.requester == requester)
            .order_by(ApprovalRequestRow.id.desc())
            .limit(limit)
        )
        return [_request(r) for r in rows]

    def decided_between(self, start: datetime, end: datetime) -> list[DecisionRecord]:
        rows = self.s.scalars(
            select(ApprovalDecisionRow)
            .where(ApprovalDecisionRow.at >= start, ApprovalDecisionRow.at < end)
            .order_by(ApprovalDecisionRow.at, ApprovalDecisionRow.id)
        )
        return [_record(r) for r in rows]

    def add_delegation(self, delegation: Delegation, now: datetime) -> None:
        self.s.add(
            ApprovalDelegationRow(
                manager_code=delegation.manager,
                delegate_code=delegation.delegate,
                start=delegation.start,
                end=delegation.end,
                created_by=delegation.created_by,
                created_at=now,
            )
        )
        self.s.flush()

    def delegations_to(self, delegate: ManagerCode, day: date) -> list[Delegation]:
        rows = self.s.scalars(
            select(ApprovalDelegationRow)
            .where(ApprovalDelegationRow.delegate_code == delegate)
            .where(ApprovalDelegationRow.start <= day, ApprovalDelegationRow.end >= day)
        )
        return [
            Delegation(
                ManagerCode(r.manager_code),
                ManagerCode(r.delegate_code),
                r.start,
                r.end,
                r.created_by,
            )
            for r in rows
        ]


def _new_row(new: NewRequest, now: datetime) -> dict[str, Any]:
    return {
        "kind": new.kind.value,
        "subject": new.subject[:200],
        "dealer_code": new.dealer,
        "requester": new.requester,
        "payload": dict(new.payload),
        "chain": [str(r) for r in new.chain],
        "step": 0,
        "state": State.PENDING.value,
        "version": 1,
        "created_at": now,
        "step_started_at": now,
        "reminded_step": -1,
        "escalated_step": -1,
    }
