"""Reading a policy document: Markdown or plain text in, clauses out.

- A Markdown heading opens a section; `### 第十条 最低终端售价` / `### Article 10 Price floor`
  is an article with its title.
- A line starting with 第十条 / Article 10 opens an article (plain text works the same);
  第三章 / Chapter 3 on a short line is a chapter heading.
- Outside an article, numbered items of the section's first numbering style (1. / (3) / 三、)
  are clauses of their own; other numbering inside stays in the text of its clause.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from domain.policy.layout import SENTENCE_PUNCT, clean_lines
from domain.policy.model import Clause, PolicyDocument, PolicyFormatError

_CN_DIGITS = dict(
    zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)
)
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "零〇一二三四五六七八九十百千两"


def cn_to_int(text: str) -> int:
    """`十二` -> 12, `一百零五` -> 105, `23` -> 23."""
    if text.isdecimal():
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
_MARKERS = (
    ("article", "a", rf"^\**\s*(第\s*({_N})\s*条|(?:article|art\.)\s*(\d+)\b\.?)\**[\s:：、.]*"),
    ("chapter", "ch", rf"^(第\s*({_N})\s*[章编]|(?:chapter|part)\s*(\d+)\b\.?)[\s:：、.]*"),
    ("section", "sec", rf"^(第\s*({_N})\s*节|section\s*(\d+)\b\.?)[\s:：、.]*"),
)
_MARKER_RES = tuple((kind, prefix, re.compile(p, re.I)) for kind, prefix, p in _MARKERS)
_ITEM_RES = (
    ("cn", re.compile(rf"^([{CN_NUM}]+)[、．.]\s*")),
    ("num", re.compile(r"^(\d+)(?:[.．、](?!\d)|\s*[)）])\s*")),
    ("paren", re.compile(rf"^[(（]\s*({_N})\s*[)）]\s*")),
)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_MD_HEADING_LINE = re.compile(r"^#{1,6}\s+\S", re.M)
_BULLET = re.compile(r"^[-*+]\s+(?=\S)")


@dataclass(frozen=True, slots=True)
class Marker:
    kind: str  # "article", "chapter" or "section"
    key: str  # "a10"
    label: str  # "第十条"
    rest: str  # the line after the numbering


@dataclass(frozen=True, slots=True)
class Item:
    style: str  # "cn" (三、), "num" (1.), "paren" ((3))
    number: int
    label: str
    rest: str


def marker(line: str) -> Marker | None:
    for kind, prefix, pattern in _MARKER_RES:
        m = pattern.match(line)
        if m:
            number = cn_to_int(m.group(2) or m.group(3))
            label = m.group(1).strip("* ").rstrip(".")
            return Marker(kind, f"{prefix}{number}", label, line[m.end() :].strip())
    return None


def item(line: str) -> Item | None:
    for style, pattern in _ITEM_RES:
        m = pattern.match(line)
        if m:
            try:
                number = cn_to_int(m.group(1))
            except ValueError:
                return None
            return Item(style, number, m.group(0).strip(), line[m.end() :].strip())
    return None


def split_title(rest: str) -> tuple[str, str]:
    """An article line `【最低售价】经销商…` or `**Price floor** Dealers…` -> (title, body)."""
    m = re.match(r"^[【\[(（]([^】\])）]{1,30})[】\])）]\s*(.*)$", rest)
    if m:
        return m.group(1).strip(), m.group(2).strip()
    m = re.match(r"^\*\*([^*]{1,40})\*\*\s*(.*)$", rest)
    if m:
        return m.group(1).strip(" ：:"), m.group(2).strip()
    return "", rest


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


@dataclass
class _Draft:
    key: str
    label: str
    title: str
    section: str
    kind: str  # "article", "heading", "item" or "preamble"
    lines: list[str] = field(default_factory=list)


def head_and_body(rest: str) -> tuple[str, str]:
    """A numbered line's heading and text: `经销商定义:本公司…` -> ("经销商定义", "本公司…");
    a short line without punctuation is all heading; otherwise there is no heading."""
    if len(rest) <= 30 and not any(ch in SENTENCE_PUNCT for ch in rest):
        return rest, ""
    m = re.match(r"^([^，,。；;：:！？!?]{1,16})[：:]\s*(.*)$", rest, re.S)
    if m:
        return m.group(1).strip(), m.group(2).strip()
    return "", rest


class _Reader:
    """Reads lines in order; keeps the open headings and the clause being written.

    In plain text (`plain`), 一、 always opens a section (its heading is what precedes a
    colon, or the whole short line) and numbered items take their heading the same way.
    """

    def __init__(self, plain: bool = False, title: str = "") -> None:
        self.plain = plain
        self.title = title
        self.headings: list[tuple[int, str, str]] = []  # (level, key, text)
        self.drafts: list[_Draft] = []
        self.current: _Draft | None = None
        self.item_style: str | None = None  # numbering that makes clauses in this section

    def open(self, key: str, label: str, title: str, kind: str, body: str = "") -> None:
        section = " / ".join(h[2] for h in self.headings)
        self.current = _Draft(key, label, title, section, kind, [body] if body else [])
        self.drafts.append(self.current)
        if kind != "item":
            self.item_style = None

    def heading(self, level: int, text: str) -> None:
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        mark = marker(text)
        if mark is not None and mark.kind == "article":
            title, body = split_title(mark.rest)
            self.open(mark.key, mark.label, title or body, "article")
            return
        numbered = item(text) if mark is None else None
        if mark is not None:
            key, label, title = mark.key, mark.label, mark.rest
        elif numbered is not None:
            parent = self.headings[-1][1] if self.headings else ""
            key = (
                f"{parent}.{numbered.number}" if parent[:1] in ("s", "c") else f"s{numbered.number}"
            )
            label, title = numbered.label, numbered.rest
        else:
            key, label, title = (
                "h:" + re.sub(r"[^\w]+", "-", text.lower()).strip("-")[:40],
                "",
                text,
            )
        self.headings.append((level, key, text))
        self.open(key, label, title, "heading")

    def line(self, line: str) -> None:
        m = _HEADING.match(line)
        if m:
            level, text = len(m.group(1)), m.group(2).strip()
            if level == 1 and not self.title and not self.drafts:
                self.title = text
            else:
                self.heading(level, text)
            return
        if not line.startswith("**"):
            line = _BULLET.sub("", line)
        mark = marker(line)
        if mark is not None:
            if mark.kind == "article":
                title, body = split_title(mark.rest)
                self.open(mark.key, mark.label, title, "article", body)
            elif len(mark.rest) <= 40:  # a chapter or section line of plain text
                self.heading(2 if mark.kind == "chapter" else 3, line)
            else:
                self.open(mark.key, mark.label, "", "heading", mark.rest)
            return
        if self._item(line):
            return
        if self.current is None:
            if not self.title and len(line) <= 60:
                self.title = line
                return
            self.open("p0", "", "", "preamble")
        assert self.current is not None
        self.current.lines.append(line)

    def _item(self, line: str) -> bool:
        """Open a clause for a numbered item outside an article; False if `line` is not one."""
        numbered = item(line)
        if numbered is None or (self.current is not None and self.current.kind == "article"):
            return False
        if self.plain and numbered.style == "cn":
            head, body = head_and_body(numbered.rest)
            self.heading(2, f"{numbered.label}{head}")
            if body:
                assert self.current is not None
                self.current.lines.append(body)
            return True
        self.item_style = self.item_style or numbered.style
        if numbered.style != self.item_style:
            return False
        if numbered.style == "cn" and len(numbered.rest) <= 30 and not self.headings:
            self.heading(2, line)  # plain text `三、价格体系` is a section heading
            return True
        parent = self.headings[-1][1] if self.headings else ""
        key = f"{parent}.{numbered.number}" if parent else f"s{numbered.number}"
        head, body = head_and_body(numbered.rest) if self.plain else ("", numbered.rest)
        self.open(key, numbered.label, head, "item", body)
        return True

    def blank(self) -> None:
        if self.current is not None and self.current.lines and self.current.lines[-1]:
            self.current.lines.append("")

    def clauses(self) -> list[Clause]:
        result: list[Clause] = []
        seen: set[str] = set()
        for d in self.drafts:
            body = re.sub(r"\n{3,}", "\n\n", "\n".join(d.lines).strip())
            if not body and d.kind in ("heading", "item"):
                continue  # a chapter heading that only groups articles, an item in a list
            key, n = d.key, 2
            while key in seen:
                key, n = f"{d.key}~{n}", n + 1
            seen.add(key)
            result.append(Clause(key, d.label, d.title, d.section, body, len(result)))
        return result


def read_lines(
    name: str, lines: Sequence[str], *, plain: bool, title: str = "", family: str = ""
) -> PolicyDocument:
    """A document from its lines (blank ones end paragraphs); PolicyFormatError if no clause."""
    reader = _Reader(plain, title)
    for raw in lines:
        line = raw.strip()
        if line:
            reader.line(line)
        else:
            reader.blank()
    clauses = reader.clauses()
    if not clauses:
        raise PolicyFormatError(name)
    own_family, lang = split_name(name)
    text = "\n".join(lines)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    family = family or own_family
    return PolicyDocument(
        name, family, lang or detect_lang(text), reader.title or family, tuple(clauses), digest
    )


def parse_policy(name: str, text: str) -> PolicyDocument:
    """Split a Markdown or plain-text policy into clauses; raises PolicyFormatError if none.
    Plain text is cleaned first (see domain.policy.layout)."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    if _MD_HEADING_LINE.search(text):
        return read_lines(name, text.splitlines(), plain=False)
    return read_lines(name, clean_lines(text), plain=True)
