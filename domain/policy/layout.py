"""A policy text as it really arrives, made into clean lines a clause reader can follow.

Text copied from a download site, extracted from a PDF or saved from Word has: notices of
the site ("下载文档前请自行甄别…", "相关文档"), page furniture ("第 2 页 共 9 页", "- 3 -"),
lines wrapped at the page width, and headings run together with their text
("第一章总则第一条为规范…", "七、价格体系管理1、供货价格…"). `clean_lines` drops the first
two, joins wrapped lines back into paragraphs and starts a new line where numbering begins.
"""

from __future__ import annotations

import re
import unicodedata

CN = "零〇一二三四五六七八九十百千两"
_NUM = rf"(?:\d{{1,3}}|[{CN}]{{1,5}})"

_BOILERPLATE = re.compile(
    r"^(合集下载|(相关|最新|推荐|热门|更多)文档|(上|下)一篇.*|返回顶部|目\s*录)$"
    r"|下载文档前请|仅部分预览|侵犯您的权益|联系客服|本文档(由|来自|仅供)|文档(来源|贡献者)"
    r"|^第\s*\d+\s*页\s*[,，/]?\s*(共\s*\d+\s*页)?$|^[-—–]\s*\d+\s*[-—–]$|^\d+\s*/\s*\d+$"
    r"|^page\s+\d+(\s+of\s+\d+)?$",
    re.I,
)
# Where a line's sentence is over: a following line is a new paragraph.
_ENDS = '。；;：:！？!?」』”"）)】'
SENTENCE_PUNCT = "。；;，,：:！？!?"

# Numbering that starts a unit: 第一章, 第十八条, 一、, 1. / 1、, (1) / （一）.
_ARTICLE = rf"第\s*{_NUM}\s*[章条节编]"
_CN_ITEM = rf"[{CN}]{{1,3}}、"
_NUM_ITEM = r"\d{1,2}(?:[、．]|\.(?!\d))"
_PAREN_ITEM = rf"[(（]\s*{_NUM}\s*[)）]"
STARTS_UNIT = re.compile(rf"^(?:{_ARTICLE}|{_CN_ITEM}|{_NUM_ITEM}|{_PAREN_ITEM})")
_AFTER_SENTENCE = re.compile(
    rf"(?<=[。；;：:！？!?])\s*(?={_ARTICLE}|{_CN_ITEM}|{_NUM_ITEM}(?!\s*[%％])|{_PAREN_ITEM})"
)
_ANY_UNIT = re.compile(rf"{_ARTICLE}|{_CN_ITEM}|{_NUM_ITEM}|{_PAREN_ITEM}")
_ARTICLE_AT = re.compile(_ARTICLE)
HEAD_CHARS = 20  # a run-on heading ("七、价格体系管理") is at most this long


def _normalize(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw.replace("\x00", "").lstrip("\ufeff"))
    return text.replace("\u3000", " ").replace("\xa0", " ").strip()


def is_boilerplate(line: str) -> bool:
    return bool(_BOILERPLATE.search(line.lstrip("0123456789.、 ")))


WRAPPED_CHARS = 6  # a shorter line without punctuation is a title, not a wrapped line


def _joins(previous: str, line: str) -> bool:
    """Whether `line` continues `previous`, which was wrapped at the page width: the
    previous line is unfinished and no title or heading, and this one does not start a
    numbered unit nor repeat the previous line (a title, then its text)."""
    if len(previous) < WRAPPED_CHARS or previous[-1] in _ENDS or STARTS_UNIT.match(line):
        return False
    if line.startswith(previous):
        return False
    heading = STARTS_UNIT.match(previous) and len(previous) <= HEAD_CHARS
    return not heading


def _glue(previous: str, line: str) -> str:
    space = " " if previous[-1].isascii() and line[0].isascii() else ""
    return previous + space + line


def paragraphs(text: str) -> list[str]:
    """Non-empty lines with boilerplate dropped and wrapped lines joined."""
    out: list[str] = []
    open_paragraph = False  # the last line may continue (no blank line since)
    for raw in text.splitlines():
        line = _normalize(raw)
        if not line:
            open_paragraph = False
            continue
        if is_boilerplate(line):
            continue
        if open_paragraph and out and _joins(out[-1], line):
            out[-1] = _glue(out[-1], line)
        else:
            out.append(line)
        open_paragraph = True
    return out


def _run_on_heading(line: str) -> int:
    """Where text starts after a heading run together with it: `第一章总则第一条…` (at
    第一条), `七、价格体系管理1、供货…` (at 1、); 0 when the line has no such heading."""
    first = STARTS_UNIT.match(line)
    if first is None or re.match(r"^第[^条]{1,8}条", first.group(0)):
        return 0  # an article is no heading: its text follows its number
    chapter = re.match(rf"^第\s*{_NUM}\s*[章编节]", line)
    if chapter:
        article = _ARTICLE_AT.search(line, chapter.end())
        if article and article.start() - chapter.end() <= HEAD_CHARS:
            head = line[chapter.end() : article.start()]
            if not any(ch in SENTENCE_PUNCT for ch in head):
                return article.start()
        return 0
    nxt = _ANY_UNIT.search(line, first.end())
    if nxt is None or nxt.start() - first.end() > HEAD_CHARS:
        return 0
    head = line[first.end() : nxt.start()]
    if not head.strip() or any(ch in SENTENCE_PUNCT for ch in head):
        return 0
    return nxt.start()


def split_units(line: str) -> list[str]:
    """A line cut where numbering starts a unit: after a sentence ends, or after a heading
    run together with its text."""
    pieces: list[str] = []
    for part in _AFTER_SENTENCE.split(line):
        while part:
            cut = _run_on_heading(part)
            if cut <= 0:
                break
            pieces.append(part[:cut].strip())
            part = part[cut:].strip()
        if part.strip():
            pieces.append(part.strip())
    return pieces


def clean_lines(text: str) -> list[str]:
    """The text as lines a clause reader can follow (see the module's docstring)."""
    return [piece for para in paragraphs(text) for piece in split_units(para)]
