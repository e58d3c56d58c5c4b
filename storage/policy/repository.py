"""SqlPolicyRepository: the policy knowledge base in the database."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from domain.policy.model import (
    Clause,
    FaqEntry,
    FaqReach,
    FaqScope,
    FaqStatus,
    LoadedFile,
    PolicyDocument,
    PolicyQuestion,
    QuestionStatus,
    Rating,
)
from storage.dialects import insert_for
from storage.policy.models import (
    PolicyClauseRow,
    PolicyDocumentRow,
    PolicyFaqRow,
    PolicyQuestionRow,
    PolicyVectorRow,
)


def _document(r: PolicyDocumentRow) -> PolicyDocument:
    return PolicyDocument(
        name=r.name,
        family=r.family,
        lang=r.lang,
        title=r.title,
        clauses=tuple(
            Clause(c.key, c.label, c.title, c.section, c.text, c.ordinal) for c in r.clauses
        ),
        source_hash=r.source_hash,
        source=r.source,
        version=r.version,
    )


def _faq(row: PolicyFaqRow) -> FaqEntry:
    codes = tuple(c for c in row.scope_codes.split("|") if c)
    return FaqEntry(
        id=row.id,
        question=row.question,
        answer=row.answer,
        lang=row.lang,
        source_question_id=row.source_question_id,
        status=FaqStatus(row.status),
        scope=FaqScope(FaqReach(row.scope), codes),
        created_by=row.created_by,
        published_at=row.published_at,
    )


def _fill_faq(row: PolicyFaqRow, entry: FaqEntry, revision: str) -> None:
    row.question = entry.question
    row.answer = entry.answer
    row.lang = entry.lang
    row.status = entry.status.value
    row.scope = entry.scope.reach.value
    row.scope_codes = "|".join(entry.scope.codes)
    row.published_at = entry.published_at
    row.revision = revision


def _question(row: PolicyQuestionRow) -> PolicyQuestion:
    return PolicyQuestion(
        id=row.id,
        platform=row.platform,
        chat_id=row.chat_id,
        user_id=row.user_id,
        dealer_code=row.dealer_code,
        text=row.text,
        lang=row.lang,
        asked_at=row.asked_at,
        status=QuestionStatus(row.status),
        confidence=row.confidence,
        refs=[tuple(r) for r in row.refs],
        answer=row.answer,
        answered_by=row.answered_by,
        answered_at=row.answered_at,
        rating=Rating(row.rating) if row.rating else None,
        faq_id=row.faq_id,
    )


class SqlPolicyRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def replace_document(self, document: PolicyDocument, revision: str, now: datetime) -> bool:
        replaced = self.s.execute(
            delete(PolicyDocumentRow).where(PolicyDocumentRow.name == document.name)
        ).rowcount
        self.s.flush()
        self._add(document, revision, now, document.source, document.version)
        return bool(replaced)

    def replace_file(
        self, source: str, documents: Sequence[PolicyDocument], revision: str, now: datetime
    ) -> tuple[int, list[str]]:
        names = [d.name for d in documents]
        old = self.s.execute(
            select(PolicyDocumentRow.name, PolicyDocumentRow.version).where(
                or_(PolicyDocumentRow.source == source, PolicyDocumentRow.name.in_(names))
            )
        ).all()
        version = 1 + max((v for _, v in old), default=0)
        self.s.execute(
            delete(PolicyDocumentRow).where(PolicyDocumentRow.name.in_([n for n, _ in old]))
        )
        self.s.flush()
        for document in documents:
            self._add(document, revision, now, source, version)
        return version, sorted(n for n, _ in old)

    def files(self) -> list[LoadedFile]:
        by_source: dict[str, list[PolicyDocument]] = {}
        loaded: dict[str, tuple[int, datetime]] = {}
        rows = self.s.scalars(
            select(PolicyDocumentRow)
            .options(selectinload(PolicyDocumentRow.clauses))
            .order_by(PolicyDocumentRow.source, PolicyDocumentRow.id)
        )
        for r in rows:
            source = r.source or r.name
            by_source.setdefault(source, []).append(_document(r))
            loaded[source] = (r.version, r.loaded_at)
        return [
            LoadedFile(source, loaded[source][0], loaded[source][1], tuple(docs))
            for source, docs in sorted(by_source.items())
        ]

    def remove(self, name: str) -> list[str]:
        where = or_(PolicyDocumentRow.source == name, PolicyDocumentRow.name == name)
        names = sorted(self.s.scalars(select(PolicyDocumentRow.name).where(where)))
        if names:
            self.s.execute(delete(PolicyDocumentRow).where(PolicyDocumentRow.name.in_(names)))
            self.s.flush()
        return names

    def _add(
        self, document: PolicyDocument, revision: str, now: datetime, source: str, version: int
    ) -> None:
        row = PolicyDocumentRow(
            name=document.name,
            family=document.family,
            lang=document.lang,
            title=document.title[:200],
            source_hash=document.source_hash,
            revision=revision,
            loaded_at=now,
            source=source[:120],
            version=version,
        )
        row.clauses = [
            PolicyClauseRow(
                ordinal=c.ordinal,
                key=c.key[:120],
                label=c.label[:60],
                title=c.title[:200],
                section=c.section[:400],
                text=c.text,
            )
            for c in document.clauses
        ]
        self.s.add(row)
        self.s.flush()

    def documents(self) -> list[PolicyDocument]:
        rows = self.s.scalars(
            select(PolicyDocumentRow)
            .options(selectinload(PolicyDocumentRow.clauses))
            .order_by(PolicyDocumentRow.name)
        )
        return [_document(r) for r in rows]

    def faqs(self) -> list[FaqEntry]:
        rows = self.s.scalars(
            select(PolicyFaqRow)
            .where(PolicyFaqRow.status == FaqStatus.PUBLISHED.value)
            .order_by(PolicyFaqRow.id)
        )
        return [_faq(r) for r in rows]

    def faq(self, faq_id: int) -> FaqEntry | None:
        row = self.s.get(PolicyFaqRow, faq_id)
        return _faq(row) if row else None

    def faq_list(self, created_by: str | None, limit: int = 30) -> list[FaqEntry]:
        q = select(PolicyFaqRow).order_by(PolicyFaqRow.id.desc()).limit(limit)
        if created_by is not None:
            q = q.where(PolicyFaqRow.created_by == created_by)
        return [_faq(r) for r in self.s.scalars(q)]

    def add_faq(self, entry: FaqEntry, by: str, revision: str, now: datetime) -> int:
        row = PolicyFaqRow(
            source_question_id=entry.source_question_id,
            created_by=by,
            created_at=now,
        )
        _fill_faq(row, entry, revision)
        self.s.add(row)
        self.s.flush()
        return row.id

    def save_faq(self, entry: FaqEntry, revision: str) -> None:
        row = self.s.get(PolicyFaqRow, entry.id)
        if row is None:
            raise LookupError(f"no FAQ entry {entry.id}")
        _fill_faq(row, entry, revision)
        self.s.flush()

    def vectors(self, model: str, digests: Sequence[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(digests), 500):
            rows = self.s.execute(
                select(PolicyVectorRow.digest, PolicyVectorRow.vector).where(
                    PolicyVectorRow.model == model,
                    PolicyVectorRow.digest.in_(list(digests[start : start + 500])),
                )
            )
            found.update((d, bytes(v)) for d, v in rows)
        return found

    def save_vectors(self, model: str, vectors: Mapping[str, bytes]) -> None:
        if not vectors:
            return
        rows = [{"model": model, "digest": d, "vector": v} for d, v in vectors.items()]
        insert = insert_for(self.s)
        # Two workers embedding the same new text store it once (the same vector).
        self.s.execute(insert(PolicyVectorRow).on_conflict_do_nothing(), rows)

    def revision(self) -> str:
        docs = self.s.scalars(select(PolicyDocumentRow.revision)).all()
        faqs = self.s.scalars(select(PolicyFaqRow.revision)).all()
        if not docs and not faqs:
            return ""
        joined = ",".join(sorted(docs)) + "|" + ",".join(sorted(faqs))
        return hashlib.sha1(joined.encode()).hexdigest()[:16]

    def add_question(self, question: PolicyQuestion) -> int:
        row = PolicyQuestionRow()
        self._fill(row, question)
        self.s.add(row)
        self.s.flush()
        question.id = row.id
        return row.id

    def question(self, question_id: int) -> PolicyQuestion | None:
        row = self.s.get(PolicyQuestionRow, question_id)
        return _question(row) if row else None

    def save_question(self, question: PolicyQuestion) -> None:
        row = self.s.get(PolicyQuestionRow, question.id)
        if row is None:
            raise LookupError(f"no policy question {question.id}")
        self._fill(row, question)
        self.s.flush()

    def pending_between(
        self, dealer: str, start: datetime, end: datetime, limit: int = 10
    ) -> tuple[int, list[PolicyQuestion]]:
        where = (
            PolicyQuestionRow.dealer_code == dealer,
            PolicyQuestionRow.status == QuestionStatus.PENDING.value,
            PolicyQuestionRow.asked_at >= start,
            PolicyQuestionRow.asked_at < end,
        )
        count = self.s.scalar(select(func.count()).select_from(PolicyQuestionRow).where(*where))
        rows = self.s.scalars(
            select(PolicyQuestionRow)
            .where(*where)
            .order_by(PolicyQuestionRow.id.desc())
            .limit(limit)
        )
        return int(count or 0), [_question(r) for r in rows]

    def open_questions(self, dealers: list[str] | None, limit: int = 30) -> list[PolicyQuestion]:
        q = select(PolicyQuestionRow).where(
            or_(
                PolicyQuestionRow.status == QuestionStatus.PENDING.value,
                PolicyQuestionRow.rating == Rating.NOT_HELPFUL.value,
            )
        )
        if dealers is not None:
            q = q.where(PolicyQuestionRow.dealer_code.in_(dealers))
        q = q.order_by(PolicyQuestionRow.asked_at, PolicyQuestionRow.id).limit(limit)
        return [_question(r) for r in self.s.scalars(q)]

    @staticmethod
    def _fill(row: PolicyQuestionRow, q: PolicyQuestion) -> None:
        row.platform = q.platform
        row.chat_id = q.chat_id
        row.user_id = q.user_id
        row.dealer_code = q.dealer_code
        row.text = q.text
        row.lang = q.lang
        row.asked_at = q.asked_at
        row.status = q.status.value
        row.confidence = float(q.confidence)
        row.refs = [list(r) for r in q.refs]
        row.answer = q.answer
        row.answered_by = q.answered_by
        row.answered_at = q.answered_at
        row.rating = q.rating.value if q.rating else None
        row.faq_id = q.faq_id
