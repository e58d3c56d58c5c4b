"""complaint, tickets, complaints, ticket: customer complaints and after-sales tickets."""

from __future__ import annotations

from domain.catalog.model import DealerCode, RegionCode
from domain.identity.actors import Role
from domain.shared.periods import PeriodKind
from domain.tickets.model import (
    MAX_RATING,
    MIN_RATING,
    Ticket,
    TicketAction,
    allowed_actions,
    parse_ticket_id,
)
from domain.tickets.sla import SlaState
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.exports import period_window
from handlers.core.forms import start_form
from handlers.core.jobs import Jobs
from handlers.core.messages import Attachment, Button, Reply, button_rows
from handlers.core.names import actor_name, labelled, staff_names
from handlers.core.pager import Page, page_args
from handlers.core.registry import DEALER, SERVICE
from handlers.core.router import Router
from handlers.tickets.flow import assign, load_ticket, manager_scope, rate, transition
from handlers.tickets.sla import sla_policy
from handlers.tickets.texts import summary

# Action words in both languages -> the action they name.
ACTION_WORDS = {
    "assign": TicketAction.ASSIGN, "指派": TicketAction.ASSIGN, "分配": TicketAction.ASSIGN,
    "resolve": TicketAction.RESOLVE, "解决": TicketAction.RESOLVE,
    "close": TicketAction.CLOSE, "关闭": TicketAction.CLOSE,
    "reopen": TicketAction.REOPEN, "重开": TicketAction.REOPEN, "重新打开": TicketAction.REOPEN,
    "rate": TicketAction.RATE, "评分": TicketAction.RATE,
}  # fmt: skip
LIST_LIMIT = 30


def complaint(ctx: Ctx) -> Reply:
    """File a customer complaint or after-sales case (guided, photos welcome)."""
    ctx.require_dealer()
    return start_form(ctx, "complaint")


def tickets(ctx: Ctx) -> Reply:
    """Your complaint tickets and their status."""
    found = ctx.uow.tickets.for_dealer(ctx.require_dealer())
    if not found:
        return Reply(ctx.t("tickets.none_dealer"))
    lines = [ctx.t("tickets.list_title_dealer", n=len(found))]
    lines += [_line(ctx, t) for t in found]
    return Reply("\n".join(lines))


def complaints(ctx: Ctx) -> Reply | list[Reply]:
    """Tickets of your regions, overdue first; `open` for unfinished ones, `stats` for scores."""
    words, asked = page_args(ctx.args)
    word = words[0].lower() if words else ""
    if word in ("stats", "统计"):
        return _stats(ctx, words[1] if len(words) > 1 else None)
    if word not in ("", "open", "未结"):
        raise UserError("tickets.complaints_usage")
    scope, active_only = manager_scope(ctx), bool(word)
    page = Page.counted(
        ctx.uow.tickets.count_of_dealers(scope, active_only=active_only), asked, LIST_LIMIT
    )
    if not page.total:
        return Reply(ctx.t("tickets.none_manager"))
    found = ctx.uow.tickets.of_dealers(
        scope, ctx.now, active_only=active_only, limit=LIST_LIMIT, offset=page.offset
    )
    page = page.holding(found)
    lines = [ctx.t("tickets.list_title_manager", n=page.total)]
    lines += [_line(ctx, t) for t in page.items]
    if footer := page.footer(ctx.t):
        lines.append(footer)
    nav = page.buttons(ctx.t, "complaints open" if active_only else "complaints")
    return Reply("\n".join(lines), (nav,) if nav else ())


def ticket(ctx: Ctx) -> Reply | list[Reply]:
    """A ticket's details and history; managers: assign AGENT | resolve NOTE | close | reopen."""
    if not ctx.args:
        raise UserError("tickets.ticket_usage")
    acting = len(ctx.args) > 1
    found = load_ticket(ctx, parse_ticket_id(ctx.args[0]), ctx.args[0], for_update=acting)
    if len(ctx.args) == 1:
        return _details(ctx, found)
    action = ACTION_WORDS.get(ctx.args[1].lower())
    parts = ctx.command.rest.split(None, 2) if ctx.command else []
    rest = parts[2].strip() if len(parts) > 2 else ""
    if action is TicketAction.RATE:
        return _rate(ctx, found, rest)
    if action is None or ctx.actor.role is not Role.MANAGER:
        raise UserError("tickets.ticket_usage")
    if action is TicketAction.ASSIGN:
        assigned = assign(ctx, found, rest.split()[0] if rest else None)
        if assigned.unreachable:
            return unreachable_warning(ctx, found, assigned)
    elif action is TicketAction.RESOLVE:
        if not rest:
            raise UserError("tickets.resolve_needs_note", id=found.id)
        transition(ctx, found, action, note=rest[:1000])
    else:
        transition(ctx, found, action, note=rest[:1000])
    return Reply(
        ctx.t(
            f"tickets.done.{action}",
            number=found.number,
            assignee=actor_name(ctx, f"manager:{found.assignee}") if found.assignee else "",
        ),
        _action_buttons(ctx, found),
    )


def unreachable_warning(ctx: Ctx, found: Ticket, assigned) -> Reply:
    """Assigned, but to someone with no chat account: say so, and offer whoever could be
    told instead (a button each reassigns)."""
    agent = assigned.agent
    lines = [
        ctx.t(
            "tickets.done.assign",
            number=found.number,
            assignee=f"{agent.name} ({agent.code})",
        ),
        ctx.t("notice.agent_unlinked", name=agent.name, code=agent.code),
    ]
    if not assigned.reachable:
        lines.append(ctx.t("notice.agent_nobody_linked", code=agent.code))
        return Reply("\n".join(lines))
    lines.append(ctx.t("notice.agent_reachable"))
    buttons = [
        Button(
            ctx.t("notice.reassign_to", name=staff_names(ctx.t, (m,))),
            f"c:ticket {found.id} assign {m.code}",
        )
        for m in assigned.reachable[:6]
    ]
    return Reply("\n".join(lines), button_rows(buttons))


