"""The sentence of a clause that answers a question, and the terms an English reader needs.

A long clause (an article listing six duties, a section of three paragraphs) is quoted by
its answering sentence: the sentence holding the most of the question's weight (the same
IDF weights the search uses), after the clause's lead-in when it has one ("经销商的义务:"),
with the one after it when the best is itself a lead-in. A short clause is quoted whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from domain.policy.terms import SYNONYMS

WHOLE_CHARS = 60  # a clause this short is quoted whole
LEAD_IN_CHARS = 14  # a sentence this short ending in a colon introduces the next one
_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def best_passage(
    text: str,
    weights: dict[str, float],
    tokenize: Callable[[str], Sequence[str]],
    rank: Callable[[list[str], list[float]], Sequence[float]] | None = None,
) -> str:
    """The clause whole when short, else its answering sentence (marked with … where cut).

    A sentence ranks by the weight of its question words, or by what `rank` makes of the
    sentences and those weights (the search's meaning added to them)."""
    text = text.strip()
    if len(text) <= WHOLE_CHARS or not weights:
        return text
    parts = sentences(text)
    if len(parts) <= 1:
        return text
    scores = [sum(weights.get(t, 0.0) for t in set(tokenize(p))) for p in parts]
    if max(scores) <= 0:
        return text
    ranks = scores if rank is None else rank(parts, scores)
    best = max(range(len(parts)), key=lambda i: (ranks[i], -i))
    last = best
    if _lead_in(parts[best]) and best + 1 < len(parts):
        last = best + 1
    chosen = " ".join(parts[best : last + 1])
    after = " …" if last + 1 < len(parts) else ""
    if best == 0:
        return f"{chosen}{after}"
    if _lead_in(parts[0]):  # "经销商的权利: … 4. 享有公司授权范围内的市场保护权。"
        gap = " " if best == 1 else " … "
        return f"{parts[0]}{gap}{chosen}{after}"
    return f"… {chosen}{after}"


def _lead_in(sentence: str) -> bool:
    return len(sentence) <= LEAD_IN_CHARS * 2 and sentence[-1:] in ":："


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
