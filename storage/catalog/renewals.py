"""SqlRenewalRepository: one contract_renewals row per contract."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.catalog.model import DealerCode
from domain.catalog.renewal import Renewal, RenewalState, Terms
from storage.catalog.models import ContractRenewalRow


def _renewal(row: ContractRenewalRow) -> Renewal:
    terms = None
    if row.start is not None and row.end is not None and row.annual_target is not None:
        terms = Terms(row.start, row.end, row.annual_target, bool(row.assessed))
    return Renewal(
        row.id,
        DealerCode(row.dealer_code),
        row.contract_end,
        RenewalState(row.state),
        terms,
        row.request_id,
        row.proposed_by,
        row.notice_on,
        row.reason,
    )


class SqlRenewalRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def _row(self, dealer: DealerCode, contract_end: date) -> ContractRenewalRow | None:
        return self.s.scalar(
            select(ContractRenewalRow).where(
                ContractRenewalRow.dealer_code == dealer,
                ContractRenewalRow.contract_end == contract_end,
            )
        )

    def open(self, dealer: DealerCode, contract_end: date, now: datetime) -> Renewal:
        row = self._row(dealer, contract_end)
        if row is None:
            row = ContractRenewalRow(
                dealer_code=dealer,
                contract_end=contract_end,
                state=RenewalState.OPEN.value,
                proposed_by="",
                reason="",
                created_at=now,
                updated_at=now,
            )
            try:
                with self.s.begin_nested():  # another scheduler's opening wins
                    self.s.add(row)
            except IntegrityError:
                row = self._row(dealer, contract_end)
                assert row is not None
        return _renewal(row)

    def of_contract(self, dealer: DealerCode, contract_end: date) -> Renewal | None:
        row = self._row(dealer, contract_end)
        return _renewal(row) if row else None

    def get(self, renewal_id: int) -> Renewal | None:
        row = self.s.get(ContractRenewalRow, renewal_id)
        return _renewal(row) if row else None

    def by_request(self, request_id: int) -> Renewal | None:
        row = self.s.scalar(
            select(ContractRenewalRow).where(ContractRenewalRow.request_id == request_id)
        )
        return _renewal(row) if row else None

    def save(self, renewal: Renewal, now: datetime) -> None:
        row = self.s.get(ContractRenewalRow, renewal.id)
        assert row is not None
        row.state = renewal.state.value
        terms = renewal.terms
        row.start = terms.start if terms else None
        row.end = terms.end if terms else None
        row.annual_target = terms.annual_target if terms else None
        row.assessed = terms.assessed if terms else None
        row.request_id = renewal.request_id
        row.proposed_by = renewal.proposed_by
        row.notice_on = renewal.notice_on
        row.reason = renewal.reason[:1000]
        row.updated_at = now
        self.s.flush()
