"""Policy documents as clauses, and the questions asked about them.

A clause is a heading section, a numbered article (第十条 / Article 10) or, outside an
article, a numbered item (1. / (3) / 三、). Each clause has a `key` built from its numbering
(`a10`, `ch3`, `s7.2`) so a Chinese document and its English version with the same
numbering share keys: an English question can be answered with the Chinese clause.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

_ITEM_NUMBER = re.compile(r"^[(（]?\s*(\d+)\s*(?:[.．、)）]|$)")  # 2. / 2、 / (2)


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
        joiner = "" if self.label.endswith(("、", ".")) and lang == "zh" else " "
        where = joiner.join(p for p in (self.label, self.title) if p) or self.section
        item = _ITEM_NUMBER.match(self.label)
        if item is not None and not self.key.startswith(("a", "ch")):
            # An item is cited by its number under its section: 七、价格体系管理 第2条.
            n = item.group(1)
            if lang == "zh":
                return f"{head}{self.section} 第{n}条" if self.section else f"{head}第{n}条"
            return f"{head}{self.section} · item {n}" if self.section else f"{head}item {n}"
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
    source: str = ""  # the file it was loaded from (its stem); "" for the document itself
    version: int = 1  # how many times its file has been loaded

    def clause(self, key: str) -> Clause | None:
        return next((c for c in self.clauses if c.key == key), None)


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """The documents one file holds, as stored: reloading the file replaces them all."""

    source: str
    version: int
    loaded_at: datetime
    documents: tuple[PolicyDocument, ...]


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


class FaqStatus(StrEnum):
    DRAFT = "draft"  # written, shown to nobody yet
    PUBLISHED = "published"  # answers the dealers of its scope
    WITHDRAWN = "withdrawn"


class FaqReach(StrEnum):
    ALL = "all"
    REGIONS = "regions"
    DEALERS = "dealers"


@dataclass(frozen=True, slots=True)
class FaqScope:
    """Whom a published FAQ answers: every dealer, the dealers of some regions, or some dealers."""

    reach: FaqReach = FaqReach.ALL
    codes: tuple[str, ...] = ()

    def admits(self, dealer: str | None, places: Collection[str]) -> bool:
        """Whether a dealer (None: a manager asking) whose regions, with every region above
        them, are `places` may be answered with it. Managers get only the FAQs for all."""
        if self.reach is FaqReach.ALL:
            return True
        if dealer is None:
            return False
        if self.reach is FaqReach.DEALERS:
            return dealer in self.codes
        return any(code in places for code in self.codes)


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """A question and answer a manager wrote in neutral words (never a dealer's own text)."""

    id: int
    question: str
    answer: str
    lang: str
    source_question_id: int | None = None
    status: FaqStatus = FaqStatus.PUBLISHED
    scope: FaqScope = FaqScope()
    created_by: str = ""
    published_at: datetime | None = None


def digest_window(at: datetime, minutes: int) -> tuple[datetime, datetime]:
    """The interval of `minutes` (counted from midnight UTC) that `at` falls in."""
    day = at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    n = int((at - day).total_seconds() // (minutes * 60))
    start = day + timedelta(minutes=n * minutes)
    return start, start + timedelta(minutes=minutes)


class PolicyRepository(Protocol):
    """The policy knowledge base: documents with their clauses, questions, FAQ entries."""

    def replace_document(self, document: PolicyDocument, revision: str, now: datetime) -> bool:
        """Store `document`, replacing one of the same name; True when one was replaced."""
        ...

    def replace_file(
        self, source: str, documents: Sequence[PolicyDocument], revision: str, now: datetime
    ) -> tuple[int, list[str]]:
        """Store the documents of file `source`, replacing those it held before (and any
        document of the same name): its new version and the names replaced."""
        ...

    def files(self) -> list[LoadedFile]:
        """The loaded files with their documents, by source name."""
        ...

    def remove(self, name: str) -> list[str]:
        """Remove the documents of file `name`, or the document of that name; their names."""
        ...

    def documents(self) -> list[PolicyDocument]: ...
    def faqs(self) -> list[FaqEntry]:
        """The published FAQ entries: what the search answers with."""
        ...

    def faq(self, faq_id: int) -> FaqEntry | None: ...
    def faq_list(self, created_by: str | None, limit: int = 30) -> list[FaqEntry]:
        """FAQ entries of every status, newest first; `created_by` limits them to an author."""
        ...

    def add_faq(self, entry: FaqEntry, by: str, revision: str, now: datetime) -> int: ...
    def save_faq(self, entry: FaqEntry, revision: str) -> None:
        """Store an entry's wording, status and scope; `revision` renews the search index."""
        ...

    def vectors(self, model: str, digests: Sequence[str]) -> Mapping[str, bytes]:
        """The stored sentence vectors of `model` for the texts of those digests."""
        ...

    def save_vectors(self, model: str, vectors: Mapping[str, bytes]) -> None:
        """Keep vectors (digest -> float32 bytes); one already stored is left as it is."""
        ...

    def revision(self) -> str:
        """Changes whenever a document is loaded or an FAQ entry saved (cache key)."""
        ...

    def add_question(self, question: PolicyQuestion) -> int: ...
    def question(self, question_id: int) -> PolicyQuestion | None: ...
    def save_question(self, question: PolicyQuestion) -> None: ...
    def pending_between(
        self, dealer: str, start: datetime, end: datetime, limit: int = 10
    ) -> tuple[int, list[PolicyQuestion]]:
        """How many questions of `dealer` asked in [start, end) wait for a manager, and the
        latest `limit` of them, newest first."""
        ...

    def open_questions(self, dealers: list[str] | None, limit: int = 30) -> list[PolicyQuestion]:
        """Questions waiting for a manager or rated not helpful, oldest first; `dealers`
        limits them to those dealers (None: all)."""
        ...
