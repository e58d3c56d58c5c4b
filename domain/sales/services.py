"""Use cases of sales reporting: record a sale with its violations, say who hears of its
severe ones, withdraw or correct it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.catalog.model import Manager, Product, ProductLine, Terminal
from domain.identity.actors import Actor
from domain.identity.staff import staff_over
from domain.sales.model import (
    Breach,
    DuplicateSale,
    Sale,
    SaleDraft,
    SaleFacts,
    SaleId,
    SaleStatus,
    Severity,
    Violation,
    ViolationType,
)
from domain.shared.ports import UnitOfWork
from domain.violations.compliance import check_sale, exception_used, price_gap, report_evidence

MAX_QTY = 1_000_000
MAX_AMOUNT = Decimal("999999999999.99")  # what a Numeric(14, 2) column holds
MAX_DAYS_BACK = 366


class SaleProblem(StrEnum):
    QTY_NOT_POSITIVE = "qty_not_positive"
    QTY_TOO_LARGE = "qty_too_large"
    PRICE_NOT_POSITIVE = "price_not_positive"
    AMOUNT_TOO_LARGE = "amount_too_large"
    FUTURE_DATE = "future_date"
    TOO_OLD = "too_old"
    UNKNOWN_PRODUCT = "unknown_product"
    UNKNOWN_TERMINAL = "unknown_terminal"


class SaleRejected(ValueError):
    def __init__(self, problem: SaleProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def validate_sale(draft: SaleDraft, today: date) -> SaleProblem | None:
    """Why a report cannot be stored as it is, or None when it can."""
    if draft.qty <= 0:
        return SaleProblem.QTY_NOT_POSITIVE
    if draft.qty > MAX_QTY:
        return SaleProblem.QTY_TOO_LARGE
    if draft.unit_price <= 0:
        return SaleProblem.PRICE_NOT_POSITIVE
    if draft.unit_price * draft.qty > MAX_AMOUNT:
        return SaleProblem.AMOUNT_TOO_LARGE
    if draft.sold_on > today:
        return SaleProblem.FUTURE_DATE
    if (today - draft.sold_on).days > MAX_DAYS_BACK:
        return SaleProblem.TOO_OLD
    return None


@dataclass(frozen=True, slots=True)
class RecordedSale:
    sale: Sale
    violations: list[Violation]
    duplicate: bool = False  # the dedupe key was already stored: nothing new was recorded
    product: Product | None = None  # as checked (None for a duplicate)
    terminal: Terminal | None = None
    exception_id: int | None = None  # the price exception the sale was made under
    # How many managers were told at once of its severe violations (the receipt says so).
    managers_told: int = 0
    # When nobody could be told: the managers its severe alerts are held for until one links.
    held_for: tuple[Manager, ...] = ()


def gather_facts(uow: UnitOfWork, draft: SaleDraft) -> SaleFacts:
    product, terminal, facts = uow.sales.facts(draft.dealer, draft.sku, draft.terminal)
    if product is None:
        raise SaleRejected(SaleProblem.UNKNOWN_PRODUCT)
    if terminal is None or facts is None:
        raise SaleRejected(SaleProblem.UNKNOWN_TERMINAL)
    return facts


class DoubtKind(StrEnum):
    FAR_UNDER_FLOOR = "far_under_floor"  # more than the severe gap under the floor
    SWAPPED = "swapped"  # as typed, severe; with quantity and price swapped, plausible


@dataclass(frozen=True, slots=True)
class Doubt:
    """Why a report looks like a typo worth asking about before it is recorded as a severe
    violation: the price, the floor it falls under and by how much."""

    kind: DoubtKind
    price: Decimal
    floor: Decimal
    gap: Decimal
    qty: int


def sale_doubts(breaches: list[Breach], draft: SaleDraft, severe_gap: Decimal) -> list[Doubt]:
    """A price more than `severe_gap` under its floor is asked about again; when the
    quantity read as the price would be near the floor, the two were likely swapped."""
    for breach in breaches:
        if "floor" not in breach.evidence or breach.severity is not Severity.SEVERE:
            continue
        floor = Decimal(breach.evidence["floor"])
        gap = price_gap(floor, draft.unit_price)
        price_as_qty = draft.unit_price == draft.unit_price.to_integral_value()
        swapped = price_as_qty and price_gap(floor, Decimal(draft.qty)) <= severe_gap
        kind = DoubtKind.SWAPPED if swapped else DoubtKind.FAR_UNDER_FLOOR
        return [Doubt(kind, draft.unit_price, floor, gap, draft.qty)]
    return []


def outside_territory(breaches: list[Breach]) -> bool:
    return any(b.type is ViolationType.OUTSIDE_TERRITORY for b in breaches)


@dataclass(frozen=True, slots=True)
class Preview:
    """What recording a draft would find, said before it is confirmed."""

    doubts: list[Doubt]
    outside_territory: bool


def preview_sale(uow: UnitOfWork, draft: SaleDraft, severe_gap: Decimal) -> Preview:
    """The doubts and the territory verdict of a draft, checked as recording would."""
    breaches = check_sale(draft, gather_facts(uow, draft), severe_gap)
    return Preview(sale_doubts(breaches, draft, severe_gap), outside_territory(breaches))


class SaleDoubted(ValueError):
    """Not recorded: the report looks like a typo; ask the dealer first."""

    def __init__(self, doubts: list[Doubt]) -> None:
        super().__init__(", ".join(d.kind.value for d in doubts))
        self.doubts = doubts


def record_sale(
    uow: UnitOfWork,
    draft: SaleDraft,
    *,
    dedupe_key: str,
    reported_by: int | None,
    now: datetime,
    today: date,
    severe_gap: Decimal,
    corrects: SaleId | None = None,
    ask_first: bool = False,
) -> RecordedSale:
    """Check and store one sale and a violation per rule it breaks (the caller commits).

    With `ask_first`, a report that looks like a typo (see `sale_doubts`) raises
    SaleDoubted and nothing is stored, for the caller to ask the dealer again.

    A dedupe key seen before returns the sale stored then, untouched, so a redelivered
    message or a second tap on Confirm never records twice. The store finds that out when
    it inserts (a unique key), so the usual first report costs no lookup for it.
    """
    problem = validate_sale(draft, today)
    if problem is not None:
        raise SaleRejected(problem)
    facts = gather_facts(uow, draft)
    breaches = check_sale(draft, facts, severe_gap)
    if ask_first and (doubts := sale_doubts(breaches, draft, severe_gap)):
        raise SaleDoubted(doubts)
    try:
        sale = uow.sales.add(
            draft, dedupe_key=dedupe_key, reported_by=reported_by, now=now, corrects=corrects
        )
    except DuplicateSale:
        winner = uow.sales.by_dedupe_key(dedupe_key)
        if winner is None:
            raise
        return RecordedSale(winner, uow.violations.for_sale(winner.id), duplicate=True)
    violations = []
    for breach in breaches:
        evidence = {**breach.evidence, "report": report_evidence(draft), "sale_id": sale.id}
        violations.append(
            uow.violations.add(draft.dealer, sale.id, replace(breach, evidence=evidence), now)
        )
    used = exception_used(draft, facts)
    return RecordedSale(
        sale,
        violations,
        product=facts.product,
        terminal=facts.terminal,
        exception_id=used.id if used else None,
    )


@dataclass(frozen=True, slots=True)
class SevereAlerts:
    """Who hears at once of a sale's severe violations, in the order they are told."""

    sale: Sale
    dealer_name: str
    terminal: Terminal | None
    # The managers of the dealer's region, who decide on each severe violation.
    deciders: tuple[tuple[Actor, Violation], ...]
    # Managers of the region sold into (窜货), for information only.
    onlookers: tuple[tuple[Actor, Violation], ...]
    # When none of the deciders has a chat account: the managers (admins too) the alert is
    # held for until one of them links.
    held_for: tuple[Manager, ...] = ()


