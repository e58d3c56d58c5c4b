"""Promotion delivery: render per recipient language, queue once per contact and version."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.catalog.model import DealerCode, ManagerCode
from domain.identity.actors import Actor
from domain.promotions.model import PromoKind, PromoStatus, Promotion, select_dealers
from domain.shared.outbox import OutgoingMessage
from domain.shared.ports import UnitOfWork
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Attachment, Button, Reply
from handlers.core.options import CoreOptions
from handlers.core.router import Router


@dataclass(frozen=True, slots=True)
class Reach:
    dealers: list[DealerCode]
    contacts: int


def sender_scope(uow: UnitOfWork, manager: str) -> list[DealerCode]:
    """Dealers the promotion's author may address: admins all, others their regions."""
    m = uow.catalog.manager(ManagerCode(manager))
    if m is None:
        return []
    if m.role == "admin":
        return [d.code for d in uow.catalog.dealers()]
    return uow.catalog.dealers_in_regions(m.region_codes)


def reach(uow: UnitOfWork, promo: Promotion) -> Reach:
    return _reach(uow, promo)[0]


def _reach(uow: UnitOfWork, promo: Promotion) -> tuple[Reach, dict[DealerCode, list[Actor]]]:
    profiles = uow.promotions.dealer_profiles(sender_scope(uow, promo.created_by))
    dealers = select_dealers(promo.audience, profiles, uow.catalog.region_tree())
    contacts = uow.identities.contacts_of_dealers(dealers)
    return Reach(dealers, sum(len(c) for c in contacts.values())), contacts


def _last_minute(end: datetime, tz) -> datetime:
    """An end typed as a date is stored as the next midnight; show it as 23:59 of that date
    ("to 2026/12/31 23:59"), not as the next day's 00:00."""
    local = end.astimezone(tz) if tz else end
    return end - timedelta(minutes=1) if (local.hour, local.minute) == (0, 0) else end


def render(promo: Promotion, t: Translator, tz=None, *, correction: bool = False) -> Reply:
    """Exactly what a dealer sees, in `t`'s language."""
    title, body = promo.text_for(t.locale)
    head = "promo.head_notice" if promo.kind is PromoKind.NOTICE else "promo.head_promotion"
    lines = []
    if correction:
        lines.append(t("promo.correction_mark", version=promo.version))
    if promo.id:
        lines.append(t(head, id=promo.id, title=title))
    else:  # the preview in /promo new: not stored yet, so no number
        lines.append(t("promo.head_preview", title=title))
    lines.append(body)
    if promo.audience.lines:
        lines.append(t("promo.lines", lines=", ".join(promo.audience.lines)))
    if promo.kind is PromoKind.PROMOTION and (promo.starts_at or promo.ends_at):
        start = t.datetime(promo.starts_at, tz) if promo.starts_at else "—"
        end = t("promo.no_end")
        if promo.ends_at:
            end = t.datetime(_last_minute(promo.ends_at, tz), tz)
        lines.append(t("promo.window", start=start, end=end))
    if promo.fee_text:
        lines.append(t("promo.fee", text=promo.fee_text))
    image = Attachment(f"promo-{promo.id}.png", promo.image, "image/png") if promo.image else None
    return Reply(
        "\n".join(lines),
        ((Button(t("promo.ack_button"), f"c:ack {promo.id}"),),),
        image=image,
    )


def queue(
    uow: UnitOfWork, promo: Promotion, now: datetime, options: CoreOptions, *, correction=False
) -> Reach:
    """Queue `promo` for every contact of every targeted dealer; safe to run again."""
    target, contacts = _reach(uow, promo)
    rendered: dict[str, dict] = {}  # one rendering per language, not per contact
    messages: list[OutgoingMessage] = []
    deliveries: list[tuple[int, DealerCode, int, str]] = []
    for dealer in target.dealers:
        for contact in contacts[dealer]:
            locale = contact.locale or options.default_locale
            if locale not in rendered:
                t = Translator(locale)
                rendered[locale] = render(promo, t, options.tz, correction=correction).to_dict()
            key = f"promo:{promo.id}:v{promo.version}:{contact.identity_id}"
            messages.append(
                OutgoingMessage(
                    dedupe_key=key,
                    platform=contact.platform,
                    chat_id=contact.chat_id,
                    payload=rendered[locale],
                    identity_id=contact.identity_id,
                )
            )
            if contact.identity_id is not None:
                deliveries.append((promo.id, dealer, contact.identity_id, key))
    uow.outbox.enqueue_many(messages, now)
    uow.promotions.record_deliveries(deliveries)
    return target


def send_now(uow: UnitOfWork, promo: Promotion, now: datetime, options: CoreOptions) -> Reach:
    sent = replace(promo, status=PromoStatus.SENT, sent_at=now)
    uow.promotions.save(sent)
    return queue(uow, sent, now, options)


def run_promotion_dispatch(uow: UnitOfWork, now: datetime, options: CoreOptions) -> int:
    """The promotion_dispatch job: send every scheduled promotion whose start has come.

    Returns how many promotions went out. The caller commits; a crash before the commit
    leaves the promotion scheduled and the next run queues it again (dedupe keys hold).
    """
    count = 0
    for promo in uow.promotions.due(now):
        send_now(uow, promo, now, options)
        count += 1
    return count


def install(router: Router, jobs: Jobs) -> None:
    jobs.add_counting(run_promotion_dispatch, "promotion_dispatch")
