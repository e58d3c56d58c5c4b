"""Complaint tickets end to end through the conversation core, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from domain.tickets.model import TicketAction, TicketId, TicketStatus
from handlers.core.conversation import Conversation
from handlers.core.messages import Attachment, Reply
from handlers.core.options import CoreOptions
from handlers.tickets.sla import run_complaint_sla
from storage.models import ManagerRegionRow, ManagerRow, RegionRow
from tests.support import JOBS, Chat, invite, seed_catalog

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 200


def add_agents(uow_factory) -> None:
    """M03: service agent of Sichuan; M04: service agent of Shanghai."""
    with uow_factory() as uow:
        s = uow.session
        sc = s.query(RegionRow).filter_by(code="SC").one()
        sh = s.query(RegionRow).filter_by(code="SH").one()
        m3 = ManagerRow(code="M03", name="赵工", role="service_agent")
        m3.regions.append(ManagerRegionRow(region=sc))
        m4 = ManagerRow(code="M04", name="钱工", role="service_agent")
        m4.regions.append(ManagerRegionRow(region=sh))
        s.add_all([m3, m4])
        uow.commit()


@pytest.fixture
def world(uow_factory, clock):
    seed_catalog(uow_factory)
    add_agents(uow_factory)
    conv = Conversation(uow_factory, clock)
    people = {}
    for user, kw in {
        "dealer1": {"dealer": "D001"},
        "dealer2": {"dealer": "D002"},
        "boss_sc": {"manager": "M01"},
        "admin": {"manager": "M02"},
        "agent_sc": {"manager": "M03"},
        "agent_sh": {"manager": "M04"},
    }.items():
        chat = Chat(conv, user)
        chat.say(f"/start {invite(uow_factory, clock, **kw)}")
        people[user] = chat
    return people


def file_complaint(chat: Chat, *, photos: int = 0, urgency: str = "普通") -> str:
    assert "类别" in chat.say("/complaint")
    assert "客户或终端" in chat.press("质量问题")
    assert "产品" in chat.say("T-0001")
    assert "描述" in chat.say("A100")
    assert "照片" in chat.say("开机后屏幕闪烁，客户要求换机")
    for i in range(photos):
        reply = chat.say(file=Attachment(f"p{i}.jpg", JPEG, "image/jpeg"))
        assert f"已收到 {i + 1} 张照片" in reply
    assert "紧急程度" in chat.press("完成" if photos else "跳过")
    return chat.press(urgency)


def outbox_texts(uow_factory, chat_id: str) -> list[str]:
    with uow_factory() as uow:
        return [i.payload["text"] for i in uow.outbox.list(limit=500) if i.chat_id == chat_id]


def outbox_keys(uow_factory) -> list[str]:
    with uow_factory() as uow:
        return [i.dedupe_key for i in uow.outbox.list(limit=500)]


def test_dealer_files_a_complaint_with_photos_and_gets_a_numbered_ticket(world, uow_factory, clock):
    done = file_complaint(world["dealer1"], photos=2, urgency="紧急")
    assert "C00001" in done and "附照片 2 张" in done
    with uow_factory() as uow:
        ticket = uow.tickets.get(TicketId(1))
        assert ticket.status is TicketStatus.OPEN
        assert ticket.region_code == "SC" and ticket.terminal_code == "T-0001"
        assert ticket.sku == "A100"
        assert ticket.due_at == clock.now() + timedelta(hours=24)  # high urgency override
        photos = uow.tickets.photos(ticket.id)
    assert [p.content for p in photos] == [JPEG, JPEG]
    # The region's agent and sales manager hear of it; the Shanghai agent does not.
    assert any("新投诉工单" in t for t in outbox_texts(uow_factory, "agent_sc"))
    assert any("新投诉工单" in t for t in outbox_texts(uow_factory, "boss_sc"))
    assert outbox_texts(uow_factory, "agent_sh") == []
    assert "C00001" in world["dealer1"].say("/tickets")


def test_default_sla_is_48_hours_and_category_overrides_apply(uow_factory, clock):
    seed_catalog(uow_factory)
    options = CoreOptions(complaint_sla_by_category=(("quality", 12),))
    conv = Conversation(uow_factory, clock, options)
    chat = Chat(conv, "d")
    chat.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    file_complaint(chat, urgency="普通")
    file_complaint(chat, urgency="紧急")
    with uow_factory() as uow:
        assert uow.tickets.get(TicketId(1)).due_at == clock.now() + timedelta(hours=12)
        assert uow.tickets.get(TicketId(2)).due_at == clock.now() + timedelta(hours=24)
    plain = Chat(Conversation(uow_factory, clock), "d")
    file_complaint(plain, urgency="低")
    with uow_factory() as uow:
        assert uow.tickets.get(TicketId(3)).due_at == clock.now() + timedelta(hours=48)


def test_photo_step_refuses_other_files_and_text_and_keeps_the_form(world, uow_factory):
    chat = world["dealer1"]
    chat.say("/complaint")
    chat.press("物流配送")
    chat.say("某某诊所")
    chat.press("跳过")
    chat.say("货物外包装破损严重")
    refused = chat.say(file=Attachment("list.xlsx", b"PK..", "application/vnd.ms-excel"))
    assert "不是图片" in refused and "照片" in refused
    assert "请发送照片" in chat.say("随便说点什么")
    assert "已收到 1 张照片" in chat.say(file=Attachment("a.png", b"\x89PNG", "image/png"))
    chat.press("完成")
    assert "C00001" in chat.press("低")
    with uow_factory() as uow:
        t = uow.tickets.get(TicketId(1))
        assert t.customer == "某某诊所" and t.terminal_code is None and t.region_code == "SC"
        assert t.photo_count == 1


def test_whole_lifecycle_is_recorded_and_each_step_tells_the_dealer(world, uow_factory, clock):
    file_complaint(world["dealer1"])
    boss = world["boss_sc"]
    assert "区域：四川 (SC)" in boss.say("/ticket 1")
    assert "已指派给 赵工 (M03)" in boss.say("/ticket 1 assign M03")
    assert any("已指派给您" in t for t in outbox_texts(uow_factory, "agent_sc"))
    agent = world["agent_sc"]
    clock.advance(hours=3)
    assert "请写明处理结果" in agent.say("/ticket 1 resolve")
    assert "已解决" in agent.say("/ticket C00001 resolve 已上门更换屏幕")
    dealer_msgs = outbox_texts(uow_factory, "dealer1")
    assert any("安排专人处理" in t for t in dealer_msgs)
    assert any("更换屏幕" in t and "打分" in t for t in dealer_msgs)
    # The dealer answers the follow-up with the button from the resolve message.
    with uow_factory() as uow:
        item = next(i for i in uow.outbox.list(limit=500) if "打分" in i.payload["text"])
    rate_msg = Reply.from_dict(item.payload)
    dealer = world["dealer1"]
    dealer.last = [rate_msg]
    assert "感谢评分（5 分）" in dealer.press("5 分")
    assert "已评过分" in dealer.say("/ticket 1 rate 4")
    with uow_factory() as uow:
        t = uow.tickets.get(TicketId(1))
        events = uow.tickets.events(TicketId(1))
    assert t.status is TicketStatus.CLOSED and t.assignee == "M03"
    assert [e.action for e in events] == [
        TicketAction.CREATE,
        TicketAction.ASSIGN,
        TicketAction.RESOLVE,
        TicketAction.RATE,
        TicketAction.CLOSE,
    ]
    assert [e.actor for e in events] == [
        "dealer:D001", "manager:M01", "manager:M03", "dealer:D001", "dealer:D001",
    ]  # fmt: skip
    assert events[2].at == clock.now()
    # Reopen after close, and the manager's history view shows who did what.
    assert "重新打开" in boss.say("/ticket 1 reopen 客户再次反映")
    details = boss.say("/ticket 1")
    assert "赵工 (M03) 解决" in details and "客户再次反映" in details
    assert "回访评分：5 分" in details


def test_invalid_transitions_are_refused_with_a_clear_message(world, uow_factory):
    file_complaint(world["dealer1"])
    boss = world["boss_sc"]
    assert "当前状态为“待处理”，不能执行“关闭”" in boss.say("/ticket 1 close")
    assert "不能执行“重新打开”" in boss.say("/ticket 1 reopen")
    boss.say("/ticket 1 resolve 已处理")
    assert "不能执行“指派”" in boss.say("/ticket 1 assign M03")
    assert "不能执行“解决”" in boss.say("/ticket 1 resolve 再次处理")
    assert "解决后才能评分" not in world["dealer1"].say("/ticket 1 rate 4")
    boss.say("/ticket 1 reopen")
    assert "解决后才能评分" in world["dealer1"].say("/ticket 1 rate 4")
    assert "1–5" in world["dealer1"].say("/ticket 1 rate 9")
    assert "不负责" in boss.say("/ticket 1 assign M04")
    assert "找不到人员编码" in boss.say("/ticket 1 assign NOBODY")
    with uow_factory() as uow:
        assert uow.tickets.get(TicketId(1)).status is TicketStatus.OPEN


def test_dealers_and_agents_see_only_their_own_tickets(world, uow_factory):
    file_complaint(world["dealer1"])
    d2 = world["dealer2"]
    assert "找不到工单 1" in d2.say("/ticket 1")
    assert "暂无投诉工单" in d2.say("/tickets")
    assert "不能执行" not in d2.say("/ticket 1 close")
    assert "找不到工单" in d2.say("/ticket 1 close")
    assert "用法" in world["dealer1"].say("/ticket 1 close")  # dealers do not transition
    assert "没有使用这个命令的权限" in world["dealer1"].say("/complaints")
    sh = world["agent_sh"]
    assert "暂无" in sh.say("/complaints")
    assert "找不到工单 1" in sh.say("/ticket 1")
    assert "C00001" in world["agent_sc"].say("/complaints open")
    assert "C00001" in world["admin"].say("/complaints")
    with uow_factory() as uow:
        assert uow.tickets.get(TicketId(1)).status is TicketStatus.OPEN


def test_overdue_tickets_come_first_in_the_manager_list(world, uow_factory, clock):
    file_complaint(world["dealer1"], urgency="低")  # 48 h
    file_complaint(world["dealer1"], urgency="紧急")  # 24 h
    clock.advance(hours=30)
    lines = world["boss_sc"].say("/complaints").splitlines()
    assert "‼️ C00002" in lines[1] and "C00001" in lines[2]


def test_sla_warns_the_assignee_then_escalates_once(world, uow_factory, clock):
    file_complaint(world["dealer1"])  # normal urgency: 48 h
    world["boss_sc"].say("/ticket 1 assign M03")
    options = CoreOptions()

    def run() -> int:
        with uow_factory() as uow:
            n = run_complaint_sla(uow, clock.now(), options)
            uow.commit()
        return n

    clock.advance(hours=38)  # 80 % is 38.4 h
    assert run() == 0
    clock.advance(hours=1)
    assert run() == 1
    assert run() == 0
    assert any("即将超时" in t for t in outbox_texts(uow_factory, "agent_sc"))
    assert not any("超时" in t for t in outbox_texts(uow_factory, "boss_sc"))
    clock.advance(hours=10)  # 49 h: overdue
    assert run() == 2  # the assignee and the region's sales manager
    assert run() == 0
    clock.advance(hours=24)
    assert run() == 0
    assert any("升级提醒" in t for t in outbox_texts(uow_factory, "boss_sc"))
    assert any("已超时" in t for t in outbox_texts(uow_factory, "agent_sc"))
    keys = outbox_keys(uow_factory)
    assert "complaint_sla:near:1:console:agent_sc" in keys
    assert "complaint_sla:overdue:1:console:boss_sc" in keys
    assert not any(k.startswith("complaint_sla") and "admin" in k for k in keys)


def test_resolved_tickets_get_no_sla_alerts_and_a_reopen_restarts_the_clock(
    world, uow_factory, clock
):
    file_complaint(world["dealer1"])
    boss = world["boss_sc"]
    boss.say("/ticket 1 resolve 已处理")
    clock.advance(hours=100)
    with uow_factory() as uow:
        assert run_complaint_sla(uow, clock.now(), CoreOptions()) == 0
    boss.say("/ticket 1 reopen")
    clock.advance(hours=49)
    with uow_factory() as uow:
        assert run_complaint_sla(uow, clock.now(), CoreOptions()) >= 1
        uow.commit()
    assert "complaint_sla:overdue:1:r1:console:boss_sc" in outbox_keys(uow_factory)


def test_low_rating_reopens_the_ticket_for_review(world, uow_factory, clock):
    file_complaint(world["dealer1"])
    world["boss_sc"].say("/ticket 1 assign M03")
    world["agent_sc"].say("/ticket 1 resolve 已电话沟通")
    clock.advance(hours=1)
    assert "已重新打开" in world["dealer1"].say("/ticket 1 rate 2")
    with uow_factory() as uow:
        t = uow.tickets.get(TicketId(1))
    assert t.status is TicketStatus.OPEN and t.reopen_count == 1
    assert t.due_at == clock.now() + timedelta(hours=48)
    assert any("自动重新打开" in m for m in outbox_texts(uow_factory, "agent_sc"))
    assert any("自动重新打开" in m for m in outbox_texts(uow_factory, "boss_sc"))
    # A second resolution may be rated again.
    world["agent_sc"].say("/ticket 1 resolve 已更换新机")
    assert "感谢评分" in world["dealer1"].say("/ticket 1 rate 4")


def test_stats_give_on_time_rate_and_average_rating_per_dealer_and_region(
    world, uow_factory, clock
):
    boss = world["boss_sc"]
    file_complaint(world["dealer1"])
    file_complaint(world["dealer1"])
    boss.say("/ticket 1 resolve 已处理")
    world["dealer1"].say("/ticket 1 rate 4")
    clock.advance(hours=50)
    boss.say("/ticket 2 resolve 迟了")
    world["dealer1"].say("/ticket 2 rate 3")
    text = boss.say("/complaints stats 2026")
    assert "四川 (SC)：2 / 2 / 50.0% / 3.5〔2〕" in text
    assert "华西医疗 (D001)：2 / 2 / 50.0% / 3.5〔2〕" in text
    assert "（无）" in world["agent_sh"].say("/complaints stats")
    assert "不是有效期间" in boss.say("/complaints stats 20x6")


def test_export_complaints_as_xlsx_scoped_to_the_manager(world, uow_factory, clock):
    file_complaint(world["dealer1"], photos=1)
    world["boss_sc"].say("/ticket 1 resolve 已处理")
    replies = world["boss_sc"].send("/export complaints 2026-07")
    doc = replies[0].document
    assert doc is not None and doc.filename == "complaints-2026-07.xlsx"
    ws = load_workbook(io.BytesIO(doc.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "工单号" and rows[1][0] == "C00001"
    assert rows[1][2] == "D001" and "已处理" in rows[1]
    empty = world["agent_sh"].send("/export complaints 2026-07")[0].document
    assert len(list(load_workbook(io.BytesIO(empty.content)).active.iter_rows())) == 1
    assert "投诉工单" in world["boss_sc"].say("/export")
    assert load_workbook(
        io.BytesIO(world["boss_sc"].send("/export complaints")[0].document.content)
    )


def test_redelivered_rating_button_counts_once(world, uow_factory):
    file_complaint(world["dealer1"])
    world["boss_sc"].say("/ticket 1 resolve 已处理")
    d = world["dealer1"]
    first = d.say(payload="c:ticket 1 rate 5", dedupe_key="tg:1:500")
    again = d.say(payload="c:ticket 1 rate 5", dedupe_key="tg:1:500")
    assert first == again and "感谢评分" in first
    with uow_factory() as uow:
        assert sum(e.action is TicketAction.RATE for e in uow.tickets.events(TicketId(1))) == 1


def test_the_complaint_sla_job_runs_through_the_scheduler_registry(world, uow_factory, clock):
    from domain.shared.jobs import RunOutcome
    from handlers.core.jobs import run_job

    assert "complaint_sla" in JOBS
    file_complaint(world["dealer1"])
    clock.advance(hours=49)
    run = run_job(JOBS, uow_factory, clock, CoreOptions(), "complaint_sla", clock.now())
    assert run.outcome is RunOutcome.OK
    assert "complaint_sla:overdue:1:console:boss_sc" in outbox_keys(uow_factory)


def test_assigning_a_ticket_names_the_assignee_by_name_and_code_in_english_too(world):
    file_complaint(world["dealer1"])
    boss = world["boss_sc"]
    boss.say("/lang en")
    assert "assigned to 赵工 (M03)" in boss.say("/ticket 1 assign M03")


def test_a_complaint_sla_run_reports_how_many_messages_it_queued_and_a_rerun_none(
    world, uow_factory, clock
):
    from handlers.core.jobs import run_job

    file_complaint(world["dealer1"])
    clock.advance(hours=49)
    before = len(outbox_keys(uow_factory))
    run = run_job(JOBS, uow_factory, clock, CoreOptions(), "complaint_sla", clock.now())
    assert run.messages == len(outbox_keys(uow_factory)) - before > 0
    assert (
        run_job(JOBS, uow_factory, clock, CoreOptions(), "complaint_sla", clock.now()).messages == 0
    )


def test_two_managers_resolving_at_once_record_one_resolution(world, uow_factory):
    import threading

    file_complaint(world["dealer1"])
    answers: list[str] = []
    start = threading.Barrier(2)

    def resolve(who: str) -> None:
        start.wait()
        answers.append(world[who].say(f"/ticket 1 resolve 由{who}处理"))

    threads = [threading.Thread(target=resolve, args=(w,)) for w in ("boss_sc", "agent_sc")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum("已标记为已解决" in a for a in answers) == 1
    assert sum("不能执行“解决”" in a for a in answers) == 1
    with uow_factory() as uow:
        events = uow.tickets.events(TicketId(1))
    assert sum(e.action is TicketAction.RESOLVE for e in events) == 1


def file_complaint_at(chat: Chat, terminal: str) -> str:
    chat.say("/complaint")
    chat.press("质量问题")
    chat.say(terminal)
    chat.say("A100")
    chat.say("开机后屏幕闪烁")
    chat.press("跳过")
    return chat.press("普通")


def test_a_ticket_naming_another_regions_terminal_stays_with_the_dealers_managers(
    world, uow_factory
):
    # D001 is authorized in Sichuan; T-0012 (瑞金医院) is in Shanghai.
    done = file_complaint_at(world["dealer1"], "T-0012")
    assert "C00001" in done, done
    with uow_factory() as uow:
        ticket_id = uow.tickets.for_dealer("D001")[0].id
    for insider in ("boss_sc", "agent_sc", "admin"):
        assert "C00001" in world[insider].say("/complaints"), insider
        assert "瑞金医院" in world[insider].say(f"/ticket {ticket_id}"), insider
    outsider = world["agent_sh"]
    assert "C00001" not in outsider.say("/complaints")
    assert "找不到" in outsider.say(f"/ticket {ticket_id}")
    assert "找不到" in outsider.say(f"/ticket {ticket_id} resolve 已处理")
    assert "已指派" in world["agent_sc"].say(f"/ticket {ticket_id} assign")
    # Shanghai hears of it, for information only: no buttons to act on it.
    with uow_factory() as uow:
        told = [i for i in uow.outbox.list(limit=500) if i.chat_id == "agent_sh"]
    assert len(told) == 1 and "C00001" in told[0].payload["text"], told
    assert not told[0].payload.get("buttons")
