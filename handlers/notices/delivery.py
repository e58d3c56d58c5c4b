"""A notice as a dealer contact reads it (text, attachment, 已阅/确认 and quiz buttons), and
sending it: queued once per contact through the outbox, deliveries recorded."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.notices import services
from domain.notices.model import Notice
from domain.shared.ports import UnitOfWork
from handlers.core.i18n import Translator
from handlers.core.messages import Attachment, Button, Reply
from handlers.core.notifier import Notifier
from handlers.core.options import CoreOptions


def due_day(ack_by: datetime, tz) -> str:
    """The acknowledge-by date as typed: stored as the next midnight, shown as that day."""
    return (ack_by.astimezone(tz) - timedelta(seconds=1)).date().isoformat()


def ack_button(t: Translator, notice_id: int) -> Button:
    return Button(t("notices.ack_button"), f"c:notices ack {notice_id}")


def quiz_button(t: Translator, notice_id: int) -> Button:
    return Button(t("notices.quiz_button"), f"c:notices quiz {notice_id}")


def render(notice: Notice, t: Translator, options: CoreOptions) -> Reply:
    """Exactly what a contact receives, in `t`'s language."""
    head = t("notices.head", id=notice.id, title=notice.title) if notice.id else notice.title
    lines = [head, notice.body]
    if notice.link:
        lines.append(t("notices.link", link=notice.link))
    if notice.ack_by:
        lines.append(t("notices.ack_by", day=due_day(notice.ack_by, options.tz)))
    if notice.quiz:
        lines.append(t("notices.has_quiz", n=len(notice.quiz), mark=options.notice_pass_mark))
    buttons = [ack_button(t, notice.id)]
    if notice.quiz:
        buttons.append(quiz_button(t, notice.id))
    image = document = None
    if notice.file is not None:
        assert notice.file.content is not None, "render a notice read with its content"
        f = Attachment(notice.file.filename, notice.file.content, notice.file.mime)
        image, document = (f, None) if notice.file.is_image else (None, f)
    return Reply("\n".join(lines), (tuple(buttons),), image=image, document=document)


def publish(uow: UnitOfWork, notice: Notice, now: datetime, options: CoreOptions) -> services.Reach:
    """Queue `notice` to every contact it reaches and record them; safe to run again (the
    outbox keys and the deliveries' unique pairs hold)."""
    sent = services.reach(uow, notice)
    notifier = Notifier(uow.outbox, lambda: now, options.default_locale)
    notifier.notify_each(
        ((a.contact, f"notice:{notice.id}:{a.contact.identity_id}") for a in sent.each),
        lambda t: render(notice, t, options),
    )
    services.record_sent(uow, notice, sent, now)
    return sent