def severe_alerts(
    uow: UnitOfWork,
    recorded: RecordedSale,
    follows: Callable[[Actor, ProductLine | None], bool],
) -> SevereAlerts | None:
    """Whom to tell of `recorded`'s severe violations now (None: nobody, nothing severe or a
    duplicate). `follows` says whether a manager hears of sales of a product line."""
    severe = [v for v in recorded.violations if v.severity is Severity.SEVERE]
    if not severe or recorded.duplicate:
        return None
    sale = recorded.sale
    dealer = uow.catalog.dealer(sale.dealer)
    name = dealer.name if dealer else sale.dealer
    product = uow.catalog.product(sale.sku)
    line = product.line if product else None
    managers = [m for m in uow.identities.managers_of_dealer(sale.dealer) if follows(m, line)]
    deciders = tuple((m, v) for v in severe for m in managers)
    # Selling into another region hurts that region: its managers hear of it too (the
    # decision stays with the dealer's own managers).
    crossing = [v for v in severe if v.type is ViolationType.OUTSIDE_TERRITORY]
    terminal = recorded.terminal
    onlookers: tuple[tuple[Actor, Violation], ...] = ()
    if crossing and terminal is not None:
        told = {m.identity_id for m in managers}
        onlookers = tuple(
            (m, v)
            for m in uow.identities.managers_of_region(terminal.region_code)
            if m.identity_id not in told and follows(m, line)
            for v in crossing
        )
    held_for: tuple[Manager, ...] = ()
    if not managers:
        regions = uow.catalog.dealer_regions(sale.dealer)
        tree = uow.catalog.region_tree()
        held_for = tuple(
            m.manager
            for m in staff_over(uow.staff.members(), regions, tree)
            if not m.linked and follows(m.seat, line)
        )
    return SevereAlerts(sale, name, terminal, deciders, onlookers, held_for)


class EditProblem(StrEnum):
    NOT_FOUND = "not_found"
    NOT_CONFIRMED = "not_confirmed"  # already withdrawn or corrected
    WINDOW_CLOSED = "window_closed"


def check_edit(
    sale: Sale | None, *, by_manager: bool, now: datetime, window: timedelta
) -> EditProblem | None:
    """A dealer may withdraw or correct a confirmed report within `window`; a manager always."""
    if sale is None:
        return EditProblem.NOT_FOUND
    if sale.status is not SaleStatus.CONFIRMED:
        return EditProblem.NOT_CONFIRMED
    if not by_manager and now - sale.created_at > window:
        return EditProblem.WINDOW_CLOSED
    return None
