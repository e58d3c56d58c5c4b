"""Promotions and notices: `promo new|list|send|edit|remind|nudge|cancel|ID`, `broadcast`,
and for dealers `promos` and `ack`. The `promo new` form lives in handlers/promotions/form.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import domain.promotions.services as services
import handlers.promotions.delivery as delivery
from domain.decisions.model import DecisionKind, DecisionRecord
from domain.promotions.model import Audience, PromoKind, PromoStatus, Promotion, is_targeted
from domain.shared.record_ids import parse_record_id
from handlers.core.confirm import ask_to_confirm, confirmation
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import start_form
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.registry import BROADCASTERS, DEALER, MARKETING, require
from handlers.core.router import Router
from handlers.promotions.form import parse_when, send_or_schedule

BROADCAST_FORM = "broadcast"
SEND_FORM = "promo_send"


def _id(ctx: Ctx, text: str | None) -> Promotion:
    raw = (text or "").lstrip("#Pp")
    if not raw.isdecimal():
        raise UserError("promo.need_id")
    promo_id = parse_record_id(raw)
    promo = None if promo_id is None else ctx.uow.promotions.get(promo_id)
    if promo is None or ctx.actor.manager_code is None:
        raise UserError("promo.not_found", id=raw)
    if not ctx.actor.is_admin and promo.created_by != ctx.actor.manager_code:
        raise UserError("promo.not_found", id=raw)
    return promo


# -- manager commands ----------------------------------------------------------------------


def _show(ctx: Ctx, promo: Promotion) -> Reply:
    s = ctx.uow.promotions.stats(promo.id)
    title, _ = promo.text_for(ctx.t.locale)
    return Reply(
        ctx.t(
            "promo.show",
            id=promo.id,
            title=title,
            status=ctx.t(f"promo.status.{promo.status.value}"),
            contacts=s.contacts,
            sent=s.sent,
            pending=s.pending,
            failed=s.failed,
            acked=s.acknowledged,
        ),
        ((Button(ctx.t("promo.remind_button"), f"c:promo remind {promo.id}"),),)
        if promo.status is PromoStatus.SENT
        else ((Button(ctx.t("promo.send_button"), f"c:promo send {promo.id}"),),),
    )


def promo_cmd(ctx: Ctx) -> Reply:
    """Create, send, edit and follow up promotions."""
    args = ctx.args
    sub = args[0].lower() if args else "list"
    if sub == "new":
        return start_form(ctx, "promo_new")
    if sub == "list":
        items = ctx.uow.promotions.list(limit=20)
        mine = [p for p in items if ctx.actor.is_admin or p.created_by == ctx.actor.manager_code]
        if not mine:
            return Reply(ctx.t("promo.none_yet"))
        rows = [
            ctx.t(
                "promo.row",
                id=p.id,
                title=p.text_for(ctx.t.locale)[0],  # the title `/promo ID` shows
                status=ctx.t(f"promo.status.{p.status.value}"),
            )
            for p in mine
        ]
        return Reply("\n".join([ctx.t("promo.list_title"), *rows]))
    if sub.lstrip("#").isdecimal():
        return _show(ctx, _id(ctx, sub))
    if sub == "send":
        require(ctx, "promo", "send")
    promo = _id(ctx, args[1] if len(args) > 1 else None)
    if sub == "send":
        if promo.status is PromoStatus.SENT:
            raise UserError("promo.already_sent", id=promo.id)
        if promo.status is PromoStatus.CANCELLED:
            raise UserError("promo.cancelled_cannot_send", id=promo.id)
        return ask_to_confirm(ctx, SEND_FORM, {"id": promo.id})
    if sub == "cancel":
        if promo.status is PromoStatus.SENT:
            raise UserError("promo.already_sent", id=promo.id)
        ctx.uow.promotions.save(replace(promo, status=PromoStatus.CANCELLED))
        ctx.audit("promo.cancel", str(promo.id))
        return Reply(ctx.t("promo.cancelled", id=promo.id))
    if sub == "edit":
        return _edit(ctx, promo, args[2:] if len(args) > 2 else ())
    if sub in ("remind", "nudge"):
        return _remind(ctx, promo, args[2:] if len(args) > 2 else (), send=sub == "nudge")
    raise UserError("promo.usage")


# What `promo edit ID FIELD TEXT` may change, with the longest text each keeps.
EDITABLE = {"title": 200, "body": 2000, "title_en": 200, "body_en": 2000, "end": 0, "fee": 500}


def _edit(ctx: Ctx, promo: Promotion, rest: tuple[str, ...]) -> Reply:
    field = rest[0].lower().replace("-", "_") if rest else ""
    if len(rest) < 2 or field not in EDITABLE:
        raise UserError("promo.edit_usage")
    value = " ".join(rest[1:])
    if field == "end":
        end = parse_when(ctx, value)
        if len(value.strip()) == 10:  # a bare date ends at the end of that day, as in the form
            end += timedelta(days=1)
        if promo.starts_at and end <= promo.starts_at:
            raise UserError("promo.end_before_start")
        changed = replace(promo, ends_at=end)
    elif field == "fee":
        changed = replace(promo, fee_text=value[: EDITABLE["fee"]])
    else:
        changed = replace(promo, **{field: value[: EDITABLE[field]]})
    if promo.status is not PromoStatus.SENT:
        ctx.uow.promotions.save(changed)
        ctx.audit("promo.edit", f"{promo.id} {field}")
        return Reply(ctx.t("promo.edited", id=promo.id))
    corrected = replace(changed, version=promo.version + 1)
    ctx.uow.promotions.save(corrected)
    target = delivery.queue(ctx.uow, corrected, ctx.now, ctx.options, correction=True)
    ctx.audit("promo.correct", f"{promo.id} v{corrected.version} {field}")
    return Reply(ctx.t("promo.corrected", id=promo.id, contacts=target.contacts))


def _remind(ctx: Ctx, promo: Promotion, rest: tuple[str, ...], *, send: bool) -> Reply:
    hours = int(rest[0]) if rest and rest[0].isdecimal() and len(rest[0]) <= 4 else 24
    left = services.unacknowledged(ctx.uow, promo.id, ctx.now, hours)
    pending = left.dealers
    if not pending:
        if left.recent:
            return Reply(ctx.t("promo.unacked_recent", id=promo.id, hours=hours, count=left.recent))
        return Reply(ctx.t("promo.all_acked", id=promo.id, hours=hours))
    if not send:
        return Reply(
            ctx.t("promo.unacked", id=promo.id, hours=hours, dealers=", ".join(pending)),
            ((Button(ctx.t("promo.nudge_button"), f"c:promo nudge {promo.id} {hours}"),),),
        )
    day = ctx.today.isoformat()
    queued = 0
    for contact in services.contacts_to_nudge(ctx.uow, pending):
        title, _ = promo.text_for(contact.locale or ctx.options.default_locale)
        queued += ctx.notify(
            contact,
            f"promo-nudge:{promo.id}:{day}",
            lambda t, title=title: Reply(
                t("promo.nudge", id=promo.id, title=title),
                ((Button(t("promo.ack_button"), f"c:ack {promo.id}"),),),
            ),
        )
    ctx.audit("promo.nudge", f"{promo.id} dealers={len(pending)}")
    return Reply(ctx.t("promo.nudged", dealers=len(pending), contacts=queued))


def broadcast(ctx: Ctx) -> Reply:
    """Send a plain notice to all dealers in your scope."""
    text = ctx.command.rest if ctx.command else ""
    if not text:
        raise UserError("promo.broadcast_usage")
    if len(text) > 2000:
        raise UserError("promo.too_long", max=2000)
    return ask_to_confirm(ctx, BROADCAST_FORM, {"text": text})


def _notice(ctx: Ctx, text: str) -> Promotion:
    return Promotion(
        id=0,
        kind=PromoKind.NOTICE,
        title=text.split("\n", 1)[0][:40],
        body=text,
        audience=Audience(),
        created_by=ctx.actor.manager_code or "",
        starts_at=ctx.now,
    )


# -- sending, asked first and undone within minutes ------------------------------------


def _preview(ctx: Ctx, promo: Promotion) -> str:
    target = services.reach(ctx.uow, promo)
    if promo.id:
        shown = delivery.render(promo, ctx.t, ctx.options.tz).text
    else:  # a notice not stored yet has no number
        shown = ctx.t("promo.notice_preview") + "\n" + promo.body
    return ctx.t(
        "promo.send_preview", dealers=len(target.dealers), contacts=target.contacts, text=shown
    )


def _broadcast_preview(ctx: Ctx, data: dict) -> str:
    return _preview(ctx, _notice(ctx, data["text"]))


def _broadcast_confirmed(ctx: Ctx, data: dict) -> Reply:
    notice = _notice(ctx, data["text"])
    notice = replace(notice, id=ctx.uow.promotions.add(notice, ctx.now))
    return send_or_schedule(ctx, notice)


def _send_preview(ctx: Ctx, data: dict) -> str:
    return _preview(ctx, _id(ctx, str(data["id"])))


def _send_confirmed(ctx: Ctx, data: dict) -> Reply:
    promo = _id(ctx, str(data["id"]))  # read again: it may have been sent meanwhile
    if promo.status is PromoStatus.SENT:
        raise UserError("promo.already_sent", id=promo.id)
    if promo.status is PromoStatus.CANCELLED:
        raise UserError("promo.cancelled_cannot_send", id=promo.id)
    return send_or_schedule(ctx, replace(promo, starts_at=promo.starts_at or ctx.now))


def _undo_send(ctx: Ctx, decision: DecisionRecord, reversal: DecisionRecord) -> Reply:
    """A sent promotion or notice taken back: cancelled, and every contact it was queued to
    is told it is withdrawn (messages already delivered cannot be unsent)."""
    promo = ctx.uow.promotions.get(int(decision.subject))
    if promo is None or promo.status is not PromoStatus.SENT:
        raise UserError("promo.undo_not_sent", id=decision.subject)
    ctx.uow.promotions.save(replace(promo, status=PromoStatus.CANCELLED))
    reached = {d.identity_id for d in ctx.uow.promotions.deliveries(promo.id)}

    def build(t: Translator) -> Reply:
        return Reply(t("promo.retracted", id=promo.id, title=promo.text_for(t.locale)[0]))

    told = sum(
        ctx.notify(a.contact, f"promo-retract:{promo.id}:{a.contact.identity_id}", build)
        for a in services.addressees(ctx.uow, promo).each
        if a.contact.identity_id in reached
    )
    ctx.audit("promo.retract", f"{promo.id} contacts={told}")
    return Reply(ctx.t("promo.undone", id=promo.id, contacts=told))


# -- dealer commands -----------------------------------------------------------------------


def promos(ctx: Ctx) -> Reply | list[Reply]:
    """List the promotions running for you now."""
    dealer = ctx.require_dealer()
    profile = ctx.uow.promotions.dealer_profiles([dealer])
    tree = ctx.uow.catalog.region_tree()
    shown = []
    for promo in ctx.uow.promotions.active(ctx.now):
        if promo.kind is not PromoKind.PROMOTION or not profile:
            continue
        if dealer not in services.sender_scope(ctx.uow, promo.created_by):
            continue
        if is_targeted(promo.audience, profile[0], tree):
            shown.append(delivery.render(promo, ctx.t, ctx.options.tz))
    if not shown:
        return Reply(ctx.t("promo.none_active"))
    return [Reply(ctx.t("promo.active_title", count=len(shown))), *shown[:10]]


def ack(ctx: Ctx) -> Reply:
    """Acknowledge a promotion or notice."""
    dealer = ctx.require_dealer()
    raw = (ctx.args[0] if ctx.args else "").lstrip("#Pp")
    if not raw.isdecimal():
        raise UserError("promo.ack_usage")
    promo_id = parse_record_id(raw)
    if promo_id is None or not ctx.uow.promotions.acknowledge(promo_id, dealer, ctx.now):
        raise UserError("promo.not_found", id=raw)
    ctx.audit("promo.ack", raw)
    return Reply(ctx.t("promo.acked", id=raw))


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        promo_cmd, "promo", roles=MARKETING, example="/promo new", actions={"send": BROADCASTERS}
    )
    router.command(
        broadcast, "broadcast", roles=BROADCASTERS, example="/broadcast 国庆期间仓库放假三天"
    )
    router.form(confirmation(BROADCAST_FORM, _broadcast_preview, _broadcast_confirmed))
    router.form(confirmation(SEND_FORM, _send_preview, _send_confirmed))
    router.undoer(_undo_send, DecisionKind.BROADCAST)
    router.command(promos, "promos", roles=DEALER, example="/promos")
    router.command(ack, "ack", roles=DEALER, example="/ack 12")
