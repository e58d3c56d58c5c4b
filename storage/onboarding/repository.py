"""SqlApplicationRepository: dealer applications, their documents kept with size and hash."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, load_only

from domain.catalog.model import DealerCode
from domain.onboarding.model import (
    Application,
    ApplicationState,
    ContractTerms,
    Details,
    Document,
    DocumentKind,
    Visit,
)
from storage.onboarding.models import ApplicationDocumentRow, ApplicationRow

_META = (
    ApplicationDocumentRow.kind,
    ApplicationDocumentRow.filename,
    ApplicationDocumentRow.mime,
    ApplicationDocumentRow.size,
    ApplicationDocumentRow.sha256,
)


def _visit(data: Mapping[str, Any] | None) -> Visit | None:
    if not data:
        return None
    return Visit(data["report"], dict(data["scores"]), data["by"], date.fromisoformat(data["on"]))


def _visit_json(visit: Visit | None) -> dict | None:
    if visit is None:
        return None
    return {
        "report": visit.report,
        "scores": dict(visit.scores),
        "by": visit.by,
        "on": visit.on.isoformat(),
    }


def _document(row: ApplicationDocumentRow, with_content: bool) -> Document:
    return Document(
        DocumentKind(row.kind),
        row.filename,
        row.mime,
        row.size,
        row.sha256,
        row.content if with_content else b"",
    )


class SqlApplicationRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def _documents(self, application_id: int, with_content: bool) -> list[Document]:
        q = select(ApplicationDocumentRow).where(
            ApplicationDocumentRow.application_id == application_id
        )
        if not with_content:
            q = q.options(load_only(*_META))
        rows = self.s.scalars(q.order_by(ApplicationDocumentRow.id))
        return [_document(r, with_content) for r in rows]

    def _application(self, row: ApplicationRow, documents: bool = True) -> Application:
        return Application(
            row.id,
            Details.from_json(row.details),
            ApplicationState(row.state),
            row.requester,
            row.chat,
            row.request_id,
            row.created_at,
            _visit(row.visit),
            ContractTerms.from_json(row.terms) if row.terms else None,
            row.terms_confirmed_at,
            DealerCode(row.dealer_code) if row.dealer_code else None,
            tuple(self._documents(row.id, False)) if documents else (),
        )

    def add(
        self,
        details: Details,
        documents: Sequence[Document],
        *,
        requester: str,
        chat: Mapping[str, Any] | None,
        now: datetime,
    ) -> Application:
        row = ApplicationRow(
            company_name=details.company_name[:200],
            credit_code=details.credit_code,
            details=details.to_json(),
            state=ApplicationState.REVIEW.value,
            requester=requester,
            chat=dict(chat) if chat else None,
            created_at=now,
            updated_at=now,
        )
        self.s.add(row)
        self.s.flush()
        self.add_documents(row.id, documents)
        return self._application(row)

    def get(self, application_id: int) -> Application | None:
        row = self.s.get(ApplicationRow, application_id)
        return self._application(row) if row else None

    def by_request(self, request_id: int) -> Application | None:
        row = self.s.scalar(select(ApplicationRow).where(ApplicationRow.request_id == request_id))
        return self._application(row) if row else None

    def of_requester(self, requester: str) -> list[Application]:
        rows = self.s.scalars(
            select(ApplicationRow)
            .where(ApplicationRow.requester == requester)
            .order_by(ApplicationRow.id.desc())
        )
        return [self._application(r) for r in rows]

    def listed(self, states: Sequence[ApplicationState] | None = None) -> list[Application]:
        q = select(ApplicationRow).order_by(ApplicationRow.id.desc())
        if states is not None:
            q = q.where(ApplicationRow.state.in_([s.value for s in states]))
        return [self._application(r, documents=False) for r in self.s.scalars(q)]

    def document_files(self, application_id: int) -> list[Document]:
        return self._documents(application_id, True)

    def update(self, application: Application, now: datetime) -> None:
        row = self.s.get(ApplicationRow, application.id)
        if row is None:
            raise KeyError(application.id)
        d = application.details
        row.company_name = d.company_name[:200]
        row.credit_code = d.credit_code
        row.details = d.to_json()
        row.state = application.state.value
        row.request_id = application.request_id
        row.visit = _visit_json(application.visit)
        row.terms = application.terms.to_json() if application.terms else None
        row.terms_confirmed_at = application.terms_confirmed_at
        row.dealer_code = application.dealer
        row.updated_at = now
        self.s.flush()

    def add_documents(self, application_id: int, documents: Sequence[Document]) -> None:
        for doc in documents:
            self.s.add(
                ApplicationDocumentRow(
                    application_id=application_id,
                    kind=doc.kind.value,
                    filename=doc.filename[:200],
                    mime=doc.mime[:100],
                    size=doc.size,
                    sha256=doc.sha256,
                    content=doc.content,
                )
            )
        self.s.flush()

    def replace_documents(
        self, application_id: int, kind: DocumentKind, documents: Sequence[Document]
    ) -> None:
        self.s.execute(
            delete(ApplicationDocumentRow).where(
                ApplicationDocumentRow.application_id == application_id,
                ApplicationDocumentRow.kind == kind.value,
            )
        )
        self.add_documents(application_id, [replace(d, kind=kind) for d in documents])
