"""Who may do what: linking, roles, regional scope, the audit log, languages."""

from __future__ import annotations

import pytest

from domain.identity.actors import Seat
from handlers.core.conversation import Conversation
from tests.support import ROUTER, Chat, invite, seed_catalog

OTHER_DEALER = ("D002", "申城器械", "瑞金医院")  # D001's contact must never see these


@pytest.fixture
def conv(uow_factory, clock) -> Conversation:
    seed_catalog(uow_factory)
    return Conversation(uow_factory, clock)


def linked(conv, uow_factory, clock, user: str, **who) -> Chat:
    chat = Chat(conv, user)
    chat.say(f"/start {invite(uow_factory, clock, **who)}")
    return chat


def manager_only_commands() -> list[str]:
    return sorted(
        c.name
        for c in ROUTER.commands.values()
        if Seat.ADMIN in c.roles and Seat.DEALER not in c.roles
    )


def test_an_unlinked_user_gets_only_start_help_and_apply(conv):
    chat = Chat(conv, "stranger")
    helped = chat.say("/help")
    assert "/start" in helped and "/help" in helped and "/dealers" not in helped
    assert "/apply" in helped  # applying to become a dealer needs no account
    for name in sorted(ROUTER.commands):
        if name in ("start", "help", "cancel", "apply"):
            continue
        assert "请先绑定账号" in chat.say(f"/{name} D001"), name
    assert "请先绑定账号" in chat.say("给华西医院卖了20台A100，单价3500")
    assert "请先绑定账号" in chat.say(payload="c:dealers")


def test_help_lists_the_users_commands_in_chinese_then_english(conv, uow_factory, clock):
    chat = linked(conv, uow_factory, clock, "u1", dealer="D001")
    helped = chat.say("/help")
    assert helped.startswith("您可以使用以下命令：")
    assert "/lang en — 切换语言" in helped and "/dealers" not in helped
    assert "English" in chat.say("/lang en")
    helped = chat.say("/help")
    assert helped.startswith("Commands you can use:")
    assert "/lang en — switch language" in helped and "/dealers" not in helped
    for line in helped.splitlines()[1:-1]:  # one example each
        assert line.startswith("/") and " — " in line, line


def test_a_manager_help_lists_manager_commands(conv, uow_factory, clock):
    chat = linked(conv, uow_factory, clock, "m1", manager="M01")
    helped = chat.say("/help")
    for name in ("dealers", "dealer", "invite"):
        assert f"/{name} " in helped


def test_the_language_choice_is_remembered_per_user(conv, uow_factory, clock):
    chat = linked(conv, uow_factory, clock, "u1", dealer="D001")
    other = linked(conv, uow_factory, clock, "u2", dealer="D001")
    chat.say("/lang en")
    assert "Commands you can use" in Chat(Conversation(uow_factory, clock), "u1").say("/help")
    assert "您可以使用以下命令" in other.say("/help")
    assert "中文" in chat.say("/lang zh")
    assert "您可以使用以下命令" in chat.say("/help")


def test_lang_without_a_choice_offers_buttons(conv, uow_factory, clock):
    chat = linked(conv, uow_factory, clock, "u1", dealer="D001")
    chat.say("/lang")
    assert "English" in chat.press("English")


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_dealer_is_refused_every_manager_command_politely(conv, uow_factory, clock, locale):
    chat = linked(conv, uow_factory, clock, "u1", dealer="D001")
    chat.say(f"/lang {locale}")
    refusal = "没有使用这个命令的权限" if locale == "zh" else "not allowed to use this command"
    names = manager_only_commands()
    assert {"dealers", "dealer", "invite"} <= set(names)
    for name in names:
        for line in (f"/{name}", f"/{name} D002", f"/{name} open"):
            reply = chat.say(line)
            assert refusal in reply, (line, reply)
            assert not any(secret in reply for secret in OTHER_DEALER), (line, reply)
        assert refusal in chat.say(payload=f"c:{name} D002")


def test_refusals_are_audited_with_who_what_when_and_platform(conv, uow_factory, clock):
    chat = linked(conv, uow_factory, clock, "u1", dealer="D001")
    chat.say("/dealer D002")
    with uow_factory() as uow:
        entry = uow.audit.recent(1)[0]
    assert (entry.platform, entry.user_id, entry.actor) == ("console", "u1", "dealer:D001")
    assert (entry.action, entry.detail) == ("refused", "/dealer")
    assert entry.at == clock.now()


def test_linking_is_audited_without_the_code(conv, uow_factory, clock):
    code = invite(uow_factory, clock, dealer="D001")
    Chat(conv, "u1").say(f"/start {code}")
    Chat(conv, "u2").say("/start WRONGCODE")
    with uow_factory() as uow:
        entries = list(reversed(uow.audit.recent(10)))
    assert [(e.user_id, e.actor, e.action) for e in entries] == [
        ("u1", "anonymous", "cmd:start"),
        ("u1", "dealer:D001", "link"),
        ("u2", "anonymous", "cmd:start"),
        ("u2", "anonymous", "link.failed"),
    ]
    assert all(code not in e.detail and "WRONGCODE" not in e.detail for e in entries)


def test_a_regional_manager_sees_only_the_dealers_of_their_regions(conv, uow_factory, clock):
    chat = linked(conv, uow_factory, clock, "m1", manager="M01")  # Sichuan
    listed = chat.say("/dealers")
    assert "D001" in listed and "华西医疗" in listed
    assert not any(secret in listed for secret in OTHER_DEALER)
    assert chat.buttons() == [("D001", "c:dealer D001")]
    assert "没有代码或名称包含" in chat.say("/dealers 申城")


