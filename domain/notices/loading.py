"""Notices written as text: a quiz typed in chat, and a notice file (`notices load
FILE.toml`) already parsed into a dict. Every problem is named, nothing half-read is kept."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from domain.notices.model import NoticeFile, Question, Quiz
from domain.promotions.model import Audience

MAX_QUESTIONS = 20
MAX_CHOICES = 6  # a row of buttons each
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
_LINK = re.compile(r"^https?://\S+$")


class NoticeFileError(ValueError):
    """What is wrong, one problem a line (`problems`), each a (catalog key, params) pair;
    `draft` is what could be read, so that later checks can name their problems too."""

    def __init__(
        self, problems: list[tuple[str, dict[str, Any]]], draft: NoticeDraft | None = None
    ) -> None:
        super().__init__("; ".join(key for key, _ in problems))
        self.problems = problems
        self.draft = draft


def attachment_type(filename: str, mime: str = "") -> str | None:
    """The type a PDF, DOCX or image attachment is sent as; None for anything else."""
    suffix = PurePath(filename.lower()).suffix
    if suffix in ATTACHMENT_TYPES:
        return ATTACHMENT_TYPES[suffix]
    if mime in ATTACHMENT_TYPES.values():
        return mime
    return None


def is_link(text: str) -> bool:
    return bool(_LINK.match(text.strip()))


def parse_question(line: str) -> Question:
    """`question | choice | *right choice | choice`: the starred choice is the answer."""
    parts = [p.strip() for p in line.split("|")]
    text, choices = parts[0], parts[1:]
    stars = [i for i, c in enumerate(choices) if c.startswith("*")]
    if not text or len(choices) < 2 or any(not c.lstrip("*").strip() for c in choices):
        raise NoticeFileError([("notices.quiz_bad_line", {"line": line[:60]})])
    if len(choices) > MAX_CHOICES:
        raise NoticeFileError([("notices.quiz_many_choices", {"max": MAX_CHOICES})])
    if len(stars) != 1:
        raise NoticeFileError([("notices.quiz_one_star", {"line": line[:60]})])
    return Question(text, tuple(c.lstrip("*").strip() for c in choices), stars[0])


def parse_quiz_text(text: str) -> Quiz:
    """One question a line; every bad line is named."""
    questions, problems = [], []
    for line in (x for x in text.splitlines() if x.strip()):
        try:
            questions.append(parse_question(line))
        except NoticeFileError as err:
            problems.extend(err.problems)
    if len(questions) > MAX_QUESTIONS:
        problems.append(("notices.quiz_many_questions", {"max": MAX_QUESTIONS}))
    if problems or not questions:
        raise NoticeFileError(problems or [("notices.quiz_empty", {})])
    return Quiz(tuple(questions))


@dataclass(frozen=True, slots=True)
class NoticeDraft:
    title: str
    body: str
    audience: Audience
    ack_by: date | None
    link: str
    file: NoticeFile | None
    quiz: Quiz | None
    by: str


def _strings(value: Any, field: str, problems: list) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(("notices.file_bad_list", {"field": field}))
        return ()
    return tuple(value)


def _quiz(items: Any, problems: list) -> Quiz | None:
    if items is None:
        return None
    if not isinstance(items, list) or not items:
        problems.append(("notices.file_bad_quiz", {"n": 1}))
        return None
    questions = []
    for n, item in enumerate(items, start=1):
        choices = item.get("choices") if isinstance(item, dict) else None
        right = item.get("answer") if isinstance(item, dict) else None
        text = item.get("question") if isinstance(item, dict) else None
        if (
            not isinstance(text, str)
            or not text.strip()
            or not isinstance(choices, list)
            or not 2 <= len(choices) <= MAX_CHOICES
            or not all(isinstance(c, str) and c.strip() for c in choices)
            or not isinstance(right, int)
            or isinstance(right, bool)
            or not 1 <= right <= len(choices)
        ):
            problems.append(("notices.file_bad_quiz", {"n": n}))
            continue
        questions.append(Question(text.strip(), tuple(c.strip() for c in choices), right - 1))
    if len(questions) > MAX_QUESTIONS:
        problems.append(("notices.quiz_many_questions", {"max": MAX_QUESTIONS}))
    return Quiz(tuple(questions)) if questions else None


def notice_from_file(
    data: dict[str, Any], read: Callable[[str], bytes | None], max_bytes: int, by: str = ""
) -> NoticeDraft:
    """A notice file's contents as a draft; `read(name)` gives an attachment's bytes (None
    when there is no such file). Raises NoticeFileError naming every problem."""
    problems: list[tuple[str, dict[str, Any]]] = []
    known = {"title", "body", "by", "link", "attachment", "ack_by", "audience", "quiz"}
    for key in sorted(set(data) - known):
        problems.append(("notices.file_unknown_key", {"field": key}))
    title, body = data.get("title"), data.get("body")
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        problems.append(("notices.file_need_title", {}))
    if not isinstance(body, str) or not body.strip() or len(body) > 4000:
        problems.append(("notices.file_need_body", {}))
    link = data.get("link", "")
    if link and not (isinstance(link, str) and is_link(link)):
        problems.append(("notices.bad_link", {"value": str(link)[:60]}))
    ack_by = data.get("ack_by")
    if ack_by is not None and (not isinstance(ack_by, date) or hasattr(ack_by, "hour")):
        problems.append(("notices.file_bad_date", {"value": str(ack_by)[:30]}))
        ack_by = None
    audience = data.get("audience", {})
    if not isinstance(audience, dict):
        problems.append(("notices.file_bad_list", {"field": "audience"}))
        audience = {}
    for key in sorted(set(audience) - {"lines", "regions", "tiers"}):
        problems.append(("notices.file_unknown_key", {"field": f"audience.{key}"}))
    aud = Audience(
        _strings(audience.get("lines"), "audience.lines", problems),  # type: ignore[arg-type]
        _strings(audience.get("regions"), "audience.regions", problems),  # type: ignore[arg-type]
        _strings(audience.get("tiers"), "audience.tiers", problems),
    )
    file = None
    name = data.get("attachment")
    if name is not None:
        mime = attachment_type(str(name))
        content = read(str(name)) if mime else None
        if mime is None:
            problems.append(("notices.not_attachable", {"name": str(name)[:60]}))
        elif content is None:
            problems.append(("notices.file_missing", {"name": str(name)[:60]}))
        elif len(content) > max_bytes:
            problems.append(("notices.too_big", {"max": max_bytes // (1024 * 1024)}))
        else:
            file = NoticeFile(PurePath(str(name)).name, mime, content)
    quiz = _quiz(data.get("quiz"), problems)
    author = by or data.get("by", "")
    if not isinstance(author, str) or not author:
        problems.append(("notices.file_need_by", {}))
    draft = NoticeDraft(
        str(title or "").strip(),
        str(body or "").strip(),
        aud,
        ack_by,
        str(link or ""),
        file,
        quiz,
        str(author or ""),
    )
    if problems:
        raise NoticeFileError(problems, draft)
    return draft
