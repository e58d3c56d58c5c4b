"""The dealer's guided claim on an approved request: actual spend, photos of the activity,
invoices (images or PDFs), results, then the preview and Send.

Each file is checked for type and size and kept with its SHA-256; a file another claim used
is flagged to the reviewer. A claim is filed once; returned for more proof it may be filed
again (its proof replaced), and otherwise its figures and proof are frozen."""

from __future__ import annotations

import base64
from decimal import Decimal

from domain.approvals.model import Decision, Kind, NewRequest, Request, RequestId
from domain.approvals.rules import chain_for
from domain.approvals.services import ApprovalRefused, requester_move, submit
from domain.fees.model import Claim, FeeRequest, Proof, ProofKind
from domain.fees.rules import (
    ClaimRefusal,
    cap_claim,
    claim_deadline,
    missing_proof,
    required_proof,
    reused_files,
)
from domain.fees.services import ClaimRefused, ProofMissing, claimable, file_claim
from domain.shared.record_ids import parse_record_id
from handlers.approvals.people import chat_of
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import END, Data, Form, Step, start_form
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.router import Router
from handlers.fees.proof import accept_file, tell_claim_reviewers
from handlers.fees.request_form import YES_WORDS, read_amount
from handlers.fees.texts import missing_text, told_text

FORM = "fee_claim"
DONE_WORDS = frozenset({"done", "ok", "完成", "好了", "好", "-", "skip", "跳过"})


def own_request(ctx: Ctx, raw: str) -> FeeRequest:
    number = parse_record_id(raw.lstrip("Ff"))
    fee = ctx.uow.fees.request(number) if number is not None else None
    if fee is None or fee.dealer != ctx.require_dealer():
        raise UserError("fee.not_found", id=raw[:20])
    return fee


def refused(ctx: Ctx, fee: FeeRequest, err: ClaimRefused) -> UserError:
    if err.refusal is ClaimRefusal.FROZEN and err.state is not None:
        return UserError(
            "fee.claim_frozen", id=fee.id, state=ctx.t(f"fee.claim_state.{err.state.value}")
        )
    return UserError(
        f"fee.claim_refused.{err.refusal.value}",
        id=fee.id,
        state=ctx.t(f"fee.state.{fee.state.value}"),
        end=ctx.t.date(fee.end),
        deadline=ctx.t.date(claim_deadline(fee.end, ctx.options.fee_claim_days)),
    )


def start_claim(ctx: Ctx, raw: str) -> Reply:
    fee = own_request(ctx, raw)
    try:
        editing = claimable(ctx.uow.fees, fee, ctx.today, ctx.options.fee_claim_days)
    except ClaimRefused as err:
        raise refused(ctx, fee, err) from None
    return start_form(ctx, FORM, {"fee": fee.id, "claim": editing, "files": []})


def _required(ctx: Ctx, data: Data) -> dict[ProofKind, int]:
    fee = ctx.uow.fees.request(data["fee"])
    assert fee is not None
    return required_proof(fee.activity, {a: dict(k) for a, k in ctx.options.fee_proof})


def _kinds(data: Data) -> list[ProofKind]:
    return [ProofKind(f["kind"]) for f in data.get("files", [])]


# -- steps -----------------------------------------------------------------------------


def ask_actual(ctx: Ctx, data: Data) -> Reply:
    fee = ctx.uow.fees.request(data["fee"])
    assert fee is not None
    return Reply(ctx.t("fee.ask.actual", id=fee.id, approved=ctx.t.money(fee.amount)))


def answer_actual(ctx: Ctx, data: Data, value: str) -> str:
    data["actual"] = str(read_amount(value))
    return "photos"


def _ask_files(kind: ProofKind):
    def ask(ctx: Ctx, data: Data) -> Reply:
        have = _kinds(data).count(kind)
        need = _required(ctx, data).get(kind, 0)
        return Reply(
            ctx.t(f"fee.ask.{kind.value}s", have=have, need=need),
            ((Button(ctx.t("fee.button.done"), "f:done"),),),
        )

    return ask


def _answer_files(kind: ProofKind, nxt: str):
    def answer(ctx: Ctx, data: Data, value: str) -> str:
        if value.strip().lower() not in DONE_WORDS:
            raise UserError(f"fee.{kind.value}_expected")
        missing = missing_proof(_required(ctx, data), _kinds(data))
        if kind in missing:
            raise UserError("fee.proof_missing", missing=missing_text(ctx.t, {kind: missing[kind]}))
        return nxt

    return answer


def ask_results(ctx: Ctx, data: Data) -> Reply:
    return Reply(ctx.t("fee.ask.results"))


def answer_results(ctx: Ctx, data: Data, value: str) -> str:
    if not 2 <= len(value.strip()) <= 1000:
        raise UserError("fee.bad_text", low=2, high=1000, got=len(value.strip()))
    data["results"] = value.strip()
    return "confirm"


def _proofs(data: Data) -> tuple[Proof, ...]:
    return tuple(
        Proof(
            ProofKind(f["kind"]),
            f["filename"],
            f["mime"],
            f["sha256"],
            len(base64.b64decode(f["content"])),
            base64.b64decode(f["content"]),
        )
        for f in data.get("files", [])
    )


