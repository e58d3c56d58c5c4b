import asyncio
import contextlib

from bot.transports.outbox import OutboxDispatcher
from domain.shared.outbox import OutboxStatus
from handlers.core.conversation import Conversation
from handlers.core.messages import Attachment, Reply
from handlers.core.options import CoreOptions
from handlers.promotions.delivery import run_promotion_dispatch
from storage.models import DealerRow
from tests.support import Chat, invite, seed_catalog


def linked(conv, uow_factory, clock, user, **who):
    chat = Chat(conv, user)
    assert "已绑定" in chat.say(f"/start {invite(uow_factory, clock, **who)}")
    return chat


def outbox(uow_factory, status=None):
    with uow_factory() as uow:
        return uow.outbox.list(status, 1000)


def fill_promo_form(
    boss: Chat, *, start="__now__", english="skip", lines="__all__", image: Attachment | None = None
):
    boss.say("/promo new")
    boss.say("夏季促销")
    boss.say("A100 全系降价 5%")
    boss.say(english)
    boss.say(payload=f"f:{lines}") if lines.startswith("__") else boss.say(lines)
    boss.say(payload="f:__all__")  # regions
    boss.say(payload="f:__all__")  # tiers
    boss.say(payload=f"f:{start}") if start.startswith("__") else boss.say(start)
    boss.say("2026-08-31")
    boss.say(payload="f:__skip__")  # fee; the image step asks next
    if image is not None:
        return boss.say(file=image)
    return boss.say(payload="f:__skip__")  # no image -> preview


