"""Promotion delivery in chat: what a dealer sees, queued once per contact and version to
the addressees `domain.promotions.services` finds, and the promotion_dispatch job."""

from __future__ import annotations

from datetime import datetime, timedelta

import domain.promotions.services as services
from domain.promotions.model import PromoKind, Promotion
from domain.promotions.services import Reach
from domain.shared.ports import UnitOfWork
from handlers.core.context import CoreOptions
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Attachment, Button, Reply
from handlers.core.notifier import Notifier
from handlers.core.router import Router


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
    sent = services.addressees(uow, promo)
    notifier = Notifier(uow.outbox, lambda: now, options.default_locale)
    notifier.notify_each(
        ((a.contact, a.dedupe_key) for a in sent.each),
        lambda t: render(promo, t, options.tz, correction=correction),
    )
    services.record_deliveries(uow, promo, sent)
    return sent.reach


def send_now(uow: UnitOfWork, promo: Promotion, now: datetime, options: CoreOptions) -> Reach:
    return queue(uow, services.mark_sent(uow, promo, now), now, options)


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