def _reused(ctx: Ctx, data: Data) -> dict[str, tuple[int, ...]]:
    hashes = [f["sha256"] for f in data.get("files", [])]
    return reused_files(hashes, ctx.uow.fees.claims_with_hashes(hashes), data.get("claim"))


def ask_confirm(ctx: Ctx, data: Data) -> Reply:
    fee = ctx.uow.fees.request(data["fee"])
    assert fee is not None
    capped = cap_claim(Decimal(data["actual"]), fee.amount)
    kinds = _kinds(data)
    lines = [
        ctx.t(
            "fee.claim_preview",
            id=fee.id,
            actual=ctx.t.money(Decimal(data["actual"])),
            claimed=ctx.t.money(capped.claimed),
            approved=ctx.t.money(fee.amount),
            photos=kinds.count(ProofKind.PHOTO),
            invoices=kinds.count(ProofKind.INVOICE),
            results=data["results"],
        )
    ]
    if capped.over > 0:
        lines.append(ctx.t("fee.capped", over=ctx.t.money(capped.over)))
    if _reused(ctx, data):
        lines.append(ctx.t("fee.reused_warning"))
    return Reply("\n".join(lines), ((Button(ctx.t("fee.button.send"), "f:yes"),),))


def answer_confirm(ctx: Ctx, data: Data, value: str) -> str:
    if value.lower() not in YES_WORDS:
        raise UserError("fee.confirm_please")
    return END


def send_claim(ctx: Ctx, data: Data) -> Reply:
    fee = own_request(ctx, str(data["fee"]))
    try:  # checked again: frozen since, or past the deadline
        filed = file_claim(
            ctx.uow.fees,
            fee,
            actual=Decimal(data["actual"]),
            results=data["results"],
            proofs=_proofs(data),
            required=_required(ctx, data),
            today=ctx.today,
            claim_days=ctx.options.fee_claim_days,
            now=ctx.now,
        )
    except ClaimRefused as err:
        raise refused(ctx, fee, err) from None
    except ProofMissing as err:
        raise UserError("fee.proof_missing", missing=missing_text(ctx.t, err.missing)) from None
    claim, capped, reused = filed.claim, filed.capped, filed.reused
    request = _resubmit(ctx, fee, claim) if filed.resubmitted else _submit(ctx, fee, claim)
    ctx.audit("fee.claim", f"F{fee.id} C{claim.id} #{request.id} {capped.claimed}")
    told = tell_claim_reviewers(ctx, request, claim.id, reused)
    text = ctx.t(
        "fee.claimed",
        id=fee.id,
        claim=claim.id,
        approval=request.id,
        claimed=ctx.t.money(capped.claimed),
        files=len(claim.proofs),
        told=told_text(ctx.t, told),
    )
    if capped.over > 0:
        text += "\n" + ctx.t("fee.capped", over=ctx.t.money(capped.over))
    if reused:
        text += "\n" + ctx.t("fee.reused_warning")
    return Reply(text)


def _submit(ctx: Ctx, fee: FeeRequest, claim: Claim) -> Request:
    subject = f"{fee.dealer} F{fee.id} C{claim.id} ¥{claim.claimed}"
    payload = {"fee_claim": claim.id, "claimed": str(claim.claimed), "_chat": chat_of(ctx.actor)}
    chain = chain_for(Kind.FEE_CLAIM, dict(ctx.options.approval_chains))
    request = submit(
        ctx.uow.approvals,
        NewRequest(Kind.FEE_CLAIM, subject[:200], fee.dealer, ctx.actor.label, chain, payload),
        ctx.now,
    )
    ctx.uow.fees.link_claim(claim.id, request.id)
    return request


def _resubmit(ctx: Ctx, fee: FeeRequest, claim: Claim) -> Request:
    """A returned claim filed again: its approval starts its chain again."""
    approval = ctx.uow.approvals.get(RequestId(claim.approval_id or 0))
    if approval is None:
        raise UserError("fee.not_found", id=str(fee.id))
    base = ctx.inbound.dedupe_key or f"{ctx.inbound.platform}:{ctx.inbound.user_id}"
    try:
        return requester_move(
            ctx.uow.approvals,
            approval,
            actor=ctx.actor.label,
            decision=Decision.RESUBMIT,
            reason="",
            now=ctx.now,
            dedupe_key=f"{base}:fee_claim:{claim.id}:{approval.version}",
        ).request
    except ApprovalRefused:
        raise refused(ctx, fee, ClaimRefused(ClaimRefusal.FROZEN, claim.state)) from None


FEE_CLAIM = Form(
    FORM,
    "actual",
    {
        "actual": Step(ask_actual, answer_actual),
        "photos": Step(_ask_files(ProofKind.PHOTO), _answer_files(ProofKind.PHOTO, "invoices")),
        "invoices": Step(
            _ask_files(ProofKind.INVOICE), _answer_files(ProofKind.INVOICE, "results")
        ),
        "results": Step(ask_results, answer_results),
        "confirm": Step(ask_confirm, answer_confirm),
    },
    send_claim,
)


def install(router: Router, jobs: Jobs) -> None:
    router.form(FEE_CLAIM)
    router.file_step(accept_file(ProofKind.PHOTO, "photos"), FORM, "photos")
    router.file_step(accept_file(ProofKind.INVOICE, "invoices"), FORM, "invoices")
