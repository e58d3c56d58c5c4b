"""SQLAlchemy models; importing this package registers every table on `Base.metadata`."""

from storage.approvals.models import (
    ApprovalDecisionRow,
    ApprovalDelegationRow,
    ApprovalRequestRow,
)
from storage.base import Base
from storage.catalog.models import (
    AuthorizationRow,
    ContractRenewalRow,
    ContractRow,
    DealerRow,
    ManagerRegionRow,
    ManagerRow,
    PriceRow,
    ProductRow,
    RegionRow,
    TargetRow,
    TerminalRow,
)
from storage.core.inbox_models import InboxRow
from storage.core.job_models import JobRunRow
from storage.core.models import (
    AuditRow,
    FormStateRow,
    InboundSeenRow,
    OutboxChatRow,
    OutboxRow,
)
from storage.core.rate_models import RateBucketRow
from storage.decisions.models import DecisionRow
from storage.deposits.models import DepositEntryRow
from storage.duties.models import DutyNilReportRow, FinancialStatementRow
from storage.evaluation.models import MarketSizeRow, ScorecardRow
from storage.fees.models import FeeBudgetRow, FeeClaimRow, FeeProofRow, FeeRequestRow
from storage.identity.models import ChatIdentityRow, InviteAttemptRow, InviteRow
from storage.notices.models import NoticeAttemptRow, NoticeDeliveryRow, NoticeRow
from storage.onboarding.models import ApplicationDocumentRow, ApplicationRow
from storage.policy.models import (
    PolicyClauseRow,
    PolicyDocumentRow,
    PolicyFaqRow,
    PolicyQuestionRow,
    PolicyVectorRow,
)
from storage.promotions.models import PromotionDeliveryRow, PromotionRow
from storage.rebates.models import RebateProgramRow, RebateSettlementRow, RebateTierRow
from storage.sales.models import (
    PriceExceptionRow,
    SaleDraftRow,
    SaleRow,
    StockRow,
    ViolationRow,
)
from storage.sales.monthly_models import SalesMonthlyRow
from storage.tickets.models import (
    TicketEventRow,
    TicketFollowUpRow,
    TicketPhotoRow,
    TicketRow,
)
from storage.violations.models import HeldAlertRow

__all__ = [
    "ApplicationDocumentRow",
    "ApplicationRow",
    "ApprovalDecisionRow",
    "ApprovalDelegationRow",
    "ApprovalRequestRow",
    "AuditRow",
    "AuthorizationRow",
    "Base",
    "ChatIdentityRow",
    "ContractRenewalRow",
    "ContractRow",
    "DealerRow",
    "DecisionRow",
    "DepositEntryRow",
    "DutyNilReportRow",
    "FeeBudgetRow",
    "FeeClaimRow",
    "FeeProofRow",
    "FeeRequestRow",
    "FinancialStatementRow",
    "FormStateRow",
    "HeldAlertRow",
    "InboundSeenRow",
    "InboxRow",
    "InviteAttemptRow",
    "InviteRow",
    "JobRunRow",
    "ManagerRegionRow",
    "ManagerRow",
    "MarketSizeRow",
    "NoticeAttemptRow",
    "NoticeDeliveryRow",
    "NoticeRow",
    "OutboxChatRow",
    "OutboxRow",
    "PolicyClauseRow",
    "PolicyDocumentRow",
    "PolicyFaqRow",
    "PolicyQuestionRow",
    "PolicyVectorRow",
    "PriceExceptionRow",
    "PriceRow",
    "ProductRow",
    "PromotionDeliveryRow",
    "PromotionRow",
    "RateBucketRow",
    "RebateProgramRow",
    "RebateSettlementRow",
    "RebateTierRow",
    "RegionRow",
    "SaleDraftRow",
    "SaleRow",
    "SalesMonthlyRow",
    "ScorecardRow",
    "StockRow",
    "TargetRow",
    "TerminalRow",
    "TicketEventRow",
    "TicketFollowUpRow",
    "TicketPhotoRow",
    "TicketRow",
    "ViolationRow",
]
