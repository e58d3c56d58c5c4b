"""The console transport through the real CLI, piped: a new user links with a code from
`dealerbot invite`, reads help in Chinese, switches to English and is refused manager
commands; buttons are pressed by number; files are saved; proactive messages are printed."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from bot.importing import run_import
from domain.catalog.import_kinds import ImportKind
from domain.shared.clock import SystemClock
from domain.shared.outbox import OutboxStatus, OutgoingMessage
from handlers.core.messages import Button, Reply
from storage.db import make_engine, make_session_factory
from storage.uow import SqlAlchemyUnitOfWorkFactory
from tests import support

ROOT = Path(__file__).resolve().parents[2]
DEALERBOT = Path(sys.executable).parent / "dealerbot"
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8"}

CSV = {
    "regions": "code,name,parent_code\nCN,中国,\nSC,四川,CN\nSH,上海,CN\n",
    "terminals": "code,name,region_code\nT-0001,华西医院,SC\nT-0012,瑞金医院,SH\n",
    "products": "sku,name,line,aliases\nA100,超声诊断仪 A100,IMG,A-100\nX200,监护仪 X200,MON,\n",
    "dealers": "code,name,legal_rep,phone,tier,credit_rating,deposit,since\n"
    "D001,华西医疗,张三,13800000000,A,AA,200000,2020-03-01\n"
    "D002,申城器械,李四,13900000000,B,A,50000,2026-02-01\n",
    "authorizations": "dealer_code,region_code,terminal_code,line,valid_from,valid_to\n"
    "D001,SC,,IMG,2026-01-01,\nD002,,T-0012,MON,2026-01-01,\n",
    "managers": "code,name,role,region_codes\nM01,王经理,sales_manager,SC\n",
}


class Bot:
    """A configured dealerbot in a temporary directory."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.url = f"sqlite:///{tmp / 'bot.db'}"
        self.config = tmp / "config.toml"
        self.config.write_text(
            f'[database]\nurl = "{self.url}"\n\n[scheduler]\nenabled = false\n', encoding="utf-8"
        )
        self.files = tmp / "files"

    def argv(self, *args: str, test_commands: bool = False) -> list[str]:
        head = [sys.executable, "-m", "tests.e2e.console_cli"] if test_commands else [DEALERBOT]
        return [*map(str, head), "--config", str(self.config), *args]

    def cli(self, *args: str, stdin: str = "", test_commands: bool = False) -> str:
        done = subprocess.run(
            self.argv(*args, test_commands=test_commands),
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            cwd=ROOT,
            env=ENV,
        )
        assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, done.stderr
        return done.stdout

    def chat(self, user: str, lines: list[str], **kw) -> str:
        stdin = "".join(f"{line}\n" for line in lines)
        return self.cli("chat", "--user", user, "--files-dir", str(self.files), stdin=stdin, **kw)

    def invite(self, *who: str) -> str:
        out = self.cli("invite", *who)
        return out.strip().splitlines()[-1]

    def in_process(self, work):
        """Run `work(uow_factory)` on the bot's database in this process: each CLI start costs
        seconds, so setup that the CLI's own tests cover is done here."""
        engine = make_engine(self.url)
        try:
            return work(SqlAlchemyUnitOfWorkFactory(make_session_factory(engine)))
        finally:
            engine.dispose()

    def quick_invite(self, **who: str) -> str:
        return self.in_process(lambda factory: support.invite(factory, SystemClock(), **who))

    def load(self, kind: str, text: str) -> None:
        """What `dealerbot import KIND FILE` does, in-process."""
        path = self.tmp / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        result = self.in_process(
            lambda factory: run_import(factory, ImportKind(kind), path, Console(stderr=True))
        )
        assert result.ok, result.errors

    def enqueue(self, user: str, reply: Reply, key: str) -> None:
        engine = make_engine(self.url)
        try:
            with SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))() as uow:
                message = OutgoingMessage(key, "console", user, reply.to_dict())
                assert uow.outbox.enqueue(message, datetime.now(UTC))
                uow.commit()
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def bot(tmp_path_factory) -> Bot:
    bot = Bot(tmp_path_factory.mktemp("console"))
    assert "up to date" in bot.cli("db", "upgrade")
    *first, (kind, text) = CSV.items()
    for earlier in first:
        bot.load(*earlier)
    path = bot.tmp / f"{kind}.csv"  # the last file goes through the real CLI
    path.write_text(text, encoding="utf-8")
    bot.cli("import", kind, str(path))
    return bot


def outbox(uow_factory):
    with uow_factory() as uow:
        return uow.outbox.list()


def in_order(transcript: str, *parts: str) -> None:
    at = 0
    for part in parts:
        found = transcript.find(part, at)
        assert found >= 0, f"{part!r} not found after position {at} in:\n{transcript}"
        at = found + len(part)


def test_a_new_user_links_reads_help_switches_to_english_and_is_refused(bot):
    code = bot.invite("dealer", "D001")
    assert len(code) == 8 and code.isalnum() and code.isupper()  # alone on the last line
    transcript = bot.chat("u1", [f"/start {code}", "/help", "/lang en", "/help", "/dealers"])
    in_order(
        transcript,
        "已绑定经销商：华西医疗。",
        "您可以使用以下命令：",
        "/lang en — 切换语言",
        "OK, I will speak English from now on.",
        "Commands you can use:",
        "/lang en — switch language",
        "Sorry, as a dealer contact you are not allowed to use this command (/dealers).",
    )
    help_zh = transcript.split("您可以使用以下命令：")[1].split("OK, I will")[0]
    assert "/dealers" not in help_zh and "/invite" not in help_zh
    assert "申城器械" not in transcript and "D002" not in transcript


