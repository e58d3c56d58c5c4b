"""Notice use cases: whom a notice reaches, recording it sent, acknowledgements, quiz
attempts, what the reminder job owes, and the training record a scorecard reads. The
handlers render and queue the messages; the caller commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.catalog.model import DealerCode, ManagerCode, ManagerRole
from domain.identity.actors import Actor
from domain.notices import quiz as quizzes
from domain.notices.model import Attempt, Delivery, Notice
from domain.notices.rules import audience_dealers, dealer_acknowledged_at, overdue, reminder_due
from domain.shared.ports import UnitOfWork

# Roles that speak for the whole company (training and policy notices): their notices may
# reach every dealer; any other author reaches the dealers of their regions.
COMPANY_WIDE = frozenset(
    {ManagerRole.ADMIN, ManagerRole.MARKETING_DIRECTOR, ManagerRole.MARKETING_ADMIN}
)


@dataclass(frozen=True, slots=True)
class Addressee:
    dealer: DealerCode
    contact: Actor


@dataclass(frozen=True, slots=True)
class Reach:
    dealers: list[DealerCode]
    each: tuple[Addressee, ...]

    @property
    def contacts(self) -> int:
        return len(self.each)


def author_scope(uow: UnitOfWork, manager: str) -> list[DealerCode]:
    """The dealers a notice's author may address."""
    m = uow.catalog.manager(ManagerCode(manager))
    if m is None:
        return []
    if m.role in COMPANY_WIDE:
        return [d.code for d in uow.catalog.dealers()]
    return uow.catalog.dealers_in_regions(m.region_codes)


def reach(uow: UnitOfWork, notice: Notice) -> Reach:
    """Every linked contact of every dealer the notice's audience matches, within its
    author's scope (company-wide roles everyone, other managers their regions)."""
    profiles = uow.promotions.dealer_profiles(author_scope(uow, notice.created_by))
    dealers = audience_dealers(notice.audience, profiles, uow.catalog.region_tree())
    contacts = uow.identities.contacts_of_dealers(dealers)
    each = tuple(
        Addressee(dealer, c)
        for dealer in dealers
        for c in contacts.get(dealer, [])
        if c.identity_id is not None
    )
    return Reach(dealers, each)


def open_for(uow: UnitOfWork, dealer: DealerCode, now: datetime) -> list[Notice]:
    """Notices still to be acknowledged (their date not passed) that reach `dealer` and
    that none of its contacts has acknowledged: what a contact who links now is owed."""
    waiting = [n for n in uow.notices.awaiting() if n.ack_by is not None and now < n.ack_by]
    if not waiting:
        return []
    out = []
    tree = uow.catalog.region_tree()
    profiles = uow.promotions.dealer_profiles([dealer])
    for notice in waiting:
        if dealer not in author_scope(uow, notice.created_by):
            continue
        if not audience_dealers(notice.audience, profiles, tree):
            continue
        deliveries = uow.notices.deliveries(notice.id)
        if dealer_acknowledged_at(deliveries, dealer) is None:
            out.append(notice)
    return out


def record_sent(uow: UnitOfWork, notice: Notice, sent: Reach, now: datetime) -> int:
    """Remember who was sent `notice` and mark it sent; returns the contacts new to it."""
    added = uow.notices.record_deliveries(
        [(notice.id, a.dealer, a.contact.identity_id) for a in sent.each],
        now,  # type: ignore[misc]
    )
    uow.notices.mark_sent(notice.id, now)
    return added


def delivery_of(uow: UnitOfWork, notice_id: int, actor: Actor) -> Delivery | None:
    """The delivery of `notice_id` to this contact: what they may acknowledge or answer."""
    if actor.identity_id is None:
        return None
    for d in uow.notices.deliveries_to([actor.identity_id]):
        if d.notice_id == notice_id:
            return d
    return None


# -- quizzes --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuizTurn:
    """Where a contact's quiz stands after opening it or answering a question."""

    attempt: Attempt
    already_passed: bool = False


def open_quiz(uow: UnitOfWork, notice: Notice, identity_id: int, now: datetime) -> QuizTurn:
    """Resume the contact's unfinished attempt, or start their next one."""
    attempts = uow.notices.attempts(notice.id, identity_id)
    step = quizzes.next_attempt(attempts)
    if isinstance(step, quizzes.AlreadyPassed):
        return QuizTurn(step.attempt, already_passed=True)
    if isinstance(step, quizzes.Resume):
        return QuizTurn(step.attempt)
    uow.notices.start_attempt(notice.id, identity_id, step.number, now)
    # Read back: a racing start of the same number made one attempt, not two.
    attempts = uow.notices.attempts(notice.id, identity_id)
    return QuizTurn(next(a for a in attempts if a.number == step.number))


def answer_quiz(
    uow: UnitOfWork,
    notice: Notice,
    identity_id: int,
    question: int,
    choice: int,
    now: datetime,
    pass_mark: int,
) -> Attempt:
    """Take the contact's answer to `question` of their current attempt; raises QuizError
    for a finished attempt, another question than the one asked, or a choice that is not."""
    assert notice.quiz is not None
    attempts = uow.notices.attempts(notice.id, identity_id)
    current = next((a for a in attempts if not a.finished), None)
    if current is None:
        raise quizzes.QuizError("finished")
    after = quizzes.answer(notice.quiz, current, question, choice, now, pass_mark)
    if not uow.notices.save_answer(after, len(current.answers)):
        raise quizzes.QuizError("stale")  # the same press, handled twice at once
    return after


