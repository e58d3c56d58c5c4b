"""`dealerbot run`'s light start: heavy libraries load on first use, and the core workers are
forked from the bot's process before it starts a thread, shared by every transport.

Each test runs in a fresh interpreter (`python -c`): what is imported, and whether the
process runs a thread when it forks, must not depend on the tests that ran before."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("matplotlib", "jieba", "openpyxl", "numpy", "bm25s", "PIL", "alembic")


def _run(db, body: str) -> dict:
    script = (
        textwrap.dedent(
            f"""
        import asyncio, json, os, sys
        os.environ["DEALERBOT_DATABASE__URL"] = {db.url!r}
        os.environ["DEALERBOT_TELEGRAM__TOKEN"] = "1:TEST"
        os.environ["DEALERBOT_SLACK__BOT_TOKEN"] = "xoxb-test"
        os.environ["DEALERBOT_SLACK__SIGNING_SECRET"] = "secret"
        HEAVY = {HEAVY!r}
        from bot.app import build_app
        from bot.config import Settings
        app = build_app(Settings())
        out = {{}}
        """
        )
        + textwrap.dedent(body)
        + "\nprint(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_first_question_chart_and_export_load_what_they_need(db):
    out = _run(
        db,
        """
        from datetime import timedelta
        from bot.demo import DEMO_DEALER, DEMO_MANAGER, seed_demo, seed_demo_policy
        from bot.demo_history import seed_history
        from bot.serving import build_run_services
        from domain.catalog.model import DealerCode, ManagerCode
        from domain.identity.invites import issue_invite
        from handlers.core.messages import Inbound

        now = app.clock.now()
        seed_demo(app.uow_factory, now.astimezone(app.options.tz).date())
        seed_history(app.uow_factory, now, app.options)
        seed_demo_policy(app.uow_factory, app.clock)
        with app.uow_factory() as uow:
            for chat, whom in (("1", {"dealer": DealerCode(DEMO_DEALER)}),
                               ("2", {"manager": ManagerCode(DEMO_MANAGER)})):
                code = issue_invite(uow, now, timedelta(hours=1), **whom)
                uow.identities.link("console", chat, chat, chat, code, now)
            uow.commit()
        build_run_services(app, ["telegram", "slack"], True, print)  # the SDKs, not the rest
        out["idle"] = sorted(m for m in HEAVY if m in sys.modules)

        def ask(chat, text):
            key = f"k{len(out)}"
            out[key] = len(out)
            inbound = Inbound("console", chat, chat, text=text, dedupe_key=key)
            return app.conversation.handle(inbound)

        answer = ask("1", "窜货怎么处罚？")
        out["question"] = answer[0].text
        chart = ask("1", "/target")
        out["chart"] = [r.image.content[:8].hex() for r in chart if r.image is not None]
        export = ask("2", "/export sales")
        out["export"] = [r.document.content[:2].decode() for r in export if r.document]
        out["after"] = sorted(m for m in HEAVY if m in sys.modules)
        """,
    )
    assert out["idle"] == []  # nothing heavy at start, with both SDKs and the scheduler built
    assert "窜货" in out["question"] and "《" in out["question"]  # answered, with a citation
    assert out["chart"] == ["89504e470d0a1a0a"]  # a PNG
    assert out["export"] == ["PK"]  # an XLSX (a zip)
    assert {"matplotlib", "jieba", "openpyxl", "numpy", "bm25s"} <= set(out["after"])
    assert "alembic" not in out["after"]  # the database was up to date: one query, no Alembic


def test_forked_workers_answer_every_transport_and_leave_the_bot_its_database(db):
    out = _run(
        db,
        """
        import threading
        from datetime import timedelta
        from bot.serving import shared_core
        from domain.catalog.model import DealerCode
        from domain.identity.invites import issue_invite
        from handlers.core.messages import Inbound
        from tests.support import seed_catalog

        seed_catalog(app.uow_factory)
        with app.uow_factory() as uow:
            now = app.clock.now()
            for platform in ("telegram", "slack"):
                code = issue_invite(uow, now, timedelta(hours=1), dealer=DealerCode("D001"))
                uow.identities.link(platform, "1", "1", "dealer", code, now)
            uow.commit()
        out["none_without_telegram"] = shared_core(app, ["slack"]) is None
        core = shared_core(app, ["telegram", "slack"])
        out["forked"] = len(core._forked)
        out["parents"] = [open(f"/proc/{p.pid}/status").read().count(f"PPid:\\t{os.getpid()}")
                          for p, _ in core._forked]

        def report(platform, n):
            text = f"/report A100 {n} 3500 T-0001"
            return Inbound(platform, "1", "1", text=text, dedupe_key=f"{platform}{n}")

        async def main():
            await core.start()
            try:
                tg = core.handle(report("telegram", 1))
                slack = [core.handle_async(report("slack", n)) for n in (2, 3, 4)]
                answers = await asyncio.gather(tg, *slack)
                out["answers"] = [a[0].text for a in answers]
                out["lanes_left"] = core._order.pending
            finally:
                await core.close()

        asyncio.run(main())
        with app.uow_factory() as uow:  # the bot's own engine, emptied before the fork
            out["sales"] = len(uow.sales.list([DealerCode("D001")]))
        # With a thread running, nothing is forked: the workers are spawned when started.
        t = threading.Thread(target=threading.Event().wait, args=(5,), daemon=True)
        t.start()
        out["forked_with_a_thread"] = shared_core(app, ["telegram"])._forked.__len__()
        """,
    )
    assert out["none_without_telegram"] is True
    assert out["forked"] == 1 and out["parents"] == [1]
    quantities = [f"× {n}，" in text for n, text in zip((1, 2, 3, 4), out["answers"], strict=True)]
    assert all(quantities), out["answers"]
    assert out["lanes_left"] == 0  # a user's order lock goes once nothing waits on it
    assert out["sales"] == 4
    assert out["forked_with_a_thread"] == 0
