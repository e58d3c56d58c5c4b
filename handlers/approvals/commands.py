"""approvals, approval, delegate: act on the requests waiting for you, step by step."""

from __future__ import annotations

from domain.approvals.model import (
    NEEDS_REASON,
    Decision,
    Request,
    RequestId,
    State,
)
from domain.approvals.rules import check_decision
from domain.approvals.services import (
    ApprovalRefused,
    Outcome,
    ReasonRequired,
    decide,
    requester_move,
)
from domain.identity.actors import Role
from domain.shared.record_ids import parse_record_id
from handlers.approvals.notices import tell_step_approvers
from handlers.approvals.people import approvers_of, namer, requester_chats
from handlers.approvals.texts import (
    approver_card,
    card_text,
    decision_buttons,
    decision_line,
)
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Form, Step, start_form
from handlers.core.i18n import Translator
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.pager import Page, page_args
from handlers.core.registry import DEALER, MANAGER
from handlers.core.router import Router

MAX_LISTED = 20
WORDS = {
    "approve": Decision.APPROVE,
    "ok": Decision.APPROVE,
    "批准": Decision.APPROVE,
    "同意": Decision.APPROVE,
    "reject": Decision.REJECT,
    "驳回": Decision.REJECT,
    "拒绝": Decision.REJECT,
    "return": Decision.RETURN,
    "退回": Decision.RETURN,
    "withdraw": Decision.WITHDRAW,
    "撤回": Decision.WITHDRAW,
    "resubmit": Decision.RESUBMIT,
    "重新提交": Decision.RESUBMIT,
}
REASON_FORM = "approval_reason"


def load(ctx: Ctx, raw: str) -> Request:
    """The request, if this actor may see it: its requester, or a manager over its dealer."""
    number = parse_record_id(raw)
    request = ctx.uow.approvals.get(RequestId(number)) if number is not None else None
    if request is None or not can_see(ctx, request):
        raise UserError("approval.not_found", id=raw[:20])
    return request


def can_see(ctx: Ctx, request: Request) -> bool:
    if request.requester == ctx.actor.label:
        return True
    if ctx.actor.role is not Role.MANAGER:
        return False
    if ctx.actor.is_admin or request.dealer is None or ctx.can_see_dealer(request.dealer):
        return True
    # A manager of a role in the chain may open it, to be told it is not theirs to decide.
    return any(rule.role is ctx.actor.manager_role for rule in request.chain)


def actionable(ctx: Ctx, request: Request) -> bool:
    """Whether this actor can decide the request's current step now."""
    if request.state is not State.PENDING:
        return False
    approvers = approvers_of(ctx.uow, ctx.actor, request, ctx.today)
    refusal, _ = check_decision(request, ctx.actor.label, approvers, request.step, request.version)
    return refusal is None


def approvals(ctx: Ctx) -> list[Reply]:
    """Requests waiting for your decision now (your own returned or open ones, for dealers)."""
    names = namer(ctx.uow)
    _, asked = page_args(ctx.args)
    if ctx.actor.role is Role.MANAGER:
        mine = [r for r in ctx.uow.approvals.pending() if actionable(ctx, r)]
        if not mine:
            return [Reply(ctx.t("approval.none_for_you"))]
        page = Page.of(mine, asked, MAX_LISTED)
        replies = [Reply(ctx.t("approval.list_title", count=len(mine)))]
        replies += [approver_card(ctx.t, r, names) for r in page.items]
        return replies + _page_reply(ctx, page)
    own = [
        r
        for r in ctx.uow.approvals.of_requester(ctx.actor.label)
        if r.state in (State.PENDING, State.RETURNED)
    ]
    if not own:
        return [Reply(ctx.t("approval.none_own"))]
    page = Page.of(own, asked, MAX_LISTED)
    replies = [Reply(ctx.t("approval.list_title", count=len(own)))]
    return replies + [_requester_card(ctx, r) for r in page.items] + _page_reply(ctx, page)


def _page_reply(ctx: Ctx, page: Page) -> list[Reply]:
    """A last message with the page's place and the previous / next buttons, when the
    requests take more than one page (each request is a card of its own above it)."""
    footer = page.footer(ctx.t)
    if footer is None:
        return []
    nav = page.buttons(ctx.t, "approvals")
    return [Reply(footer, (nav,) if nav else ())]


def _requester_card(ctx: Ctx, request: Request) -> Reply:
    buttons = [Button(ctx.t("approval.button.withdraw"), f"c:approval {request.id} withdraw")]
    if request.state is State.RETURNED:
        buttons.insert(
            0, Button(ctx.t("approval.button.resubmit"), f"c:approval {request.id} resubmit")
        )
    return Reply(card_text(ctx.t, request, namer(ctx.uow)), (tuple(buttons),))


def details(ctx: Ctx, request: Request) -> Reply:
    names = namer(ctx.uow)
    lines = [card_text(ctx.t, request, names)]
    history = ctx.uow.approvals.decisions(request.id)
    if history:
        lines.append(ctx.t("approval.history_title"))
        lines += [decision_line(ctx.t, d, names, ctx.options.tz) for d in history]
    if actionable(ctx, request):
        return Reply("\n".join(lines), decision_buttons(ctx.t, request))
    if request.requester == ctx.actor.label and request.state in (State.PENDING, State.RETURNED):
        return Reply("\n".join(lines), _requester_card(ctx, request).buttons)
    return Reply("\n".join(lines))


def _mark(args: list[str], request: Request) -> tuple[int, int, list[str]]:
    """The `@step.version` a button carries (a typed command acts on the request as now)."""
    if args and args[0].startswith("@"):
        step, _, version = args[0][1:].partition(".")
        if step.isdigit() and version.isdigit():
            return int(step), int(version), args[1:]
    return request.step, request.version, args


