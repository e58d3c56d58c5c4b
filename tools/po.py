"""Add or update catalog entries in both languages: `python tools/po.py FEATURE KEY ZH EN`.

Keeps zh_CN and en in step (a key is never added to one only) and sorts entries.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "handlers" / "locales"


def load(locale: str, feature: str) -> Catalog:
    path = ROOT / locale / "LC_MESSAGES" / f"{feature}.po"
    if path.exists():
        with path.open("rb") as fh:
            return read_po(fh, locale=locale)
    return Catalog(locale=locale, project="dealerbot", domain=feature)


def save(cat: Catalog, locale: str, feature: str) -> None:
    path = ROOT / locale / "LC_MESSAGES" / f"{feature}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, cat, sort_output=True, omit_header=False, width=0)


def put(feature: str, entries: list[tuple[str, str, str]]) -> None:
    zh, en = load("zh_CN", feature), load("en", feature)
    for key, zh_text, en_text in entries:
        for cat, text in ((zh, zh_text), (en, en_text)):
            if key in cat:
                cat[key].string = text  # Catalog.add keeps an existing translation
            else:
                cat.add(key, text)
    save(zh, "zh_CN", feature)
    save(en, "en", feature)


if __name__ == "__main__":
    put(sys.argv[1], [(sys.argv[2], sys.argv[3], sys.argv[4])])