def test_promo_form_previews_reach_and_sends_to_targeted_contacts_once(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    boss = linked(conv, uow_factory, clock, "boss", manager="M02")
    linked(conv, uow_factory, clock, "d1a", dealer="D001")
    linked(conv, uow_factory, clock, "d1b", dealer="D001")
    linked(conv, uow_factory, clock, "d2", dealer="D002")
    preview = fill_promo_form(boss, lines="IMG")
    assert "1 家经销商的 2 位联系人" in preview
    assert "📣 促销" in preview and "A100 全系降价 5%" in preview
    assert "#1 已开始发送" in boss.press("立即发送")
    messages = outbox(uow_factory)
    assert sorted(m.chat_id for m in messages) == ["d1a", "d1b"]
    # Sending again is refused; nothing is queued twice.
    assert "已经发出" in boss.say("/promo send 1")
    assert len(outbox(uow_factory)) == 2


def test_a_scheduled_promotion_goes_out_from_the_job_once(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    boss = linked(conv, uow_factory, clock, "boss", manager="M02")
    linked(conv, uow_factory, clock, "d2", dealer="D002")
    fill_promo_form(boss, start="2026-07-20 09:00")
    assert "将于" in boss.press("按时发送")
    options = CoreOptions()
    with uow_factory() as uow:
        assert run_promotion_dispatch(uow, clock.now(), options) == 0
    clock.advance(days=3)  # 2026-07-20 10:00 Shanghai
    for _ in range(2):  # a rerun sends nothing more
        with uow_factory() as uow:
            run_promotion_dispatch(uow, clock.now(), options)
            uow.commit()
    assert [m.chat_id for m in outbox(uow_factory)] == ["d2"]


def test_broadcast_reaches_only_the_managers_regions_and_is_acknowledged(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    wang = linked(conv, uow_factory, clock, "wang", manager="M01")  # Sichuan only
    d1 = linked(conv, uow_factory, clock, "d1", dealer="D001")
    linked(conv, uow_factory, clock, "d2", dealer="D002")
    wang.say("/broadcast 国庆期间仓库放假三天")  # previewed, then confirmed
    assert "1 位联系人" in wang.press("确认")
    assert [m.chat_id for m in outbox(uow_factory)] == ["d1"]
    note = Reply.from_dict(outbox(uow_factory)[0].payload)
    assert "国庆期间仓库放假三天" in note.text
    payload = note.buttons[0][0].payload
    assert "已确认" in d1.say(payload=payload)
    assert "已确认 1" in wang.say("/promo 1")
    clock.advance(hours=30)
    assert "都已确认" in wang.say("/promo remind 1")


def test_unacknowledged_dealers_are_listed_and_reminded_with_one_tap(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    boss = linked(conv, uow_factory, clock, "boss", manager="M02")
    d1 = linked(conv, uow_factory, clock, "d1", dealer="D001")
    linked(conv, uow_factory, clock, "d2", dealer="D002")
    boss.say("/broadcast 新价格表已上线")
    boss.press("确认")
    d1.say("/ack 1")
    clock.advance(hours=25)
    listing = boss.say("/promo remind 1 24")
    assert "D002" in listing and "D001" not in listing
    assert "已提醒 1 家" in boss.press("一键提醒")
    boss.say("/promo nudge 1 24")  # a second tap the same day queues nothing new
    nudges = [m for m in outbox(uow_factory) if m.dedupe_key.startswith("promo-nudge")]
    assert [m.chat_id for m in nudges] == ["d2"]


def test_a_remind_too_soon_says_dealers_are_pending_not_that_everyone_acknowledged(
    uow_factory, clock
):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    boss = linked(conv, uow_factory, clock, "boss", manager="M02")
    linked(conv, uow_factory, clock, "d1", dealer="D001")
    boss.say("/broadcast 新价格表已上线")
    boss.press("确认")
    clock.advance(hours=2)
    soon = boss.say("/promo remind 1")
    assert "1 家经销商未确认" in soon and "都已确认" not in soon
    boss.say("/lang en")
    assert "1 dealer(s) have not acknowledged #1 yet" in boss.say("/promo remind 1")
    assert "D001" in boss.say("/promo remind 1 1")


def test_promo_list_shows_the_title_in_the_managers_language_as_the_detail_does(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    boss = linked(conv, uow_factory, clock, "boss", manager="M02")
    fill_promo_form(boss, english="Summer offer | 5% off all A100")
    boss.press("存为草稿")
    boss.say("/lang en")
    assert "#1 Summer offer" in boss.say("/promo list")
    assert "Summer offer" in boss.say("/promo 1")
    boss.say("/lang zh")
    assert "#1 夏季促销" in boss.say("/promo list")


def test_an_english_dealer_with_one_promotion_reads_no_broken_plural(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    boss = linked(conv, uow_factory, clock, "boss", manager="M02")
    d1 = linked(conv, uow_factory, clock, "d1", dealer="D001")
    fill_promo_form(boss, english="Summer offer | 5% off all A100")
    boss.press("立即发送")
    d1.say("/lang en")
    listing = d1.say("/promos")
    assert "Promotions running now (1):" in listing and "1 promotions" not in listing


def test_each_contact_reads_the_promotion_in_their_language(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    boss = linked(conv, uow_factory, clock, "boss", manager="M02")
    linked(conv, uow_factory, clock, "zh", dealer="D001")
    en = linked(conv, uow_factory, clock, "en", dealer="D002")
    en.say("/lang en")
    fill_promo_form(boss, english="Summer offer | 5% off every A100")
    boss.press("立即发送")
    payloads = {m.chat_id: Reply.from_dict(m.payload) for m in outbox(uow_factory)}
    assert "Summer offer" in payloads["en"].text and "5% off every A100" in payloads["en"].text
    assert payloads["en"].buttons[0][0].label == "✅ Acknowledge"
    assert "夏季促销" in payloads["zh"].text and "确认收到" in payloads["zh"].buttons[0][0].label
    assert "Promotion #1: Summer offer" in en.say("/promos")


def test_editing_a_sent_promotion_sends_a_marked_correction(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    boss = linked(conv, uow_factory, clock, "boss", manager="M02")
    linked(conv, uow_factory, clock, "d1", dealer="D001")
    boss.say("/broadcast 仓库周六休息")
    boss.press("确认")
    assert "更正" in boss.say("/promo edit 1 body 仓库周日休息")
    texts = [m.payload["text"] for m in sorted(outbox(uow_factory), key=lambda m: m.id)]
    assert len(texts) == 2 and "【更正（第 2 版）" in texts[1] and "周日" in texts[1]


def test_expired_promotions_stop_showing(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    boss = linked(conv, uow_factory, clock, "boss", manager="M02")
    d1 = linked(conv, uow_factory, clock, "d1", dealer="D001")
    fill_promo_form(boss)
    boss.press("立即发送")
    assert "夏季促销" in d1.say("/promos")
    clock.advance(days=60)
    assert "没有对您有效的促销" in d1.say("/promos")


def test_a_dealer_cannot_use_manager_promotion_commands(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    d1 = linked(conv, uow_factory, clock, "d1", dealer="D001")
    assert "没有使用这个命令的权限" in d1.say("/broadcast hi")
    assert "没有使用这个命令的权限" in d1.say("/promo new")


def test_a_crash_mid_send_resumes_and_reaches_each_contact_exactly_once(uow_factory, clock):
    seed_catalog(uow_factory)
    with uow_factory() as uow:
        s = uow.session
        for n in range(3, 23):
            s.add(DealerRow(code=f"D{n:03d}", name=f"经销商{n}", tier="A"))
        uow.commit()
    conv = Conversation(uow_factory, clock)
    boss = linked(conv, uow_factory, clock, "boss", manager="M02")
    for n in range(3, 23):
        linked(conv, uow_factory, clock, f"u{n}", dealer=f"D{n:03d}")
    assert "20 位联系人" in boss.say("/broadcast 停电通知")  # the preview says whom it reaches
    assert outbox(uow_factory) == []
    assert "20 位联系人" in boss.press("确认")
    delivered: list[str] = []

    class Crash(BaseException):
        pass

    async def flaky(chat_id: str, reply: Reply) -> None:
        if len(delivered) == 7:
            raise Crash()
        delivered.append(chat_id)

    async def steady(chat_id: str, reply: Reply) -> None:
        delivered.append(chat_id)

    async def main():
        first = OutboxDispatcher(
            "console", flaky, uow_factory, clock, rate=0, per_chat_interval=0, concurrency=1
        )
        with contextlib.suppress(Crash):
            await first.drain_once()
        clock.advance(minutes=2)  # the crashed worker's lease runs out
        second = OutboxDispatcher(
            "console", steady, uow_factory, clock, rate=0, per_chat_interval=0
        )
        while await second.drain_once():
            pass

    asyncio.run(main())
    expected = sorted(m.chat_id for m in outbox(uow_factory))
    assert sorted(delivered) == expected and len(expected) == 20
    assert all(m.status is OutboxStatus.SENT for m in outbox(uow_factory))


def test_a_promotion_image_is_previewed_and_sent_with_the_text(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    boss = linked(conv, uow_factory, clock, "boss", manager="M02")
    linked(conv, uow_factory, clock, "d1", dealer="D001")
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    boss.say("/promo new")
    for answer in ("夏季促销", "A100 全系降价 5%", "skip"):
        boss.say(answer)
    for payload in ("f:__all__", "f:__all__", "f:__all__", "f:__now__", "f:__skip__"):
        boss.say(payload=payload)
    assert "促销图片" in boss.say(payload="f:__skip__")  # fee skipped; the image step asks
    # A non-image is refused and the step is asked again.
    refused = boss.say(file=Attachment("price.xlsx", b"PK..", "application/vnd.ms-excel"))
    assert "不是图片" in refused and "促销图片" in refused
    preview = boss.send(file=Attachment("offer.png", png, "image/png"))
    assert preview[-1].image is not None and preview[-1].image.content == png
    boss.press("立即发送")
    sent = [Reply.from_dict(m.payload) for m in outbox(uow_factory)]
    assert len(sent) == 1 and sent[0].image is not None and sent[0].image.content == png


def test_a_notice_shows_its_text_once_and_no_campaign_period(uow_factory, clock):
    seed_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    boss = linked(conv, uow_factory, clock, "boss", manager="M02")
    linked(conv, uow_factory, clock, "d1", dealer="D001")
    boss.say("/broadcast 仓库周六休息")
    boss.press("确认")
    [notice] = [m.payload["text"] for m in outbox(uow_factory)]
    assert notice.count("仓库周六休息") == 1 and "活动时间" not in notice
