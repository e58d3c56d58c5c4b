"""Everything a handler may use for one inbound: who, what, the unit of work, time, texts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from domain.catalog.model import DealerCode
from domain.identity.actors import Actor, Role
from domain.identity.scope import Scope
from domain.shared.clock import Clock
from domain.shared.ports import AuditEntry, FormState, UnitOfWork
from handlers.core.background import Background
from handlers.core.errors import NotAllowed, UserError
from handlers.core.i18n import Translator
from handlers.core.messages import Inbound, ParsedCommand
from handlers.core.notifier import Build, Notifier
from handlers.core.options import CoreOptions
from handlers.core.router import Router
from handlers.core.scope import can_see_dealer, listed_dealers, scope_of
from handlers.core.sheets import SheetError, SheetTable


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

    @property
    def scope(self) -> Scope:
        """Which dealers, regions and lines this actor may see."""
        return scope_of(self.actor)

    def can_see_dealer(self, dealer: DealerCode) -> bool:
        """Dealers see only themselves; managers the dealers of their regions; admins all."""
        return can_see_dealer(self.uow, self.scope, dealer)

    def scoped_dealers(self) -> list[DealerCode]:
        """Dealer codes this actor may see: a dealer itself, a manager its regions' (a
        product-line manager's only by an authorization for one of their lines), admins all."""
        return listed_dealers(self.uow, self.scope)

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
