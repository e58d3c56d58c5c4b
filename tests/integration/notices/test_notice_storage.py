"""Notices stored on SQLite and PostgreSQL: one delivery per contact, an acknowledgement
taken once, quiz attempts resumed and answered once, the training record."""

from __future__ import annotations

from datetime import timedelta

from domain.catalog.model import DealerCode
from domain.notices import services
from domain.notices.model import Notice, NoticeFile, Question, Quiz
from domain.notices.quiz import QuizError, answer
from domain.promotions.model import Audience
from domain.shared.periods import Period
from handlers.core.conversation import Conversation
from handlers.core.options import CoreOptions
from handlers.evaluation.gathering import period_facts
from tests.integration.promotions.test_promotions import linked
from tests.support import seed_catalog

QUIZ = Quiz((Question("q1", ("a", "b"), 1), Question("q2", ("a", "b", "c"), 2)))


def world(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    for user, dealer in (("d1a", "D001"), ("d1b", "D001"), ("d2", "D002")):
        linked(conv, uow_factory, clock, user, dealer=dealer)


def identity(uow, user):
    return uow.identities.contact_of("console", user).identity_id


def add_notice(uow, clock, **kw) -> Notice:
    notice = Notice(
        0,
        "新品培训",
        "请阅读",
        Audience(),
        "M02",
        ack_by=clock.now() + timedelta(days=3),
        file=NoticeFile("a.pdf", "application/pdf", b"%PDF-1.4"),
        quiz=QUIZ,
        **kw,
    )
    return uow.notices.get(uow.notices.add(notice, clock.now()))


def test_a_notice_is_delivered_once_per_contact_and_keeps_its_attachment_and_quiz(
    uow_factory, clock
):
    world(uow_factory, clock)
    with uow_factory() as uow:
        notice = add_notice(uow, clock)
        reach = services.reach(uow, notice)
        assert reach.dealers == ["D001", "D002"] and reach.contacts == 3
        assert services.record_sent(uow, notice, reach, clock.now()) == 3
        assert services.record_sent(uow, notice, reach, clock.now()) == 0
        uow.commit()
    with uow_factory() as uow:
        stored = uow.notices.get(notice.id, content=True)
        assert stored.file.content == b"%PDF-1.4" and stored.quiz == QUIZ
        light = uow.notices.get(notice.id)  # listings and jobs leave the bytes unread
        assert light.file.filename == "a.pdf" and light.file.content is None
        assert stored.sent_at is not None and len(uow.notices.deliveries(notice.id)) == 3


def test_an_acknowledgement_counts_once_per_contact(uow_factory, clock):
    world(uow_factory, clock)
    with uow_factory() as uow:
        notice = add_notice(uow, clock)
        services.record_sent(uow, notice, services.reach(uow, notice), clock.now())
        me = identity(uow, "d1a")
        assert uow.notices.acknowledge(notice.id, me, clock.now())
        assert not uow.notices.acknowledge(notice.id, me, clock.now() + timedelta(hours=1))
        uow.commit()
    with uow_factory() as uow:
        acked = [d for d in uow.notices.deliveries(notice.id) if d.acknowledged_at]
        assert [d.identity_id for d in acked] == [me] and acked[0].acknowledged_at == clock.now()
        late = services.unacknowledged(uow.notices.deliveries(notice.id))
        assert {d.dealer_code for d in late} == {"D002"}


def test_a_quiz_left_half_way_is_resumed_and_a_repeated_answer_is_stored_once(uow_factory, clock):
    world(uow_factory, clock)
    with uow_factory() as uow:
        notice = add_notice(uow, clock)
        me = identity(uow, "d1a")
        first = services.open_quiz(uow, notice, me, clock.now())
        assert first.attempt.number == 1
        services.answer_quiz(uow, notice, me, 0, 1, clock.now(), 80)
        uow.commit()
    with uow_factory() as uow:  # comes back later: the same attempt, at question 2
        again = services.open_quiz(uow, notice, me, clock.now())
        assert again.attempt.number == 1 and again.attempt.answers == (1,)
        try:
            services.answer_quiz(uow, notice, me, 0, 0, clock.now(), 80)
        except QuizError as err:
            assert err.reason == "stale"
        else:
            raise AssertionError("a second answer to question 1 was taken")
        done = services.answer_quiz(uow, notice, me, 1, 0, clock.now(), 80)
        assert done.finished and not done.passed and done.correct == 1
        uow.commit()
    with uow_factory() as uow:
        second = services.open_quiz(uow, notice, me, clock.now())
        assert second.attempt.number == 2 and second.attempt.answers == ()
        services.answer_quiz(uow, notice, me, 0, 1, clock.now(), 80)
        assert services.answer_quiz(uow, notice, me, 1, 2, clock.now(), 80).passed
        uow.commit()
    with uow_factory() as uow:
        assert [a.number for a in uow.notices.attempts(notice.id, me)] == [1, 2]
        assert services.open_quiz(uow, notice, me, clock.now()).already_passed


def test_the_training_record_counts_required_acknowledged_on_time_and_quizzes_passed(
    uow_factory, clock
):
    world(uow_factory, clock)
    start, end = clock.now() - timedelta(days=1), clock.now() + timedelta(days=30)
    with uow_factory() as uow:
        n1 = add_notice(uow, clock)
        n2 = add_notice(uow, clock)
        for n in (n1, n2):
            services.record_sent(uow, n, services.reach(uow, n), clock.now())
        me = identity(uow, "d1b")
        uow.notices.acknowledge(n1.id, me, clock.now())  # on time
        uow.notices.acknowledge(n2.id, me, clock.now() + timedelta(days=5))  # after the date
        services.open_quiz(uow, n1, me, clock.now())
        services.answer_quiz(uow, n1, me, 0, 1, clock.now(), 80)
        services.answer_quiz(uow, n1, me, 1, 2, clock.now(), 80)
        uow.commit()
    with uow_factory() as uow:
        d1 = services.training_record(uow, DealerCode("D001"), start, end)
        d2 = services.training_record(uow, DealerCode("D002"), start, end)
        outside = services.training_record(uow, DealerCode("D001"), end, end + timedelta(days=9))
        every = services.training_records(uow, start, end)
        facts = period_facts(uow, Period.parse("2026-Q3"), CoreOptions())
    assert (d1.required, d1.acknowledged, d1.quizzes, d1.quizzes_passed) == (2, 1, 2, 1)
    assert (d2.required, d2.acknowledged, d2.quizzes_passed) == (2, 0, 0)
    assert outside.required == 0 and outside.complete
    assert every == {DealerCode("D001"): d1, DealerCode("D002"): d2}  # one read, the same
    # the evaluation's training criterion reads them: (on time, asked for)
    assert facts[DealerCode("D001")].acknowledged == (1, 2)
    assert facts[DealerCode("D002")].acknowledged == (0, 2)


def test_two_presses_of_the_same_answer_read_together_store_it_once(uow_factory, clock):
    world(uow_factory, clock)
    with uow_factory() as uow:
        notice = add_notice(uow, clock)
        me = identity(uow, "d1a")
        services.open_quiz(uow, notice, me, clock.now())
        uow.commit()
    with uow_factory() as uow:
        [seen] = uow.notices.attempts(notice.id, me)  # the second press read it here ...
    with uow_factory() as uow:
        services.answer_quiz(uow, notice, me, 0, 1, clock.now(), 80)  # ... the first stored
        uow.commit()
    with uow_factory() as uow:
        late = answer(QUIZ, seen, 0, 0, clock.now(), 80)
        assert not uow.notices.save_answer(late, len(seen.answers))
        uow.commit()
    with uow_factory() as uow:
        [stored] = uow.notices.attempts(notice.id, me)
    assert stored.answers == (1,)
    with uow_factory() as uow:  # and a second start of the same attempt makes none
        assert not uow.notices.start_attempt(notice.id, me, 1, clock.now())