def test_a_dealer_is_refused_every_manager_command_in_a_piped_session(bot):
    from domain.identity.actors import Seat
    from tests.support import ROUTER  # the contexts the CLI installs

    commands = ROUTER.commands.values()
    names = sorted(c.name for c in commands if Seat.ADMIN in c.roles and Seat.DEALER not in c.roles)
    assert {"dealers", "dealer", "invite"} <= set(names)
    # Sessions of at most 15 commands each: one user's burst ([policy] user_burst, 20)
    # would otherwise refuse the last ones for speed instead of for the role.
    transcript = ""
    for n, start in enumerate(range(0, len(names), 15)):
        lines = [f"/start {bot.quick_invite(dealer='D001')}", "/lang en"]
        lines += [f"/{name} D002" for name in names[start : start + 15]]
        transcript += bot.chat(f"u8-{n}", lines)
    refusal = "Sorry, as a dealer contact you are not allowed to use this command"
    assert transcript.count(refusal) == len(names), transcript
    assert not any(s in transcript for s in ("申城器械", "瑞金医院", "李四", "13900000000"))


def test_a_dealer_never_reaches_another_dealers_data(bot):
    code = bot.quick_invite(dealer="D001")
    lines = [f"/start {code}", "/dealer D002", "/dealers", "/invite D002", "/dealer", "c:dealer"]
    transcript = bot.chat("u2", lines)
    assert transcript.count("没有使用这个命令的权限") == 4
    assert "申城器械" not in transcript and "瑞金医院" not in transcript


def test_a_manager_sees_their_dealers_and_presses_a_button_by_number(bot):
    code = bot.invite("manager", "M01")
    transcript = bot.chat("m1", [f"/start {code}", "/dealers", "1", "/dealer D002"])
    in_order(
        transcript,
        "已绑定管理人员：王经理（销售经理）",
        "D001  华西医疗 · A 级 · 正常",
        "  [1] D001",
        "经销商档案：华西医疗（D001）",  # typing 1 pressed the button
        "保证金：¥200,000.00",
        "找不到经销商 D002，或它不在您的管辖范围内。",
    )
    assert "申城器械" not in transcript


def test_language_buttons_are_numbered_and_typing_the_number_presses_one(bot):
    code = bot.quick_invite(dealer="D001")
    transcript = bot.chat("u3", [f"/start {code}", "/lang", "2", "/help"])
    in_order(transcript, "  [1] 中文", "  [2] English", "OK, I will speak English", "Commands")


def test_unknown_and_empty_input_get_clear_replies(bot):
    code = bot.quick_invite(dealer="D001")
    transcript = bot.chat("u4", [f"/start {code}", "/frobnicate", "/hlep", "👍", "x" * 10_000])
    in_order(
        transcript,
        "没有“frobnicate”这个命令",
        "您是不是想用 /help？",
        "您好！有什么可以帮您？",
        "消息太长（10000 个字符，最多 2000 个）",
    )


def test_an_image_and_a_document_are_saved_and_their_paths_printed(bot):
    code = bot.quick_invite(dealer="D001")
    transcript = bot.chat("u5", [f"/start {code}", "/picture"], test_commands=True)
    assert "PICTURE" in transcript
    image = Path(transcript.split("(image: ")[1].split(")")[0])
    document = Path(transcript.split("(document: ")[1].split(")")[0])
    assert image.read_bytes().startswith(b"\x89PNG") and image.name.endswith("chart.png")
    assert document.read_text(encoding="utf-8") == "产品,数量\nA100,20\n"


def test_a_queued_proactive_message_is_printed_and_marked_sent(bot):
    code = bot.quick_invite(dealer="D001")
    bot.chat("u6", [f"/start {code}"])
    promo = Reply("限时促销：A100 立减 10%", ((Button("查看", "c:promos"),),))
    bot.enqueue("u6", promo, "test:promo:u6")
    transcript = bot.chat("u6", ["/help"])
    assert "[!] 限时促销：A100 立减 10%" in transcript
    assert "[1] 查看" in transcript
    [item] = bot.in_process(lambda f: [i for i in outbox(f) if i.dedupe_key == "test:promo:u6"])
    assert item.status is OutboxStatus.SENT
    assert "限时促销" not in bot.chat("u6", ["/help"])  # delivered once


def test_a_proactive_message_arriving_during_a_session_is_printed(bot):
    code = bot.quick_invite(dealer="D001")
    bot.chat("u7", [f"/start {code}"])
    proc = subprocess.Popen(
        bot.argv("chat", "--user", "u7", "--files-dir", str(bot.files)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=ENV,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()

    def wait_for(text: str, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if text in lines.get(timeout=0.2):
                    return
            except queue.Empty:
                continue
        raise AssertionError(f"{text!r} not printed within {seconds} s")

    try:
        proc.stdin.write("/help\n")
        proc.stdin.flush()
        wait_for("您可以使用以下命令")
        bot.enqueue("u7", Reply("目标提醒：本月进度落后"), "test:alert:u7")
        wait_for("[!] 目标提醒：本月进度落后")
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
