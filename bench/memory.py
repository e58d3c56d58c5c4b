"""Memory of `dealerbot run` with Telegram and Slack configured, all its processes together.

Starts the fake Bot API (bench/fake_telegram_process.py, a process of its own) and the fake
Slack (tests/e2e/fake_slack.py, in this process: it is not measured), seeds a SQLite database
with the demo catalog, its history and the sample policy, links a dealer and a manager on
Telegram, then starts `dealerbot run` as a real command and reads /proc for its process
tree: resident memory (RSS: each process's pages, shared ones counted in every process that
maps them) and proportional memory (PSS: a shared page split between its processes, so the
sum is what the machine holds for the bot).

Prints per process and summed, at idle, after the first question, the first chart, the
first export, and after 1,000 mixed messages (reports, questions, targets), with the time
each first one took from the message to its answer. The floor beside the figures: a bare
Python interpreter's RSS, measured in the same run.

Run: `.venv/bin/python bench/memory.py [--messages 1000] [--core-processes 1]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.fake_telegram_process import TOKEN, RemoteFake  # noqa: E402
from tests.e2e.fake_slack import FakeSlack  # noqa: E402

DEALER_CHAT = 501
MANAGER_CHAT = 502
MIXED_CHATS = range(601, 651)  # 50 more dealers for the mixed messages
IDLE_SECONDS = float(os.environ.get("BENCH_IDLE", "8"))


def _kb(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree(pid: int) -> list[int]:
    """`pid` and its descendants."""
    found = [pid]
    for child in Path(f"/proc/{pid}/task").glob("*/children"):
        for c in child.read_text().split():
            found.extend(tree(int(c)))
    return found


def snapshot(pid: int) -> list[tuple[int, str, int, int]]:
    """(pid, name, RSS kB, PSS kB) of each process in the tree."""
    rows = []
    for p in tree(pid):
        proc = Path(f"/proc/{p}")
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:60]
        except OSError:
            continue
        rows.append((p, cmd, _kb(proc / "status", "VmRSS"), _kb(proc / "smaps_rollup", "Pss")))
    return rows


def show(label: str, rows: list[tuple[int, str, int, int]], extra: str = "") -> tuple[int, int]:
    rss = sum(r[2] for r in rows) // 1024
    pss = sum(r[3] for r in rows) // 1024
    parts = ", ".join(f"{r[2] // 1024}/{r[3] // 1024}" for r in rows)
    print(f"{label:<26} RSS {rss:>4} MB  PSS {pss:>4} MB  (per process RSS/PSS: {parts}){extra}")
    return rss, pss


def bare_python_rss() -> int:
    out = subprocess.run(
        [sys.executable, "-c", "print(open('/proc/self/status').read())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return next(int(line.split()[1]) for line in out.splitlines() if line.startswith("VmRSS"))


def seed(url: str) -> None:
    from bot.app import build_app
    from bot.config import Settings
    from bot.demo import DEMO_DEALER, DEMO_MANAGER, seed_demo, seed_demo_policy
    from bot.demo_history import seed_history
    from domain.catalog.model import DealerCode, ManagerCode
    from domain.identity.invites import issue_invite

    os.environ["DEALERBOT_DATABASE__URL"] = url
    app = build_app(Settings())
    now = app.clock.now()
    seed_demo(app.uow_factory, now.astimezone(app.options.tz).date())
    seed_history(app.uow_factory, now, app.options)
    seed_demo_policy(app.uow_factory, app.clock)
    with app.uow_factory() as uow:
        people = [(DEALER_CHAT, {"dealer": DealerCode(DEMO_DEALER)})]
        people.append((MANAGER_CHAT, {"manager": ManagerCode(DEMO_MANAGER)}))
        people.extend((chat, {"dealer": DealerCode(DEMO_DEALER)}) for chat in MIXED_CHATS)
        for chat, whom in people:
            invite = issue_invite(uow, now, timedelta(hours=1), **whom)
            uow.identities.link("telegram", str(chat), str(chat), f"user{chat}", invite, now)
        uow.commit()
    app.close()


async def answered(fake: RemoteFake, chat: int, text: str, timeout: float = 60.0) -> float:
    """Seconds from sending `text` in `chat` until the bot's answer to it arrived."""
    before = await fake.sent_count(chat, chat + 1)
    started = time.perf_counter()
    await fake.say_many([(chat, text)])
    await fake.wait_for(
        lambda: _more(fake, chat, before), timeout=timeout, what=text, interval=0.02
    )
    return time.perf_counter() - started


