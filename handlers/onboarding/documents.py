"""The application form's documents: the business licence and qualification certificates,
photos or PDFs up to `[onboarding] max_document_mb`, kept in the form until it is sent (a
returned application counts the documents it already has)."""

from __future__ import annotations

import base64

from domain.onboarding.model import Document, DocumentKind
from domain.onboarding.rules import document
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.forms import Data, Step
from handlers.core.messages import Attachment, Button, Reply
from handlers.onboarding.common import required_documents

DOC_STEPS = {"licence": DocumentKind.BUSINESS_LICENCE, "qualification": DocumentKind.QUALIFICATION}
DONE_WORDS = frozenset({"done", "完成", "好了", "skip", "跳过", "没有"})
MAX_DOCUMENTS = 6
PDF = "application/pdf"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def accepted_type(file: Attachment) -> str | None:
    """The file's type when it is a photo or a PDF."""
    name = file.filename.lower()
    if file.mime.startswith("image/") or name.endswith(IMAGE_SUFFIXES):
        return file.mime if file.mime.startswith("image/") else "image/jpeg"
    if file.mime == PDF or name.endswith(".pdf"):
        return PDF
    return None


def docs_of(data: Data, kind: DocumentKind) -> int:
    new = sum(1 for d in data.get("docs", []) if d["kind"] == kind.value)
    return new + (0 if new else data.get("kept_docs", {}).get(kind.value, 0))


def doc_step(name: str, kind: DocumentKind, following: str) -> Step:
    def ask(ctx: Ctx, data: Data) -> Reply:
        needed = kind in required_documents(ctx)
        text = ctx.t(
            f"onboarding.ask.{name}",
            n=docs_of(data, kind),
            max=ctx.options.onboarding_max_document_mb,
        )
        if needed:
            text += "\n" + ctx.t("onboarding.doc_required")
        return Reply(text, ((Button(ctx.t("onboarding.button.done"), "f:done"),),))

    def answer(ctx: Ctx, data: Data, value: str) -> str:
        if value.strip().lower() not in DONE_WORDS:
            raise UserError("onboarding.doc_expected", name=ctx.t(f"onboarding.doc.{kind.value}"))
        if kind in required_documents(ctx) and not docs_of(data, kind):
            raise UserError("onboarding.doc_missing", name=ctx.t(f"onboarding.doc.{kind.value}"))
        return following

    return Step(ask, answer)


def doc_file(kind: DocumentKind, step: str):
    def accept(ctx: Ctx, data: Data, file: Attachment) -> str:
        mime = accepted_type(file)
        if mime is None:
            raise UserError("onboarding.doc_type", name=file.filename[:60])
        limit = ctx.options.onboarding_max_document_mb
        if len(file.content) > limit * 1024 * 1024:
            raise UserError("onboarding.doc_too_big", name=file.filename[:60], max=limit)
        docs = data.setdefault("docs", [])
        if len(docs) >= MAX_DOCUMENTS:
            raise UserError("onboarding.doc_too_many", max=MAX_DOCUMENTS)
        docs.append(
            {
                "kind": kind.value,
                "filename": file.filename or f"{kind.value}{len(docs) + 1}",
                "mime": mime,
                "content": base64.b64encode(file.content).decode("ascii"),
            }
        )
        return step

    return accept


def documents_of(data: Data) -> list[Document]:
    return [
        document(DocumentKind(d["kind"]), d["filename"], d["mime"], base64.b64decode(d["content"]))
        for d in data.get("docs", [])
    ]
