"""Admins manage the loaded policy files in chat: `/policy load` (with the file attached),
`/policy list`, `/policy remove NAME`."""

from __future__ import annotations

from domain.identity.actors import Seat
from domain.policy.model import LoadedFile
from handlers.core.context import Ctx
from handlers.core.jobs import Jobs
from handlers.core.messages import Reply
from handlers.core.router import Router
from handlers.policy.loading import StoredFile, parse_file, store_files
from handlers.policy.sources import SUFFIXES, UnreadablePolicy, suffix_of

ADMINS = frozenset({Seat.ADMIN})
MAX_LISTED = 20


def _is_load(text: str) -> bool:
    words = text.strip().lstrip("/／").split()
    return words[:2] == ["policy", "load"]


def policy(ctx: Ctx) -> Reply:
    """Policy files of the Q&A: load (attach the file), list, remove."""
    args = ctx.args
    if args[:1] == ("load",):
        return Reply(ctx.t("policydocs.attach_file", suffixes=" ".join(SUFFIXES)))
    if args[:1] == ("list",):
        return Reply(listing(ctx, ctx.uow.policy.files()))
    if args[:1] == ("remove",) and len(args) >= 2:
        name = " ".join(args[1:])
        removed = ctx.uow.policy.remove(name)
        if not removed:
            return Reply(ctx.t("policydocs.remove_none", name=name[:120]))
        ctx.audit("policy.remove", f"{name[:80]} documents={len(removed)}")
        return Reply(ctx.t("policydocs.removed", name=name[:120], n=len(removed)))
    return Reply(ctx.t("policydocs.usage"))


def listing(ctx: Ctx, files: list[LoadedFile]) -> str:
    if not files:
        return ctx.t("policydocs.list_empty")
    lines = [ctx.t("policydocs.list_title", n=len(files))]
    for f in files[:MAX_LISTED]:
        when = ctx.t.date(f.loaded_at.astimezone(ctx.options.tz).date())
        lines.append(ctx.t("policydocs.list_file", source=f.source, version=f.version, date=when))
        for doc in f.documents:
            lines.append(ctx.t("policydocs.list_document", title=doc.title, n=len(doc.clauses)))
    return "\n".join(lines)


def loaded_text(ctx: Ctx, stored: StoredFile) -> str:
    docs = stored.parsed.documents
    lines = [
        ctx.t(
            "policydocs.loaded",
            file=stored.parsed.filename,
            version=stored.version,
            documents=len(docs),
            clauses=sum(len(d.clauses) for d in docs),
        )
    ]
    lines += [ctx.t("policydocs.list_document", title=d.title, n=len(d.clauses)) for d in docs]
    if stored.replaced:
        lines.append(ctx.t("policydocs.replaced", n=len(stored.replaced)))
    return "\n".join(lines)


def policy_file(ctx: Ctx) -> Reply | None:
    """A file sent with `/policy load` as its caption: an admin loads it; others are told."""
    upload = ctx.inbound.file
    if upload is None or not _is_load(ctx.inbound.text or ""):
        return None
    if ctx.actor.seat not in ADMINS:
        return Reply(ctx.t("policydocs.admins_only"))
    if suffix_of(upload.filename) not in SUFFIXES:
        return Reply(ctx.t("policydocs.bad_suffix", suffix=suffix_of(upload.filename) or "-"))
    try:
        parsed = parse_file(upload.filename, upload.content)
    except UnreadablePolicy as exc:
        return Reply(ctx.t(exc.key, **exc.params))
    [stored] = store_files(ctx.uow, [parsed], ctx.now)
    ctx.audit("policy.load", f"{parsed.source} v{stored.version} docs={len(parsed.documents)}")
    return Reply(loaded_text(ctx, stored))


def install(router: Router, jobs: Jobs) -> None:
    router.command(policy, "policy", roles=ADMINS, example="/policy list")
    router.file(policy_file, priority=40)
