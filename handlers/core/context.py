"""Everything a handler may use for one inbound: who, what, the unit of work, time, texts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.catalog.model import DealerCode
from domain.identity.actors import Actor, Role
from domain.shared.clock import Clock
from domain.shared.ports import AuditEntry, FormState, UnitOfWork
from domain.shared.rates import RateLimit
from handlers.core.background import Background
from handlers.core.errors import NotAllowed, UserError
from handlers.core.i18n import Translator
from handlers.core.messages import Inbound, ParsedCommand
from handlers.core.notifier import Build, Notifier
from handlers.core.router import Router
from handlers.core.sheets import SheetError, SheetTable


@dataclass(frozen=True, slots=True)
class CoreOptions:
    """The policy and conversation settings handlers need (built from the config by `bot`)."""

    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh_CN"
    target_growth: Decimal = Decimal("0.30")
    complaint_sla_hours: int = 48
    # (key, hours) pairs: tuples keep the options hashable.
    complaint_sla_by_category: tuple[tuple[str, int], ...] = ()
    complaint_sla_by_urgency: tuple[tuple[str, int], ...] = (("high", 24),)
    complaint_sla_warn_fraction: float = 0.8
    complaint_sla_warn_hours: float = 4.0
    contract_notice_days: int = 30
    severe_price_gap: Decimal = Decimal("0.10")
    report_edit_hours: int = 24
    form_ttl_minutes: int = 30
    invite_ttl_hours: int = 72
    invite_attempts_per_hour: int = 5
    question_digest_minutes: int = 15  # forwarded questions: one digest per dealer per interval
    # Messages per user: 0 means no limit (the config's [policy] turns it on; tests that
    # send many messages at one instant of a fixed clock stay unlimited).
    user_rate_per_minute: float = 0
    user_burst: int = 20

    @property
    def user_rate(self) -> RateLimit | None:
        if self.user_rate_per_minute <= 0:
            return None
        return RateLimit(self.user_rate_per_minute, self.user_burst)

    # [approvals]: (kind, steps) pairs replacing the policy's default chains.
    approval_chains: tuple[tuple[str, tuple[str, ...]], ...] = ()
    approval_sla_hours: float = 48
    approval_remind_fraction: float = 0.75
    exception_second_step_gap: Decimal = Decimal("0.15")

    # An export with more rows is written in the background and sent through the outbox.
    export_inline_rows: int = 2000

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass
class Ctx:
    inbound: Inbound
    actor: Actor
    uow: UnitOfWork
    clock: Clock
    options: CoreOptions
    t: Translator
    command: ParsedCommand | None = None
    notices: list[str] = field(default_factory=list)
    answering: FormState | None = None  # the open form this inbound answers, if any
    background: Background | None = None  # slow work off the path serving other users
    upload: SheetTable | SheetError | None = None  # an uploaded sheet, read before the transaction
    router: Router = field(default_factory=Router)  # what the bot answers (the app's)

    @property
    def now(self) -> datetime:
        return self.clock.now()

    @property
    def today(self) -> date:
        return self.now.astimezone(self.options.tz).date()

    @property
    def args(self) -> tuple[str, ...]:
        return self.command.args if self.command else ()

    def audit(self, action: str, detail: str = "") -> None:
        self.uow.audit.record(
            AuditEntry(
                at=self.now,
                platform=self.inbound.platform,
                user_id=self.inbound.user_id,
                actor=self.actor.label,
                action=action,
                detail=detail,
            )
        )

    def require(self, *roles: Role) -> None:
        if self.actor.role not in roles:
            raise NotAllowed()

    def require_dealer(self) -> DealerCode:
        if self.actor.dealer_code is None:
            raise NotAllowed()
        return self.actor.dealer_code

    def can_see_dealer(self, dealer: DealerCode) -> bool:
        """Dealers see only themselves; managers the dealers of their regions; admins all."""
        if self.actor.role is Role.DEALER:
            return self.actor.dealer_code == dealer
        if self.actor.role is Role.MANAGER:
            if self.actor.is_admin:
                return True
            return dealer in self.scoped_dealers()
        return False

    def scoped_dealers(self) -> list[DealerCode]:
        """Dealer codes this actor may see: a dealer itself, a manager its regions' (a
        product-line manager's only by an authorization for one of their lines), admins all."""
        if self.actor.role is Role.DEALER and self.actor.dealer_code:
            return [self.actor.dealer_code]
        if self.actor.is_admin:
            return [d.code for d in self.uow.catalog.dealers()]
        if self.actor.role is Role.MANAGER:
            return self.uow.catalog.dealers_in_regions(self.actor.manager_regions, self.actor.lines)
        return []

    def check_dealer(self, dealer: DealerCode) -> None:
        # The same answer for "not yours" and "does not exist": no probing other dealers.
        if not self.can_see_dealer(dealer):
            raise UserError("error.dealer_not_found", code=dealer)

    @property
    def notifier(self) -> Notifier:
        return Notifier(self.uow.outbox, self.clock.now, self.options.default_locale)

    def notify(
        self,
        recipient: Actor,
        dedupe_key: str,
        build: Build,
        not_before: datetime | None = None,
        *,
        revise: bool = False,
    ) -> bool:
        """Queue a proactive message to `recipient` (see `Notifier.notify`)."""
        return self.notifier.notify(recipient, dedupe_key, build, not_before, revise=revise)

    def form_expiry(self) -> datetime:
        return self.now + timedelta(minutes=self.options.form_ttl_minutes)
