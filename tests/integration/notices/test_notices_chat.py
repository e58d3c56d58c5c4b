"""Notices in chat on SQLite and PostgreSQL: the form with a PDF, delivery with its button, an
acknowledgement counted once, a quiz resumed and scored on the server, the manager's view."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from handlers.core.conversation import Conversation
from handlers.core.messages import Attachment, Reply
from tests.integration.promotions.test_promotions import linked, outbox
from tests.support import Chat, seed_catalog

PDF = Attachment("新品手册.pdf", b"%PDF-1.4 training", "application/pdf")
QUIZ = "A100 属于哪条产品线？| MON | *IMG\n窜货会怎样？| 不处理 | *按违规处罚 | 奖励"


def people(uow_factory, clock) -> dict[str, Chat]:
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    return {
        "boss": linked(conv, uow_factory, clock, "boss", manager="M02"),
        "wang": linked(conv, uow_factory, clock, "wang", manager="M01"),
        "d1a": linked(conv, uow_factory, clock, "d1a", dealer="D001"),
        "d1b": linked(conv, uow_factory, clock, "d1b", dealer="D001"),
        "d2": linked(conv, uow_factory, clock, "d2", dealer="D002"),
    }


def fill_notice_form(
    boss: Chat, *, regions="SC", ack_by="2026-07-31", quiz=QUIZ, attachment=PDF
) -> str:
    boss.say("/notice new")
    boss.say("新品培训：A100")
    boss.say("请阅读附件中的产品手册并完成测验。")
    boss.say(file=attachment) if attachment else boss.say(payload="f:__skip__")
    boss.say(payload="f:__all__")  # lines
    boss.say(regions) if regions else boss.say(payload="f:__all__")
    boss.say(payload="f:__all__")  # tiers
    boss.say(ack_by) if ack_by else boss.say(payload="f:__skip__")
    return boss.say(quiz) if quiz else boss.say(payload="f:__skip__")


def delivered(uow_factory, chat_id: str) -> list[Reply]:
    return [
        Reply.from_dict(m.payload)
        for m in outbox(uow_factory)
        if m.chat_id == chat_id and m.dedupe_key.startswith("notice:")
    ]


def test_a_notice_with_a_pdf_reaches_its_audience_once_and_its_button_counts_once(
    uow_factory, clock
):
    p = people(uow_factory, clock)
    preview = fill_notice_form(p["boss"])
    assert "1 家经销商的 2 位联系人" in preview and "新品培训：A100" in preview
    assert p["boss"].last[0].document.filename == "新品手册.pdf"
    assert "#1 已开始发送" in p["boss"].press("发送")
    [note] = delivered(uow_factory, "d1a")
    assert note.document.content == PDF.content and note.document.mime == "application/pdf"
    assert "2026-07-31" in note.text and "2 题" in note.text
    assert delivered(uow_factory, "d2") == []  # D002 is not in Sichuan
    ack = note.buttons[0][0]
    assert "已阅" in ack.label
    assert "已确认通知 #1" in p["d1a"].say(payload=ack.payload)
    assert "已于" in p["d1a"].say(payload=ack.payload)  # a second press changes nothing
    assert "没有发给您的通知 #1" in p["d2"].say(payload=ack.payload)
    p["d1b"].say("/notices 1")  # shown again, with its attachment and buttons
    assert p["d1b"].last[0].document.content == PDF.content
    assert "没有发给您的通知 #1" in p["d2"].say("/notices 1")
    with uow_factory() as uow:
        acked = [d for d in uow.notices.deliveries(1) if d.acknowledged_at]
    assert len(acked) == 1
    shown = p["wang"].say("/notice 1")
    assert "1 家经销商、2 位联系人" in shown and "已确认 1 家" in shown
    # The dealer has acknowledged through its first contact: the other one is not chased.
    assert "#1 新品培训：A100 — 已确认" in p["d1b"].say("/notices")


def test_the_quiz_is_asked_question_by_question_and_leaving_does_not_restart_it(uow_factory, clock):
    p = people(uow_factory, clock)
    fill_notice_form(p["boss"])
    p["boss"].press("发送")
    d1 = p["d1a"]
    first = d1.say("/notices quiz 1")
    assert "第 1/2 题（第 1 次）" in first and "A100 属于哪条产品线" in first
    d1.press("B. IMG")
    d1.say("/notices")  # leaves; the attempt stays on the server
    back = d1.say("/notices quiz 1")
    assert "第 2/2 题（第 1 次）" in back
    assert "已经答过了" in d1.say(payload="c:notices quiz 1 0 1")  # question 1 again
    d1.say("/notices quiz 1")
    failed = d1.press("A. 不处理")
    assert "未通过" in failed and "1/2" in failed and "第 1 次" in failed
    assert "第 1/2 题（第 2 次）" in d1.press("再测一次")
    d1.press("B. IMG")
    assert "测验通过" in d1.press("B. 按违规处罚")
    assert "无需再测" in d1.say("/notices quiz 1")
    with uow_factory() as uow:
        contact = uow.identities.contact_of("console", "d1a").identity_id
        attempts = uow.notices.attempts(1, contact)
    assert [(a.number, a.correct, a.passed) for a in attempts] == [(1, 1, False), (2, 2, True)]
    region = p["boss"].say("/notice 1")
    assert "测验通过 1/1 人" in region and "四川" in region


def test_bad_input_in_the_form_is_named_and_asked_again(uow_factory, clock):
    p = people(uow_factory, clock)
    boss = p["boss"]
    boss.say("/notice new")
    boss.say("标题")
    boss.say("正文")
    refused = boss.say(file=Attachment("run.exe", b"MZ", "application/octet-stream"))
    assert "不能作为附件" in refused and "PDF" in refused
    assert "http://" in boss.say("not a link")
    boss.say("https://example.com/manual")
    boss.say(payload="f:__all__")
    assert "不认识：XX" in boss.say("XX")
    boss.say(payload="f:__all__")
    boss.say(payload="f:__all__")
    assert "不是日期" in boss.say("下周五")
    assert "已经过去了" in boss.say("2026-07-01")
    boss.say("2026-07-31")
    assert "标出且只标出一个" in boss.say("问题 | 甲 | 乙")
    preview = boss.say(payload="f:__skip__")
    assert "2 家经销商的 3 位联系人" in preview and "https://example.com/manual" in preview
    assert "#1" in boss.press("发送")


def test_a_dealer_lists_its_notices_with_their_state_and_acknowledges_from_the_list(
    uow_factory, clock
):
    p = people(uow_factory, clock)
    fill_notice_form(p["boss"], regions="", quiz="")
    p["boss"].press("发送")
    listing = p["d2"].say("/notices")
    assert "#1 新品培训：A100 — 待确认（截止 2026-07-31）" in listing
    p["d2"].press("确认 #1")
    assert "已确认" in p["d2"].say("/notices")
    assert "#1 新品培训：A100 — 待确认" in p["d1a"].say("/notices")  # another dealer


def test_export_notices_has_a_row_per_contact_with_the_acknowledgement(uow_factory, clock):
    p = people(uow_factory, clock)
    fill_notice_form(p["boss"], regions="")
    p["boss"].press("发送")
    p["d2"].say("/notices ack 1")
    p["boss"].say("/export notices")
    sheet = p["boss"].last[0].document
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "通知" and len(rows) == 4  # header + three contacts
    states = {r[4]: r[8] for r in rows[1:] if r[4] == "D002"}
    assert states == {"D002": "已确认"}
    # A sales manager of Sichuan sees only the contacts of Sichuan's dealer.
    p["wang"].say("/export notices")
    rows = list(
        load_workbook(io.BytesIO(p["wang"].last[0].document.content)).active.iter_rows(
            values_only=True
        )
    )
    assert {r[4] for r in rows[1:]} == {"D001"}


def test_a_notice_file_sent_in_chat_is_previewed_then_sent_and_a_bad_one_is_refused_whole(
    uow_factory, clock
):
    p = people(uow_factory, clock)
    text = (
        'title = "价格政策更新"\nbody = "新价格表见链接"\nlink = "https://example.com/p.pdf"\n'
        'ack_by = 2026-07-31\n[audience]\ntiers = ["B"]\n'
    )
    toml = Attachment("notice.toml", text.encode("utf-8"), "application/toml")
    preview = p["boss"].say(file=toml)
    assert "1 家经销商的 1 位联系人" in preview and "https://example.com/p.pdf" in preview
    assert "#1 已开始发送" in p["boss"].press("发送")
    assert [m.chat_id for m in outbox(uow_factory) if m.dedupe_key.startswith("notice:")] == ["d2"]
    bad = 'attachment = "a.pdf"\n' + text.replace('["B"]', '["Z"]') + 'colour = "red"\n'
    refused = p["boss"].say(file=Attachment("bad.toml", bad.encode("utf-8"), "text/plain"))
    assert "没有载入" in refused and "不认识的代码：Z" in refused and "a.pdf" in refused
    assert "audience.colour" in refused
    assert "读不了" in p["boss"].say(file=Attachment("x.toml", b"title = ", "text/plain"))
    with uow_factory() as uow:
        assert len(uow.notices.list()) == 1


def test_a_contact_linking_while_a_notice_is_open_gets_it_and_not_once_it_is_acknowledged(
    uow_factory, clock
):
    p = people(uow_factory, clock)
    fill_notice_form(p["boss"], regions="", quiz="")
    p["boss"].press("发送")
    conv = p["boss"].conversation
    p["d2"].say("/notices ack 1")  # D002 has acknowledged; D001 has not
    welcome = linked(conv, uow_factory, clock, "d1c", dealer="D001").last
    assert any("1 条待确认的通知" in r.text for r in welcome)
    [note] = delivered(uow_factory, "d1c")
    assert note.document.content == PDF.content
    linked(conv, uow_factory, clock, "d2b", dealer="D002")
    assert delivered(uow_factory, "d2b") == []
    assert "#1 新品培训：A100 — 已确认" in p["d2"].say("/notices")
    with uow_factory() as uow:
        assert len(uow.notices.deliveries(1)) == 4  # d1a, d1b, d2 and the new d1c


def test_a_contact_reading_english_gets_the_notice_acknowledgement_and_quiz_in_english(
    uow_factory, clock
):
    p = people(uow_factory, clock)
    p["d1a"].say("/lang en")
    fill_notice_form(p["boss"])
    p["boss"].press("发送")
    [note] = delivered(uow_factory, "d1a")
    assert "📘 Notice #1" in note.text and "Please acknowledge by 2026-07-31" in note.text
    assert [b.label for b in note.buttons[0]] == ["✅ Read / acknowledge", "📝 Take the quiz"]
    assert "Notice #1" in p["d1a"].say(payload=note.buttons[0][0].payload)
    assert "question 1/2 (attempt 1)" in p["d1a"].say(payload=note.buttons[0][1].payload)
    assert "to acknowledge" not in p["d1a"].say("/notices")
    assert "acknowledged" in p["d1a"].say("/notices")
