"""Unlinking a chat account: by the user, by a manager for their dealers' contacts, on the CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from domain.shared.outbox import OutboxStatus, OutgoingMessage
from handlers.core.conversation import Conversation
from storage.models import AuditRow, ChatIdentityRow, OutboxRow
from tests.support import Chat, invite, seed_catalog


@pytest.fixture
def world(uow_factory, clock):
    seed_catalog(uow_factory)
    conversation = Conversation(uow_factory, clock)
    people = {}
    for user, kw in {
        "dealer1": {"dealer": "D001"},
        "dealer1b": {"dealer": "D001"},
        "dealer2": {"dealer": "D002"},
        "boss_sc": {"manager": "M01"},
        "admin": {"manager": "M02"},
    }.items():
        chat = Chat(conversation, user)
        chat.say(f"/start {invite(uow_factory, clock, **kw)}")
        people[user] = chat
    return people


def identity_id(uow_factory, user_id: str) -> int:
    with uow_factory() as uow:
        return uow.session.scalar(
            select(ChatIdentityRow.id).where(ChatIdentityRow.user_id == user_id)
        )


def audit(uow_factory, action: str) -> list[tuple[str, str]]:
    with uow_factory() as uow:
        rows = uow.session.scalars(select(AuditRow).where(AuditRow.action == action))
        return [(r.actor, r.detail) for r in rows]


def queue_for(uow_factory, clock, user_id: str) -> None:
    with uow_factory() as uow:
        uow.outbox.enqueue(
            OutgoingMessage(
                f"test:{user_id}",
                "console",
                user_id,
                {"text": "alert"},
                identity_id(uow_factory, user_id),
            ),
            clock.now(),
        )
        uow.commit()


def outbox_status(uow_factory, user_id: str) -> list[str]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(select(OutboxRow.status).where(OutboxRow.chat_id == user_id))
        )


def test_a_user_unlinks_only_after_confirming_and_is_anonymous_again(world, uow_factory):
    dealer = world["dealer1"]
    asked = dealer.say("/unlink")
    assert "华西医疗" in asked and "确认" in asked
    assert "工单" in dealer.say("/tickets") or "没有" in dealer.say("/tickets")  # still linked
    dealer.say("/unlink")
    assert "已解除" in dealer.press("确认")
    assert "/start" in dealer.say("/tickets")  # link first
    assert audit(uow_factory, "unlink") == [
        ("dealer:D001", "console:dealer1 dealer:D001 by the user")
    ]


def test_a_user_who_declines_stays_linked(world):
    dealer = world["dealer1"]
    dealer.say("/unlink")
    assert "保留" in dealer.press("取消")
    assert "/start" not in dealer.say("/tickets")


def test_an_old_confirm_button_does_not_unlink_a_later_link(world, uow_factory, clock):
    dealer = world["dealer1"]
    dealer.say("/unlink")
    confirm = next(p for label, p in dealer.buttons() if "确认" in label)
    dealer.say(payload=confirm)
    clock.advance(minutes=5)
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    assert "过期" in dealer.say(payload=confirm)
    assert "/start" not in dealer.say("/tickets")


def test_an_unlinked_contact_gets_no_more_proactive_messages(world, uow_factory, clock):
    queue_for(uow_factory, clock, "dealer1")
    queue_for(uow_factory, clock, "dealer1b")
    world["dealer1"].say("/unlink")
    world["dealer1"].press("确认")
    assert outbox_status(uow_factory, "dealer1") == [OutboxStatus.UNDELIVERABLE.value]
    assert outbox_status(uow_factory, "dealer1b") == [OutboxStatus.PENDING.value]
    with uow_factory() as uow:
        assert [a.user_id for a in uow.identities.dealer_contacts("D001")] == ["dealer1b"]


def test_a_manager_lists_a_dealers_contacts_and_unlinks_one_giving_a_reason(world, uow_factory):
    boss = world["boss_sc"]
    listed = boss.say("/contacts D001")
    assert "dealer1" in listed and "dealer1b" in listed and "dealer2" not in listed
    boss.press("dealer1b")
    asked = boss.last[0].text
    assert "原因" in asked
    assert "已解除" in boss.press("离职")
    assert "/start" in world["dealer1b"].say("/tickets")
    assert "/start" not in world["dealer1"].say("/tickets")
    ((actor, detail),) = audit(uow_factory, "unlink")
    assert actor == "manager:M01" and "console:dealer1b dealer:D001" in detail and "离职" in detail
    typed = boss.say(f"/contacts D001 unlink {identity_id(uow_factory, 'dealer1')} 手机丢失")
    assert "已解除" in typed and "手机丢失" in audit(uow_factory, "unlink")[1][1]


def test_a_manager_cannot_see_or_unlink_the_contacts_of_a_dealer_outside_their_regions(
    world, uow_factory
):
    boss = world["boss_sc"]
    assert "找不到" in boss.say("/contacts D002")
    other = identity_id(uow_factory, "dealer2")
    assert "找不到" in boss.say(f"/contacts D002 unlink {other} 离职")
    assert "不是" in boss.say(f"/contacts D001 unlink {other} 离职")  # not a contact of D001
    assert "/start" not in world["dealer2"].say("/tickets")
    assert "dealer2" in world["admin"].say("/contacts D002")  # an admin sees every dealer


def test_a_dealer_cannot_use_the_managers_command(world):
    assert "/contacts" not in world["dealer1"].say("/help")
    assert "权限" in world["dealer1"].say("/contacts D001")


@pytest.fixture
def cli(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{db.url}"\n', encoding="utf-8")
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["--config", str(config), *args])


def test_the_cli_unlinks_by_platform_and_user_id(world, cli, uow_factory):
    result = cli("unlink", "console", "dealer1", "--reason", "left the company")
    assert result.exit_code == 0, result.output
    assert "dealer:D001" in result.stdout
    assert "/start" in world["dealer1"].say("/tickets")
    ((actor, detail),) = audit(uow_factory, "unlink")
    assert actor.startswith("operator:") and "left the company" in detail
    again = cli("unlink", "console", "dealer1")
    assert again.exit_code == 1 and "not linked" in again.stderr


def test_the_cli_lists_a_dealers_contacts_and_unlinks_one_by_name_or_id(world, cli):
    listed = cli("unlink", "--dealer", "D001")
    assert listed.exit_code == 0 and "dealer1b" in listed.stdout
    result = cli("unlink", "--dealer", "D001", "--contact", "dealer1b", "--reason", "离职")
    assert result.exit_code == 0, result.output
    assert "/start" in world["dealer1b"].say("/tickets")
    wrong = cli("unlink", "--dealer", "D001", "--contact", "dealer2")
    assert wrong.exit_code == 1 and "D001" in wrong.stderr
