"""The decision log on both databases: decisions are appended, an undo or reopen is a row of
its own pointing at the decision, and a decision is taken back at most once."""

from __future__ import annotations

from datetime import timedelta

from domain.decisions.model import Act, DecisionKind, NewDecision


def test_a_decision_and_its_undo_are_both_kept_in_order(uow_factory, clock):
    with uow_factory() as uow:
        made = uow.decisions.add(
            NewDecision(
                DecisionKind.VIOLATION_DISMISS,
                "7",
                "manager:M01",
                "录入错误",
                {"status": "open", "penalty": None},
            ),
            clock.now(),
        )
        uow.commit()
    with uow_factory() as uow:
        undo = uow.decisions.reverse(made, Act.UNDO, "manager:M01", "", clock.now())
        uow.commit()
    assert undo is not None and undo.reverses == made.id
    with uow_factory() as uow:
        got = uow.decisions.get(made.id)
        assert got == made and got.data == {"status": "open", "penalty": None}
        assert got.at == clock.now()
        assert uow.decisions.reversal_of(made.id) == undo
        history = uow.decisions.history(DecisionKind.VIOLATION_DISMISS, "7")
        assert [(d.act, d.reverses) for d in history] == [(Act.DECIDE, None), (Act.UNDO, made.id)]


def test_a_decision_is_taken_back_only_once(uow_factory, clock):
    with uow_factory() as uow:
        made = uow.decisions.add(
            NewDecision(DecisionKind.BROADCAST, "3", "manager:M01"), clock.now()
        )
        first = uow.decisions.reverse(made, Act.UNDO, "manager:M01", "", clock.now())
        later = clock.now() + timedelta(days=1)
        second = uow.decisions.reverse(made, Act.REOPEN, "manager:M02", "复核", later)
        uow.commit()
    assert first is not None and second is None
    with uow_factory() as uow:
        assert len(uow.decisions.history(DecisionKind.BROADCAST, "3")) == 2


def test_histories_are_kept_apart_by_kind_and_subject(uow_factory, clock):
    with uow_factory() as uow:
        uow.decisions.add(NewDecision(DecisionKind.BROADCAST, "1", "manager:M01"), clock.now())
        uow.decisions.add(
            NewDecision(DecisionKind.PRICE_EXCEPTION, "1", "manager:M01"), clock.now()
        )
        uow.commit()
    with uow_factory() as uow:
        assert len(uow.decisions.history(DecisionKind.PRICE_EXCEPTION, "1")) == 1
        assert uow.decisions.history(DecisionKind.VIOLATION_DISMISS, "1") == []
