"""The clause of the loaded policy that governs each violation rule, for violation notices.

A notice names the rule a sale broke. When a policy is loaded, the rule is looked up in it
the way a question is (the rule's own Chinese wording is the question) and the confident
clause is cited with its answering sentence, so the register and Q&A cite the same clause;
without a loaded policy, or without a confident clause, the notice keeps the rule's fixed
wording from the catalog. Looked up once per knowledge-base revision.
"""

from __future__ import annotations

import threading

from domain.policy.answers import KnowledgeBase
from domain.sales.model import ViolationType
from handlers.core.context import Ctx
from handlers.core.i18n import Translator
from handlers.policy.knowledge import PolicyKnowledge
from handlers.policy.replies import trim

SENTENCE_CHARS = 90
_cache: dict[str, dict[str, str]] = {}
_lock = threading.Lock()


def rule_question(vtype: ViolationType) -> str:
    """The rule as its fixed wording states it, without the citation before the colon."""
    text = Translator("zh_CN")(f"violation.rule.{vtype.value}")
    return text.split("：", 1)[-1]


def governing(kb: KnowledgeBase) -> dict[str, str]:
    """Violation type -> `《Title》Clause：sentence` for the rules the loaded policy governs."""
    with _lock:
        known = _cache.get(kb.revision)
    if known is not None:
        return known
    rules: dict[str, str] = {}
    for vtype in ViolationType:
        question = rule_question(vtype)
        found, result = kb.find(question, "zh", k=1)
        if not result.confident or not found or found[0].clause is None:
            continue
        best = found[0]
        assert best.document is not None and best.clause is not None
        cite = best.clause.citation(best.document.title, best.document.lang)
        sentence = trim(kb.passage(best, question).strip("… "), SENTENCE_CHARS)
        rules[vtype.value] = f"{cite}：{sentence}"
    with _lock:
        if len(_cache) > 8:
            _cache.clear()
        _cache[kb.revision] = rules
    return rules


def governing_rules(ctx: Ctx) -> dict[str, str]:
    """The governing clauses of the policy loaded now (empty when none is: then neither the
    segmenter nor the index is built for a sale report)."""
    knowledge = ctx.router.kept.get(PolicyKnowledge)
    if knowledge is None or not ctx.uow.policy.revision():
        return {}
    kb = knowledge.current(ctx.uow)
    return {} if kb.empty else governing(kb)
