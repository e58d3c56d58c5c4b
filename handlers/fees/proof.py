"""A claim's proof as attachments: to its reviewers when it waits for them, and in `/fee ID`."""

from __future__ import annotations

from collections.abc import Mapping

from domain.approvals.model import Request
from domain.fees.model import Proof
from handlers.approvals.people import namer, step_approvers
from handlers.approvals.texts import approver_card
from handlers.core.context import Ctx
from handlers.core.i18n import Translator
from handlers.core.messages import Attachment, Reply


def proof_reply(t: Translator, fee_id: int, claim_id: int, i: int, proof: Proof) -> Reply:
    caption = t(
        "fee.proof_caption",
        id=fee_id,
        claim=claim_id,
        i=i,
        kind=t(f"fee.proof.{proof.kind.value}"),
        name=proof.filename,
        hash=proof.sha256[:12],
    )
    file = Attachment(proof.filename, proof.content, proof.mime)
    if proof.mime.startswith("image/"):
        return Reply(caption, image=file)
    return Reply(caption, document=file)


def reused_lines(t: Translator, reused: Mapping[str, tuple[int, ...]]) -> list[str]:
    return [
        t("fee.reused", file=digest[:12], claims=", ".join(f"C{c}" for c in others))
        for digest, others in reused.items()
    ]


def tell_claim_reviewers(
    ctx: Ctx, request: Request, claim_id: int, reused: Mapping[str, tuple[int, ...]]
) -> int:
    """The claim's card with its decision buttons, then each proof file, to every approver
    of its current step; returns how many were told."""
    claim = ctx.uow.fees.claim(claim_id, content=True)
    if claim is None:
        return 0
    names = namer(ctx.uow)
    key = f"approval:{request.id}:step{request.step}:v{request.version}"
    told = 0
    for person in step_approvers(ctx.uow, request):
        if person.label == request.requester:
            continue

        def card(t: Translator) -> Reply:
            base = approver_card(t, request, names)
            extra = [t("fee.card_proof", count=len(claim.proofs)), *reused_lines(t, reused)]
            return Reply("\n".join([base.text, *extra]), base.buttons)

        if not ctx.notify(person, key, card):
            continue
        told += 1
        for i, proof in enumerate(claim.proofs, start=1):
            ctx.notify(
                person,
                f"{key}:proof{i}",
                lambda t, i=i, p=proof: proof_reply(t, claim.request_id, claim.id, i, p),
            )
    return told
