"""Send one promotion to 1,000 dealer chats through the Telegram transport.

The fake Bot API server enforces Telegram's limits (30 messages/s overall, 1/s per chat) and
answers 429 with retry_after past them. The promotion is created and queued by the real
handler path (`/broadcast` from a linked admin), then delivered by the Telegram outbox
dispatcher. Prints the achieved rate, 429s received, and lost and duplicated deliveries.
Target: at least 27 msg/s, 0 lost, 0 duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.transports.telegram.service import TelegramService
from domain.catalog.model import DealerCode, ManagerCode
from domain.identity.invites import issue_invite
from handlers.core.messages import Inbound
from storage.models import DealerRow
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.telegram_harness import telegram_app
from tests.support import seed_catalog

FIRST_CHAT = 500_000
BOSS_CHAT = 9


def seed_dealers(app, count: int) -> list[int]:
    """`count` dealers, each with one linked Telegram contact; one linked admin."""
    chats = [FIRST_CHAT + n for n in range(count)]
    with app.uow_factory() as uow:
        uow.session.add_all(
            DealerRow(code=f"B{n:05d}", name=f"经销商{n}", tier="A") for n in range(count)
        )
        uow.commit()
    with app.uow_factory() as uow:
        now = app.clock.now()
        ttl = timedelta(hours=1)
        for n, chat in enumerate(chats):
            inv = issue_invite(uow, now, ttl, dealer=DealerCode(f"B{n:05d}"))
            uow.identities.link("telegram", str(chat), str(chat), f"u{n}", inv, now)
        inv = issue_invite(uow, now, ttl, manager=ManagerCode("M02"))
        uow.identities.link("telegram", str(BOSS_CHAT), str(BOSS_CHAT), "boss", inv, now)
        uow.commit()
    return chats


async def run(count: int) -> dict[str, float]:
    fake = await FakeTelegram().start()
    with tempfile.TemporaryDirectory() as tmp:
        app = telegram_app(f"sqlite:///{tmp}/broadcast.db", fake)
        try:
            seed_catalog(app.uow_factory)
            chats = seed_dealers(app, count)
            boss = ("telegram", str(BOSS_CHAT), str(BOSS_CHAT))
            [preview] = app.conversation.handle(Inbound(*boss, text="/broadcast 夏季促销上线"))
            # A broadcast goes on its preview's 确认: queuing happens on that press.
            [confirm] = [b.payload for row in preview.buttons for b in row if "yes" in b.payload]
            started = time.perf_counter()
            replies = app.conversation.handle(Inbound(*boss, payload=confirm))
            queue_seconds = time.perf_counter() - started
            print(replies[0].text)
            fake.enforce_limits()
            service = TelegramService(app, poll_timeout=1, dispatcher_options={"idle_sleep": 0.05})
            stop = asyncio.Event()
            task = asyncio.create_task(service.run(stop))
            targets = set(chats)
            try:
                await fake.wait_for(
                    lambda: len({s.chat_id for s in fake.sent if s.chat_id in targets}) >= count,
                    timeout=count / 20 + 30,
                    what="every chat",
                )
                await asyncio.sleep(1.5)  # a duplicate would arrive now
            finally:
                stop.set()
                await task
            sent = [s for s in fake.sent if s.chat_id in targets]
            per_chat = Counter(s.chat_id for s in sent)
            elapsed = sent[-1].at - sent[0].at
            return {
                "queue_seconds": queue_seconds,
                "rate": (len(sent) - 1) / elapsed if elapsed > 0 else float("inf"),
                "seconds": elapsed,
                "rejected_429": fake.rejected_429,
                "lost": sum(1 for c in chats if per_chat[c] == 0),
                "duplicated": sum(n - 1 for n in per_chat.values() if n > 1),
            }
        finally:
            app.close()
            await fake.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=1000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    r = asyncio.run(run(args.chats))
    print(f"promotion queued for {args.chats} contacts in {r['queue_seconds']:.2f} s")
    print(
        f"delivered at {r['rate']:.1f} msg/s over {r['seconds']:.1f} s (target >= 27),"
        f" 429s received {r['rejected_429']}, lost {r['lost']}, duplicated {r['duplicated']}"
    )


if __name__ == "__main__":
    main()
