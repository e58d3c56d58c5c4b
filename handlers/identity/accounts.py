"""unlink, contacts: ending the link between a chat account and a dealer or manager.

A user unlinks their own account after a confirmation; a manager unlinks the contacts of
the dealers in their scope, giving a reason. Either way the account is anonymous again,
is sent nothing more, and the audit log says who did it, when and why.
"""

from __future__ import annotations

from domain.identity.actors import Contact
from domain.identity.unlinking import unlink as unlink_account
from handlers.catalog.people import visible_dealer
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.examples import dealer_example
from handlers.core.jobs import Jobs
from handlers.core.messages import MAX_PAYLOAD_BYTES, Button, Reply, button_rows
from handlers.core.registry import LINKED, SALES_LEADS
from handlers.core.router import Router

CONFIRM_WORDS = {"ok", "confirm", "yes", "确认"}
KEEP_WORDS = {"keep", "no", "保留"}
REASONS = ("left", "moved", "lost")  # the reason buttons; a typed reason is kept as typed
LISTED_BUTTONS = 8


def _stamp(contact: Contact) -> str:
    """Names this link: a confirm button of an earlier link does nothing to a later one."""
    return str(int(contact.linked_at.timestamp())) if contact.linked_at else "0"


def _linked_to_name(ctx: Ctx, contact: Contact) -> str:
    if contact.dealer_code:
        dealer = ctx.uow.catalog.dealer(contact.dealer_code)
        return f"{dealer.name} ({dealer.code})" if dealer else contact.dealer_code
    manager = ctx.uow.catalog.manager(contact.manager_code) if contact.manager_code else None
    return f"{manager.name} ({manager.code})" if manager else str(contact.manager_code)


def _fits(payload: str) -> bool:
    return len(payload.encode("utf-8")) <= MAX_PAYLOAD_BYTES


def _unlink(ctx: Ctx, contact: Contact, reason: str) -> None:
    i = ctx.inbound
    unlink_account(
        ctx.uow,
        contact,
        ctx.now,
        actor=ctx.actor.label,
        platform=i.platform,
        user_id=i.user_id,
        reason=reason,
    )


def unlink(ctx: Ctx) -> Reply:
    """Unlink this chat account from its dealer or manager (asks to confirm first)."""
    contact = ctx.uow.identities.contact(ctx.actor.identity_id) if ctx.actor.identity_id else None
    if contact is None:
        raise UserError("error.link_first")
    word = ctx.args[0].lower() if ctx.args else ""
    if word in KEEP_WORDS:
        return Reply(ctx.t("unlink.kept"))
    if word in CONFIRM_WORDS:
        if len(ctx.args) > 1 and ctx.args[1] != _stamp(contact):
            return Reply(ctx.t("unlink.old_button"))
        _unlink(ctx, contact, "by the user")
        return Reply(ctx.t("unlink.done", linked_to=_linked_to_name(ctx, contact)))
    if word:
        raise UserError("unlink.usage")
    buttons = [
        Button(ctx.t("unlink.confirm_button"), f"c:unlink ok {_stamp(contact)}"),
        Button(ctx.t("unlink.keep_button"), "c:unlink keep"),
    ]
    return Reply(ctx.t("unlink.ask", linked_to=_linked_to_name(ctx, contact)), button_rows(buttons))


def contacts(ctx: Ctx) -> Reply:
    """The chat accounts linked to a dealer of yours, each with an unlink button."""
    if not ctx.args:
        raise UserError("contacts.usage", dealer=dealer_example(ctx))
    dealer = visible_dealer(ctx, ctx.args[0])
    if len(ctx.args) == 1:
        return _listing(ctx, dealer.code, dealer.name)
    if ctx.args[1].lower() not in ("unlink", "解绑") or len(ctx.args) < 3:
        raise UserError("contacts.usage", dealer=dealer_example(ctx))
    raw = ctx.args[2]
    contact = ctx.uow.identities.contact(int(raw)) if raw.isdecimal() else None
    if contact is None or contact.dealer_code != dealer.code:
        raise UserError("contacts.not_a_contact", id=raw[:20], code=dealer.code)
    parts = ctx.command.rest.split(None, 3) if ctx.command else []
    reason = parts[3].strip()[:200] if len(parts) > 3 else ""
    if not reason:
        return _ask_reason(ctx, dealer.code, contact)
    if reason in REASONS:
        reason = ctx.t(f"contacts.reason.{reason}")
    _unlink(ctx, contact, f"reason: {reason}")
    return Reply(ctx.t("contacts.unlinked", name=contact.name, code=dealer.code, reason=reason))


def _listing(ctx: Ctx, code: str, name: str) -> Reply:
    found = ctx.uow.identities.linked_contacts(code)
    if not found:
        return Reply(ctx.t("contacts.none", name=name, code=code))
    lines = [ctx.t("contacts.title", name=name, code=code, count=len(found))]
    buttons = []
    for n, c in enumerate(found, start=1):
        since = ctx.t.date(c.linked_at.astimezone(ctx.options.tz).date()) if c.linked_at else "—"
        lines.append(
            ctx.t(
                "contacts.line", n=n, name=c.name, account=c.account, id=c.identity_id, since=since
            )
        )
        payload = f"c:contacts {code} unlink {c.identity_id}"
        if len(buttons) < LISTED_BUTTONS and _fits(payload):
            buttons.append(Button(ctx.t("contacts.unlink_button", name=c.name[:20]), payload))
    lines.append(ctx.t("contacts.hint", code=code))
    return Reply("\n".join(lines), button_rows(buttons, per_row=2))


def _ask_reason(ctx: Ctx, code: str, contact: Contact) -> Reply:
    buttons = []
    for reason in REASONS:
        payload = f"c:contacts {code} unlink {contact.identity_id} {reason}"
        if _fits(payload):
            buttons.append(Button(ctx.t(f"contacts.reason.{reason}"), payload))
    text = ctx.t("contacts.ask_reason", name=contact.name, code=code, id=contact.identity_id)
    return Reply(text, button_rows(buttons))


def install(router: Router, jobs: Jobs) -> None:
    router.command(unlink, "unlink", roles=LINKED, example="/unlink", aliases=("解绑", "解除绑定"))
    router.command(
        contacts, "contacts", roles=SALES_LEADS, example="/contacts D001", aliases=("联系人",)
    )
