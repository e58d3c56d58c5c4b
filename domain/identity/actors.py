"""Who is talking: a chat user linked to a dealer contact or a manager, and what they may see."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.catalog.model import DealerCode, ManagerCode, ManagerRole, ProductLine, RegionCode


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    DEALER = "dealer"
    MANAGER = "manager"


class Seat(StrEnum):
    """What a command is allowed to: the unlinked, a dealer contact, or a manager's role."""

    ANONYMOUS = "anonymous"
    DEALER = "dealer"
    ADMIN = "admin"
    SALES_MANAGER = "sales_manager"
    REGIONAL_DIRECTOR = "regional_director"
    PRODUCT_LINE_MANAGER = "product_line_manager"
    SERVICE_AGENT = "service_agent"
    MARKETING_DIRECTOR = "marketing_director"
    MARKETING_ADMIN = "marketing_admin"


MANAGER_SEATS = frozenset(Seat(r.value) for r in ManagerRole)


@dataclass(frozen=True, slots=True)
class Actor:
    platform: str
    user_id: str
    chat_id: str
    identity_id: int | None = None
    locale: str | None = None
    dealer_code: DealerCode | None = None
    manager_code: ManagerCode | None = None
    manager_role: ManagerRole | None = None
    manager_regions: tuple[RegionCode, ...] = ()
    manager_lines: tuple[ProductLine, ...] = ()  # a product-line manager's lines

    @property
    def role(self) -> Role:
        if self.manager_code is not None:
            return Role.MANAGER
        if self.dealer_code is not None:
            return Role.DEALER
        return Role.ANONYMOUS

    @property
    def seat(self) -> Seat:
        if self.manager_code is not None and self.manager_role is not None:
            return Seat(self.manager_role.value)
        return Seat(self.role.value) if self.role is not Role.MANAGER else Seat.ANONYMOUS

    @property
    def is_admin(self) -> bool:
        return self.manager_role is ManagerRole.ADMIN

    @property
    def lines(self) -> tuple[ProductLine, ...] | None:
        """The product lines whose figures this actor sees; None: every line."""
        if self.manager_role is ManagerRole.PRODUCT_LINE_MANAGER:
            return self.manager_lines
        return None

    @property
    def label(self) -> str:
        if self.manager_code:
            return f"manager:{self.manager_code}"
        if self.dealer_code:
            return f"dealer:{self.dealer_code}"
        return "anonymous"


@dataclass(frozen=True, slots=True)
class Contact:
    """A linked chat account as shown to whoever may unlink it."""

    identity_id: int
    platform: str
    user_id: str
    display_name: str
    linked_at: datetime | None
    dealer_code: DealerCode | None = None
    manager_code: ManagerCode | None = None

    @property
    def linked_to(self) -> str:
        """`dealer:D001` / `manager:M01`, as the audit log names people."""
        if self.manager_code:
            return f"manager:{self.manager_code}"
        return f"dealer:{self.dealer_code}" if self.dealer_code else "nobody"

    @property
    def account(self) -> str:
        return f"{self.platform}:{self.user_id}"

    @property
    def name(self) -> str:
        return self.display_name or self.user_id


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    TOO_MANY_TRIES = "too_many_tries"


@dataclass(frozen=True, slots=True)
class Invite:
    code: str
    expires_at: datetime
    used_at: datetime | None
    dealer_code: DealerCode | None = None
    manager_code: ManagerCode | None = None


class InviteAlreadyUsed(Exception):
    """Another user redeemed the invite between our check and our claim."""


def check_invite(invite: Invite | None, now: datetime) -> InviteProblem | None:
    """Why this invite cannot be redeemed now, or None if it can."""
    if invite is None:
        return InviteProblem.UNKNOWN
    if invite.used_at is not None:
        return InviteProblem.USED
    if now >= invite.expires_at:
        return InviteProblem.EXPIRED
    return None


# Codes avoid look-alike characters (0/O, 1/I/L) so they survive being read aloud or retyped.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_invite_code(rand: Callable[[str], str] | None = None) -> str:
    pick = rand or secrets.choice
    return "".join(pick(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    return text.strip().upper().replace("-", "").replace(" ", "")


def code_hash(code: str) -> str:
    """What is stored of an invite code: the SHA-256 (hex) of the normalized code, so the
    table (a backup, a read-only replica, a support query) links nobody."""
    return hashlib.sha256(normalize_code(code).encode("utf-8")).hexdigest()


def same_code_hash(stored: str, code: str) -> bool:
    """Constant-time comparison of a stored hash with the hash of a typed code."""
    return hmac.compare_digest(stored.encode("ascii"), code_hash(code).encode("ascii"))
