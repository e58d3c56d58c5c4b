"""fee, fees, budget: requests and claims for dealers; lists, details and budgets for managers.

`fee ID paid REF` and `fee ID credit [NOTE]` are the payment step of a claim: an approval of
its last step with the reference as the note (the approvals engine checks who may)."""

from __future__ import annotations

import handlers.fees.claim_form as claim_form
import handlers.fees.request_form as request_form
from domain.approvals.model import Decision, RequestId
from domain.catalog.model import DealerCode, RegionCode
from domain.fees.model import ClaimState, FeeRequest, RequestState
from domain.fees.rules import reused_files
from domain.identity.actors import Role, Seat
from domain.shared.periods import Period, PeriodError, PeriodKind
from domain.shared.record_ids import parse_record_id
from handlers.approvals.commands import act
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import start_form
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.registry import DEALER, MANAGER, require
from handlers.core.router import Router
from handlers.fees.proof import proof_reply
from handlers.fees.texts import budget_line, detail_text, next_step, request_line

MAX_LISTED = 30
ADMINS = frozenset({Seat.ADMIN})
# The claim's last step is marketing admin's by default (the engine checks the step itself).
PAYERS = frozenset({Seat.ADMIN, Seat.MARKETING_ADMIN})
PAY_WORDS = {"paid": "", "pay": "", "已付": "", "付款": "", "credit": "credit ", "冲抵": "credit "}


def _visible(ctx: Ctx, raw: str) -> FeeRequest:
    number = parse_record_id(raw.lstrip("Ff"))
    fee = ctx.uow.fees.request(number) if number is not None else None
    if fee is None or not ctx.can_see_dealer(fee.dealer):
        raise UserError("fee.not_found", id=raw[:20])
    return fee


def fee(ctx: Ctx) -> Reply | list[Reply]:
    """Fees: request (guided), claim ID (guided, with proof), ID to see one, ID paid REF."""
    if not ctx.args:
        raise UserError("fee.usage")
    word = ctx.args[0].lower()
    if word in ("request", "申请"):
        require(ctx, "fee", "request")
        return start_form(ctx, request_form.FORM)
    if word in ("claim", "报销", "核销"):
        require(ctx, "fee", "claim")
        if len(ctx.args) < 2:
            raise UserError("fee.claim_usage")
        return claim_form.start_claim(ctx, ctx.args[1])
    if len(ctx.args) == 1:
        return details(ctx, _visible(ctx, ctx.args[0]))
    prefix = PAY_WORDS.get(ctx.args[1].lower())
    if prefix is None:
        raise UserError("fee.usage")
    require(ctx, "fee", "pay")
    return _pay(ctx, _visible(ctx, ctx.args[0]), prefix + " ".join(ctx.args[2:]))


def _pay(ctx: Ctx, fee_request: FeeRequest, note: str) -> Reply | list[Reply]:
    claim = ctx.uow.fees.claim_of_request(fee_request.id)
    approval = ctx.uow.approvals.get(RequestId(claim.approval_id)) if claim else None
    if claim is None or approval is None or claim.state is not ClaimState.REVIEWED:
        state = ctx.t(f"fee.claim_state.{claim.state.value}") if claim else ctx.t("fee.no_claim")
        raise UserError("fee.not_payable", id=fee_request.id, state=state)
    if not note.strip():
        raise UserError("fee.payment_ref_needed", id=fee_request.id)
    return act(ctx, approval, Decision.APPROVE, approval.step, approval.version, note.strip())


def details(ctx: Ctx, fee_request: FeeRequest) -> list[Reply]:
    """The request, its claim and the claim's proof, each file as an attachment."""
    claim = ctx.uow.fees.claim_of_request(fee_request.id)
    reused = {}
    if claim is not None:
        claim = ctx.uow.fees.claim(claim.id, content=True)
        assert claim is not None
        hashes = [p.sha256 for p in claim.proofs]
        reused = reused_files(hashes, ctx.uow.fees.claims_with_hashes(hashes), claim.id)
    days = ctx.options.fee_claim_days
    replies = [Reply(detail_text(ctx.t, fee_request, claim, days, reused))]
    if claim is not None:
        replies += [
            proof_reply(ctx.t, fee_request.id, claim.id, i, p)
            for i, p in enumerate(claim.proofs, start=1)
        ]
    return replies


def _listed(ctx: Ctx, requests: list[FeeRequest], *, dealer_view: bool) -> Reply:
    if not requests:
        return Reply(ctx.t("fee.none"))
    days = ctx.options.fee_claim_days
    lines = [ctx.t("fee.list_title", count=len(requests))]
    for r in requests[:MAX_LISTED]:
        claim = ctx.uow.fees.claim_of_request(r.id)
        lines.append(request_line(ctx.t, r, claim, days))
        if dealer_view:
            lines.append("  " + next_step(ctx.t, r, claim, days))
    return Reply("\n".join(lines))