# -- the reminder job -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Late:
    notice: Notice
    dealers: list[DealerCode]  # sent it, none of their contacts acknowledged by the date


def unacknowledged(deliveries: list[Delivery]) -> list[Delivery]:
    """Deliveries to dealers none of whose contacts has acknowledged."""
    done = {d.dealer_code for d in deliveries if d.acknowledged_at is not None}
    return [d for d in deliveries if d.dealer_code not in done]


def to_remind(uow: UnitOfWork, now: datetime, remind_days: int) -> list[tuple[Notice, Delivery]]:
    """Contacts to remind now: their dealer has not acknowledged, the date is near."""
    out = []
    for notice in uow.notices.awaiting():
        if reminder_due(notice.ack_by, now, remind_days):
            out.extend(
                (notice, d)
                for d in unacknowledged(uow.notices.deliveries(notice.id))
                if reminder_due(notice.ack_by, now, remind_days, d.queued_at)
            )
    return out


def past_due(uow: UnitOfWork, now: datetime) -> list[Late]:
    """Notices whose date has passed and whose overdue report is not made yet."""
    out = []
    for notice in uow.notices.awaiting():
        if overdue(notice.ack_by, now):
            late = sorted(
                {d.dealer_code for d in unacknowledged(uow.notices.deliveries(notice.id))}
            )
            out.append(Late(notice, late))
    return out


# -- the training record ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    """A dealer's notices of a period: how many asked for an acknowledgement, how many it
    acknowledged by their date, and its quizzes taken and passed (any contact counts)."""

    dealer: DealerCode
    required: int
    acknowledged: int
    quizzes: int
    quizzes_passed: int

    @property
    def complete(self) -> bool:
        return self.acknowledged == self.required and self.quizzes_passed == self.quizzes


def training_record(
    uow: UnitOfWork, dealer: DealerCode, start: datetime, end: datetime
) -> TrainingRecord:
    """The evaluation's training criterion for `dealer`: notices sent to it in [start, end)
    that required an acknowledgement by a date, and those its contacts acknowledged on time;
    quizzes sent with them, and those one of its contacts passed."""
    found = _records(uow, uow.notices.delivered_between(dealer, start, end))
    return found.get(dealer, TrainingRecord(dealer, 0, 0, 0, 0))


def training_records(
    uow: UnitOfWork, start: datetime, end: datetime
) -> dict[DealerCode, TrainingRecord]:
    """`training_record` of every dealer sent a notice in [start, end), from one read of
    the deliveries (and one of each quiz's attempts)."""
    return _records(uow, uow.notices.delivered_between(None, start, end))


def _records(
    uow: UnitOfWork, delivered: Iterable[tuple[Notice, Delivery]]
) -> dict[DealerCode, TrainingRecord]:
    by_dealer: dict[DealerCode, dict[int, tuple[Notice, list[Delivery]]]] = {}
    for notice, d in delivered:
        by_dealer.setdefault(d.dealer_code, {}).setdefault(notice.id, (notice, []))[1].append(d)
    attempts: dict[int, list[Attempt]] = {}
    out = {}
    for dealer, by_notice in by_dealer.items():
        required = acknowledged = quizzes_sent = passed = 0
        for notice, deliveries in by_notice.values():
            if notice.ack_by is not None:
                required += 1
                first = dealer_acknowledged_at(deliveries, dealer)
                acknowledged += int(first is not None and first < notice.ack_by)
            if notice.quiz is not None:
                quizzes_sent += 1
                contacts = {d.identity_id for d in deliveries}
                if notice.id not in attempts:
                    attempts[notice.id] = uow.notices.attempts(notice.id)
                passed += int(
                    any(a.passed and a.identity_id in contacts for a in attempts[notice.id])
                )
        out[dealer] = TrainingRecord(dealer, required, acknowledged, quizzes_sent, passed)
    return out


@dataclass(frozen=True, slots=True)
class RegionResult:
    region: str
    dealers: int
    acknowledged: int
    quiz_takers: int
    quiz_passed: int


def results_by_region(
    deliveries: list[Delivery], attempts: list[Attempt], regions: dict[DealerCode, list[str]]
) -> list[RegionResult]:
    """Per region of the dealers reached: dealers, those acknowledged, contacts who finished
    the quiz and those who passed it (a dealer in two regions counts in both)."""
    dealers: dict[str, set[DealerCode]] = defaultdict(set)
    acked: dict[str, set[DealerCode]] = defaultdict(set)
    takers: dict[str, set[int]] = defaultdict(set)
    passed: dict[str, set[int]] = defaultdict(set)
    finished = {a.identity_id for a in attempts if a.finished}
    winners = {a.identity_id for a in attempts if a.passed}
    for d in deliveries:
        for region in regions.get(d.dealer_code) or ["—"]:
            dealers[region].add(d.dealer_code)
            if d.acknowledged_at is not None:
                acked[region].add(d.dealer_code)
            if d.identity_id in finished:
                takers[region].add(d.identity_id)
            if d.identity_id in winners:
                passed[region].add(d.identity_id)
    return [
        RegionResult(r, len(dealers[r]), len(acked[r]), len(takers[r]), len(passed[r]))
        for r in sorted(dealers)
    ]
