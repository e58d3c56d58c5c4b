"""The knowledge base as searched: documents, their translations and FAQ entries, ranked.

`KnowledgeBase.find` turns search hits into what an answer shows: for a clause, its version
in the asker's language when one exists (an English question found through
dealer_policy.en shows Article 18 to an English speaker and 第十八条 to a Chinese one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.policy import Clause, FaqEntry, PolicyDocument
from domain.policy_search import FAQ_BOOST, Entry, Group, PolicyIndex, SearchResult
from domain.policy_segmenter import Segmenter


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
    ) -> None:
        self.revision = revision
        self.documents = tuple(documents)
        self.faqs = {str(f.id): f for f in faqs}
        # (family, key) -> {lang: (document, clause)}
        self._versions: dict[tuple[str, str], dict[str, tuple[PolicyDocument, Clause]]] = {}
        entries: list[Entry] = []
        for doc in self.documents:
            for clause in doc.clauses:
                self._versions.setdefault((doc.family, clause.key), {})[doc.lang] = (doc, clause)
                title = " ".join(p for p in (clause.title, clause.section) if p)
                entries.append(Entry(clause_group(doc, clause), doc.lang, title, clause.text))
        for faq in faqs:
            entries.append(Entry(faq_group(faq), faq.lang, faq.question, faq.answer, FAQ_BOOST))
        self.index = PolicyIndex(entries, segmenter)

    @property
    def empty(self) -> bool:
        return not self.documents

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

    def find(self, question: str, lang: str, k: int = 3) -> tuple[list[Found], SearchResult]:
        result = self.index.search(question, k=k)
        found: list[Found] = []
        for hit in result.hits:
            item = self.resolve(hit.group, lang)
            if item is not None:
                found.append(
                    Found(hit.group, hit.score, hit.coverage, item.document, item.clause, item.faq)
                )
        return found, result
