"""Several core workers on PostgreSQL: the end-to-end rate of sales reports through
dealerbot's Telegram transport with the core in one worker process and in N
(`[telegram] core_processes`), the same backlog interleaved in one run, best of --rounds,
beside the bare echo bot (bench/telegram_throughput.py's setup and fake Bot API).

Run: `.venv/bin/python bench/telegram_workers.py [--workers 2] [--messages 400]
[--chats 100] [--rounds 2]`. PostgreSQL: DEALERBOT_TEST_PG_URL (as the tests).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.alert_scan import PG_URL  # noqa: E402
from bench.fake_telegram_process import RemoteFake  # noqa: E402
from bench.telegram_throughput import (  # noqa: E402
    FIRST_CHAT,
    dealerbot_rate,
    echo_rate,
    link_dealers,
)
from tests.e2e.telegram_harness import telegram_app  # noqa: E402
from tests.support import seed_catalog  # noqa: E402


async def workers_ratio(messages: int, chat_count: int, rounds: int, workers: int) -> None:
    """End to end on PostgreSQL with the core in one worker process and in `workers`, the
    same backlog, interleaved, best of `rounds` each."""
    fake = await RemoteFake.start()
    chats = [FIRST_CHAT + n for n in range(chat_count)]
    texts = [f"/report A100 {1 + n % 5} {3500 + n % 50} T-0001" for n in range(messages)]
    schema = f"tput_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    one = telegram_app(url, fake, core_processes=1)
    many = telegram_app(url, fake, one.engine, core_processes=workers)
    try:
        seed_catalog(one.uow_factory)
        link_dealers(one, chats)
        echo = await echo_rate(fake, chats, min(200, messages))  # warm-up
        best_one = best_many = 0.0
        for _ in range(rounds):
            echo = max(echo, await echo_rate(fake, chats, messages))
            best_one = max(best_one, await dealerbot_rate(one, fake, chats, texts))
            best_many = max(best_many, await dealerbot_rate(many, fake, chats, texts))
        print(f"PostgreSQL, {messages} sales reports from {chat_count} chats, best of {rounds}:")
        print(f"  echo bot {echo:8.1f} msg/s")
        print(f"  1 worker  {best_one:8.1f} msg/s  ({best_one / echo:.2f} of echo)")
        print(
            f"  {workers} workers {best_many:8.1f} msg/s  ({best_many / echo:.2f} of echo),"
            f" x{best_many / best_one:.2f} of one worker"
        )
    finally:
        many.close()
        one.close()
        await fake.close()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(workers_ratio(args.messages, args.chats, args.rounds, args.workers))
