"""faq: FAQ entries a manager writes in neutral words, scopes and publishes.

A dealer's question is never an FAQ's wording: the manager writes the question and the
answer (`/faq new [QID] QUESTION | ANSWER`), the entry starts as a draft for the manager's
own regions (admins: every dealer), and only `/faq FID publish` lets the search use it, for
the dealers of its scope.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from domain.catalog.model import DealerCode, RegionCode
from domain.policy.model import FaqEntry, FaqReach, FaqScope, FaqStatus
from domain.policy.search import question_lang
from domain.shared.record_ids import parse_record_id
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.registry import SALES_LEADS
from handlers.core.router import Router
from handlers.policy.commands import managed_question
from handlers.policy.replies import trim

SCOPE_WORDS = {
    "all": FaqReach.ALL, "全部": FaqReach.ALL,
    "regions": FaqReach.REGIONS, "region": FaqReach.REGIONS, "区域": FaqReach.REGIONS,
    "dealers": FaqReach.DEALERS, "dealer": FaqReach.DEALERS, "经销商": FaqReach.DEALERS,
}  # fmt: skip
LIST_LIMIT = 30


def faq(ctx: Ctx) -> Reply:
    """Write an FAQ in your own words, set whom it answers, publish or withdraw it."""
    args = ctx.args
    if not args or args[0].lower() in ("list", "列表"):
        return _list(ctx)
    word = args[0].lower()
    if word in ("new", "新建"):
        return _new(ctx)
    if word.startswith("f"):
        entry = _entry(ctx, args[0])
        action = args[1].lower() if len(args) > 1 else ""
        if not action:
            return _show(ctx, entry)
        if action in ("publish", "发布"):
            return _publish(ctx, entry)
        if action in ("withdraw", "撤下"):
            return _withdraw(ctx, entry)
        if action in ("scope", "范围"):
            return _set_scope(ctx, entry, args[2:])
        if action in ("edit", "修改"):
            return _edit(ctx, entry)
        raise UserError("faq.usage")
    return _from_question(ctx, args[0])


# -- the entries a manager may touch --------------------------------------------------


def _entry(ctx: Ctx, raw: str) -> FaqEntry:
    fid = parse_record_id(raw, "Ff#")
    entry = None if fid is None else ctx.uow.policy.faq(fid)
    if entry is None or not (ctx.actor.is_admin or entry.created_by == ctx.actor.label):
        raise UserError("faq.not_found", id=raw[:20])
    return entry


def _wording(ctx: Ctx, text: str) -> tuple[str, str]:
    question, sep, answer = text.partition("|")
    question, answer = question.strip(), answer.strip()
    if not sep or not question or not answer:
        raise UserError("faq.new_usage")
    if len(question) > 300 or len(answer) > 2000:
        raise UserError("faq.too_long", question=300, answer=2000)
    return question, answer


def _default_scope(ctx: Ctx) -> FaqScope:
    if ctx.actor.is_admin:
        return FaqScope(FaqReach.ALL)
    return FaqScope(FaqReach.REGIONS, ctx.scope.regions)


def _revision() -> str:
    return uuid.uuid4().hex


# -- commands -------------------------------------------------------------------------


def _from_question(ctx: Ctx, raw: str) -> Reply:
    """`/faq QID` (the "save as FAQ" button): how to write one from that question."""
    q = managed_question(ctx, raw)
    if not q.answer:
        raise UserError("policy.faq_needs_answer", qid=q.id)
    return Reply(ctx.t("faq.write_it", qid=q.id, answer=trim(q.answer, 200)))


def _new(ctx: Ctx) -> Reply:
    assert ctx.command is not None
    rest = ctx.command.rest.split(None, 1)[1] if len(ctx.command.rest.split(None, 1)) > 1 else ""
    source = None
    first, _, tail = rest.partition(" ")
    if first and "|" not in first and parse_record_id(first, "Qq#") is not None:
        source = managed_question(ctx, first).id
        rest = tail
    question, answer = _wording(ctx, rest)
    entry = FaqEntry(
        id=0,
        question=question,
        answer=answer,
        lang=question_lang(question) or ("en" if ctx.t.locale == "en" else "zh"),
        source_question_id=source,
        status=FaqStatus.DRAFT,
        scope=_default_scope(ctx),
        created_by=ctx.actor.label,
    )
    fid = ctx.uow.policy.add_faq(entry, ctx.actor.label, _revision(), ctx.now)
    entry = replace(entry, id=fid)
    if source is not None:
        q = ctx.uow.policy.question(source)
        if q is not None:
            q.faq_id = fid
            ctx.uow.policy.save_question(q)
    ctx.audit("faq.new", f"F{fid}" + (f" from Q{source}" if source else ""))
    return Reply(
        ctx.t("faq.drafted", id=fid, scope=_scope_text(ctx, entry.scope)),
        ((Button(ctx.t("faq.btn_publish"), f"c:faq F{fid} publish"),),),
    )


def _edit(ctx: Ctx, entry: FaqEntry) -> Reply:
    assert ctx.command is not None
    parts = ctx.command.rest.split(None, 2)
    question, answer = _wording(ctx, parts[2] if len(parts) > 2 else "")
    entry = replace(entry, question=question, answer=answer)
    ctx.uow.policy.save_faq(entry, _revision())
    ctx.audit("faq.edit", f"F{entry.id}")
    return _show(ctx, entry)


def _publish(ctx: Ctx, entry: FaqEntry) -> Reply:
    if entry.status is FaqStatus.PUBLISHED:
        return Reply(ctx.t("faq.already_published", id=entry.id))
    entry = replace(entry, status=FaqStatus.PUBLISHED, published_at=ctx.now)
    ctx.uow.policy.save_faq(entry, _revision())
    ctx.audit("faq.publish", f"F{entry.id} {entry.scope.reach} {'|'.join(entry.scope.codes)}")
    return Reply(ctx.t("faq.published", id=entry.id, scope=_scope_text(ctx, entry.scope)))


def _withdraw(ctx: Ctx, entry: FaqEntry) -> Reply:
    if entry.status is not FaqStatus.PUBLISHED:
        return Reply(ctx.t("faq.not_published", id=entry.id))
    ctx.uow.policy.save_faq(replace(entry, status=FaqStatus.WITHDRAWN), _revision())
    ctx.audit("faq.withdraw", f"F{entry.id}")
    return Reply(ctx.t("faq.withdrawn", id=entry.id))


def _set_scope(ctx: Ctx, entry: FaqEntry, words: tuple[str, ...]) -> Reply:
    reach = SCOPE_WORDS.get(words[0].lower()) if words else None
    codes = tuple(dict.fromkeys(w.upper() for w in words[1:]))
    if reach is None or (reach is not FaqReach.ALL and not codes):
        raise UserError("faq.scope_usage")
    if reach is FaqReach.ALL and not ctx.actor.is_admin:
        raise UserError("faq.all_needs_admin")
    if reach is FaqReach.REGIONS and not ctx.actor.is_admin:
        tree = ctx.uow.catalog.region_tree()
        for code in codes:
            if not ctx.scope.covers_region(RegionCode(code), tree):
                raise UserError("faq.region_outside", code=code[:40])
    if reach is FaqReach.DEALERS:
        for code in codes:
            ctx.check_dealer(DealerCode(code))
    scope = FaqScope(reach, () if reach is FaqReach.ALL else codes)
    entry = replace(entry, scope=scope)
    ctx.uow.policy.save_faq(entry, _revision())
    ctx.audit("faq.scope", f"F{entry.id} {reach} {'|'.join(scope.codes)}")
    return _show(ctx, entry)


# -- texts ------------------------------------------------------------------------------


def _scope_text(ctx: Ctx, scope: FaqScope) -> str:
    if scope.reach is FaqReach.ALL:
        return ctx.t("faq.scope.all")
    return ctx.t(f"faq.scope.{scope.reach.value}", codes=", ".join(scope.codes))


def _show(ctx: Ctx, entry: FaqEntry) -> Reply:
    text = ctx.t(
        "faq.details",
        id=entry.id,
        status=ctx.t(f"faq.status.{entry.status.value}"),
        scope=_scope_text(ctx, entry.scope),
        question=entry.question,
        answer=entry.answer,
    )
    buttons = ()
    if entry.status is not FaqStatus.PUBLISHED:
        buttons = ((Button(ctx.t("faq.btn_publish"), f"c:faq F{entry.id} publish"),),)
    return Reply(text, buttons)


def _list(ctx: Ctx) -> Reply:
    mine = None if ctx.actor.is_admin else ctx.actor.label
    entries = ctx.uow.policy.faq_list(mine, LIST_LIMIT)
    if not entries:
        return Reply(ctx.t("faq.none"))
    lines = [ctx.t("faq.list_title", n=len(entries))]
    for e in entries:
        lines.append(
            ctx.t(
                "faq.line",
                id=e.id,
                status=ctx.t(f"faq.status.{e.status.value}"),
                scope=_scope_text(ctx, e.scope),
                question=trim(e.question, 60),
            )
        )
    lines.append(ctx.t("faq.usage"))
    return Reply("\n".join(lines))


def install(router: Router, jobs: Jobs) -> None:
    router.command(
        faq, "faq", roles=SALES_LEADS, example="/faq new 12 保证金可以分期缴纳吗？ | 可以，分两期。"
    )
