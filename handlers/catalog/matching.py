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


class NameIndex:
    """Names of a catalog (key -> its code, name, aliases) looked up by their squashed form:
    an exact code or name is a dictionary lookup, and the fuzzy candidates are scored over
    lists built once. A sheet of 2,000 rows against 25,000 terminals scanned every name for
    each row; build one index per sheet (or message) and pass it to `resolve`."""

    def __init__(self, names: dict[str, tuple[str, ...]]) -> None:
        self.names = names
        self.exact: dict[str, list[str]] = {}
        self.keys: list[str] = []
        self.squashed: list[str] = []
        for key, ns in names.items():
            for n in ns:
                sn = squash(n)
                if not sn:
                    continue
                found = self.exact.setdefault(sn, [])
                if key not in found:
                    found.append(key)
                self.keys.append(key)
                self.squashed.append(sn)
        self._distinct: list[str] | None = None

    @property
    def distinct(self) -> list[str]:
        """The squashed names without their generic words (terminals), made on first use."""
        if self._distinct is None:
            self._distinct = [distinctive(n) for n in self.squashed]
        return self._distinct


def as_index(names: dict[str, tuple[str, ...]] | NameIndex) -> NameIndex:
    return names if isinstance(names, NameIndex) else NameIndex(names)


def _ranked(keys: list[str], hits) -> tuple[str, ...]:
    ranked: list[str] = []
    for _name, _score, index in hits:
        if (key := keys[index]) not in ranked:
            ranked.append(key)
    return tuple(ranked)


def distinctive(name: str) -> str:
    """A squashed terminal name without its generic words (the whole name if nothing is left)."""
    return _GENERIC_TERMINAL.sub("", name) or name


def resolve_terminal_name(
    query: str,
    names: dict[str, tuple[str, ...]] | NameIndex,
    *,
    first: frozenset[str] = frozenset(),
) -> Resolution:
    """Like `resolve`, scoring only the distinctive words of terminal names, so a hospital
    the catalog lacks finds no unrelated one; keys in `first` (the dealer's own territory)
    come before the others."""
    index = as_index(names)
    found = resolve(query, index, fuzzy=False)
    if found.key is not None or found.candidates:
        return found
    q = distinctive(squash(query))
    if not q:
        return Resolution(None)
    hits = process.extract(
        q,
        index.distinct,
        scorer=fuzz.WRatio,
        limit=None,  # every close one: the dealer's own come first whatever their rank
        score_cutoff=TERMINAL_MIN_SCORE,
    )
    ranked = list(_ranked(index.keys, hits))
    ranked.sort(key=lambda k: k not in first)  # stable: best score first within each
    return Resolution(None, tuple(ranked[:MAX_CHOICES]))


def resolve(
    query: str, names: dict[str, tuple[str, ...]] | NameIndex, *, fuzzy: bool = True
) -> Resolution:
    """Match `query` against every entry's names (key -> its code, name, aliases); with
    `fuzzy`, a query matching none exactly gets the close ones as candidates."""
    q = squash(query)
    if not q:
        return Resolution(None)
    index = as_index(names)
    exact = index.exact.get(q, [])
    if len(exact) == 1:
        return Resolution(exact[0])
    if exact or not fuzzy:
        return Resolution(None, tuple(sorted(exact))[:MAX_CHOICES])
    hits = process.extract(
        q, index.squashed, scorer=fuzz.WRatio, limit=MAX_CHOICES * 8, score_cutoff=MIN_SCORE
    )
    return Resolution(None, _ranked(index.keys, hits)[:MAX_CHOICES])


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
