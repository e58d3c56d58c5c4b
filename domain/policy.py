"""Policy documents as clauses: parsing Markdown or plain text into citable units.

A clause is a heading section, a numbered article (第十条 / Article 10) or, outside an
article, a numbered item (1. / (3) / 三、). Each clause has a `key` built from its numbering
(`a10`, `ch3`, `s7.2`) so a Chinese document and its English version with the same
numbering share keys: an English question can be answered with the Chinese clause.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class PolicyFormatError(ValueError):
    """The text holds no clause (empty, or not a policy document)."""


@dataclass(frozen=True, slots=True)
class Clause:
    key: str  # shared by the translations of one document: "a10", "ch3", "s7.2"
    label: str  # the numbering as written: "第十条", "Article 10", "2."
    title: str  # heading or article title, may be empty
    section: str  # the enclosing headings, " / "-joined
    text: str
    ordinal: int = 0

    def citation(self, document_title: str, lang: str = "zh") -> str:
        """`《Title》Label Title` (zh) or `Title · Label Title` (en): the document's own words."""
        if not document_title:
            head = ""
        elif lang == "zh":
            head = f"《{document_title}》"
        else:
            head = f"{document_title} · "
        parts = [p for p in (self.label, self.title) if p]
        where = " ".join(parts) or self.section
        if self.key.startswith(("a", "ch")) or not self.section or where == self.section:
            return f"{head}{where}"
        return f"{head}{self.section} · {where}"


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    name: str  # unique; reloading a document of the same name replaces it
    family: str  # translations share it: "dealer_policy" for dealer_policy.zh / .en
    lang: str  # "zh" or "en"
    title: str
    clauses: tuple[Clause, ...]
    source_hash: str = ""

    def clause(self, key: str) -> Clause | None:
        return next((c for c in self.clauses if c.key == key), None)


class Rating(StrEnum):
    HELPFUL = "up"
    NOT_HELPFUL = "down"


class QuestionStatus(StrEnum):
    ANSWERED = "answered"  # the bot answered with confidence
    PENDING = "pending"  # the bot was not sure; waiting for a manager
    MANAGER_ANSWERED = "manager_answered"


@dataclass(slots=True)
class PolicyQuestion:
    platform: str
    chat_id: str
    user_id: str
    dealer_code: str | None
    text: str
    lang: str
    asked_at: datetime
    status: QuestionStatus
    confidence: float = 0.0
    # Ranked answers shown: ("clause", family, key) or ("faq", id, "").
    refs: list[tuple[str, str, str]] = field(default_factory=list)
    answer: str = ""
    answered_by: str = ""
    answered_at: datetime | None = None
    rating: Rating | None = None
    faq_id: int | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class FaqEntry:
    id: int
    question: str
    answer: str
    lang: str
    source_question_id: int | None = None


class PolicyRepository(Protocol):
    """The policy knowledge base: documents with their clauses, questions, FAQ entries."""

    def replace_document(self, document: PolicyDocument, revision: str, now: datetime) -> bool:
        """Store `document`, replacing one of the same name; True when one was replaced."""
        ...

    def documents(self) -> list[PolicyDocument]: ...
    def faqs(self) -> list[FaqEntry]: ...
    def revision(self) -> str:
        """Changes whenever a document is loaded or an FAQ entry saved (cache key)."""
        ...

    def add_question(self, question: PolicyQuestion) -> int: ...
    def question(self, question_id: int) -> PolicyQuestion | None: ...
    def save_question(self, question: PolicyQuestion) -> None: ...
    def add_faq(
        self, question: PolicyQuestion, answer: str, by: str, revision: str, now: datetime
    ) -> int: ...
    def open_questions(self, dealers: list[str] | None, limit: int = 30) -> list[PolicyQuestion]:
        """Questions waiting for a manager or rated not helpful, oldest first; `dealers`
        limits them to those dealers (None: all)."""
        ...


