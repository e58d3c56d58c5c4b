"""Pure rules of onboarding: the duplicate guard, the documents still missing, the default
contract term, the dealer code a filing allocates, and what a filing creates."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.catalog.model import Authorization, Contract, Dealer, DealerCode, Validity
from domain.onboarding.model import (
    OPEN_STATES,
    Application,
    ContractTerms,
    Details,
    Document,
    DocumentKind,
)
from domain.onboarding.validation import normalize_credit_code


class Clash(StrEnum):
    DEALER_NAME = "dealer_name"
    APPLICATION_CODE = "application_code"
    APPLICATION_NAME = "application_name"
    DEALER_CODE = "dealer_code"  # a filed application's dealer has the same credit code


@dataclass(frozen=True, slots=True)
class Duplicate:
    clash: Clash
    ref: str  # the dealer's code or the application's number


def same_company(a: str, b: str) -> bool:
    """Width, case, spaces and brackets' width do not make a different company."""

    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).casefold().split())

    return norm(a) == norm(b)


def duplicates(
    details: Details,
    dealers: Iterable[Dealer],
    applications: Iterable[Application],
    *,
    itself: int | None = None,
) -> list[Duplicate]:
    """Existing dealers and open (or filed) applications with the same credit code or
    company name; `itself` is the application being checked, left out."""
    found: list[Duplicate] = []
    code = normalize_credit_code(details.credit_code)
    for dealer in dealers:
        if same_company(dealer.name, details.company_name):
            found.append(Duplicate(Clash.DEALER_NAME, dealer.code))
    for other in applications:
        if other.id == itself:
            continue
        same_code = normalize_credit_code(other.details.credit_code) == code
        if other.dealer is not None and same_code:
            found.append(Duplicate(Clash.DEALER_CODE, other.dealer))
        elif other.state in OPEN_STATES and same_code:
            found.append(Duplicate(Clash.APPLICATION_CODE, other.number))
        elif other.state in OPEN_STATES and same_company(
            other.details.company_name, details.company_name
        ):
            found.append(Duplicate(Clash.APPLICATION_NAME, other.number))
    return found


def missing_documents(
    documents: Iterable[Document], required: Sequence[DocumentKind]
) -> list[DocumentKind]:
    have = {d.kind for d in documents}
    return [k for k in required if k not in have]


def document(kind: DocumentKind, filename: str, mime: str, content: bytes) -> Document:
    """A received file as kept: its size and SHA-256 with it."""
    return Document(
        kind, filename, mime, len(content), hashlib.sha256(content).hexdigest(), content
    )


def default_end(start: date, months: int) -> date:
    """The day before the same date `months` later (a one-year term from 2026-08-10 ends
    2027-08-09); a 29 February start ends on the 28th."""
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    day = start.day
    while True:
        try:
            return date(year, month, day) - timedelta(days=1)
        except ValueError:
            day -= 1


class TermsProblem(StrEnum):
    END_BEFORE_START = "end_before_start"
    NO_TERRITORY = "no_territory"
    NO_LINES = "no_lines"


def terms_problem(terms: ContractTerms) -> TermsProblem | None:
    if terms.end <= terms.start:
        return TermsProblem.END_BEFORE_START
    if not terms.regions and not terms.terminals:
        return TermsProblem.NO_TERRITORY
    if not terms.lines:
        return TermsProblem.NO_LINES
    return None


def next_dealer_code(prefix: str, existing: Iterable[str], width: int = 3) -> DealerCode:
    """One more than the highest number after `prefix` among existing codes (D001, D002 ->
    D003); codes of another shape are not counted."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)")
    numbers = [int(m[1]) for code in existing if (m := pattern.fullmatch(code))]
    return DealerCode(f"{prefix}{max(numbers, default=0) + 1:0{width}d}")


@dataclass(frozen=True, slots=True)
class Filing:
    """What filing an application creates, in one transaction."""

    dealer: Dealer
    contract: Contract
    authorizations: tuple[Authorization, ...]


def filing(application: Application, code: DealerCode) -> Filing:
    """The dealer (its record filled from the application), its contract and its
    authorizations: every agreed line in every agreed region and at every agreed terminal,
    for the contract's term."""
    terms = application.terms
    if terms is None:
        raise ValueError("an application is filed with its contract terms")
    d = application.details
    dealer = Dealer(
        code, d.company_name, legal_rep=d.legal_rep, phone=d.contact_phone, since=terms.start
    )
    contract = Contract(
        code, terms.start, terms.end, terms.annual_target, terms.deposit, terms.franchise_fee
    )
    validity = Validity(terms.start, terms.end)
    auths = [
        Authorization(code, line, validity, region_code=region)
        for region in terms.regions
        for line in terms.lines
    ] + [
        Authorization(code, line, validity, terminal_code=terminal)
        for terminal in terms.terminals
        for line in terms.lines
    ]
    return Filing(dealer, contract, tuple(auths))
