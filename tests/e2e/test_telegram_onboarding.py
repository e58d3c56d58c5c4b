"""A dealer application over the real python-telegram-bot against the fake Bot API: the
applicant (unlinked) and the reviewers each in their own private chat."""

from __future__ import annotations

import pytest

from bot.app import build_app
from bot.config import DatabaseSettings, PolicySettings, Settings, TelegramSettings
from domain.shared.clock import SystemClock
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.telegram_harness import RunningBot, TgUser
from tests.integration.approvals.test_approvals import add_staff
from tests.integration.onboarding.world import ANSWERS, add_reviewers
from tests.support import invite, seed_catalog

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

APPLICANT = 7001
JPEG = b"\xff\xd8\xff\xe0licence-photo"


@pytest.fixture
async def fake():
    server = await FakeTelegram().start()
    yield server
    await server.close()


@pytest.fixture
async def bot(db, fake):
    seed_catalog(db.uow_factory)
    add_staff(db.uow_factory)
    add_reviewers(db.uow_factory)
    settings = Settings(
        database=DatabaseSettings(url=db.url),
        telegram=TelegramSettings(
            token=fake.token, api_base_url=fake.base_url, api_file_url=fake.file_url
        ),
        policy=PolicySettings(user_rate_per_minute=0),  # a whole form typed at test speed
    )
    running = await RunningBot(build_app(settings, migrate=False, engine=db.engine), fake).start()
    yield running
    await running.stop()


async def linked(bot: RunningBot, user: int, manager: str, lang: str = "zh-hans") -> TgUser:
    chat = TgUser(bot, user, lang)
    await chat.say(f"/start {invite(bot.app.uow_factory, SystemClock(), manager=manager)}")
    return chat


async def told(fake: FakeTelegram, chat: TgUser, part: str) -> str:
    await fake.wait_for(lambda: any(part in s.text for s in chat.received), 30, part)
    return next(s.text for s in reversed(chat.received) if part in s.text)


async def test_an_unlinked_applicant_becomes_a_linked_dealer_through_the_chain(bot, fake):
    rd = await linked(bot, 7101, "M07")
    plm = await linked(bot, 7102, "M09")
    sm = await linked(bot, 7103, "M01", lang="en")  # the sales manager reads English
    assert "English" in await sm.say("/lang en")
    ma = await linked(bot, 7104, "M10")
    applicant = TgUser(bot, APPLICANT)
    assert "/apply" in await applicant.say("我想做经销商")
    await applicant.press("申请成为经销商")
    for value in ANSWERS.values():
        await applicant.say(value)
    assert "已收到 1 份" in await applicant._answer(lambda: fake.photo(APPLICANT, JPEG))
    await applicant.press("完成")
    assert "请核对您的申请" in await applicant.press("完成")
    assert "AP-00001" in await applicant.press("确认提交")

    assert "AP-00001" in await told(fake, rd, "待您审批")
    assert "考察报告" in await rd.say("/approval 1 approve")
    await rd.say("/application 1 visit")
    await rd.say("经营场所与仓库整洁，团队 25 人")
    await rd.press("完成")
    for score in "443543":
        last = await rd.press(score)
    assert "合计 23/30" in last
    assert "第 1 步 批准" in await rd.say("/approval 1 approve")

    await told(fake, plm, "待您审批")
    assert "第 2 步 批准" in await plm.say("/approval 1 approve")

    await told(fake, sm, "Waiting for your decision")
    await sm.say("/application AP-00001 terms")
    for value in ("__keep__", "__keep__", "1000000", "50000", "8000", "__keep__", "none"):
        if value.startswith("__"):
            await sm.press("Keep")
        elif value == "none":
            await sm.press("No single terminals")
        else:
            await sm.say(value)
    assert "sent to the applicant" in await sm.press("Keep")

    await told(fake, applicant, "合同条款如下")
    assert "已确认" in await applicant.press("确认合同条款")
    await told(fake, sm, "accepted the terms")
    assert "step 3" in (await sm.say("/approval 1 approve")).lower()

    filed = await ma.say("/approval 1 approve 备案")
    assert "已备案：经销商 D003" in filed
    assert "D003" in await told(fake, applicant, "欢迎加入")
    sale = await applicant.say("/report A100 1 3500 T-0001")
    assert "已记录销售" in sale and "违反" not in sale