# -- parsing -------------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "零〇一二三四五六七八九十百千两"


def cn_to_int(text: str) -> int:
    """`十二` -> 12, `一百零五` -> 105, `23` -> 23."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + digit


_N = rf"(?:\d+|[{CN_NUM}]+)"
_ARTICLE = re.compile(
    rf"^\**\s*(第\s*({_N})\s*条|(?:article|art\.)\s*(\d+)\b\.?)\**[\s:：、.]*", re.I
)
_CHAPTER = re.compile(rf"^(第\s*({_N})\s*[章编]|(?:chapter|part)\s*(\d+)\b\.?)[\s:：、.]*", re.I)
_SECTION = re.compile(rf"^(第\s*({_N})\s*节|section\s*(\d+)\b\.?)[\s:：、.]*", re.I)
_CN_ITEM = re.compile(rf"^([{CN_NUM}]+)[、．.]\s*")
_NUM_ITEM = re.compile(r"^(\d+)(?:[.．、](?!\d)|\s*[)）])\s*")
_PAREN_ITEM = re.compile(rf"^[(（]\s*({_N})\s*[)）]\s*")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")


@dataclass
class _Open:
    key: str
    label: str
    title: str
    section: str
    kind: str  # "article", "heading", "item", "preamble"
    lines: list[str] = field(default_factory=list)


def _marker(text: str) -> tuple[str, str, str, str] | None:
    """(kind, key, label, rest) for a line starting with article/chapter/section numbering."""
    for kind, pattern, prefix in (
        ("article", _ARTICLE, "a"),
        ("chapter", _CHAPTER, "ch"),
        ("section", _SECTION, "sec"),
    ):
        m = pattern.match(text)
        if m:
            number = m.group(2) or m.group(3)
            label = m.group(1).strip("* ").rstrip(".")
            return kind, f"{prefix}{cn_to_int(number)}", label, text[m.end() :].strip()
    return None


def _item(text: str) -> tuple[str, int, str, str] | None:
    """(style, number, label, rest) for a numbered item line: `1.`, `(3)`, `三、`."""
    for style, pattern in (("cn", _CN_ITEM), ("num", _NUM_ITEM), ("paren", _PAREN_ITEM)):
        m = pattern.match(text)
        if m:
            try:
                n = cn_to_int(m.group(1))
            except ValueError:
                return None
            return style, n, m.group(0).strip(), text[m.end() :].strip()
    return None


def _split_title(rest: str) -> tuple[str, str]:
    """An article line `【最低售价】经销商…` or `(Price floor) Dealers…` -> (title, body)."""
    m = re.match(r"^[【\[(（]([^】\])）]{1,30})[】\])）]\s*(.*)$", rest)
    if m:
        return m.group(1).strip(), m.group(2).strip()
    m = re.match(r"^\*\*([^*]{1,40})\*\*\s*(.*)$", rest)
    if m:
        return m.group(1).strip(" ：:"), m.group(2).strip()
    return "", rest


def _slug(title: str) -> str:
    s = re.sub(r"[^\w]+", "-", title.lower()).strip("-")
    return "h:" + s[:40]


def detect_lang(text: str) -> str:
    """ "zh" when the text is mostly Chinese characters, else "en"."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "zh" if cjk * 2 >= latin and cjk > 0 else "en"


def split_name(name: str) -> tuple[str, str | None]:
    """`dealer_policy.zh` -> ("dealer_policy", "zh"); `rules` -> ("rules", None)."""
    stem, _, suffix = name.rpartition(".")
    low = suffix.lower().replace("-", "_")
    if stem and low in ("zh", "zh_cn", "cn"):
        return stem, "zh"
    if stem and low in ("en", "en_us", "en_gb"):
        return stem, "en"
    return name, None


