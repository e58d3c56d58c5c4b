from handlers.core.conversation import Conversation
from handlers.core.jobs import run_job
from handlers.core.messages import Inbound
from handlers.core.options import CoreOptions
from tests.support import JOBS, Chat, invite, seed_catalog


def test_housekeeping_forgets_old_dedupe_keys_and_expired_forms_but_keeps_recent_ones(
    uow_factory, clock
):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    old = Chat(conv, "old")
    old.say(f"/start {invite(uow_factory, clock, dealer='D001')}", dedupe_key="tg:1:1")
    old.say("/lang", dedupe_key="tg:1:2")
    old.say("/report")  # a form left open
    clock.advance(days=20)
    recent = Chat(conv, "recent")
    recent.say("/help", dedupe_key="tg:1:3")

    run = run_job(JOBS, uow_factory, clock, CoreOptions(), "housekeeping", clock.now())

    assert run.outcome.value == "ok" and "dedupe keys 2, forms 1" in run.detail
    with uow_factory() as uow:
        assert uow.inbound.replies_for("tg:1:1") is None
        assert uow.inbound.replies_for("tg:1:3") is not None
        assert uow.forms.get("console", "old", "old") is None
    # A redelivery of the recent update still has no second effect.
    again = conv.handle(Inbound("console", "recent", "recent", text="/help", dedupe_key="tg:1:3"))
    assert again and "/help" in again[0].text
