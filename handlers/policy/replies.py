"""How policy answers read: the quoted clause with its citation, labels, rating buttons."""

from __future__ import annotations

import re

from domain.policy.answers import Found, KnowledgeBase
from domain.policy.passages import glossary
from handlers.core.i18n import Translator
from handlers.core.messages import Button

QUOTE_CHARS = 320
LABEL_CHARS = 24


def locale_of(lang: str) -> str:
    """The catalog locale that speaks a question's language."""
    return "en" if lang == "en" else "zh_CN"


def trim(text: str, limit: int = QUOTE_CHARS) -> str:
    """The clause's opening up to `limit` characters, cut at a sentence end when possible."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in re.finditer(r"[。；;！？!?]|\.(\s|$)|\n", head)]
    cut = ends[-1] if ends and ends[-1] >= limit // 2 else limit
    return head[:cut].rstrip() + " …"


def citation(found: Found, t: Translator) -> str:
    if found.faq is not None:
        return t("policy.faq_source", id=found.faq.id)
    assert found.document is not None and found.clause is not None
    return found.clause.citation(found.document.title, found.document.lang)


def short_label(found: Found, t: Translator) -> str:
    if found.faq is not None:
        return t("policy.faq_source", id=found.faq.id)
    assert found.clause is not None
    c = found.clause
    text = " ".join(p for p in (c.label, c.title) if p) or c.section or c.text
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def quote(found: Found, t: Translator, question: str = "", kb: KnowledgeBase | None = None) -> str:
    """The clause with its citation: for a question, its answering sentence; a Chinese
    clause shown to an English reader opens with a sentence saying so and its key terms."""
    if found.faq is not None:
        return t("policy.faq_quote", question=found.faq.question, answer=trim(found.faq.answer))
    assert found.clause is not None and found.document is not None
    text = kb.passage(found, question) if kb is not None and question else found.clause.text
    body = t("policy.clause_quote", citation=citation(found, t), text=trim(text))
    if t.locale != "en" or found.document.lang == "en":
        return body
    terms = glossary(text)
    lead = t("policydocs.english_lead", citation=citation(found, t))
    if terms:
        lead += "\n" + t("policydocs.english_terms", terms="; ".join(terms))
    return f"{lead}\n{body}"


def rating_buttons(qid: int, t: Translator) -> tuple[Button, ...]:
    return (
        Button(t("policy.btn_helpful"), f"c:rate {qid} up"),
        Button(t("policy.btn_not_helpful"), f"c:rate {qid} down"),
    )


def answer_text(found: Found, t: Translator, question: str, kb: KnowledgeBase) -> str:
    """What an answer shows for `question`: the quoted clause with its citation."""
    return quote(found, t, question, kb)
