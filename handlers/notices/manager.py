"""Managers' `notice new|list|ID`: the form, the recent notices, and one notice's reach,
acknowledgements, who is late and the quiz pass rate per region (their dealers only)."""

from __future__ import annotations

from domain.catalog.model import DealerCode
from domain.notices import services
from domain.notices.model import Notice
from domain.notices.rules import AckState, ack_state, dealer_acknowledged_at
from domain.shared.record_ids import parse_record_id
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import start_form
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.names import region_name
from handlers.core.registry import MANAGER, MARKETING, require
from handlers.core.router import Router
from handlers.notices.delivery import due_day

FORM = "notice_new"
LATE_SHOWN = 20


def _listing(ctx: Ctx) -> Reply:
    items = ctx.uow.notices.list(limit=20)
    if not items:
        return Reply(ctx.t("notices.none_yet"))
    rows = [ctx.t("notices.manager_list_title")]
    for n in items:
        state = ctx.t(f"notices.status.{n.status.value}")
        rows.append(ctx.t("notices.manager_row", id=n.id, title=n.title, status=state))
    return Reply("\n".join(rows))


def _dealer_states(ctx: Ctx, notice: Notice, scoped: set[DealerCode]):
    deliveries = [d for d in ctx.uow.notices.deliveries(notice.id) if d.dealer_code in scoped]
    dealers = sorted({d.dealer_code for d in deliveries})
    states = {
        dealer: ack_state(notice.ack_by, dealer_acknowledged_at(deliveries, dealer), ctx.now)
        for dealer in dealers
    }
    return deliveries, states


def show(ctx: Ctx, notice: Notice) -> Reply:
    """One notice: reach, acknowledged, late, quiz pass rate per region."""
    scoped = set(ctx.scoped_dealers())
    deliveries, states = _dealer_states(ctx, notice, scoped)
    tz = ctx.options.tz
    lines = [ctx.t("notices.show_head", id=notice.id, title=notice.title)]
    if notice.sent_at:
        lines.append(ctx.t("notices.show_sent", when=ctx.t.datetime(notice.sent_at, tz)))
    else:
        lines.append(ctx.t("notices.show_not_sent"))
    if notice.ack_by:
        lines.append(ctx.t("notices.show_ack_by", day=due_day(notice.ack_by, tz)))
    done = (AckState.ACKNOWLEDGED, AckState.LATE_ACKNOWLEDGED)
    lines.append(
        ctx.t(
            "notices.show_reach",
            dealers=len(states),
            contacts=len(deliveries),
            acked=sum(1 for s in states.values() if s in done),
            late=sum(1 for s in states.values() if s is AckState.LATE_ACKNOWLEDGED),
        )
    )
    overdue = [d for d, s in states.items() if s is AckState.OVERDUE]
    pending = [d for d, s in states.items() if s is AckState.PENDING]
    for key, dealers in (("notices.show_overdue", overdue), ("notices.show_pending", pending)):
        if dealers:
            names = ", ".join(_dealer_label(ctx, d) for d in dealers[:LATE_SHOWN])
            more = (
                ctx.t("notices.more", count=len(dealers) - LATE_SHOWN)
                if len(dealers) > LATE_SHOWN
                else ""
            )
            lines.append(ctx.t(key, count=len(dealers), dealers=names) + more)
    if notice.quiz is not None:
        attempts = ctx.uow.notices.attempts(notice.id)
        regions = {d: [str(r) for r in ctx.uow.catalog.dealer_regions(d)] for d in states}
        lines.append(
            ctx.t("notices.show_quiz", n=len(notice.quiz), mark=ctx.options.notice_pass_mark)
        )
        for r in services.results_by_region(deliveries, attempts, regions):
            lines.append(
                ctx.t(
                    "notices.show_region",
                    region=region_name(ctx, r.region) or r.region,
                    dealers=r.dealers,
                    acked=r.acknowledged,
                    passed=r.quiz_passed,
                    takers=r.quiz_takers,
                    rate=ctx.t.percent(r.quiz_passed / r.quiz_takers) if r.quiz_takers else "—",
                )
            )
    return Reply("\n".join(lines))


def _dealer_label(ctx: Ctx, code: DealerCode) -> str:
    dealer = ctx.uow.catalog.dealer(code)
    return f"{dealer.name} ({code})" if dealer else code


def notice_cmd(ctx: Ctx) -> Reply:
    """Notices and training: create (new), list, or see one's acknowledgements and quizzes."""
    args = ctx.args
    sub = args[0].lower() if args else "list"
    if sub in ("new", "新建"):
        require(ctx, "notice", "new")
        return start_form(ctx, FORM)
    if sub == "list":
        return _listing(ctx)
    raw = sub.lstrip("#")
    notice_id = parse_record_id(raw) if raw.isdecimal() else None
    notice = ctx.uow.notices.get(notice_id) if notice_id is not None else None
    if notice is None:
        raise UserError("notices.manager_not_found", id=raw[:12])
    return show(ctx, notice)


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        notice_cmd,
        "notice",
        roles=MANAGER,
        example="/notice new",
        actions={"new": MARKETING},
    )
