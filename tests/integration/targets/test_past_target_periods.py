"""A target period that is over is told as met or short, not with a pace and a weekly need."""

from __future__ import annotations

from handlers.core.conversation import Conversation
from tests.support import Chat, invite, seed_catalog


def test_a_past_period_says_it_ended_short_and_a_running_one_still_shows_the_weekly_need(
    uow_factory, clock
):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)  # today is 2026-07-17
    boss, dealer = Chat(conv, "boss"), Chat(conv, "u1")
    boss.say(f"/start {invite(uow_factory, clock, manager='M02')}")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    boss.say("/target set D001 2026-Q2 100000")
    boss.say("/target set D001 2026-Q3 100000")
    past = dealer.say("/target 2026-Q2")
    assert "该期间已结束，差 ¥100,000.00 未完成目标" in past
    assert "每周" not in past and "按进度" not in past
    assert "每周需完成" in dealer.say("/target 2026-Q3")
    dealer.say("/lang en")
    past = dealer.say("/target 2026-Q2")
    assert "The period is over; it ended ¥100,000.00 short of the target" in past
    assert "a week" not in past
