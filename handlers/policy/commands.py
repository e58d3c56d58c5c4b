"""Policy Q&A: ask, the governing clause with its citation, manager answers, FAQ, ratings."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from domain.identity.actors import Role
from domain.policy.answers import KnowledgeBase, article_asked
from domain.policy.model import FaqEntry, FaqReach, PolicyQuestion, QuestionStatus, Rating
from domain.policy.search import looks_like_question, question_lang
from domain.shared.record_ids import parse_record_id
from handlers.catalog.matching import find_in_text, product_names, terminal_names
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.i18n import Translator
from handlers.core.intents import menu
from handlers.core.jobs import Jobs
from handlers.core.messages import Button, Reply
from handlers.core.registry import LINKED, SALES_LEADS, SALES_STAFF, SERVICE
from handlers.core.router import Router
from handlers.core.scope import visible_dealers
from handlers.policy.digest import forward_question
from handlers.policy.knowledge import PolicyKnowledge
from handlers.policy.replies import locale_of, quote, rating_buttons, short_label, trim


def _knowledge(ctx: Ctx) -> KnowledgeBase:
    return ctx.router.kept_of(PolicyKnowledge).current(ctx.uow)


def answer_question(ctx: Ctx, text: str, *, from_plain_text: bool = False) -> Reply | None:
    kb = _knowledge(ctx)
    if kb.empty:
        if from_plain_text:
            return None
        return Reply(ctx.t("policy.no_documents"))
    lang = question_lang(text) or ("en" if ctx.t.locale == "en" else "zh")
    number = article_asked(text)
    if number is not None and not kb.article(number, lang):
        return Reply(Translator(locale_of(lang))("policy.no_such_article", n=number))
    found, result = kb.find(text, lang, admits=_audience(ctx))
    t = Translator(locale_of(lang))
    if result.off_topic and not _names_catalog_item(ctx, text):
        ctx.audit("policy.off_topic", text[:100])
        return Reply(t("qa.off_topic") + "\n" + menu(ctx, t))
    if from_plain_text and not result.confident and not looks_like_question(text):
        return None  # not a question and nothing in the policy: let the caller say so
    dealer = ctx.actor.dealer_code
    forward = not result.confident and dealer is not None
    q = PolicyQuestion(
        platform=ctx.inbound.platform,
        chat_id=ctx.inbound.chat_id,
        user_id=ctx.inbound.user_id,
        dealer_code=dealer,
        text=text[:1000],
        lang=lang,
        asked_at=ctx.now,
        status=QuestionStatus.PENDING if forward else QuestionStatus.ANSWERED,
        confidence=round(result.confidence, 3),
        refs=[f.ref for f in found],
    )
    qid = ctx.uow.policy.add_question(q)
    ctx.audit("policy.ask", f"Q{qid} conf={q.confidence} {text[:100]}")
    if result.confident:
        best = found[0]
        more = [
            Button(short_label(f, t), f"c:clause {qid} {n}")
            for n, f in enumerate(found[1:3], start=1)
        ]
        rows = (tuple(more),) if more else ()
        body = quote(best, t, text, kb)
        if more:
            body += "\n" + t("policy.see_also")
        return Reply(body, (*rows, rating_buttons(qid, t)))
    if forward:
        assert dealer is not None
        told = forward_question(ctx, q, found[0] if found else None)
        # Say that it was passed on only when a manager is linked to be told.
        kind = "forwarded" if told else "recorded"
        if not found:
            return Reply(t(f"policy.no_match_{kind}", qid=qid))
        closest = quote(found[0], t, text, kb)
        return Reply(t(f"policy.not_sure_{kind}", qid=qid, closest=closest))
    if not found:
        return Reply(t("policy.no_match"))
    return Reply(t("policy.not_sure", closest=quote(found[0], t, text, kb)))


def _names_catalog_item(ctx: Ctx, text: str) -> bool:
    """A product or terminal named in the text makes it the business's, whatever its words."""
    catalog = ctx.uow.catalog
    names = {**product_names(catalog.products()), **terminal_names(catalog.terminals())}
    found = find_in_text(text, names)
    return found.key is not None or bool(found.candidates)


def _audience(ctx: Ctx) -> Callable[[FaqEntry], bool]:
    """Which published FAQ entries may answer this asker: those whose scope holds them."""
    dealer = ctx.actor.dealer_code
    places: set[str] | None = None

    def admits(entry: FaqEntry) -> bool:
        nonlocal places
        if places is None and dealer is not None and entry.scope.reach is FaqReach.REGIONS:
            tree = ctx.uow.catalog.region_tree()
            places = {
                a
                for r in ctx.uow.catalog.dealer_regions(dealer)
                for a in tree.ancestors_and_self(r)
            }
        return entry.scope.admits(dealer, places or ())

    return admits


def _question(ctx: Ctx, raw: str) -> PolicyQuestion:
    qid = parse_record_id(raw, "Qq#")
    q = None if qid is None else ctx.uow.policy.question(qid)
    if q is None:
        raise UserError("policy.question_not_found", id=raw[:20])
    return q


def _asked_by(ctx: Ctx, q: PolicyQuestion) -> bool:
    return (q.platform, q.user_id) == (ctx.inbound.platform, ctx.inbound.user_id)


def managed_question(ctx: Ctx, raw: str) -> PolicyQuestion:
    q = _question(ctx, raw)
    if q.dealer_code is None or not ctx.can_see_dealer(q.dealer_code):
        raise UserError("policy.question_not_found", id=raw[:20])
    return q


