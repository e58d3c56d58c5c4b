"""What the domain needs from the outside world, as Protocols that `storage` implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, Self

from domain.approvals.model import ApprovalRepository, PriceExceptionRepository
from domain.catalog.model import (
    Authorization,
    Contract,
    Dealer,
    DealerCode,
    Manager,
    ManagerCode,
    PricePolicy,
    Product,
    ProductLine,
    Region,
    RegionCode,
    Sku,
    Terminal,
    TerminalCode,
)
from domain.catalog.renewal import RenewalRepository
from domain.catalog.territory import Placement, RegionTree
from domain.decisions.model import DecisionRepository
from domain.deposits.model import DepositRepository
from domain.duties.model import DutyRepository
from domain.evaluation.model import EvaluationRepository
from domain.fees.model import FeeRepository
from domain.identity.actors import Actor, Contact, Invite
from domain.identity.staff import StaffDirectory
from domain.notices.model import NoticeRepository
from domain.onboarding.model import ApplicationRepository
from domain.policy.model import PolicyRepository
from domain.promotions.model import PromotionRepository
from domain.rebates.model import RebateRepository
from domain.sales.model import (
    DraftRepository,
    SalesRepository,
    StockRepository,
    ViolationRepository,
)
from domain.shared.inbox import InboxRepository
from domain.shared.jobs import ContractCalendar, JobRunRepository, RecipientRepository
from domain.shared.outbox import FailedDelivery, OutboxItem, OutboxStatus, OutgoingMessage
from domain.shared.rates import RateRepository
from domain.targets.ports import TargetRepository
from domain.tickets.model import TicketRepository
from domain.violations.held import HeldAlertRepository


class CatalogRepository(Protocol):
    def dealer(self, code: DealerCode) -> Dealer | None: ...
    def dealers(self, codes: Sequence[DealerCode] | None = None) -> list[Dealer]: ...
    def product(self, sku: Sku) -> Product | None: ...
    def products(self) -> list[Product]: ...
    def prices(self, sku: Sku) -> list[PricePolicy]: ...
    def terminal(self, code: TerminalCode) -> Terminal | None: ...
    def terminals(self) -> list[Terminal]: ...
    def add_terminal(self, terminal: Terminal) -> None:
        """Store a new terminal as a one-row import would (ValueError: unknown region)."""
        ...

    def add_contract(self, contract: Contract) -> None:
        """Store a contract as a one-row import would (ValueError: the import's refusal)."""
        ...

    def add_dealer(self, dealer: Dealer) -> None:
        """Store a dealer as a one-row import would."""
        ...

    def add_authorization(self, authorization: Authorization) -> None:
        """Store an authorization as a one-row import would (ValueError: unknown region,
        terminal or line)."""
        ...

    def region_tree(self) -> RegionTree: ...
    def region(self, code: RegionCode) -> Region | None: ...
    def authorizations(self, dealer: DealerCode) -> list[Authorization]: ...
    def manager(self, code: ManagerCode) -> Manager | None: ...
    def contracts(self, dealer: DealerCode) -> list[Contract]:
        """The dealer's contracts, oldest first."""
        ...

    def dealers_in_regions(
        self, regions: Sequence[RegionCode], lines: Sequence[ProductLine] | None = None
    ) -> list[DealerCode]:
        """Dealers authorized anywhere under one of `regions` (their home territory);
        with `lines`, only by an authorization for one of those product lines."""
        ...

    def placements(self, lines: Sequence[ProductLine] | None = None) -> list[Placement]:
        """Every authorization's place (its region, or its terminal's), for one
        `DealersByRegion` that answers many scopes; with `lines`, on those lines only."""
        ...

    def dealer_regions(self, dealer: DealerCode) -> list[RegionCode]:
        """Regions a dealer works in: authorized regions and its terminals' regions."""
        ...


class IdentityRepository(Protocol):
    def find(self, platform: str, user_id: str) -> Actor | None: ...
    def link(
        self,
        platform: str,
        user_id: str,
        chat_id: str,
        display_name: str,
        invite: Invite,
        now: datetime,
    ) -> Actor:
        """Link the chat user to the invite's dealer or manager and mark the invite used."""
        ...

    def set_locale(self, platform: str, user_id: str, locale: str) -> None: ...
    def set_undeliverable(self, platform: str, chat_id: str, value: bool = True) -> None: ...
    def dealer_contacts(self, dealer: DealerCode) -> list[Actor]: ...
    def contacts_of_dealers(self, dealers: Sequence[DealerCode]) -> dict[DealerCode, list[Actor]]:
        """Linked contacts of many dealers in one query (broadcasts)."""
        ...

    def managers_of_dealer(self, dealer: DealerCode) -> list[Actor]:
        """Linked managers whose regions cover the dealer, plus admins."""
        ...

    def managers_of_region(self, region: RegionCode) -> list[Actor]:
        """Linked managers whose regions contain `region`, plus admins."""
        ...

    def contact(self, identity_id: int) -> Contact | None:
        """The linked account with this id (None when unknown or not linked)."""
        ...

    def contact_of(self, platform: str, user_id: str) -> Contact | None: ...
    def linked_contacts(self, dealer: DealerCode) -> list[Contact]: ...
    def unlink(self, identity_id: int) -> int:
        """Make the account anonymous (no dealer, no manager, no open form) and drop its
        pending proactive messages; returns how many were dropped."""
        ...


class InviteRepository(Protocol):
    def create(self, invite: Invite, created_at: datetime) -> None: ...
    def get(self, code: str) -> Invite | None: ...
    def failed_tries_since(self, platform: str, user_id: str, since: datetime) -> int: ...
    def record_failed_try(self, platform: str, user_id: str, at: datetime) -> None: ...
    def forget_tries_before(self, cutoff: datetime) -> int: ...


@dataclass(slots=True)
class FormState:
    platform: str
    chat_id: str
    user_id: str
    form: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    expires_at: datetime | None = None


class FormRepository(Protocol):
    def get(self, platform: str, chat_id: str, user_id: str) -> FormState | None: ...
    def save(self, state: FormState) -> None: ...
    def clear(self, platform: str, chat_id: str, user_id: str) -> None: ...
    def purge_expired(self, now: datetime) -> int:
        """Drop forms whose expiry has passed; returns how many."""
        ...


@dataclass(frozen=True, slots=True)
class Arrival:
    """What the core needs to know first about an inbound, read together."""

    replies: list[dict[str, Any]] | None  # stored when this dedupe key was first handled
    actor: Actor | None  # the linked identity of the sender, if any
    form: FormState | None  # the sender's open form in this chat, if any (maybe expired)


class InboundRepository(Protocol):
    def arrival(self, key: str | None, platform: str, chat_id: str, user_id: str) -> Arrival:
        """Stored replies for `key`, the sender's identity and open form, in one read."""
        ...

    def replies_for(self, key: str) -> list[dict[str, Any]] | None:
        """The replies stored when the update with this dedupe key was first handled."""
        ...

    def remember(self, key: str, replies: list[dict[str, Any]], at: datetime) -> None:
        """Store the dedupe key with its replies and mark its inbox row handled, in the
        caller's transaction; raises DuplicateUpdate when the key is already stored."""
        ...

    def forget_before(self, cutoff: datetime) -> int:
        """Drop dedupe keys (and their stored replies) older than `cutoff`; returns how many."""
        ...


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    platform: str
    user_id: str
    actor: str
    action: str
    detail: str = ""


class AuditRepository(Protocol):
    def record(self, entry: AuditEntry) -> None: ...
    def recent(self, limit: int = 50) -> list[AuditEntry]: ...


class OutboxRepository(Protocol):
    def enqueue(self, message: OutgoingMessage, now: datetime) -> bool:
        """Store the message unless its dedupe key exists; True when stored."""
        ...

    def enqueue_many(self, messages: Sequence[OutgoingMessage], now: datetime) -> int:
        """Store every message whose dedupe key is new, in bulk; returns how many."""
        ...

    def revise_pending(self, dedupe_key: str, payload: dict[str, Any]) -> bool:
        """Replace the payload of the message with this key if it is still pending."""
        ...

    def any_due(
        self, platform: str, now: datetime, chat_id: str | None = None, worker: str | None = None
    ) -> bool:
        """Whether anything is due (for `worker`: not in a chat another worker is sending
        to); only reads, so an idle poll holds up no writer."""
        ...

    def claim_due(
        self,
        platform: str,
        now: datetime,
        limit: int,
        worker: str,
        lease_seconds: float = 60,
        chat_id: str | None = None,
        per_chat: int | None = None,
    ) -> list[OutboxItem]:
        """Lease due messages (optionally of one chat) to `worker` and return them: at most
        `per_chat` of one chat, none of a chat another worker holds a live lease in."""
        ...

    def hold(self, item_id: int, worker: str, until: datetime) -> bool:
        """Extend `worker`'s lease on a message; False when it is no longer `worker`'s."""
        ...

    def renew(self, worker: str, until: datetime) -> int:
        """Extend every lease `worker` holds; returns how many."""
        ...

    def take_turn(
        self, platform: str, chat_id: str, now: datetime, until: datetime
    ) -> datetime | None:
        """Take the chat's send turn for every worker; None when taken, else when it frees."""
        ...

    def end_turn(self, platform: str, chat_id: str, next_at: datetime) -> None:
        """End a turn taken with `take_turn`; the chat's next turn starts at `next_at`."""
        ...

    def mark_sent(self, item_id: int, now: datetime) -> None: ...
    def mark_retry(
        self, item_id: int, not_before: datetime, error: str, now: datetime | None = None
    ) -> None:
        """Pending again from `not_before`; with `now`, a failure (starts the retry window)."""
        ...

    def mark_final(
        self, item_id: int, status: OutboxStatus, error: str, now: datetime | None = None
    ) -> None: ...
    def requeue(
        self, statuses: Sequence[OutboxStatus], since: datetime | None, now: datetime
    ) -> list[tuple[str, str]]:
        """Queue messages in `statuses` (ended at or after `since`) again; returns the
        (platform, chat id) of each."""
        ...

    def failures_to_tell(self, exclude_prefix: str, limit: int = 5000) -> list[FailedDelivery]:
        """Messages failed for good that no digest has reported yet."""
        ...

    def mark_told(self, item_ids: Sequence[int], now: datetime) -> None: ...
    def list(self, status: OutboxStatus | None = None, limit: int = 100) -> list[OutboxItem]: ...


class UnitOfWork(Protocol):
    """One transaction over every repository; `commit` or the changes are rolled back."""

    catalog: CatalogRepository
    identities: IdentityRepository
    invites: InviteRepository
    forms: FormRepository
    inbound: InboundRepository
    inbox: InboxRepository
    audit: AuditRepository
    outbox: OutboxRepository
    policy: PolicyRepository
    sales: SalesRepository
    stock: StockRepository
    drafts: DraftRepository
    violations: ViolationRepository
    held_alerts: HeldAlertRepository
    staff: StaffDirectory
    targets: TargetRepository
    jobs: JobRunRepository
    recipients: RecipientRepository
    contract_calendar: ContractCalendar
    renewals: RenewalRepository
    tickets: TicketRepository
    promotions: PromotionRepository
    notices: NoticeRepository
    rates: RateRepository
    approvals: ApprovalRepository
    price_exceptions: PriceExceptionRepository
    deposits: DepositRepository
    decisions: DecisionRepository
    rebates: RebateRepository
    applications: ApplicationRepository
    fees: FeeRepository
    duties: DutyRepository
    evaluation: EvaluationRepository

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def read_only(self) -> None:
        """Before its first statement: this transaction only reads (on SQLite it takes no
        write lock, however long it reads)."""
        ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


def today_in(now: datetime, tz) -> date:
    """The calendar day of `now` in timezone `tz` (the company's business day)."""
    return now.astimezone(tz).date()


class DuplicateUpdate(Exception):
    """The inbound update's dedupe key was stored by a concurrent handler first."""
