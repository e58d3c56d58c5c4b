"""`export notices PERIOD`: every contact of the manager's dealers sent a notice in the
period, one row each: acknowledgement against the date and the quiz."""

from __future__ import annotations

from domain.notices.rules import ack_state
from domain.shared.periods import PeriodKind
from handlers.core.context import Ctx
from handlers.core.exports import Sheet, Window
from handlers.core.jobs import Jobs
from handlers.core.router import Router
from handlers.notices.delivery import due_day

HEADER_KEYS = (
    "notice",
    "title",
    "sent_at",
    "ack_by",
    "dealer",
    "name",
    "contact",
    "acknowledged_at",
    "state",
    "attempts",
    "correct",
    "passed",
)


def export_notices(ctx: Ctx, window: Window) -> Sheet:
    tz = ctx.options.tz
    scoped = set(ctx.scoped_dealers())
    names: dict[str, str] = {}
    attempts: dict[int, list] = {}
    rows = []

    def local(moment):
        return moment.astimezone(tz).replace(tzinfo=None) if moment else ""

    for notice, d in ctx.uow.notices.delivered_between(None, window.start, window.end):
        if d.dealer_code not in scoped:
            continue
        if d.dealer_code not in names:
            dealer = ctx.uow.catalog.dealer(d.dealer_code)
            names[d.dealer_code] = dealer.name if dealer else ""
        if notice.id not in attempts:
            attempts[notice.id] = ctx.uow.notices.attempts(notice.id)
        mine = [a for a in attempts[notice.id] if a.identity_id == d.identity_id]
        finished = [a for a in mine if a.finished]
        contact = ctx.uow.identities.contact(d.identity_id)
        state = ack_state(notice.ack_by, d.acknowledged_at, ctx.now)
        rows.append(
            [
                notice.id,
                notice.title,
                local(notice.sent_at),
                due_day(notice.ack_by, tz) if notice.ack_by else "",
                d.dealer_code,
                names[d.dealer_code],
                contact.display_name if contact else str(d.identity_id),
                local(d.acknowledged_at),
                ctx.t(f"notices.state.{state.value}"),
                len(mine) if notice.quiz else "",
                max((a.correct for a in finished), default="") if notice.quiz else "",
                (ctx.t("notices.yes") if any(a.passed for a in mine) else ctx.t("notices.no"))
                if notice.quiz
                else "",
            ]
        )
    return Sheet([ctx.t(f"export.notices.{k}") for k in HEADER_KEYS], rows)


def install(router: Router, jobs: Jobs) -> None:
    router.exporter(
        export_notices, "notices", label_key="export.kind.notices", default_period=PeriodKind.MONTH
    )
