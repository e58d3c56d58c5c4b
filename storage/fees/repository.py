"""SqlFeeRepository: budgets, requests, claims and proof; committed and spent summed in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode, RegionCode
from domain.fees.model import (
    Activity,
    Budget,
    BudgetStatus,
    Claim,
    ClaimState,
    FeeRequest,
    NewClaim,
    NewFeeRequest,
    Payout,
    Proof,
    ProofKind,
    RequestState,
)
from storage.fees.models import FeeBudgetRow, FeeClaimRow, FeeProofRow, FeeRequestRow

CENT = Decimal("0.01")


def _budget(row: FeeBudgetRow) -> Budget:
    return Budget(
        row.id,
        row.period,
        RegionCode(row.region_code),
        row.line or None,
        row.promotion_id or None,
        row.amount,
    )


def _request(row: FeeRequestRow) -> FeeRequest:
    return FeeRequest(
        row.id,
        DealerCode(row.dealer_code),
        RegionCode(row.region_code),
        Activity(row.activity),
        row.promotion_id,
        row.start,
        row.end,
        row.place,
        row.plan,
        row.expected,
        row.amount,
        row.budget_id,
        row.over_budget,
        RequestState(row.state),
        row.approval_id,
        row.created_at,
    )


def _proof(row: FeeProofRow, content: bool) -> Proof:
    return Proof(
        ProofKind(row.kind),
        row.filename,
        row.mime,
        row.sha256,
        row.size,
        row.content if content else b"",
    )


class SqlFeeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- budgets -----------------------------------------------------------------------

    def save_budget(self, period, region, line, promotion_id, amount, now) -> tuple[Budget, bool]:
        row = self.session.scalar(
            select(FeeBudgetRow).where(
                FeeBudgetRow.period == period,
                FeeBudgetRow.region_code == region,
                FeeBudgetRow.line == (line or ""),
                FeeBudgetRow.promotion_id == (promotion_id or 0),
            )
        )
        created = row is None
        if row is None:
            row = FeeBudgetRow(
                period=period,
                region_code=region,
                line=line or "",
                promotion_id=promotion_id or 0,
                amount=amount,
                updated_at=now,
            )
            self.session.add(row)
        else:
            row.amount, row.updated_at = amount, now
        self.session.flush()
        return _budget(row), created

    def budgets(self, period: str | None = None) -> list[Budget]:
        query = select(FeeBudgetRow).order_by(FeeBudgetRow.period, FeeBudgetRow.region_code)
        if period is not None:
            query = query.where(FeeBudgetRow.period == period)
        return [_budget(r) for r in self.session.scalars(query)]

    def budget(self, budget_id: int) -> Budget | None:
        row = self.session.get(FeeBudgetRow, budget_id)
        return _budget(row) if row else None

    def statuses(self, budgets: Sequence[Budget]) -> list[BudgetStatus]:
        ids = [b.id for b in budgets]
        if not ids:
            return []
        committed = dict(
            self.session.execute(
                select(FeeRequestRow.budget_id, func.sum(FeeRequestRow.amount))
                .where(
                    FeeRequestRow.budget_id.in_(ids),
                    FeeRequestRow.state == RequestState.APPROVED.value,
                )
                .group_by(FeeRequestRow.budget_id)
            ).all()
        )
        spent = dict(
            self.session.execute(
                select(FeeRequestRow.budget_id, func.sum(FeeClaimRow.claimed))
                .join(FeeClaimRow, FeeClaimRow.request_id == FeeRequestRow.id)
                .where(FeeRequestRow.budget_id.in_(ids), FeeClaimRow.state == ClaimState.PAID.value)
                .group_by(FeeRequestRow.budget_id)
            ).all()
        )

        def money(value) -> Decimal:
            return Decimal(value or 0).quantize(CENT)

        return [
            BudgetStatus(b, money(committed.get(b.id)), money(spent.get(b.id))) for b in budgets
        ]

    # -- requests ----------------------------------------------------------------------

    def add_request(self, new: NewFeeRequest, now: datetime) -> FeeRequest:
        row = FeeRequestRow(
            dealer_code=new.dealer,
            region_code=new.region,
            activity=new.activity.value,
            promotion_id=new.promotion_id,
            start=new.start,
            end=new.end,
            place=new.place[:200],
            plan=new.plan,
            expected=new.expected,
            amount=new.amount,
            budget_id=new.budget_id,
            over_budget=new.over_budget,
            state=RequestState.PENDING.value,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return _request(row)

    def link_request(self, request_id: int, approval_id: int) -> None:
        self.session.get_one(FeeRequestRow, request_id).approval_id = approval_id

    def request(self, request_id: int) -> FeeRequest | None:
        row = self.session.get(FeeRequestRow, request_id)
        return _request(row) if row else None

    def request_of_approval(self, approval_id: int) -> FeeRequest | None:
        row = self.session.scalar(
            select(FeeRequestRow).where(FeeRequestRow.approval_id == approval_id)
        )
        return _request(row) if row else None

    def set_request_state(self, request_id: int, state: RequestState) -> None:
        self.session.get_one(FeeRequestRow, request_id).state = state.value

    def requests(self, dealers=None, states=None, limit: int = 50) -> list[FeeRequest]:
        query = select(FeeRequestRow).order_by(FeeRequestRow.id.desc()).limit(limit)
        if dealers is not None:
            query = query.where(FeeRequestRow.dealer_code.in_(list(dealers)))
        if states is not None:
            query = query.where(FeeRequestRow.state.in_([s.value for s in states]))
        return [_request(r) for r in self.session.scalars(query)]

    # -- claims ------------------------------------------------------------------------

    def _add_proofs(self, claim_id: int, proofs: Sequence[Proof], now: datetime) -> None:
        for p in proofs:
            self.session.add(
                FeeProofRow(
                    claim_id=claim_id,
                    kind=p.kind.value,
                    filename=p.filename[:200],
                    mime=p.mime[:100],
                    sha256=p.sha256,
                    size=p.size,
                    content=p.content,
                    added_at=now,
                )
            )

    def add_claim(self, new: NewClaim, now: datetime) -> Claim:
        row = FeeClaimRow(
            request_id=new.request_id,
            dealer_code=new.dealer,
            actual=new.actual,
            claimed=new.claimed,
            results=new.results,
            state=ClaimState.SUBMITTED.value,
            submitted_at=now,
            payment_ref="",
        )
        self.session.add(row)
        self.session.flush()
        self._add_proofs(row.id, new.proofs, now)
        self.session.flush()
        return self._claim(row, content=False)

    def replace_claim(self, claim_id: int, new: NewClaim, now: datetime) -> Claim:
        row = self.session.get_one(FeeClaimRow, claim_id)
        row.actual, row.claimed, row.results = new.actual, new.claimed, new.results
        row.state, row.submitted_at = ClaimState.SUBMITTED.value, now
        self.session.execute(delete(FeeProofRow).where(FeeProofRow.claim_id == claim_id))
        self._add_proofs(claim_id, new.proofs, now)
        self.session.flush()
        return self._claim(row, content=False)

    def link_claim(self, claim_id: int, approval_id: int) -> None:
        self.session.get_one(FeeClaimRow, claim_id).approval_id = approval_id

    def _claim(self, row: FeeClaimRow, *, content: bool) -> Claim:
        proofs = self.session.scalars(
            select(FeeProofRow).where(FeeProofRow.claim_id == row.id).order_by(FeeProofRow.id)
        )
        return Claim(
            row.id,
            row.request_id,
            DealerCode(row.dealer_code),
            row.actual,
            row.claimed,
            row.results,
            ClaimState(row.state),
            row.approval_id,
            row.submitted_at,
            Payout(row.payout) if row.payout else None,
            row.payment_ref,
            row.paid_at,
            tuple(_proof(p, content) for p in proofs),
        )

    def claim(self, claim_id: int, *, content: bool = False) -> Claim | None:
        row = self.session.get(FeeClaimRow, claim_id)
        return self._claim(row, content=content) if row else None

    def claim_of_request(self, request_id: int) -> Claim | None:
        row = self.session.scalar(select(FeeClaimRow).where(FeeClaimRow.request_id == request_id))
        return self._claim(row, content=False) if row else None

    def claim_of_approval(self, approval_id: int) -> Claim | None:
        row = self.session.scalar(select(FeeClaimRow).where(FeeClaimRow.approval_id == approval_id))
        return self._claim(row, content=False) if row else None

    def set_claim_state(self, claim_id, state, *, payout=None, payment_ref="", paid_at=None):
        row = self.session.get_one(FeeClaimRow, claim_id)
        row.state = state.value
        if payout is not None:
            row.payout, row.payment_ref, row.paid_at = payout.value, payment_ref[:200], paid_at

    def claims_with_hashes(self, hashes: Sequence[str]) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        if not hashes:
            return found
        rows = self.session.execute(
            select(FeeProofRow.sha256, FeeProofRow.claim_id)
            .where(FeeProofRow.sha256.in_(list(hashes)))
            .distinct()
        )
        for digest, claim_id in rows:
            found.setdefault(digest, []).append(claim_id)
        return found
