"""SqlAlchemyUnitOfWork: one session, one transaction, every repository."""

from __future__ import annotations

from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from storage.approvals.price_exceptions import SqlPriceExceptionRepository
from storage.approvals.repository import SqlApprovalRepository
from storage.catalog.renewals import SqlRenewalRepository
from storage.catalog.repository import SqlCatalogRepository
from storage.core.inbound import (
    SqlAuditRepository,
    SqlFormRepository,
    SqlInboundRepository,
)
from storage.core.inbox import SqlInboxRepository
from storage.core.jobs import (
    SqlContractCalendar,
    SqlJobRunRepository,
    SqlRecipientRepository,
)
from storage.core.outbox import SqlOutboxRepository
from storage.core.rates import SqlRateRepository
from storage.db import READ_ONLY
from storage.decisions.repository import SqlDecisionRepository
from storage.deposits.repository import SqlDepositRepository
from storage.duties.repository import SqlDutyRepository
from storage.evaluation.repository import SqlEvaluationRepository
from storage.fees.repository import SqlFeeRepository
from storage.identity.invites import SqlInviteRepository
from storage.identity.repository import SqlIdentityRepository
from storage.identity.staff import SqlStaffDirectory
from storage.notices.repository import SqlNoticeRepository
from storage.onboarding.repository import SqlApplicationRepository
from storage.policy.repository import SqlPolicyRepository
from storage.promotions.repository import SqlPromotionRepository
from storage.rebates.repository import SqlRebateRepository
from storage.sales.drafts import SqlDraftRepository
from storage.sales.repository import SqlSalesRepository
from storage.sales.stock import SqlStockRepository
from storage.targets.repository import SqlTargetRepository
from storage.tickets.repository import SqlTicketRepository
from storage.violations.held import SqlHeldAlertRepository
from storage.violations.repository import SqlViolationRepository


class SqlAlchemyUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self.session: Session | None = None

    def __enter__(self) -> Self:
        s = self.session = self._factory()
        self.catalog = SqlCatalogRepository(s)
        self.identities = SqlIdentityRepository(s, self.catalog)
        self.invites = SqlInviteRepository(s)
        self.forms = SqlFormRepository(s)
        self.inbound = SqlInboundRepository(s)
        self.inbox = SqlInboxRepository(s)
        self.audit = SqlAuditRepository(s)
        self.outbox = SqlOutboxRepository(s)
        self.policy = SqlPolicyRepository(s)
        self.sales = SqlSalesRepository(s)
        self.stock = SqlStockRepository(s, self.sales.ids)
        self.drafts = SqlDraftRepository(s, self.sales.ids)
        self.violations = SqlViolationRepository(s, self.sales.ids)
        self.held_alerts = SqlHeldAlertRepository(s)
        self.staff = SqlStaffDirectory(s)
        self.targets = SqlTargetRepository(s)
        self.jobs = SqlJobRunRepository(s)
        self.recipients = SqlRecipientRepository(s)
        self.contract_calendar = SqlContractCalendar(s)
        self.renewals = SqlRenewalRepository(s)
        self.tickets = SqlTicketRepository(s, self.catalog, self.identities)
        self.promotions = SqlPromotionRepository(s, self.catalog)
        self.notices = SqlNoticeRepository(s)
        self.rates = SqlRateRepository(s)
        self.approvals = SqlApprovalRepository(s)
        self.price_exceptions = SqlPriceExceptionRepository(s, self.sales.ids)
        self.deposits = SqlDepositRepository(s)
        self.decisions = SqlDecisionRepository(s)
        self.rebates = SqlRebateRepository(s)
        self.applications = SqlApplicationRepository(s)
        self.fees = SqlFeeRepository(s)
        self.duties = SqlDutyRepository(s)
        self.evaluation = SqlEvaluationRepository(s)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.session is not None
        try:
            self.session.rollback()  # no-op after commit; undoes anything uncommitted
        finally:
            self.session.close()
            self.session = None

    def commit(self) -> None:
        assert self.session is not None
        self.session.commit()

    def rollback(self) -> None:
        assert self.session is not None
        self.session.rollback()

    def read_only(self) -> None:
        assert self.session is not None
        self.session.connection(execution_options=READ_ONLY)


class SqlAlchemyUnitOfWorkFactory:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def __call__(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.session_factory)