def ask(ctx: Ctx) -> Reply:
    """Ask a policy question; the answer quotes the governing clause."""
    assert ctx.command is not None
    text = ctx.command.rest.strip()
    if not text:
        return Reply(ctx.t("policy.ask_usage"))
    reply = answer_question(ctx, text)
    assert reply is not None
    return reply


def policy_text(ctx: Ctx, text: str) -> Reply | None:
    if ctx.actor.role is Role.ANONYMOUS:
        return None
    return answer_question(ctx, text, from_plain_text=True)


def clause(ctx: Ctx) -> Reply:
    """Show another clause offered with an answer."""
    if len(ctx.args) != 2 or not ctx.args[1].isdecimal():
        return Reply(ctx.t("policy.clause_usage"))
    q = _question(ctx, ctx.args[0])
    if not _asked_by(ctx, q) and not (q.dealer_code and ctx.can_see_dealer(q.dealer_code)):
        raise UserError("policy.question_not_found", id=ctx.args[0][:20])
    n = int(ctx.args[1])
    if n >= len(q.refs):  # not offered with this answer, rather than gone from the documents
        raise UserError("policy.clause_no_such", id=q.id, n=ctx.args[1][:10])
    found = _knowledge(ctx).resolve(q.refs[n], q.lang)
    if found is None:
        raise UserError("policy.clause_gone")
    t = Translator(locale_of(q.lang))
    return Reply(quote(found, t))


def rate(ctx: Ctx) -> Reply:
    """Tell whether an answer helped: up or down."""
    if len(ctx.args) != 2 or ctx.args[1] not in ("up", "down"):
        return Reply(ctx.t("policy.rate_usage"))
    q = _question(ctx, ctx.args[0])
    if not _asked_by(ctx, q):
        raise UserError("policy.question_not_found", id=ctx.args[0][:20])
    q.rating = Rating(ctx.args[1])
    ctx.uow.policy.save_question(q)
    ctx.audit("policy.rate", f"Q{q.id} {q.rating.value}")
    key = "policy.rated_helpful" if q.rating is Rating.HELPFUL else "policy.rated_not_helpful"
    return Reply(ctx.t(key))


def answer(ctx: Ctx) -> Reply:
    """Answer a dealer's question; the answer is sent to the dealer."""
    assert ctx.command is not None
    qid, _, text = ctx.command.rest.partition(" ")
    text = text.strip()
    if not qid or not text:
        return Reply(ctx.t("policy.answer_usage"))
    q = managed_question(ctx, qid)
    q.answer = text[:2000]
    q.answered_by = ctx.actor.label
    q.answered_at = ctx.now
    q.status = QuestionStatus.MANAGER_ANSWERED
    q.rating = None  # a fresh answer deserves a fresh rating
    ctx.uow.policy.save_question(q)
    ctx.audit("policy.answer", f"Q{q.id}")
    asker = ctx.uow.identities.find(q.platform, q.user_id)
    if asker is None:
        raise UserError("policy.asker_gone", qid=q.id)
    assert q.id is not None
    digest = hashlib.sha1(q.answer.encode()).hexdigest()[:8]

    def build(t: Translator) -> Reply:
        return Reply(
            t("policy.manager_answered", qid=q.id, question=q.text, answer=q.answer),
            (rating_buttons(q.id, t),),
        )

    ctx.notify(asker, f"policy-answer:{q.id}:{digest}", build)
    if ctx.actor.seat not in SALES_LEADS:  # who may write FAQ entries (/faq)
        return Reply(ctx.t("policy.answer_sent", qid=q.id))
    return Reply(
        ctx.t("policy.answer_sent", qid=q.id),
        ((Button(ctx.t("policy.btn_save_faq"), f"c:faq {q.id}"),),),
    )


def questions(ctx: Ctx) -> Reply:
    """Questions waiting for an answer or rated not helpful."""
    visible = visible_dealers(ctx.uow, ctx.scope)
    dealers = None if visible is None else [str(d) for d in visible]
    items = ctx.uow.policy.open_questions(dealers)
    if not items:
        return Reply(ctx.t("policy.no_open_questions"))
    lines = [ctx.t("policy.open_questions_title", n=len(items))]
    for q in items:
        state = (
            "policy.state_pending" if q.status is QuestionStatus.PENDING else "policy.state_down"
        )
        lines.append(
            ctx.t(
                "policy.open_question_line",
                qid=q.id,
                state=ctx.t(state),
                dealer=q.dealer_code or "-",
                date=ctx.t.date(q.asked_at.astimezone(ctx.options.tz).date()),
                text=trim(q.text, 80),
            )
        )
    lines.append(ctx.t("policy.open_questions_hint"))
    return Reply("\n".join(lines))


def install(router: Router, jobs: Jobs) -> None:
    router.keep(PolicyKnowledge())  # unless the app's is kept already
    router.command(
        ask, "ask", roles=LINKED, example="/ask 窜货会怎么处罚？", aliases=("问", "提问")
    )
    router.text(policy_text, priority=50)
    router.command(clause, "clause", roles=LINKED, example="/clause 12 1")
    router.command(rate, "rate", roles=LINKED, example="/rate 12 up")
    router.command(
        answer,
        "answer",
        roles=SALES_STAFF | SERVICE,
        example="/answer 12 可以，需先提交价格例外申请",
        aliases=("答复",),
    )
    router.command(
        questions, "questions", roles=SALES_STAFF | SERVICE, example="/questions", aliases=("问题",)
    )
