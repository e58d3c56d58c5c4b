"""Unlinking a chat account: it is anonymous again and is sent nothing more."""

from __future__ import annotations

from datetime import datetime

from domain.identity.actors import Contact
from domain.shared.ports import AuditEntry, UnitOfWork


def unlink(
    uow: UnitOfWork,
    contact: Contact,
    now: datetime,
    *,
    actor: str,
    platform: str,
    user_id: str,
    reason: str,
) -> int:
    """Unlink `contact` and audit who (`actor` on `platform` as `user_id`), when and why.
    Returns how many queued proactive messages were dropped. The caller commits."""
    dropped = uow.identities.unlink(contact.identity_id)
    detail = f"{contact.account} {contact.linked_to} {reason}".strip()
    if dropped:
        detail += f" (queued messages dropped: {dropped})"
    uow.audit.record(AuditEntry(now, platform, user_id, actor, "unlink", detail))
    return dropped
