"""SQLAlchemy models; importing this package registers every table on `Base.metadata`."""

from storage.models.base import Base
from storage.models.catalog import (
    AuthorizationRow,
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
from storage.models.conversation import (
    AuditRow,
    ChatIdentityRow,
    FormStateRow,
    InboundSeenRow,
    InviteAttemptRow,
    InviteRow,
    OutboxChatRow,
    OutboxRow,
)
from storage.models.inbox import InboxRow
from storage.models.jobs import JobRunRow
from storage.models.policy import (
    PolicyClauseRow,
    PolicyDocumentRow,
    PolicyFaqRow,
    PolicyQuestionRow,
)
from storage.models.promotions import PromotionDeliveryRow, PromotionRow
from storage.models.rates import RateBucketRow
from storage.models.sales import (
    PriceExceptionRow,
    SaleDraftRow,
    SaleRow,
    StockRow,
    ViolationRow,
)
from storage.models.sales_monthly import SalesMonthlyRow
from storage.models.tickets import (
    TicketEventRow,
    TicketFollowUpRow,
    TicketPhotoRow,
    TicketRow,
)

__all__ = [
    "AuditRow",
    "AuthorizationRow",
    "Base",
    "ChatIdentityRow",
    "ContractRow",
    "DealerRow",
    "FormStateRow",
    "InboundSeenRow",
    "InboxRow",
    "InviteAttemptRow",
    "InviteRow",
    "JobRunRow",
    "ManagerRegionRow",
    "ManagerRow",
    "OutboxChatRow",
    "OutboxRow",
    "PolicyClauseRow",
    "PolicyDocumentRow",
    "PolicyFaqRow",
    "PolicyQuestionRow",
    "PriceExceptionRow",
    "PriceRow",
    "ProductRow",
    "PromotionDeliveryRow",
    "PromotionRow",
    "RateBucketRow",
    "RegionRow",
    "SaleDraftRow",
    "SaleRow",
    "SalesMonthlyRow",
    "StockRow",
    "TargetRow",
    "TerminalRow",
    "TicketEventRow",
    "TicketFollowUpRow",
    "TicketPhotoRow",
    "TicketRow",
    "ViolationRow",
]
