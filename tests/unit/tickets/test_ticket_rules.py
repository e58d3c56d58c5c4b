"""Ticket status machine and SLA clock: pure rules, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.catalog.model import DealerCode, ManagerCode
from domain.tickets.lifecycle import apply
from domain.tickets.model import (
    Ticket,
    TicketAction,
    TicketCategory,
    TicketId,
    TicketStatus,
    TransitionRefused,
    Urgency,
    allowed_actions,
    next_status,
    parse_ticket_id,
    rating_reopens,
)
from domain.tickets.sla import SlaAlert, SlaPolicy, SlaState, sla_alert_due, sla_dedupe_key

T0 = datetime(2026, 7, 17, 2, 0, tzinfo=UTC)
SLA = SlaPolicy(default_hours=48, by_category={"delivery": 12}, by_urgency={"high": 24})


def ticket(status=TicketStatus.OPEN, hours=48, **kw) -> Ticket:
    return Ticket(
        id=TicketId(7),
        dealer_code=DealerCode("D001"),
        category=TicketCategory.QUALITY,
        urgency=Urgency.NORMAL,
        status=status,
        description="screen flickers",
        created_at=T0,
        sla_started_at=T0,
        due_at=T0 + timedelta(hours=hours),
        **kw,
    )


def test_the_happy_path_runs_open_to_closed():
    s = TicketStatus.OPEN
    s = next_status(s, TicketAction.ASSIGN)
    assert s is TicketStatus.IN_PROGRESS
    s = next_status(s, TicketAction.RESOLVE)
    assert s is TicketStatus.RESOLVED
    assert next_status(s, TicketAction.CLOSE) is TicketStatus.CLOSED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (TicketStatus.OPEN, TicketAction.CLOSE),
        (TicketStatus.OPEN, TicketAction.REOPEN),
        (TicketStatus.IN_PROGRESS, TicketAction.CLOSE),
        (TicketStatus.RESOLVED, TicketAction.ASSIGN),
        (TicketStatus.RESOLVED, TicketAction.RESOLVE),
        (TicketStatus.CLOSED, TicketAction.RESOLVE),
        (TicketStatus.CLOSED, TicketAction.CLOSE),
    ],
)
def test_transitions_outside_the_machine_are_refused(status, action):
    with pytest.raises(TransitionRefused) as refused:
        next_status(status, action)
    assert refused.value.status is status and refused.value.action is action


def test_an_open_ticket_may_be_resolved_directly_and_reopened_from_resolved_or_closed():
    assert next_status(TicketStatus.OPEN, TicketAction.RESOLVE) is TicketStatus.RESOLVED
    for status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        assert next_status(status, TicketAction.REOPEN) is TicketStatus.OPEN
    assert allowed_actions(TicketStatus.CLOSED) == [TicketAction.REOPEN]


def test_reopen_restarts_the_sla_and_clears_the_alert_marks():
    t = ticket(TicketStatus.CLOSED, near_alerted_at=T0, overdue_alerted_at=T0)
    later = T0 + timedelta(days=3)
    event = apply(t, TicketAction.REOPEN, "manager:M01", later, SLA, note="again")
    assert (event.from_status, event.to_status) == (TicketStatus.CLOSED, TicketStatus.OPEN)
    assert t.due_at == later + timedelta(hours=48) and t.reopen_count == 1
    assert t.near_alerted_at is None and t.overdue_alerted_at is None
    assert sla_dedupe_key(t, SlaAlert.OVERDUE) == "complaint_sla:overdue:7:r1"


def test_assign_records_the_assignee_and_resolve_the_note():
    t = ticket()
    apply(t, TicketAction.ASSIGN, "manager:M01", T0, SLA, assignee=ManagerCode("M03"))
    event = apply(t, TicketAction.RESOLVE, "manager:M03", T0, SLA, note="replaced")
    assert t.assignee == "M03" and t.resolution == "replaced" and t.resolved_at == T0
    assert event.actor == "manager:M03"


def test_sla_hours_urgency_beats_category_beats_default():
    assert SLA.duration(TicketCategory.QUALITY, Urgency.NORMAL) == timedelta(hours=48)
    assert SLA.duration(TicketCategory.DELIVERY, Urgency.LOW) == timedelta(hours=12)
    assert SLA.duration(TicketCategory.DELIVERY, Urgency.HIGH) == timedelta(hours=24)


def test_near_comes_at_80_percent_or_4_hours_before_whichever_is_first():
    long = ticket(hours=48)  # 80 % = 38.4 h, before the 44 h mark
    assert SLA.state(long, T0 + timedelta(hours=38)) is SlaState.OK
    assert SLA.state(long, T0 + timedelta(hours=38.5)) is SlaState.NEAR
    short = ticket(hours=10)  # 80 % = 8 h, but 4 h before is 6 h
    assert SLA.state(short, T0 + timedelta(hours=5.9)) is SlaState.OK
    assert SLA.state(short, T0 + timedelta(hours=6)) is SlaState.NEAR
    assert SLA.state(short, T0 + timedelta(hours=10)) is SlaState.OVERDUE
    assert SLA.state(ticket(TicketStatus.RESOLVED), T0 + timedelta(days=9)) is SlaState.STOPPED


def test_each_alert_is_due_once_and_overdue_skips_a_missed_near():
    t = ticket()
    assert sla_alert_due(t, T0 + timedelta(hours=39), SLA) is SlaAlert.NEAR
    t.near_alerted_at = T0
    assert sla_alert_due(t, T0 + timedelta(hours=40), SLA) is None
    late = ticket()
    assert sla_alert_due(late, T0 + timedelta(hours=60), SLA) is SlaAlert.OVERDUE
    late.overdue_alerted_at = T0
    assert sla_alert_due(late, T0 + timedelta(hours=61), SLA) is None
    assert sla_dedupe_key(t, SlaAlert.NEAR) == "complaint_sla:near:7"


def test_ratings_of_two_or_less_reopen_and_others_do_not():
    assert [rating_reopens(r) for r in range(1, 6)] == [True, True, False, False, False]
    with pytest.raises(ValueError):
        rating_reopens(6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), ("#12", 12), ("C00012", 12), ("c12", 12), ("x", None), ("0", None), ("", None)],
)
def test_ticket_ids_are_read_with_or_without_their_prefix(text, expected):
    assert parse_ticket_id(text) == expected


@given(
    category=st.sampled_from(list(TicketCategory)),
    urgency=st.sampled_from(list(Urgency)),
    minutes=st.integers(min_value=0, max_value=72 * 60),
    fraction=st.floats(min_value=0.05, max_value=0.95),
    warn_hours=st.floats(min_value=0, max_value=30),
)
def test_every_ticket_near_its_due_time_falls_inside_the_sla_job_horizon(
    category, urgency, minutes, fraction, warn_hours
):
    policy = SlaPolicy(48, {"delivery": 12}, {"high": 24}, fraction, warn_hours)
    t = ticket(hours=policy.duration(category, urgency).total_seconds() / 3600)
    now = T0 + timedelta(minutes=minutes)
    if policy.state(t, now) in (SlaState.NEAR, SlaState.OVERDUE):
        assert t.due_at <= policy.horizon(now)
