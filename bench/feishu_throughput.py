"""Feishu throughput: sales reports per second end to end, beside Telegram's in the same run.

Both fakes run in processes of their own (bench/fake_feishu_process.py,
bench/fake_telegram_process.py). Each bot gets the same backlog of sales reports from many
users on a fresh SQLite file and is timed from handing the backlog to the fake until the
fake has counted an answer for every report, every pushed event is acknowledged (Feishu)
or confirmed (Telegram) and the bot has nothing left in hand. Feishu: the real SDK's long
connection (its own thread and loop) and REST client, the core in threads of the bot's
process; Telegram end to end is measured with the core in threads too (like for like) and
in its default worker process. Best of `--rounds`, interleaved.

Run: `.venv/bin/python bench/feishu_throughput.py [--messages 300] [--rounds 2]`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fake_feishu_process import RemoteFeishu  # noqa: E402
from bench.fake_telegram_process import RemoteFake  # noqa: E402
from bench.telegram_throughput import dealerbot_rate, link_dealers  # noqa: E402
from bot.app import build_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.transports.feishu.service import FeishuService  # noqa: E402
from domain.catalog.model import DealerCode  # noqa: E402
from domain.identity.invites import issue_invite  # noqa: E402
from tests.e2e.fake_feishu import APP_ID, APP_SECRET, TENANT  # noqa: E402
from tests.e2e.telegram_harness import telegram_app  # noqa: E402
from tests.support import seed_catalog  # noqa: E402

FIRST_CHAT = 100_000
PREFIX = "ou_bench"


def feishu_app(url: str, fake: RemoteFeishu):
    settings = Settings(
        database={"url": url},
        feishu={"app_id": APP_ID, "app_secret": APP_SECRET, "domain": fake.base},
    )
    return build_app(settings)


def link_feishu(app, users: list[str]) -> None:
    with app.uow_factory() as uow:
        now = app.clock.now()
        for user in users:
            invite = issue_invite(uow, now, timedelta(hours=1), dealer=DealerCode("D001"))
            uow.identities.link("feishu", f"{TENANT}:{user}", user, user, invite, now)
        uow.commit()


async def feishu_rate(app, fake: RemoteFeishu, users: list[str], texts: list[str]) -> float:
    service = FeishuService(app)
    service.dispatcher.idle_sleep = 0.05
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    await asyncio.wait_for(service.ready.wait(), 60)
    lanes = service.lanes
    assert lanes is not None
    before, _ = await fake.counts(PREFIX)
    try:

        async def done() -> bool:
            shown, pending = await fake.counts(PREFIX)
            return shown - before >= len(texts) and pending == 0 and lanes.idle

        started = time.perf_counter()
        await fake.say_many([(users[n % len(users)], t) for n, t in enumerate(texts)])
        await fake.wait_for(done)
        return len(texts) / (time.perf_counter() - started)
    finally:
        stop.set()
        await task


async def main(messages: int, chat_count: int, rounds: int) -> None:
    feishu = await RemoteFeishu.start()
    telegram = await RemoteFake.start()
    users = [f"{PREFIX}{n:05d}" for n in range(chat_count)]
    chats = [FIRST_CHAT + n for n in range(chat_count)]
    texts = [f"/report A100 {1 + n % 5} {3500 + n % 50} T-0001" for n in range(messages)]
    with tempfile.TemporaryDirectory() as tmp:
        fs_app = feishu_app(f"sqlite:///{tmp}/feishu.db", feishu)
        seed_catalog(fs_app.uow_factory)
        link_feishu(fs_app, users)
        tg_app = telegram_app(f"sqlite:///{tmp}/telegram.db", telegram)
        seed_catalog(tg_app.uow_factory)
        link_dealers(tg_app, chats)
        tg_threads = telegram_app(
            tg_app.settings.database.url, telegram, tg_app.engine, core_processes=0
        )
        try:
            await feishu_rate(fs_app, feishu, users, texts[: min(50, messages)])  # warm-up
            fs = tg = tg_proc = 0.0
            for _ in range(rounds):
                fs = max(fs, await feishu_rate(fs_app, feishu, users, texts))
                tg = max(tg, await dealerbot_rate(tg_threads, telegram, chats, texts))
                tg_proc = max(tg_proc, await dealerbot_rate(tg_app, telegram, chats, texts))
            print(
                f"sales reports end to end on SQLite, {messages} reports / {chat_count} users,"
                f" best of {rounds}:"
            )
            print(f"  feishu    {fs:8.1f} reports/s  (long connection, core in threads)")
            print(f"  telegram  {tg:8.1f} reports/s  (polling, core in threads)")
            print(f"  telegram  {tg_proc:8.1f} reports/s  (polling, core in a worker process)")
            print(f"  feishu / telegram (threads): {fs / tg:.2f}")
        finally:
            fs_app.close()
            tg_app.close()
            await feishu.close()
            await telegram.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--chats", type=int, default=50)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args.messages, args.chats, args.rounds))
