"""Finding the clause that governs a question: segmentation, synonyms, BM25 and confidence.

Pure computation over values. jieba (Chinese word segmentation) and bm25s (BM25 over sparse
matrices) are libraries without I/O of their own, except jieba's one-time dictionary load
in `Segmenter()`, which the application does once at start-up.

Translations of one clause, and FAQ entries, are searched as separate entries that share a
`group`; a group scores as its best entry, so an English question that matches the English
version of 第十八条 finds the group ("clause", "dealer_policy", "a18").
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import bm25s
import jieba
import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from domain.policy_terms import EXTRA_WORDS, STOP_WORDS, SYNONYMS

Group = tuple[str, str, str]  # ("clause", family, key) or ("faq", id, "")

CONFIDENT = 0.5  # share of the question's weight (IDF) the best clause must explain
FAQ_BOOST = 1.5  # a manager's saved answer outranks a clause that matches as well

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"^[a-z][a-z0-9']*$|^\d+%?$")
_QUESTION_HINTS = re.compile(
    r"[?？]|吗|么|呢|如何|怎|什么|哪|多少|能否|是否|可否|可以|会不会|有没有|"
    r"\b(how|what|when|where|why|which|who|can|could|may|should|is|are|do|does|will)\b"
)


def is_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


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


def stem(word: str) -> str:
    """A light English stemmer: plural, -ing, -ed and a final -e go (prices, priced -> pric)."""
    w = word
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    else:
        if w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"(?<=[a-z])[-_/](?=[a-z])", " ", text)


class Segmenter:
    """Text -> canonical tokens: jieba words, stemmed English, synonym groups, typo repair.

    Building one loads jieba's dictionary (about a second); build it once per process.
    """

    def __init__(
        self,
        synonyms: Sequence[Sequence[str]] = SYNONYMS,
        extra_words: Iterable[str] = EXTRA_WORDS,
    ) -> None:
        for name in ("jieba", "bm25s"):  # both log their progress at INFO/DEBUG
            logging.getLogger(name).setLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self._canon: dict[str, str] = {}
        self._phrases: dict[tuple[str, ...], str] = {}
        self._longest_phrase = 1
        self._typo_patterns: dict[str, str] = {}
        self.domain_tokens: set[str] = set()
        for word in extra_words:
            self._jieba.add_word(word, freq=20000)
        for group in synonyms:
            head = _normalize(group[0])
            self.domain_tokens.add(head)
            for raw in group:
                word = _normalize(raw)
                if is_cjk(word):
                    self._jieba.add_word(word, freq=20000)
                    self._canon[word] = head
                    if len(word) >= 3:
                        for i in range(len(word)):
                            self._typo_patterns.setdefault(word[:i] + "?" + word[i + 1 :], word)
                    continue
                words = tuple(stem(w) for w in word.split())
                if len(words) == 1:
                    self._canon[words[0]] = head
                    self._canon[word] = head
                else:
                    self._phrases[words] = head
                    self._longest_phrase = max(self._longest_phrase, len(words))

    # -- tokens ----------------------------------------------------------------------------

    def tokens(self, text: str) -> list[str]:
        text = self._repair_cjk_typos(_normalize(text))
        out: list[str] = []
        latin: list[str] = []
        for piece in self._jieba.lcut(text, HMM=True):
            if _LATIN_WORD.match(piece):
                latin.append(piece)
                continue
            if piece.isspace():
                continue
            self._flush_latin(latin, out)
            if is_cjk(piece):
                self._add_cjk(piece, out)
            elif piece.strip() and piece in self._canon:
                out.append(self._canon[piece])
        self._flush_latin(latin, out)
        return out

    def _flush_latin(self, raw: list[str], out: list[str]) -> None:
        """English words: synonym phrases first, then single words (stop words checked on
        the word as written: "does" is a stop word, its stem "doe" is not)."""
        words = [stem(w) for w in raw]
        i = 0
        while i < len(words):
            for n in range(min(self._longest_phrase, len(words) - i), 1, -1):
                head = self._phrases.get(tuple(words[i : i + n]))
                if head is not None:
                    out.append(head)
                    span = zip(raw[i : i + n], words[i : i + n], strict=True)
                    out.extend(w for r, w in span if r not in STOP_WORDS)
                    i += n
                    break
            else:
                if raw[i] not in STOP_WORDS:
                    out.append(self._canon.get(raw[i]) or self._canon.get(words[i], words[i]))
                i += 1
        raw.clear()

    def _add_cjk(self, word: str, out: list[str]) -> None:
        if word in STOP_WORDS:
            return
        canon = self._canon.get(word)
        if canon is not None:
            out.append(canon)
            if len(word) > 2:
                out.extend(self._sub_words(word))
            return
        if len(word) > 1:
            out.append(word)
        if len(word) > 2:
            out.extend(self._sub_words(word))

    def _sub_words(self, word: str) -> list[str]:
        """Known two- and three-character words inside a longer word (jieba's search mode)."""
        freq = self._jieba.FREQ
        found = []
        for n in (2, 3):
            for i in range(len(word) - n + 1):
                part = word[i : i + n]
                if part != word and freq.get(part) and part not in STOP_WORDS:
                    found.append(self._canon.get(part, part))
        return found

    def _repair_cjk_typos(self, text: str) -> str:
        """Replace a run that is one character away from a domain term (保正金 -> 保证金)."""
        if not self._typo_patterns or not is_cjk(text):
            return text
        freq = self._jieba.FREQ
        chars = list(text)
        i = 0
        while i < len(chars):
            fixed = False
            for n in (6, 5, 4, 3):
                window = "".join(chars[i : i + n])
                if len(window) < n or not all(is_cjk(c) for c in window):
                    continue
                if window in self._canon or freq.get(window):
                    break
                if any(w in self._canon for w in (window[1:], window[:-1])):
                    continue  # 是经销商 is a word and a particle, not a misspelt 新经销商
                # In a three-character word only the middle one may be wrong: 域代理 is no
                # misspelt 总代理, it is the end of 区域代理.
                for j in range(1, 2) if n == 3 else range(n):
                    term = self._typo_patterns.get(window[:j] + "?" + window[j + 1 :])
                    if term is not None:
                        chars[i : i + n] = list(term)
                        i += n
                        fixed = True
                        break
                if fixed:
                    break
            if not fixed:
                i += 1
        return "".join(chars)


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

    @property
    def confidence(self) -> float:
        return self.hits[0].coverage if self.hits else 0.0

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT


class PolicyIndex:
    """A BM25 index over entries; build once per knowledge-base revision, search many times."""

    def __init__(self, entries: Sequence[Entry], segmenter: Segmenter) -> None:
        self.entries = tuple(entries)
        self.segmenter = segmenter
        docs: list[list[str]] = []
        # Words of the domain: synonym groups and every word of a clause title.
        self._domain = set(segmenter.domain_tokens)
        for e in self.entries:
            title = segmenter.tokens(e.title)
            self._domain.update(title)
            docs.append(title + title + segmenter.tokens(e.text))
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
            # A word most clauses use ("company", 经销商) says nothing about which one governs.
            self._domain = {t for t in self._domain if df.get(t, 0) <= max(2, n // 5)}
        self._unknown_weight = sum(self._idf.values()) / len(self._idf) if self._idf else 1.0
        self._latin_vocab = sorted(
            t for t in self._idf if t.isascii() and t.isalpha() and len(t) >= 4
        )
        self._corrections: dict[str, str] = {}

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

    def search(self, question: str, k: int = 3) -> SearchResult:
        tokens = [self._correct(t) for t in self.segmenter.tokens(question)]
        unique = list(dict.fromkeys(tokens))
        known = [t for t in unique if t in self._idf]
        if self._bm25 is None or not known:
            return SearchResult((), tuple(unique))
        scores = self._bm25.get_scores(known) * self._boost
        weight = {t: self._weight(t) for t in unique}
        total = sum(weight.values())
        ranked: list[Hit] = []
        for group, members in self._groups.items():
            best = max(members, key=lambda i: scores[i])
            if scores[best] <= 0:
                continue
            found = set().union(*(self._token_sets[i] for i in members))
            matched = [t for t in unique if t in found]
            coverage = sum(weight[t] for t in matched) / total
            if not any(t in self._domain for t in matched):
                coverage = min(coverage, CONFIDENT / 2)  # only everyday words in common
            ranked.append(Hit(group, float(scores[best]), coverage, best))
        ranked.sort(key=lambda h: (-h.score, h.group))
        return SearchResult(tuple(ranked[:k]), tuple(unique))
