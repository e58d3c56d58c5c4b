"""The knowledge base as searched: documents, their translations and FAQ entries, ranked.

`KnowledgeBase.find` turns search hits into what an answer shows: for a clause, its version
in the asker's language when one exists (an English question found through
dealer_policy.en shows Article 18 to an English speaker and 第十八条 to a Chinese one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from domain.policy.meaning import Encoder, Meaning, VectorStore, entry_texts, standardised
from domain.policy.model import Clause, FaqEntry, PolicyDocument
from domain.policy.passages import best_passage
from domain.policy.search import FAQ_BOOST, Entry, Group, Hit, PolicyIndex, SearchResult
from domain.policy.segmenter import Segmenter
from domain.shared.numerals import parse_number

# "第十八条", "第18条", "article 18", "art. 18", "clause 18": a question naming its article.
_ARTICLE = re.compile(
    r"第\s*([0-9０-９一二三四五六七八九十百零〇两]{1,6})\s*条"
    r"|\b(?:article|art\.?|clause)\s*(\d{1,3})\b",
    re.I,
)


def article_asked(question: str) -> int | None:
    """The article number a question names, if it names one."""
    m = _ARTICLE.search(question)
    if m is None:
        return None
    number = parse_number(m[1] or m[2])
    if number is None or number != number.to_integral_value() or not 0 < number < 1000:
        return None
    return int(number)


@dataclass(frozen=True, slots=True)
class Found:
    """One ranked answer: a clause of a document, or an FAQ entry."""

    group: Group
    score: float
    coverage: float
    document: PolicyDocument | None = None
    clause: Clause | None = None
    faq: FaqEntry | None = None

    @property
    def ref(self) -> tuple[str, str, str]:
        return self.group


def _heading(clause: Clause) -> str:
    """A clause's title with its enclosing headings: searched and embedded with its text."""
    return " ".join(p for p in (clause.title, clause.section) if p)


def clause_group(document: PolicyDocument, clause: Clause) -> Group:
    return ("clause", document.family, clause.key)


def faq_group(faq: FaqEntry) -> Group:
    return ("faq", str(faq.id), "")


class KnowledgeBase:
    """Documents and FAQ entries of one revision, with their search index."""

    def __init__(
        self,
        documents: Sequence[PolicyDocument],
        faqs: Sequence[FaqEntry],
        segmenter: Segmenter,
        revision: str = "",
        encoders: Sequence[Encoder] = (),
        vectors: VectorStore | None = None,
    ) -> None:
        """`encoders` add meaning to the search (their vectors kept in `vectors`)."""
        self.revision = revision
        self.documents = tuple(documents)
        self.faqs = {str(f.id): f for f in faqs}
        # (family, key) -> {lang: (document, clause)}
        self._versions: dict[tuple[str, str], dict[str, tuple[PolicyDocument, Clause]]] = {}
        entries: list[Entry] = []
        for doc in self.documents:
            for clause in doc.clauses:
                self._versions.setdefault((doc.family, clause.key), {})[doc.lang] = (doc, clause)
                entries.append(
                    Entry(clause_group(doc, clause), doc.lang, _heading(clause), clause.text)
                )
        for faq in faqs:
            entries.append(Entry(faq_group(faq), faq.lang, faq.question, faq.answer, FAQ_BOOST))
        meaning = (
            Meaning.build(encoders, [(e.title, e.text) for e in entries], vectors)
            if encoders and entries
            else None
        )
        self.index = PolicyIndex(entries, segmenter, meaning)

    @property
    def empty(self) -> bool:
        return not self.documents

    def passage(self, found: Found, question: str) -> str:
        """What to quote of a found clause for `question`: its answering sentence."""
        assert found.clause is not None
        clause = found.clause
        weights = self.index.question_weights(question) if question else {}
        meaning = self.index.meaning
        rank = None
        if meaning is not None and question:

            def rank(parts: list[str], scores: list[float]) -> Sequence[float]:
                """Standard scores of the words plus each encoder's closeness."""
                import numpy as np

                words = standardised(np.array(scores, dtype=np.float64))
                texts = entry_texts(_heading(clause), clause.text)[1:]  # as embedded
                if len(texts) != len(parts):
                    return words
                try:
                    close = meaning.similarity(question, texts)
                except Exception:  # logged by the search, which met the same encoder
                    return words
                return words + sum(standardised(c) for c in close)

        return best_passage(clause.text, weights, self.index.segmenter.tokens, rank)

    def resolve(self, ref: Sequence[str], lang: str) -> Found | None:
        """The clause or FAQ entry a stored reference names, in `lang` when it exists."""
        kind, a, b = ref[0], ref[1], ref[2]
        if kind == "faq":
            faq = self.faqs.get(a)
            return Found(("faq", a, ""), 0.0, 0.0, faq=faq) if faq else None
        versions = self._versions.get((a, b))
        if not versions:
            return None
        doc, clause = versions.get(lang) or versions.get("zh") or next(iter(versions.values()))
        return Found(("clause", a, b), 0.0, 0.0, document=doc, clause=clause)

    def article(self, number: int, lang: str) -> list[Found]:
        """Article `number` of every document that has one, in `lang` when it exists."""
        key = f"a{number}"
        families = dict.fromkeys(d.family for d in self.documents if d.clause(key) is not None)
        found = [self.resolve(("clause", family, key), lang) for family in families]
        return [f for f in found if f is not None]

    def find(
        self,
        question: str,
        lang: str,
        k: int = 3,
        admits: Callable[[FaqEntry], bool] | None = None,
    ) -> tuple[list[Found], SearchResult]:
        """The best answers; an FAQ entry only where `admits` it (its scope holds the asker)."""
        number = article_asked(question)
        named = self.article(number, lang)[:k] if number is not None else []
        if named:  # the question names the article: that article is the answer
            hits = tuple(Hit(f.group, 1.0, 1.0, 0) for f in named)
            found = [Found(f.group, 1.0, 1.0, f.document, f.clause, f.faq) for f in named]
            return found, SearchResult(hits, ())
        hidden = frozenset(
            faq_group(f) for f in self.faqs.values() if admits is not None and not admits(f)
        )
        result = self.index.search(question, k=k, exclude=hidden)
        found: list[Found] = []
        for hit in result.hits:
            item = self.resolve(hit.group, lang)
            if item is not None:
                found.append(
                    Found(hit.group, hit.score, hit.coverage, item.document, item.clause, item.faq)
                )
        return found, result
