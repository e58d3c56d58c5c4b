"""The first read of every inbound: stored replies, the sender and the open form in one query,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from domain.catalog.model import DealerCode, ManagerCode
from domain.identity.invites import issue_invite
from domain.shared.ports import FormState
from tests.support import seed_catalog


def _link(uow_factory, clock, user: str, **who) -> None:
    with uow_factory() as uow:
        now = clock.now()
        inv = issue_invite(uow, now, timedelta(hours=1), **who)
        uow.identities.link("telegram", user, f"chat-{user}", user, inv, now)
        uow.commit()


def test_an_unknown_sender_with_nothing_stored_arrives_empty(uow_factory):
    seed_catalog(uow_factory)
    with uow_factory() as uow:
        arrival = uow.inbound.arrival("tg:1:1", "telegram", "c", "nobody")
    assert arrival.replies is None and arrival.actor is None and arrival.form is None


def test_a_dealer_with_an_open_form_and_a_stored_answer(uow_factory, clock):
    seed_catalog(uow_factory)
    _link(uow_factory, clock, "u1", dealer=DealerCode("D001"))
    form = FormState("telegram", "chat-u1", "u1", "report", "qty", {"sku": "A100"}, clock.now())
    with uow_factory() as uow:
        uow.forms.save(form)
        uow.inbound.remember("tg:1:7", [{"text": "已记录"}], clock.now())
        uow.commit()
    with uow_factory() as uow:
        seen = uow.inbound.arrival("tg:1:7", "telegram", "chat-u1", "u1")
        fresh = uow.inbound.arrival("tg:1:8", "telegram", "chat-u1", "u1")
        keyless = uow.inbound.arrival(None, "telegram", "chat-u1", "u1")
        other_chat = uow.inbound.arrival(None, "telegram", "group-9", "u1")
    assert seen.replies == [{"text": "已记录"}]
    assert fresh.replies is None and keyless.replies is None
    assert fresh.actor.dealer_code == "D001" and fresh.actor.chat_id == "chat-u1"
    assert fresh.form == form and fresh.form.data == {"sku": "A100"}
    assert other_chat.actor is not None and other_chat.form is None  # forms are per chat


def test_a_manager_arrives_with_role_and_regions_as_find_reads_them(uow_factory, clock):
    seed_catalog(uow_factory)
    _link(uow_factory, clock, "boss", manager=ManagerCode("M01"))
    with uow_factory() as uow:
        arrival = uow.inbound.arrival(None, "telegram", "chat-boss", "boss")
        found = uow.identities.find("telegram", "boss")
    assert arrival.actor == found
    assert arrival.actor.manager_code == "M01" and arrival.actor.manager_regions == ("SC",)
