"""Finding the clause that governs a question: BM25 ranking and confidence.

Pure computation over values (bm25s scores sparse matrices with numpy; rapidfuzz corrects
English misspellings). Translations of one clause, and FAQ entries, are searched as
separate entries that share a `group`; a group scores as its best entry, so an English
question that matches the English version of 第十八条 finds ("clause", "dealer_policy", "a18").
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from domain.policy.glosses import english_to_policy
from domain.policy.meaning import Meaning, standardised
from domain.policy.segmenter import Segmenter, is_cjk, stem
from domain.policy.terms import STOP_WORDS

if TYPE_CHECKING:
    import bm25s

log = logging.getLogger(__name__)

Group = tuple[str, str, str]  # ("clause", family, key) or ("faq", id, "")

CONFIDENT = 0.5  # share of the question's weight (IDF) the best clause must explain
FAQ_BOOST = 1.5  # a manager's saved answer outranks a clause that matches as well
FAQ_SAME_QUESTION = 0.8  # an FAQ without domain words answers only (nearly) its own question

_CJK = re.compile(r"[\u3400-\u9fff]")
_QUESTION_HINTS = re.compile(
    r"[?？]|吗|么|呢|如何|怎|什么|哪|多少|能否|是否|可否|可以|会不会|有没有|"
    r"\b(how|what|when|where|why|which|who|can|could|may|should|is|are|do|does|will)\b"
)


def question_lang(text: str) -> str | None:
    """ "zh" if the question has Chinese words, "en" if only Latin words, else None."""
    cjk = len(_CJK.findall(text))
    if cjk >= 2:
        return "zh"
    if sum(ch.isascii() and ch.isalpha() for ch in text) >= 2:
        return "en"
    return "zh" if cjk else None


def looks_like_question(text: str) -> bool:
    return bool(_QUESTION_HINTS.search(text.lower()))


@dataclass(frozen=True, slots=True)
class Entry:
    """One searchable text: a clause in one language, or an FAQ entry."""

    group: Group
    lang: str
    title: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Hit:
    group: Group
    score: float
    coverage: float  # share of the question's IDF weight found in the group
    entry: int  # index of the group's best-scoring entry


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: tuple[Hit, ...]
    tokens: tuple[str, ...]
    on_topic: bool = True  # the question uses a word of the policy's vocabulary

    @property
    def confidence(self) -> float:
        return self.hits[0].coverage if self.hits else 0.0

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT

    @property
    def off_topic(self) -> bool:
        """Nothing in the policy answers it and it uses none of the policy's words (天气,
        餐厅): no manager would answer it either. A confident hit (a saved FAQ of everyday
        words answering its own question) is never off-topic."""
        return not self.confident and not self.on_topic


class PolicyIndex:
    """A BM25 index over entries; build once per knowledge-base revision, search many times."""

    def __init__(
        self, entries: Sequence[Entry], segmenter: Segmenter, meaning: Meaning | None = None
    ) -> None:
        # bm25s and numpy load with the first index (the first question), not at start.
        import bm25s
        import numpy as np

        self.entries = tuple(entries)
        self.segmenter = segmenter
        self.meaning = meaning  # embedded entries (domain/policy/meaning.py), or lexical only
        docs: list[list[str]] = []
        # Words of the domain: synonym groups and every word of a clause title.
        self._domain = set(segmenter.domain_tokens)
        for e in self.entries:
            title = segmenter.tokens(e.title)
            if e.group[0] != "faq":  # a saved question's everyday words are not the domain's
                self._domain.update(title)
            docs.append(title + title + segmenter.tokens(e.text))
        # The policy's vocabulary, common words included (公司, 经销商): a question using
        # one is about the policy even when no clause answers it, and goes to a manager.
        self._vocabulary = frozenset(
            t for t in self._domain | segmenter.extra_tokens if not t.isdecimal()
        )
        self._token_sets = [frozenset(d) for d in docs]
        self._groups: dict[Group, list[int]] = {}
        for i, e in enumerate(self.entries):
            self._groups.setdefault(e.group, []).append(i)
        self._boost = np.array([e.boost for e in self.entries], dtype=np.float32)
        self._bm25: bm25s.BM25 | None = None
        self._idf: dict[str, float] = {}
        if docs:
            self._bm25 = bm25s.BM25(k1=1.2, b=0.75)
            self._bm25.index(docs, show_progress=False)
            df: dict[str, int] = {}
            for s in self._token_sets:
                for t in s:
                    df[t] = df.get(t, 0) + 1
            n = len(docs)
            self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
            # A word most clauses use ("company", 经销商) says nothing about which one governs,
            # nor does a number (an article's number in its title, a date's day).
            self._domain = {
                t for t in self._domain if df.get(t, 0) <= max(2, n // 5) and not t.isdecimal()
            }
        self._unknown_weight = sum(self._idf.values()) / len(self._idf) if self._idf else 1.0
        self._latin_vocab = sorted(
            t for t in self._idf if t.isascii() and t.isalpha() and len(t) >= 4
        )
        self._corrections: dict[str, str] = {}
        self._english: dict[str, tuple[str, ...]] | None = None  # on the first English word

    def _in_chinese(self, tokens: list[str]) -> list[str]:
        """An English word the index does not hold, as the policy's Chinese words its
        dictionary glosses name (domain/policy/glosses.py); other tokens as they are."""
        unknown = [t for t in tokens if t not in self._idf and t.isascii() and t.isalpha()]
        if not unknown:
            return tokens
        if self._english is None:
            vocabulary = {t for t in self._idf if is_cjk(t)}
            self._english = english_to_policy(vocabulary, stem, STOP_WORDS)
        out: list[str] = []
        for t in tokens:
            out.extend(self._english.get(t, (t,)) if t in unknown else (t,))
        return out

    def __len__(self) -> int:
        return len(self.entries)

    def _correct(self, token: str) -> str:
        """An unknown English word one or two edits from an indexed word becomes that word."""
        if token in self._idf or not (token.isascii() and token.isalpha()) or len(token) < 5:
            return token
        known = self._corrections.get(token)
        if known is not None:
            return known
        limit = 1 if len(token) < 7 else 2
        match = process.extractOne(
            token, self._latin_vocab, scorer=OSA.distance, score_cutoff=limit
        )
        best = match[0] if match else token
        if len(self._corrections) < 10_000:
            self._corrections[token] = best
        return best

    def _weight(self, token: str) -> float:
        """How much a question word counts toward confidence: domain words double, and a
        word the policy never uses counts half an average word."""
        idf = self._idf.get(token)
        if idf is None:
            return self._unknown_weight / 2
        return idf * 2 if token in self._domain else idf

    def question_weights(self, question: str) -> dict[str, float]:
        """The question's words the policy uses, with the weight each counts for."""
        tokens = self._in_chinese([self._correct(t) for t in self.segmenter.tokens(question)])
        return {t: self._weight(t) for t in dict.fromkeys(tokens) if t in self._idf}

    def search(
        self, question: str, k: int = 3, exclude: Collection[Group] = frozenset()
    ) -> SearchResult:
        """The best `k` groups for `question`, leaving out the groups in `exclude`."""
        tokens = self._in_chinese([self._correct(t) for t in self.segmenter.tokens(question)])
        unique = list(dict.fromkeys(tokens))
        # Nothing left to judge ("这是什么？") is not called off-topic.
        on_topic = not unique or any(t in self._vocabulary for t in unique)
        known = [t for t in unique if t in self._idf]
        if self._bm25 is None or not known:
            return SearchResult((), tuple(unique), on_topic)
        scores = self._bm25.get_scores(known) * self._boost
        weight = {t: self._weight(t) for t in unique}
        total = sum(weight.values())
        candidates = [(g, m) for g, m in self._groups.items() if g not in exclude]
        bests = [max(members, key=lambda i: scores[i]) for _, members in candidates]
        rank = self._fused(question, scores[bests], candidates)
        ranked: list[Hit] = []
        demoted: set[Group] = set()
        for (group, members), best, fused in zip(candidates, bests, rank, strict=True):
            if scores[best] <= 0:
                continue  # meaning reorders what shares a word with the question, no more
            found = set().union(*(self._token_sets[i] for i in members))
            matched = [t for t in unique if t in found]
            coverage = sum(weight[t] for t in matched) / total
            faq = group[0] == "faq"
            everyday = not any(t in self._domain for t in matched)
            if everyday and not (faq and coverage >= FAQ_SAME_QUESTION):
                coverage = min(coverage, CONFIDENT / 2)  # only everyday words in common
                if faq:
                    demoted.add(group)  # its boost must not push it above the clauses
            ranked.append(Hit(group, float(fused), coverage, best))
        ranked.sort(key=lambda h: (h.group in demoted, -h.score, h.group))
        return SearchResult(tuple(ranked[:k]), tuple(unique), on_topic)

    def _fused(self, question: str, lexical, candidates: list[tuple[Group, list[int]]]):
        """Each candidate group's rank score: its best entry's BM25 score (`lexical`) alone,
        or with meaning the sum of the standard scores of BM25 and of each encoder's best
        cosine (equal weights: none of the three is trusted over the others)."""
        import numpy as np

        if self.meaning is None or not candidates:
            return lexical
        try:
            cosines = self.meaning.entry_similarity(question, len(self.entries))
        except Exception:  # the encoder failed on this question: its words still answer it
            log.exception("policy encoder failed on a question; ranked by words only")
            return lexical
        fused = standardised(lexical)
        for entry_cosine in cosines:
            best = np.array([max(entry_cosine[i] for i in m) for _, m in candidates])
            fused = fused + standardised(best)
        return fused