async def _more(fake: RemoteFake, chat: int, before: int) -> bool:
    return await fake.sent_count(chat, chat + 1) > before


async def main(messages: int, core_processes: int) -> None:
    floor = bare_python_rss() // 1024
    work = Path(tempfile.mkdtemp(prefix="dealerbot-memory-"))
    url = f"sqlite:///{work}/bot.db"
    seed(url)
    fake = await RemoteFake.start()
    slack = FakeSlack()
    await slack.start()
    env = {
        **os.environ,
        "DEALERBOT_DATABASE__URL": url,
        "DEALERBOT_TELEGRAM__TOKEN": TOKEN,
        "DEALERBOT_TELEGRAM__API_BASE_URL": fake.base_url,
        "DEALERBOT_TELEGRAM__API_FILE_URL": fake.file_url,
        "DEALERBOT_TELEGRAM__POLL_TIMEOUT": "1",
        "DEALERBOT_TELEGRAM__CORE_PROCESSES": str(core_processes),
        "DEALERBOT_SLACK__BOT_TOKEN": slack.token,
        "DEALERBOT_SLACK__SIGNING_SECRET": "bench-secret",
        "DEALERBOT_SLACK__API_BASE_URL": slack.api_base,
        "DEALERBOT_SLACK__LISTEN": "127.0.0.1:0",
        "DEALERBOT_POLICY__USER_RATE_PER_MINUTE": "0",  # 1,000 messages from 50 users
    }
    bot = subprocess.Popen(
        [str(Path(sys.executable).parent / "dealerbot"), "run"],
        env=env,
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "bot.log", "w"),  # noqa: SIM115
    )
    try:
        print(f"floor: a bare Python interpreter {floor} MB RSS")
        print("earlier: 384 MB RSS idle (202 bot + 169 core worker + 12 resource tracker)")
        await fake.wait_for(lambda: _more(fake, DEALER_CHAT, -1), timeout=60, what="start")
        await answered(fake, DEALER_CHAT, "/help")  # serving: the worker is up
        await asyncio.sleep(IDLE_SECONDS)
        show("idle", snapshot(bot.pid))
        firsts = [
            ("first question", DEALER_CHAT, "窜货怎么处罚？"),
            ("first chart", DEALER_CHAT, "/target"),
            ("first export", MANAGER_CHAT, "/export sales"),
        ]
        for label, chat, text in firsts:
            took = await answered(fake, chat, text)
            show(label, snapshot(bot.pid), f"  first answer {took:.2f} s")
        mix = ["/target", "保证金交多少？", "/sales", "售后服务有什么要求", "/help"]
        chats = list(MIXED_CHATS)
        pairs = [(chats[i % len(chats)], mix[i % len(mix)]) for i in range(messages)]
        for round_ in (1, 2):  # the second round shows whether anything still grows
            before = await fake.sent_count()
            started = time.perf_counter()
            for i in range(0, len(pairs), 100):
                await fake.say_many(pairs[i : i + 100])
            await fake.wait_for(
                lambda b=before: _at_least(fake, b + messages), timeout=600, what="the mix"
            )
            took = time.perf_counter() - started
            label = f"after {messages * round_} mixed"
            show(label, snapshot(bot.pid), f"  ({messages / took:.0f} msg/s)")
    finally:
        bot.terminate()
        bot.wait(30)
        await fake.close()
        await slack.stop()


async def _at_least(fake: RemoteFake, count: int) -> bool:
    return await fake.sent_count() >= count


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--core-processes", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.core_processes))
