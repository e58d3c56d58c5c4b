"""One file, several documents: finding where each starts by its title.

A file saved from a download site holds several documents run together: each starts with
its title on a line of its own, often repeated ("经销商管理制度范文" twice), often run into
the first line of its text ("经销商管理经验总结在过去的一年里…", "…范文一、背景和目的…").
A line is a title when it is short, has no sentence punctuation, is no numbered unit, and
either repeats, is repeated at the start of the next line, or is followed by the first unit
of a numbering (第一章, 第一条, 一、, 1.). A title followed at once by another title (a
collection's name) opens no document.

A Markdown file is one document: its `#` heading is its title.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from domain.policy.layout import SENTENCE_PUNCT, STARTS_UNIT, clean_lines, paragraphs
from domain.policy.model import PolicyDocument, PolicyFormatError
from domain.policy.text import parse_policy, read_lines, split_name

TITLE_CHARS = 30
_FIRST_UNIT = re.compile(r"^(第\s*[一1]\s*[章条编]|[一1]\s*[、.．]|[(（]\s*[一1]\s*[)）])")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+\S", re.M)
# Before the first unit, a run of title words only ("…篇一《经销商管理制度》经销商管理制度").
_LEAD_IN_CHARS = 40


@dataclass(frozen=True, slots=True)
class Part:
    """One document found in a file: its title and its lines, cleaned."""

    title: str
    lines: tuple[str, ...]


def is_markdown(text: str) -> bool:
    return bool(_MARKDOWN_HEADING.search(text))


def _title_like(line: str) -> bool:
    return (
        len(line) <= TITLE_CHARS
        and not any(ch in SENTENCE_PUNCT for ch in line)
        and not STARTS_UNIT.match(line)
        and any(ch.isalpha() for ch in line)
    )


def _opens_document(lines: list[str], i: int) -> bool:
    line = lines[i]
    if not _title_like(line):
        return False
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    if i > 0 and lines[i - 1] == line:
        return True
    return (
        nxt == line
        or (nxt.startswith(line) and len(nxt) > len(line))
        or bool(_FIRST_UNIT.match(nxt))
    )


def _strip_lead_in(title: str, first: str, repeated: bool) -> str:
    """The first line without the title run into it and title words before numbering."""
    if repeated or _FIRST_UNIT.match(first[len(title) :]):
        while first.startswith(title) and len(first) > len(title):
            first = first[len(title) :].lstrip()
    unit = re.search(r"第\s*[一1]\s*[章条编]|[一1][、.．]", first)
    if unit and 0 < unit.start() <= _LEAD_IN_CHARS:
        head = first[: unit.start()]
        if not any(ch in SENTENCE_PUNCT for ch in head):
            first = first[unit.start() :]
    return first


def split_documents(text: str) -> list[Part]:
    """The documents of a plain-text file, in order; text before any title is its own part
    with an empty title (the caller names it after the file)."""
    lines = paragraphs(text)
    starts = [i for i in range(len(lines)) if _opens_document(lines, i)]
    parts: list[Part] = []
    bounds = [*starts, len(lines)]
    if not starts or starts[0] > 0:
        head = lines[: starts[0]] if starts else lines
        parts.append(Part("", tuple(clean_lines("\n".join(head)))))
    for n, start in enumerate(starts):
        title = lines[start]
        body = lines[start + 1 : bounds[n + 1]]
        repeated = start > 0 and lines[start - 1] == title
        while body and body[0] == title:
            body, repeated = body[1:], True
        if body:
            body = [_strip_lead_in(title, body[0], repeated), *body[1:]]
        cleaned = tuple(clean_lines("\n\n".join(b for b in body if b)))
        if cleaned:
            parts.append(Part(title, cleaned))
        elif parts and parts[-1].title == title:
            continue  # a title repeated as a line of its own
    return [p for p in parts if p.lines]


def parse_policy_file(name: str, text: str) -> list[PolicyDocument]:
    """The documents of one file named `name` (its stem): one for Markdown or a file with
    a single title, else one per title, named `name/title` (a repeated title gets ` (2)`).
    Raises PolicyFormatError when no document has a clause."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    if is_markdown(text):
        return [parse_policy(name, text)]
    parts = split_documents(text)
    if len(parts) <= 1:
        title = parts[0].title if parts else ""
        lines = parts[0].lines if parts else ()
        return [read_lines(name, lines, plain=True, title=title)]
    documents: list[PolicyDocument] = []
    seen: dict[str, int] = {}
    for part in parts:
        title = part.title or split_name(name)[0]
        seen[title] = seen.get(title, 0) + 1
        suffix = f" ({seen[title]})" if seen[title] > 1 else ""
        doc_name = f"{name}/{title}{suffix}"[:120]
        try:
            documents.append(
                read_lines(doc_name, part.lines, plain=True, title=title, family=doc_name)
            )
        except PolicyFormatError:
            continue  # a title with no clause under it
    if not documents:
        raise PolicyFormatError(name)
    return documents
