"""How an application reads in chat: its summary, its visit, its terms, its duplicates."""

from __future__ import annotations

from domain.onboarding.model import CRITERIA, Application, ContractTerms, Details, Visit
from domain.onboarding.rules import Duplicate
from handlers.core.i18n import Translator


def listing(t: Translator, items) -> str:
    return ("、" if t.locale.startswith("zh") else ", ").join(str(i) for i in items) or "-"


def details_text(t: Translator, d: Details, documents: str = "") -> str:
    return t(
        "onboarding.summary",
        company=d.company_name,
        credit_code=d.credit_code,
        legal_rep=d.legal_rep,
        contact=d.contact_name,
        phone=d.contact_phone,
        capital=t.money(d.registered_capital),
        staff=t.number(d.staff_count),
        network=d.sales_network,
        regions=listing(t, d.regions),
        lines=listing(t, d.lines),
        terminals=d.planned_terminals,
        motivation=d.motivation,
        documents=documents or "-",
    )


def documents_text(t: Translator, application: Application) -> str:
    counts: dict[str, int] = {}
    for doc in application.documents:
        counts[doc.kind.value] = counts.get(doc.kind.value, 0) + 1
    return listing(t, [f"{t(f'onboarding.doc.{k}')} x{n}" for k, n in counts.items()])


def visit_text(t: Translator, visit: Visit) -> str:
    scores = listing(
        t, [f"{t(f'onboarding.criterion.{c}')} {visit.scores.get(c, '-')}" for c in CRITERIA]
    )
    return t(
        "onboarding.visit_card",
        on=t.date(visit.on),
        report=visit.report,
        scores=scores,
        total=visit.total,
        max=5 * len(CRITERIA),
    )


def terms_text(t: Translator, terms: ContractTerms) -> str:
    return t(
        "onboarding.terms_card",
        start=t.date(terms.start),
        end=t.date(terms.end),
        target=t.money(terms.annual_target),
        deposit=t.money(terms.deposit),
        fee=t.money(terms.franchise_fee),
        regions=listing(t, terms.regions),
        terminals=listing(t, terms.terminals),
        lines=listing(t, terms.lines),
    )


def duplicates_text(t: Translator, found: list[Duplicate]) -> str:
    if not found:
        return ""
    return t(
        "onboarding.duplicates",
        found=listing(t, [t(f"onboarding.clash.{d.clash.value}", ref=d.ref) for d in found]),
    )


def state_text(t: Translator, application: Application) -> str:
    return t(f"onboarding.state.{application.state.value}")


def application_text(t: Translator, application: Application, found: list[Duplicate]) -> str:
    """The whole file as managers read it."""
    lines = [
        t(
            "onboarding.file_title",
            number=application.number,
            state=state_text(t, application),
            request=application.request_id or "-",
        ),
        details_text(t, application.details, documents_text(t, application)),
    ]
    if found:
        lines.append(duplicates_text(t, found))
    if application.visit is not None:
        lines.append(visit_text(t, application.visit))
    if application.terms is not None:
        lines.append(terms_text(t, application.terms))
        key = (
            "onboarding.terms_confirmed"
            if application.terms_confirmed_at
            else "onboarding.terms_waiting"
        )
        lines.append(t(key))
    if application.dealer:
        lines.append(t("onboarding.filed_as", dealer=application.dealer))
    return "\n".join(lines)
