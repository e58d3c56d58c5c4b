"""The sentence of a clause that answers a question, and the terms an English reader needs.

A long clause (an article listing six duties, a section of three paragraphs) is quoted by
its answering sentence: the sentence holding the most of the question's weight (the same
IDF weights the search uses), with the one after it when it is only a lead-in
("经销商的义务:"). A short clause is quoted whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from domain.policy.terms import SYNONYMS

WHOLE_CHARS = 120  # a clause this short is quoted whole
LEAD_IN_CHARS = 14  # a sentence this short ending in a colon introduces the next one
_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def best_passage(
    text: str, weights: dict[str, float], tokenize: Callable[[str], Sequence[str]]
) -> str:
    """The clause whole when short, else its answering sentence (marked with … where cut)."""
    text = text.strip()
    if len(text) <= WHOLE_CHARS or not weights:
        return text
    parts = sentences(text)
    if len(parts) <= 1:
        return text
    scores = [sum(weights.get(t, 0.0) for t in set(tokenize(p))) for p in parts]
    best = max(range(len(parts)), key=lambda i: (scores[i], -i))
    if scores[best] <= 0:
        return text
    chosen = [parts[best]]
    if len(parts[best]) <= LEAD_IN_CHARS and parts[best][-1:] in ":：" and best + 1 < len(parts):
        chosen.append(parts[best + 1])
    elif best > 0 and len(parts[best - 1]) <= LEAD_IN_CHARS and parts[best - 1][-1:] in ":：":
        chosen.insert(0, parts[best - 1])  # "经销商的义务:" before "1. 不得擅自提价"
        best -= 1
    quoted = " ".join(chosen)
    before = "… " if best > 0 else ""
    after = " …" if best + len(chosen) < len(parts) else ""
    return f"{before}{quoted}{after}"


def _english(group: Sequence[str]) -> str | None:
    return next((w for w in group if w.isascii()), None)


def glossary(text: str, groups: Iterable[Sequence[str]] = SYNONYMS, limit: int = 6) -> list[str]:
    """`保证金 = deposit` for each domain term of `text` the bilingual term list knows."""
    out: list[str] = []
    for group in groups:
        english = _english(group)
        if english is None:
            continue
        word = next((w for w in group if not w.isascii() and len(w) >= 2 and w in text), None)
        if word is not None:
            out.append(f"{word} = {english}")
        if len(out) >= limit:
            break
    return out
