"""notice_reminder: contacts of dealers that have not acknowledged a notice are reminded once,
`[notices] remind_days` before its date; after the date the managers over the dealers still
late get the list, once per notice. Keys name the job, the notice and the recipient, so a
rerun or a second scheduler sends nothing twice."""

from __future__ import annotations

from domain.catalog.model import DealerCode
from domain.identity.actors import Actor
from domain.notices import services
from domain.notices.model import Notice
from handlers.core.i18n import Translator
from handlers.core.jobs import JobContext, Jobs
from handlers.core.messages import Reply
from handlers.core.router import Router
from handlers.notices.delivery import ack_button, due_day


def _remind(ctx: JobContext) -> None:
    due = services.to_remind(ctx.uow, ctx.now, ctx.options.notice_remind_days)
    by_notice: dict[int, tuple[Notice, set[int]]] = {}
    for notice, d in due:
        by_notice.setdefault(notice.id, (notice, set()))[1].add(d.identity_id)
    for notice, identities in by_notice.values():
        dealers = sorted({d.dealer_code for n, d in due if n.id == notice.id})
        contacts = ctx.uow.identities.contacts_of_dealers(dealers)
        day = due_day(notice.ack_by, ctx.tz) if notice.ack_by else ""

        def build(t: Translator, n=notice, day=day) -> Reply:
            return Reply(
                t("notices.reminder", id=n.id, title=n.title, day=day), ((ack_button(t, n.id),),)
            )

        for dealer in dealers:
            for contact in contacts.get(dealer, []):
                if contact.identity_id in identities:
                    ctx.notify(contact, f"{notice.id}:remind", build)


def _report_overdue(ctx: JobContext) -> None:
    for late in services.past_due(ctx.uow, ctx.now):
        notice = late.notice
        mine: dict[tuple[str, str], tuple[Actor, list[DealerCode]]] = {}
        for dealer in late.dealers:
            for manager in ctx.uow.identities.managers_of_dealer(dealer):
                chat = (manager.platform, manager.chat_id)
                mine.setdefault(chat, (manager, []))[1].append(dealer)
        names = {d: (ctx.uow.catalog.dealer(d) or None) for d in late.dealers}
        for manager, dealers in mine.values():
            listed = ", ".join(f"{names[d].name} ({d})" if names[d] else d for d in dealers)

            def build(t: Translator, n=notice, listed=listed, count=len(dealers)) -> Reply:
                day = due_day(n.ack_by, ctx.tz) if n.ack_by else ""
                return Reply(
                    t(
                        "notices.overdue",
                        id=n.id,
                        title=n.title,
                        day=day,
                        count=count,
                        dealers=listed,
                    )
                )

            ctx.notify(manager, f"{notice.id}:overdue", build)
        if late.dealers and not mine:
            ctx.notes.append(f"notice {notice.id}: {len(late.dealers)} late, no manager linked")
        ctx.uow.notices.mark_overdue_reported(notice.id, ctx.now)


def notice_reminder(ctx: JobContext) -> None:
    """Remind unacknowledged notices before their date; report late dealers to managers after."""
    _remind(ctx)
    _report_overdue(ctx)


def install(router: Router, jobs: Jobs) -> None:
    jobs.add(notice_reminder, "notice_reminder")
