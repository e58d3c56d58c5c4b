"""A claim's proof files: taken into the claim form (type and size checked, hashed), and sent
as attachments to its reviewers when it waits for them, and in `/fee ID`."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping

from domain.approvals.model import Request
from domain.fees.model import Proof, ProofKind
from handlers.approvals.people import namer, step_approvers
from handlers.approvals.texts import approver_card
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import Data
from handlers.core.i18n import Translator
from handlers.core.messages import Attachment, Reply

MAX_FILES = 12  # a claim's files ride in its form state until it is filed
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".bmp", ".gif")


def _is_image(file: Attachment) -> bool:
    return file.mime.startswith("image/") or file.filename.lower().endswith(IMAGE_SUFFIXES)


def _is_pdf(file: Attachment) -> bool:
    return file.mime == "application/pdf" or file.filename.lower().endswith(".pdf")


def accept_file(kind: ProofKind, step: str):
    """A claim form's file step: photos are images, invoices images or PDFs, each within
    `[fees] max_file_mb`, kept in the form with its SHA-256 (the same file twice refused)."""

    def accept(ctx: Ctx, data: Data, file: Attachment) -> str:
        fits = _is_image(file) or (kind is ProofKind.INVOICE and _is_pdf(file))
        if not fits:
            raise UserError(f"fee.bad_file.{kind.value}", name=file.filename[:60])
        limit = ctx.options.fee_max_file_bytes
        if len(file.content) > limit:
            raise UserError("fee.file_too_big", name=file.filename[:60], max=f"{limit / 2**20:g}")
        files = data.setdefault("files", [])
        if len(files) >= MAX_FILES:
            raise UserError("fee.too_many_files", max=MAX_FILES)
        digest = hashlib.sha256(file.content).hexdigest()
        if any(f["sha256"] == digest for f in files):
            raise UserError("fee.same_file_twice", name=file.filename[:60])
        if _is_pdf(file):
            mime = "application/pdf"
        else:
            mime = file.mime if file.mime.startswith("image/") else "image/jpeg"
        files.append(
            {
                "kind": kind.value,
                "filename": (file.filename or f"{kind.value}{len(files) + 1}")[:200],
                "mime": mime,
                "sha256": digest,
                "content": base64.b64encode(file.content).decode("ascii"),
            }
        )
        return step

    return accept


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