def approval(ctx: Ctx) -> Reply | list[Reply]:
    """Show a request, or decide it: ID [approve [NOTE] | reject REASON | return REASON]."""
    if not ctx.args:
        raise UserError("approval.usage")
    request = load(ctx, ctx.args[0])
    if len(ctx.args) == 1:
        return details(ctx, request)
    decision = WORDS.get(ctx.args[1].lower())
    if decision is None:
        raise UserError("approval.usage")
    step, version, rest = _mark(list(ctx.args[2:]), request)
    reason = " ".join(rest)
    if decision in NEEDS_REASON and not reason.strip():
        return _ask_reason(ctx, request, decision, step, version)
    return act(ctx, request, decision, step, version, reason)


def dedupe_key(ctx: Ctx, request: Request, decision: Decision, version: int) -> str:
    base = ctx.inbound.dedupe_key or f"{ctx.inbound.platform}:{ctx.inbound.user_id}"
    return f"{base}:approval:{request.id}:{version}:{decision.value}"


def act(
    ctx: Ctx, request: Request, decision: Decision, step: int, version: int, reason: str
) -> Reply | list[Reply]:
    key = dedupe_key(ctx, request, decision, version)
    try:
        if decision in (Decision.WITHDRAW, Decision.RESUBMIT):
            outcome = requester_move(
                ctx.uow.approvals,
                request,
                actor=ctx.actor.label,
                decision=decision,
                reason=reason,
                now=ctx.now,
                dedupe_key=key,
            )
        else:
            outcome = decide(
                ctx.uow.approvals,
                request,
                actor=ctx.actor.label,
                approvers=approvers_of(ctx.uow, ctx.actor, request, ctx.today),
                decision=decision,
                step=step,
                version=version,
                reason=reason,
                now=ctx.now,
                dedupe_key=key,
            )
    except ReasonRequired:
        return _ask_reason(ctx, request, decision, step, version)
    except ApprovalRefused as refused:
        return Reply(refusal_text(ctx, refused))
    return after_decision(ctx, outcome)


def refusal_text(ctx: Ctx, refused: ApprovalRefused) -> str:
    last = refused.last
    if refused.refusal.value == "already_decided" and last is not None:
        return ctx.t(
            "approval.already_decided",
            id=refused.request.id,
            by=namer(ctx.uow)(last.actor),
            at=ctx.t.datetime(last.at, ctx.options.tz),
            decision=ctx.t(f"approval.decision.{last.decision.value}"),
        )
    return ctx.t(f"approval.refused.{refused.refusal.value}", id=refused.request.id)


def after_decision(ctx: Ctx, outcome: Outcome) -> Reply:
    """Audit, tell the requester and the next approvers, run the kind's effect; the
    decider's reply replaces their card: who, when, why, no buttons."""
    request, record = outcome.request, outcome.record
    ctx.audit(
        f"approval.{record.decision.value}",
        f"#{request.id} {request.kind.value} step {record.step + 1} {record.reason}"[:500],
    )
    outcome_of = ctx.router.approval_outcomes.get(request.kind.value)
    effect = outcome_of(ctx, request, record) if outcome_of is not None else ""
    names = namer(ctx.uow)

    def told(t: Translator) -> Reply:
        line = decision_line(t, record, names, ctx.options.tz)
        return Reply(
            t("approval.requester_told", card=card_text(t, request, names), line=line)
            + (f"\n{effect}" if effect else "")
        )

    if record.actor != request.requester:
        for chat in requester_chats(ctx.uow, request):
            ctx.notify(chat, f"approval:{request.id}:v{record.version}", told)
    if (request.state is State.PENDING and request.step != outcome.previous_step) or (
        record.decision is Decision.RESUBMIT
    ):
        tell_step_approvers(ctx, request)
    text = ctx.t(
        "approval.decided",
        card=card_text(ctx.t, request, names),
        line=decision_line(ctx.t, record, names, ctx.options.tz),
    )
    pressed = ctx.inbound.payload is not None  # a press on the card: the card becomes this
    return Reply(text + (f"\n{effect}" if effect else ""), replaces_pressed=pressed)


# -- the reason a reject or return needs ------------------------------------------------


def _ask_reason(ctx: Ctx, request, decision: Decision, step: int, version: int) -> Reply:
    data = {"id": request.id, "decision": decision.value, "step": step, "version": version}
    return start_form(ctx, REASON_FORM, data)


def _reason_ask(ctx: Ctx, data) -> Reply:
    return Reply(
        ctx.t(
            "approval.reason_ask",
            id=data["id"],
            decision=ctx.t(f"approval.decision.{data['decision']}"),
        )
    )


def _reason_answer(ctx: Ctx, data, value: str) -> str:
    if not value.strip():
        raise UserError("approval.reason_empty")
    data["reason"] = value.strip()[:1000]
    return END


def _reason_finish(ctx: Ctx, data) -> Reply | list[Reply]:
    request = load(ctx, str(data["id"]))
    decision = Decision(data["decision"])
    return act(ctx, request, decision, data["step"], data["version"], data["reason"])


REASON = Form(REASON_FORM, "reason", {"reason": Step(_reason_ask, _reason_answer)}, _reason_finish)


def install(router: Router, jobs: Jobs) -> None:
    router.command(approvals, "approvals", roles=MANAGER | DEALER, aliases=("审批",))
    router.command(
        approval, "approval", roles=MANAGER | DEALER, example="/approval 12 reject 价格过低"
    )
    router.form(REASON)
