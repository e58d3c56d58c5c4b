"""report_reminder at scale: every dealer's duties against the calendar, in one run.

Builds --dealers dealers, each with one linked contact, an admin with a linked account, and
--sales sales rows over the last 60 days plus a stock level for half the dealers, in a
scratch SQLite file; a third of the dealers report nothing. Times, best of --repeat runs on
fresh outboxes, the whole job (what is owed, who is told, every message queued) for a run
on a day that owes both reminders and overdue notices. Prints the messages queued, wall
time and this process's CPU time.

Run: `.venv/bin/python bench/duty_deadlines.py [--dealers 2000] [--sales 100000]`.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from domain.shared.clock import FixedClock  # noqa: E402
from handlers.contexts import build  # noqa: E402
from handlers.core.jobs import run_job  # noqa: E402
from handlers.core.options import CoreOptions  # noqa: E402
from storage.db import make_engine, make_session_factory, upgrade  # noqa: E402
from storage.uow import SqlAlchemyUnitOfWorkFactory  # noqa: E402

# Saturday 18 July 2026, 09:00 Shanghai: W29 is reminded, W28, June's stock and statements
# are overdue.
OCCASION = datetime(2026, 7, 18, 1, 0, tzinfo=UTC)
TODAY = date(2026, 7, 18)


def seed(engine, dealers: int, sales: int) -> None:
    rnd = random.Random(7)
    now = OCCASION.replace(tzinfo=None)
    with engine.begin() as c:
        c.execute(text("INSERT INTO regions (id, code, name) VALUES (1, 'CN', '中国')"))
        c.execute(
            text("INSERT INTO terminals (id, code, name, region_id) VALUES (1, 'T1', 'T', 1)")
        )
        c.execute(
            text(
                "INSERT INTO products (id, sku, name, line, aliases)"
                " VALUES (1, 'A100', 'A', 'IMG', '')"
            )
        )
        c.execute(
            text(
                "INSERT INTO dealers (id, code, name, legal_rep, phone, tier, credit_rating,"
                " deposit, status, since) VALUES (:id, :code, :name, '', '', :tier, '', 0,"
                " 'active', '2020-01-01')"
            ),
            [
                {"id": i, "code": f"D{i:05d}", "name": f"经销商{i}", "tier": "AB"[i % 2]}
                for i in range(1, dealers + 1)
            ],
        )
        c.execute(
            text("INSERT INTO managers (id, code, name, role) VALUES (1, 'M1', '管理员', 'admin')")
        )
        identities = [
            {"id": i, "p": "console", "u": f"u{i}", "d": i, "m": None}
            for i in range(1, dealers + 1)
        ] + [{"id": dealers + 1, "p": "console", "u": "admin", "d": None, "m": 1}]
        c.execute(
            text(
                "INSERT INTO chat_identities (id, platform, user_id, chat_id, display_name,"
                " dealer_id, manager_id, undeliverable) VALUES (:id, :p, :u, :u, '', :d, :m,"
                " false)"
            ),
            identities,
        )
        quiet = dealers // 3  # dealers 1..quiet report nothing
        c.execute(
            text(
                "INSERT INTO sales (id, dealer_id, product_id, terminal_id, qty, unit_price,"
                " amount, kind, sold_on, status, created_at, dedupe_key, source_text) VALUES"
                " (:id, :d, 1, 1, 1, 100, 100, 'retail', :day, 'confirmed', :at, :key, '')"
            ),
            [
                {
                    "id": i,
                    "d": rnd.randint(quiet + 1, dealers),
                    "day": TODAY - timedelta(days=rnd.randrange(60)),
                    "at": now,
                    "key": f"b{i}",
                }
                for i in range(1, sales + 1)
            ],
        )
        c.execute(
            text(
                "INSERT INTO stock_levels (dealer_id, product_id, qty, as_of, created_at)"
                " VALUES (:d, 1, 5, :day, :at)"
            ),
            [{"d": d, "day": date(2026, 7, 2), "at": now} for d in range(1, dealers + 1, 2)],
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dealers", type=int, default=2000)
    ap.add_argument("--sales", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    jobs = build().jobs
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        seed(engine, args.dealers, args.sales)
        factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
        best = None
        for _ in range(args.repeat):
            with engine.begin() as c:
                c.execute(text("DELETE FROM outbox"))
                c.execute(text("DELETE FROM job_runs"))
            wall, cpu = time.perf_counter(), time.process_time()
            run = run_job(
                jobs, factory, FixedClock(OCCASION), CoreOptions(), "report_reminder", OCCASION
            )
            took = (time.perf_counter() - wall, time.process_time() - cpu)
            assert run.outcome.value == "ok", run.detail
            best = took if best is None or took[0] < best[0] else best
        print(
            f"report_reminder, {args.dealers} dealers, {args.sales} sales (SQLite): "
            f"{run.messages} messages queued, best of {args.repeat}: "
            f"{best[0]:.2f} s wall, {best[1]:.2f} s CPU"
        )


if __name__ == "__main__":
    main()
