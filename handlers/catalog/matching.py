"""Find the product or terminal a dealer means: exact by code, name or alias, else a short
list of close matches (rapidfuzz) for the dealer to pick from; never a silent guess."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from domain.catalog.model import Product, Terminal

MAX_CHOICES = 6
MIN_SCORE = 60
# Terminal names share their generic words (人民医院, 第三, 市, hospital): two hospitals in
# different cities score 60 on those alone. Only the distinctive part is scored, and higher.
TERMINAL_MIN_SCORE = 70
_GENERIC_TERMINAL = re.compile(
    r"第[一二三四五六七八九十\d]+|人民医院|中医院|医院|卫生院|卫生服务中心|保健院|中心|诊所"
    r"|门诊部|附属|大学|医科|省|市|县|区|hospital|clinic|centre|center|the|of"
)


@dataclass(frozen=True, slots=True)
class Resolution:
    """`key` when one entry matched exactly; otherwise `candidates` (best first, maybe empty)."""

    key: str | None
    candidates: tuple[str, ...] = ()


_DROP = str.maketrans("", "", " -_·.\u3000")


@lru_cache(maxsize=65536)  # catalog names recur in every lookup
def squash(text: str) -> str:
    """Case, width, spaces and hyphens do not matter when matching names."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_DROP)


def product_names(products: Iterable[Product]) -> dict[str, tuple[str, ...]]:
    return {p.sku: (p.sku, p.name, *p.aliases, *_english(p.name_en)) for p in products}


def terminal_names(terminals: Iterable[Terminal]) -> dict[str, tuple[str, ...]]:
    return {t.code: (t.code, t.name, *_english(t.name_en)) for t in terminals}


def _english(name_en: str) -> tuple[str, ...]:
    """An English name is one more way to write the item (English speakers type it)."""
    return (name_en,) if name_en else ()


def distinctive(name: str) -> str:
    """A squashed terminal name without its generic words (the whole name if nothing is left)."""
    return _GENERIC_TERMINAL.sub("", name) or name


def resolve_terminal_name(
    query: str, names: dict[str, tuple[str, ...]], *, first: frozenset[str] = frozenset()
) -> Resolution:
    """Like `resolve`, scoring only the distinctive words of terminal names, so a hospital
    the catalog lacks finds no unrelated one; keys in `first` (the dealer's own territory)
    come before the others."""
    found = resolve(query, names, fuzzy=False)
    if found.key is not None or found.candidates:
        return found
    q = distinctive(squash(query))
    if not q:
        return Resolution(None)
    flat = [(key, distinctive(squash(n))) for key, ns in names.items() for n in ns if squash(n)]
    hits = process.extract(
        q,
        [n for _, n in flat],
        scorer=fuzz.WRatio,
        limit=len(flat),
        score_cutoff=TERMINAL_MIN_SCORE,
    )
    ranked: list[str] = []
    for _name, _score, index in hits:
        if (key := flat[index][0]) not in ranked:
            ranked.append(key)
    ranked.sort(key=lambda k: k not in first)  # stable: best score first within each
    return Resolution(None, tuple(ranked[:MAX_CHOICES]))


def resolve(query: str, names: dict[str, tuple[str, ...]], *, fuzzy: bool = True) -> Resolution:
    """Match `query` against every entry's names (key -> its code, name, aliases); with
    `fuzzy`, a query matching none exactly gets the close ones as candidates."""
    q = squash(query)
    if not q:
        return Resolution(None)
    exact = [key for key, ns in names.items() if any(squash(n) == q for n in ns)]
    if len(exact) == 1:
        return Resolution(exact[0])
    if exact or not fuzzy:
        return Resolution(None, tuple(sorted(exact))[:MAX_CHOICES])
    flat = [(key, squash(n)) for key, ns in names.items() for n in ns if squash(n)]
    hits = process.extract(
        q, [n for _, n in flat], scorer=fuzz.WRatio, limit=len(flat), score_cutoff=MIN_SCORE
    )
    ranked: list[str] = []
    for _name, _score, index in hits:
        key = flat[index][0]
        if key not in ranked:
            ranked.append(key)
    return Resolution(None, tuple(ranked[:MAX_CHOICES]))


def find_in_text(text: str, names: dict[str, tuple[str, ...]]) -> Resolution:
    """Entries whose code, name or alias appears in the text; the longest mention wins."""
    t = squash(text)
    best_len, found = 0, set()
    for key, ns in names.items():
        for n in ns:
            sn = squash(n)
            if len(sn) < 2 or sn not in t:
                continue
            if len(sn) > best_len:
                best_len, found = len(sn), {key}
            elif len(sn) == best_len:
                found.add(key)
    if len(found) == 1:
        return Resolution(found.pop())
    return Resolution(None, tuple(sorted(found))[:MAX_CHOICES])