def _is_open(ctx: Ctx, r: FeeRequest) -> bool:
    if r.state is RequestState.PENDING:
        return True
    claim = ctx.uow.fees.claim_of_request(r.id)
    return claim is not None and claim.state in (ClaimState.SUBMITTED, ClaimState.REVIEWED)


def fees(ctx: Ctx) -> Reply:
    """Fee requests and claims: yours with their next step; managers' [open|REGION|DEALER]."""
    if ctx.actor.role is Role.DEALER:
        mine = ctx.uow.fees.requests([ctx.require_dealer()])
        return _listed(ctx, mine, dealer_view=True)
    dealers = ctx.scoped_dealers()
    found = ctx.uow.fees.requests(dealers if not ctx.actor.is_admin else None, limit=200)
    if ctx.args:
        word = ctx.args[0]
        tree = ctx.uow.catalog.region_tree()
        if word.lower() in ("open", "待办", "未结"):
            found = [r for r in found if _is_open(ctx, r)]
        elif ctx.uow.catalog.region(RegionCode(word.upper())) is not None:
            region = RegionCode(word.upper())
            if not ctx.scope.covers_region(region, tree):
                raise UserError("fee.region_not_yours", region=region)
            found = [r for r in found if tree.is_within(r.region, region)]
        else:
            dealer = DealerCode(word.upper()[:40])
            ctx.check_dealer(dealer)
            found = [r for r in found if r.dealer == dealer]
    return _listed(ctx, found, dealer_view=False)


def _period(ctx: Ctx, raw: str | None) -> Period:
    if raw is None:
        return Period.containing(ctx.today, PeriodKind.QUARTER)
    try:
        return Period.parse(raw)
    except PeriodError:
        raise UserError("fee.bad_period", value=raw[:20]) from None


def budget(ctx: Ctx) -> Reply:
    """Fee budgets of a period: amount, committed, spent, left [set PERIOD REGION AMOUNT]."""
    if ctx.args and ctx.args[0].lower() in ("set", "设置"):
        require(ctx, "budget", "set")
        return _set_budget(ctx, ctx.args[1:])
    period = _period(ctx, ctx.args[0] if ctx.args else None)
    tree = ctx.uow.catalog.region_tree()
    # Every budget overlapping the period: 2026-Q3 lists 2026, 2026-Q3 and 2026-07 budgets.
    budgets = [
        b
        for b in ctx.uow.fees.budgets()
        if _overlaps(b.period, period) and ctx.scope.covers_region(b.region, tree)
    ]
    if not budgets:
        return Reply(ctx.t("fee.budget.none_in", period=str(period)))
    lines = [ctx.t("fee.budget.title", period=str(period))]
    lines += [budget_line(ctx.t, s) for s in ctx.uow.fees.statuses(budgets)]
    return Reply("\n".join(lines))


def _overlaps(text: str, period: Period) -> bool:
    try:
        found = Period.parse(text)
    except PeriodError:
        return False
    return found.start <= period.end and period.start <= found.end


def _set_budget(ctx: Ctx, args: tuple[str, ...]) -> Reply:
    if len(args) < 3:
        raise UserError("fee.budget.usage")
    period = _period(ctx, args[0])
    region = RegionCode(args[1].upper())
    if ctx.uow.catalog.region(region) is None:
        raise UserError("fee.unknown_region", region=args[1][:20])
    amount = request_form.read_amount(args[2])
    line, promotion = None, None
    for extra in args[3:]:
        if extra.startswith("#") and extra[1:].isdigit():
            promotion = int(extra[1:])
        else:
            line = extra.upper()[:40]
    saved, created = ctx.uow.fees.save_budget(str(period), region, line, promotion, amount, ctx.now)
    ctx.audit("fee.budget", f"{saved.period} {region} {line or ''} {promotion or ''} {amount}")
    [status] = ctx.uow.fees.statuses([saved])
    key = "fee.budget.created" if created else "fee.budget.updated"
    return Reply(ctx.t(key) + "\n" + budget_line(ctx.t, status))


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        fee,
        "fee",
        roles=DEALER | MANAGER,
        example="/fee claim 3",
        aliases=("费用",),
        actions={"request": DEALER, "claim": DEALER, "pay": PAYERS},
    )
    router.command(fees, "fees", roles=DEALER | MANAGER, aliases=("费用列表",))
    router.command(
        budget,
        "budget",
        roles=MANAGER,
        example="/budget 2026-Q3",
        aliases=("预算",),
        actions={"set": ADMINS},
    )