def test_out_of_scope_and_unknown_dealers_get_the_same_answer(conv, uow_factory, clock):
    chat = linked(conv, uow_factory, clock, "m1", manager="M01")
    hidden = chat.say("/dealer D002")
    unknown = chat.say("/dealer D999")
    assert hidden == unknown.replace("D999", "D002")
    assert "找不到经销商 D002" in hidden
    assert hidden == chat.say("/invite D002")
    assert hidden == chat.say(payload="c:dealer D002")


def test_an_admin_sees_every_dealer(conv, uow_factory, clock):
    chat = linked(conv, uow_factory, clock, "boss", manager="M02")
    listed = chat.say("/dealers")
    assert "D001" in listed and "D002" in listed and "共 2 家" in listed
    assert "申城器械" in chat.say("/dealer d002")  # codes in any letter case


def test_a_dealer_profile_shows_tier_credit_deposit_contract_authorizations_contacts(
    conv, uow_factory, clock
):
    from datetime import date
    from decimal import Decimal

    from domain.deposits.services import open_balances
    from storage.models import ContractRow, DealerRow

    with uow_factory() as uow:
        dealer = uow.session.query(DealerRow).filter_by(code="D001").one()
        dealer.credit_rating = "AA"
        dealer.deposit = Decimal("200000")
        uow.session.add(
            ContractRow(
                dealer=dealer,
                start=date(2026, 1, 1),
                end=date(2026, 12, 31),
                annual_target=Decimal("1200000"),
                deposit=Decimal("200000"),
                franchise_fee=Decimal("0"),
            )
        )
        # The profile shows the ledger's balance: the recorded deposit opens it.
        open_balances(uow.deposits, [(dealer.code, dealer.deposit, date(2020, 3, 1))], clock.now())
        uow.commit()
    linked(conv, uow_factory, clock, "u1", dealer="D001")
    chat = linked(conv, uow_factory, clock, "m1", manager="M01")
    profile = chat.say("/dealer D001")
    assert "经销商档案：华西医疗（D001）" in profile
    assert "等级：A" in profile and "信用等级：AA" in profile
    assert "保证金：¥200,000.00" in profile
    assert "合作起始：2020年3月1日" in profile
    assert "合同：2026年1月1日 至 2026年12月31日，年度任务 ¥1,200,000.00" in profile
    assert "IMG — 四川" in profile
    assert "已绑定联系人：1 人" in profile
    chat.say("/lang en")
    profile = chat.say("/dealer D001")
    assert "Deposit: ¥200,000.00" in profile and "Dealer since: Mar 1, 2020" in profile
    assert "Contract: Jan 1, 2026 to Dec 31, 2026, annual target ¥1,200,000.00" in profile


def test_a_first_year_dealer_is_marked_not_assessed(conv, uow_factory, clock):
    chat = linked(conv, uow_factory, clock, "boss", manager="M02")
    assert "合作首年，不考核任务" in chat.say("/dealer D002")
    assert "合作首年" not in chat.say("/dealer D001")


def test_a_manager_invites_a_contact_of_a_dealer_in_scope(conv, uow_factory, clock):
    chat = linked(conv, uow_factory, clock, "m1", manager="M01")
    reply = chat.say("/invite D001")
    assert "已为 华西医疗 生成一次性邀请码" in reply
    code = reply.split("/start ")[-1].strip()
    newcomer = Chat(conv, "u5")
    assert "已绑定经销商：华西医疗" in newcomer.say(f"/start {code}")
    assert "已被使用" in Chat(conv, "u6").say(f"/start {code}")
    with uow_factory() as uow:
        actions = [(e.actor, e.action, e.detail) for e in uow.audit.recent(20)]
    assert ("manager:M01", "invite.issue", "dealer:D001") in actions


def test_invite_without_a_dealer_offers_the_managers_dealers(conv, uow_factory, clock):
    chat = linked(conv, uow_factory, clock, "m1", manager="M01")
    assert "为哪家经销商" in chat.say("/invite")
    assert chat.buttons() == [("D001", "c:invite D001")]
    assert "一次性邀请码" in chat.press("D001")


def add_manager(uow_factory, code: str, region: str) -> None:
    from storage.models import ManagerRegionRow, ManagerRow, RegionRow

    with uow_factory() as uow:
        s = uow.session
        place = s.query(RegionRow).filter_by(code=region).one_or_none()
        if place is None:
            place = RegionRow(
                code=region, name=region, parent=s.query(RegionRow).filter_by(code="CN").one()
            )
        m = ManagerRow(code=code, name="赵经理", role="regional_director")
        m.regions.append(ManagerRegionRow(region=place))
        s.add(m)
        uow.commit()


def test_a_manager_sees_a_dealer_selling_to_a_terminal_in_their_region(conv, uow_factory, clock):
    add_manager(uow_factory, "M03", "SH")
    chat = linked(conv, uow_factory, clock, "m3", manager="M03")
    # D002 is authorized for one Shanghai hospital only; D001 sells in Sichuan.
    listed = chat.say("/dealers")
    assert "D002" in listed and "D001" not in listed and "华西医疗" not in listed


def test_a_manager_with_no_dealers_is_told_so(conv, uow_factory, clock):
    add_manager(uow_factory, "M04", "BJ")
    chat = linked(conv, uow_factory, clock, "m4", manager="M04")
    assert "还没有经销商" in chat.say("/dealers")
    assert "还没有经销商" in chat.say("/invite")
    assert "找不到经销商 D001" in chat.say("/dealer D001")
