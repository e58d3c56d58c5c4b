"""Text into search tokens: jieba words, stemmed English, synonym groups, typo repair.

jieba is a pure segmentation library; its only I/O is the one-time dictionary load in
`Segmenter()` (about a second). It is imported there too, so a bot that is never asked a
question never loads it.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence

from domain.policy.terms import EXTRA_WORDS, STOP_WORDS, SYNONYMS

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"^[a-z][a-z0-9']*$|^\d+%?$")


def is_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


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
        import jieba  # here, not at import: the dictionary's module costs 20 MB and 0.1 s

        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self._canon: dict[str, str] = {}
        self._phrases: dict[tuple[str, ...], str] = {}
        self._longest_phrase = 1
        self._typo_patterns: dict[str, str] = {}
        self.domain_tokens: set[str] = set()
        self.extra_tokens: set[str] = set()
        for word in extra_words:
            self._jieba.add_word(word, freq=20000)
            self.extra_tokens.add(_normalize(word))
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