def parse_policy(name: str, text: str) -> PolicyDocument:
    """Split a Markdown or plain-text policy into clauses; raises PolicyFormatError if none."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    family, lang = split_name(name)
    title = ""
    headings: list[tuple[int, str, str]] = []  # (level, key, text)
    clauses: list[_Open] = []
    current: _Open | None = None
    item_style: str | None = None  # the numbering style that makes clauses in this section

    def section() -> str:
        return " / ".join(h[2] for h in headings)

    def heading_key() -> str:
        return headings[-1][1] if headings else ""

    def open_clause(key: str, label: str, ctitle: str, kind: str, body: str = "") -> _Open:
        nonlocal current
        current = _Open(key, label, ctitle, section(), kind, [body] if body else [])
        clauses.append(current)
        return current

    def open_heading(level: int, raw: str) -> None:
        nonlocal item_style, title
        while headings and headings[-1][0] >= level:
            headings.pop()
        mark = _marker(raw)
        item = _item(raw) if mark is None else None
        if mark is not None:
            kind, key, label, rest = mark
            htitle, body = _split_title(rest) if kind == "article" else (rest, "")
            if kind == "article":
                open_clause(key, label, htitle or body, "article")
                item_style = None
                return
        elif item is not None:
            _, n, label, rest = item
            parent = heading_key()
            key = f"{parent}.{n}" if parent.startswith(("s", "ch")) else f"s{n}"
            label, htitle = label, rest
        else:
            key, label, htitle = _slug(raw), "", raw
        headings.append((level, key, raw))
        item_style = None
        open_clause(key, label, htitle, "heading")

    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line:
            if current is not None and current.lines and current.lines[-1] != "":
                current.lines.append("")
            continue
        m = _HEADING.match(line)
        if m:
            level, body = len(m.group(1)), m.group(2).strip()
            if level == 1 and not title and not clauses:
                title = body
                continue
            open_heading(level, body)
            continue
        line = re.sub(r"^[-*+]\s+(?=\S)", "", line) if not line.startswith("**") else line
        mark = _marker(line)
        if mark is not None:
            kind, key, label, rest = mark
            if kind == "article":
                ctitle, body = _split_title(rest)
                open_clause(key, label, ctitle, "article", body)
                item_style = None
            elif len(rest) <= 40:  # a chapter or section line of plain text
                open_heading(2 if kind == "chapter" else 3, line)
            else:
                open_clause(key, label, "", "heading", rest)
            continue
        item = _item(line)
        in_article = current is not None and current.kind == "article"
        if item is not None and not in_article:
            style, n, label, rest = item
            if item_style is None:
                item_style = style
            if style == item_style:
                if style == "cn" and len(rest) <= 30 and not headings:
                    open_heading(2, line)  # plain text `三、价格体系` is a section heading
                    item_style = None
                    continue
                parent = heading_key()
                key = f"{parent}.{n}" if parent else f"s{n}"
                if current is not None and current.kind == "item" and current.key == key:
                    key += f"~{len(clauses)}"
                open_clause(key, label, "", "item", rest)
                continue
        if current is None:
            if not title and len(line) <= 60:
                title = line.strip("# ")
                continue
            open_clause("p0", "", "", "preamble")
        assert current is not None
        if current.kind == "item" and item is None and not current.lines:
            current.lines.append(line)
        else:
            current.lines.append(line)

    result: list[Clause] = []
    seen: set[str] = set()
    for c in clauses:
        body = "\n".join(c.lines).strip()
        body = re.sub(r"\n{3,}", "\n\n", body)
        if not body and c.kind == "heading":
            continue  # a chapter heading that only groups articles
        key = c.key
        n = 2
        while key in seen:
            key, n = f"{c.key}~{n}", n + 1
        seen.add(key)
        result.append(Clause(key, c.label, c.title, c.section, body, len(result)))
    if not result:
        raise PolicyFormatError(name)
    title = title or family
    lang = lang or detect_lang(text)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return PolicyDocument(name, family, lang, title, tuple(result), digest)