def _rate(ctx: Ctx, found: Ticket, value: str) -> Reply:
    if ctx.actor.role is not Role.DEALER:
        raise UserError("tickets.rate_dealer_only")
    if not value.isdecimal() or not MIN_RATING <= int(value) <= MAX_RATING:
        raise UserError("tickets.bad_rating", value=value[:10])
    rating = int(value)
    if rate(ctx, found, rating):
        return Reply(ctx.t("tickets.rated_reopened", number=found.number, rating=rating))
    return Reply(ctx.t("tickets.rated_thanks", number=found.number, rating=rating))


# -- texts ------------------------------------------------------------------------------


def _line(ctx: Ctx, t: Ticket) -> str:
    state = sla_policy(ctx.options).state(t, ctx.now)
    mark = {SlaState.OVERDUE: "‼️ ", SlaState.NEAR: "⏳ "}.get(state, "")
    return mark + summary(ctx.t, t, ctx.options)


def _details(ctx: Ctx, t: Ticket) -> list[Reply]:
    tt = ctx.t
    tz = ctx.options.tz
    product = ctx.uow.catalog.product(t.sku) if t.sku else None
    lines = [
        summary(tt, t, ctx.options),
        tt(
            "tickets.detail.sla",
            state=tt(f"tickets.sla_state.{sla_policy(ctx.options).state(t, ctx.now)}"),
        ),
        tt("tickets.detail.region", region=_region_label(ctx, t.region_code)),
        tt("tickets.detail.product", product=labelled(product, t.sku, tt.locale) if t.sku else "-"),
        tt("tickets.detail.assignee", assignee=t.assignee or "-"),
        tt("tickets.detail.created", at=tt.datetime(t.created_at, tz)),
        tt("tickets.detail.description", text=t.description),
    ]
    if t.resolution:
        lines.append(tt("tickets.detail.resolution", text=t.resolution))
    if t.rating is not None:
        lines.append(tt("tickets.detail.rating", rating=t.rating))
    lines.append(tt("tickets.detail.photos", n=t.photo_count))
    lines.append(tt("tickets.detail.history"))
    for e in ctx.uow.tickets.events(t.id):
        lines.append(
            tt(
                "tickets.detail.event",
                at=tt.datetime(e.at, tz),
                actor=actor_name(ctx, e.actor),
                action=tt(f"tickets.action.{e.action}"),
                status=tt(f"tickets.status.{e.to_status}"),
                note=f" — {e.note}" if e.note else "",
            )
        )
    replies = [Reply("\n".join(lines), _action_buttons(ctx, t))]
    for i, photo in enumerate(ctx.uow.tickets.photos(t.id), start=1):
        replies.append(
            Reply(
                tt("tickets.detail.photo", number=t.number, i=i),
                image=Attachment(photo.filename, photo.content, photo.mime),
            )
        )
    return replies


def _action_buttons(ctx: Ctx, t: Ticket):
    if ctx.actor.role is not Role.MANAGER:
        return ()
    buttons = []
    for action in allowed_actions(t.status):
        if action is TicketAction.RESOLVE:
            continue  # needs a note: typed, not pressed
        if action is TicketAction.ASSIGN and t.assignee == ctx.actor.manager_code:
            continue
        buttons.append(Button(ctx.t(f"tickets.button.{action}"), f"c:ticket {t.id} {action}"))
    return button_rows(buttons)


# -- statistics ---------------------------------------------------------------------------


def _region_label(ctx: Ctx, code: str | None) -> str:
    """四川 (SC): the name people use, with the code the data uses."""
    if not code:
        return "-"
    return labelled(ctx.uow.catalog.region(RegionCode(code)), code, ctx.t.locale)


def _dealer_label(ctx: Ctx, code: str | None) -> str:
    if not code:
        return "-"
    dealer = ctx.uow.catalog.dealer(DealerCode(code))
    return f"{dealer.name} ({code})" if dealer else code


def _stats(ctx: Ctx, text: str | None) -> Reply:
    window = period_window(ctx, text, PeriodKind.YEAR)
    scope = manager_scope(ctx)
    lines = [ctx.t("tickets.stats.title", period=str(window.period))]
    for by in ("region", "dealer"):
        rows = ctx.uow.tickets.stats(by, scope, window.start, window.end)
        label = _region_label if by == "region" else _dealer_label
        lines.append(ctx.t(f"tickets.stats.by_{by}"))
        if not rows:
            lines.append(ctx.t("tickets.stats.empty"))
        for r in rows:
            lines.append(
                ctx.t(
                    "tickets.stats.row",
                    name=label(ctx, r.key),
                    tickets=r.tickets,
                    resolved=r.resolved,
                    on_time=ctx.t.percent(r.on_time_rate) if r.on_time_rate is not None else "-",
                    rating=f"{r.average_rating:.1f}" if r.average_rating is not None else "-",
                    ratings=r.ratings,
                )
            )
    return Reply("\n".join(lines))


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        complaint, "complaint", roles=DEALER, example="/complaint", aliases=("投诉", "售后")
    )
    router.command(tickets, "tickets", roles=DEALER, example="/tickets", aliases=("工单",))
    router.command(
        complaints, "complaints", roles=SERVICE, example="/complaints open", aliases=("投诉列表",)
    )
    router.command(
        ticket,
        "ticket",
        roles=DEALER | SERVICE,
        example="/ticket 12 resolve 已更换主板",
        aliases=("工单详情",),
    )
