"""An application to become a dealer: what the applicant filled in, its documents, the
regional director's visit and scores, the contract terms, and where it stands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from domain.catalog.model import DealerCode, ProductLine, RegionCode, TerminalCode

# The policy's six criteria (经营规模、资金实力、销售网络、经营动机、管理能力、营销能力).
CRITERIA = ("scale", "capital", "network", "motivation", "management", "marketing")
SCORE_RANGE = range(1, 6)


class ApplicationState(StrEnum):
    REVIEW = "review"  # on the approval chain
    RETURNED = "returned"  # back with the applicant for changes
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    FILED = "filed"  # 备案: the dealer exists


OPEN_STATES = frozenset({ApplicationState.REVIEW, ApplicationState.RETURNED})


class DocumentKind(StrEnum):
    BUSINESS_LICENCE = "business_licence"
    QUALIFICATION = "qualification"
    VISIT_PHOTO = "visit_photo"


@dataclass(frozen=True, slots=True)
class Document:
    kind: DocumentKind
    filename: str
    mime: str
    size: int
    sha256: str
    content: bytes = b""  # empty when read back without the bytes


@dataclass(frozen=True, slots=True)
class Details:
    """What the applicant fills in (the form's fields)."""

    company_name: str
    credit_code: str
    legal_rep: str
    contact_name: str
    contact_phone: str
    registered_capital: Decimal
    staff_count: int
    sales_network: str
    regions: tuple[RegionCode, ...]
    lines: tuple[ProductLine, ...]
    planned_terminals: str
    motivation: str

    def to_json(self) -> dict[str, Any]:
        return {
            "company_name": self.company_name,
            "credit_code": self.credit_code,
            "legal_rep": self.legal_rep,
            "contact_name": self.contact_name,
            "contact_phone": self.contact_phone,
            "registered_capital": str(self.registered_capital),
            "staff_count": self.staff_count,
            "sales_network": self.sales_network,
            "regions": list(self.regions),
            "lines": list(self.lines),
            "planned_terminals": self.planned_terminals,
            "motivation": self.motivation,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Details:
        return cls(
            data["company_name"],
            data["credit_code"],
            data["legal_rep"],
            data["contact_name"],
            data["contact_phone"],
            Decimal(data["registered_capital"]),
            int(data["staff_count"]),
            data["sales_network"],
            tuple(RegionCode(r) for r in data["regions"]),
            tuple(ProductLine(x) for x in data["lines"]),
            data["planned_terminals"],
            data["motivation"],
        )


@dataclass(frozen=True, slots=True)
class Visit:
    """The regional director's site visit: report, a 1–5 score per criterion."""

    report: str
    scores: Mapping[str, int]
    by: str  # actor label
    on: date

    @property
    def total(self) -> int:
        return sum(self.scores.values())

    @property
    def complete(self) -> bool:
        return bool(self.report.strip()) and all(
            self.scores.get(c) in SCORE_RANGE for c in CRITERIA
        )


@dataclass(frozen=True, slots=True)
class ContractTerms:
    start: date
    end: date
    annual_target: Decimal
    deposit: Decimal
    franchise_fee: Decimal
    regions: tuple[RegionCode, ...]
    terminals: tuple[TerminalCode, ...]
    lines: tuple[ProductLine, ...]
    by: str = ""  # the sales manager who filled them in

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "annual_target": str(self.annual_target),
            "deposit": str(self.deposit),
            "franchise_fee": str(self.franchise_fee),
            "regions": list(self.regions),
            "terminals": list(self.terminals),
            "lines": list(self.lines),
            "by": self.by,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ContractTerms:
        return cls(
            date.fromisoformat(data["start"]),
            date.fromisoformat(data["end"]),
            Decimal(data["annual_target"]),
            Decimal(data["deposit"]),
            Decimal(data["franchise_fee"]),
            tuple(RegionCode(r) for r in data["regions"]),
            tuple(TerminalCode(t) for t in data.get("terminals", ())),
            tuple(ProductLine(x) for x in data["lines"]),
            data.get("by", ""),
        )


@dataclass(frozen=True, slots=True)
class Application:
    id: int
    details: Details
    state: ApplicationState
    requester: str  # actor label: an applicant's chat, or the manager who started it
    chat: Mapping[str, Any] | None  # where the applicant is told (None: started by a manager)
    request_id: int | None
    created_at: datetime
    visit: Visit | None = None
    terms: ContractTerms | None = None
    terms_confirmed_at: datetime | None = None
    dealer: DealerCode | None = None
    documents: tuple[Document, ...] = field(default_factory=tuple)

    @property
    def number(self) -> str:
        """The application number people quote: 申请号 AP-00012."""
        return application_number(self.id)


def application_number(application_id: int) -> str:
    return f"AP-{application_id:05d}"


def parse_application_number(text: str) -> int | None:
    raw = text.strip().upper().removeprefix("AP-").removeprefix("AP").lstrip("#")
    return int(raw) if raw.isdigit() else None


class ApplicationRepository(Protocol):
    def add(
        self,
        details: Details,
        documents: Sequence[Document],
        *,
        requester: str,
        chat: Mapping[str, Any] | None,
        now: datetime,
    ) -> Application: ...
    def get(self, application_id: int) -> Application | None:
        """With its documents' sizes and hashes, not their bytes."""
        ...

    def by_request(self, request_id: int) -> Application | None: ...
    def of_requester(self, requester: str) -> list[Application]:
        """Newest first."""
        ...

    def listed(self, states: Sequence[ApplicationState] | None = None) -> list[Application]:
        """Newest first."""
        ...

    def document_files(self, application_id: int) -> list[Document]:
        """The documents with their bytes."""
        ...

    def update(self, application: Application, now: datetime) -> None:
        """Store the application's details, state, visit, terms and dealer."""
        ...

    def add_documents(self, application_id: int, documents: Sequence[Document]) -> None: ...
    def replace_documents(
        self, application_id: int, kind: DocumentKind, documents: Sequence[Document]
    ) -> None: ...
