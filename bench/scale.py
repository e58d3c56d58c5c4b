"""An admin's busy day at scale: 10,000 dealers, 1,000,000 sales of the year, 20,000
violations, on SQLite and PostgreSQL, each figure beside a raw SQL floor over the same rows.

The data is the alert bench's (bench/alert_scan.py: dealers with year and month targets,
sales bulk-loaded), plus violations and an admin linked on the console. Through
`Conversation.handle`, as a chat message would go, best of --repeat:
  - /dealers, /dealers page:200, /targets, /violations, /violations page:300: the reply's
    time and its longest message (Telegram's limit is 4,096 characters), beside the floor:
    the statement reading the rows the view shows (every dealer; the sales sums per dealer;
    a count and one page of violations);
  - a dealer's /sales and /target with a year of history (about 100 sales), beside the
    dealer's rows read by one statement;
  - /export sales for the year (1,000,000 rows: refused with the shorter periods to ask
    for) and for a month (about 86,000 rows streamed into the XLSX: time and this process's
    peak memory), beside the month's rows read raw;
  - the jobs target_alerts, report_reminder and violation_digest through `run_job`, each
    in its own transaction, as the scheduler runs them.

Run: `.venv/bin/python bench/scale.py [--dealers 10000] [--sales 1000000]
[--violations 20000] [--backend sqlite|postgresql|both] [--repeat 3]`.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.alert_scan import (  # noqa: E402
    FLOOR,
    NOW,
    PG_URL,
    TODAY,
    YEAR_START,
    best,
    load_postgres,
    load_sqlite,
)
from domain.catalog.model import DealerCode, ManagerCode  # noqa: E402
from domain.identity.invites import issue_invite  # noqa: E402
from domain.shared.clock import FixedClock  # noqa: E402
from domain.shared.periods import Period, PeriodKind  # noqa: E402
from handlers.contexts import build as build_contexts  # noqa: E402
from handlers.core.context import Ctx  # noqa: E402
from handlers.core.conversation import Conversation  # noqa: E402
from handlers.core.exports import exporter_named, period_window  # noqa: E402
from handlers.core.i18n import Translator  # noqa: E402
from handlers.core.jobs import RunTrigger, run_job  # noqa: E402
from handlers.core.messages import Inbound  # noqa: E402
from handlers.core.options import CoreOptions  # noqa: E402
from handlers.core.workbooks import workbook  # noqa: E402
from storage.db import READ_ONLY, make_engine, make_session_factory, upgrade  # noqa: E402
from storage.uow import SqlAlchemyUnitOfWorkFactory  # noqa: E402
from tests.support import JOBS  # noqa: E402

ADMIN = "admin"
DEALER_USER = "dealer1"
TELEGRAM_LIMIT = 4096


def add_people_and_violations(engine, factory, violations: int) -> None:
    rnd = random.Random(5)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO managers (code, name, role, lines) VALUES ('M01', '总部', 'admin', '')"
            )
        )
        dealers = conn.execute(text("SELECT count(*) FROM dealers")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO violations (dealer_id, type, severity, evidence, status, note,"
                " created_at) VALUES (:d, 'price_below_terminal_floor', :s, :e, :st, '', :c)"
            ),
            [
                {
                    "d": rnd.randint(1, dealers),
                    "s": rnd.choice(("minor", "major", "severe")),
                    "e": '{"floor": "3000", "price": "2900", "gap": "0.033"}',
                    "st": "open" if rnd.random() < 0.3 else "confirmed",
                    "c": NOW - timedelta(minutes=rnd.randrange(60 * 24 * 190)),
                }
                for _ in range(violations)
            ],
        )
    now = NOW
    with factory() as uow:
        code = issue_invite(uow, now, timedelta(hours=1), manager=ManagerCode("M01"))
        uow.identities.link("console", ADMIN, ADMIN, "admin", code, now)
        code = issue_invite(uow, now, timedelta(hours=1), dealer=DealerCode("D00001"))
        uow.identities.link("console", DEALER_USER, DEALER_USER, "dealer", code, now)
        uow.commit()


def measure(name: str, engine, repeat: int) -> None:
    factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
    clock = FixedClock(NOW)
    options = CoreOptions()
    conversation = Conversation(factory, clock, options, build_contexts().router)
    n = iter(range(10**9))

    def say(user: str, line: str):
        key = f"scale:{user}:{next(n)}"
        return conversation.handle(Inbound("console", user, user, text=line, dedupe_key=key))

    def raw(sql: str, **params):
        def run():  # a read: on SQLite it takes no write lock (storage/db.py READ_ONLY)
            with engine.connect().execution_options(**READ_ONLY) as conn:
                return conn.execute(text(sql), params).all()

        return run

    views = [
        (ADMIN, "/dealers", raw("SELECT code, name, tier, status FROM dealers ORDER BY code")),
        (ADMIN, "/dealers page:200", raw("SELECT code, name, tier, status FROM dealers")),
        (ADMIN, "/targets", raw(FLOOR.text, lo=TODAY.replace(day=1), hi=TODAY)),
        (
            ADMIN,
            "/violations",
            raw(
                "SELECT (SELECT count(*) FROM violations), v.* FROM violations v "
                "ORDER BY created_at DESC, id DESC LIMIT 30"
            ),
        ),
        (
            ADMIN,
            "/violations page:300",
            raw(
                "SELECT (SELECT count(*) FROM violations), v.* FROM violations v "
                "ORDER BY created_at DESC, id DESC LIMIT 30 OFFSET 8970"
            ),
        ),
        (
            DEALER_USER,
            "/sales",
            raw("SELECT * FROM sales WHERE dealer_id = 1 ORDER BY sold_on DESC, id DESC"),
        ),
        (
            DEALER_USER,
            "/target",
            raw(  # the rows it reads: the dealer's targets and its year's sales by day
                "SELECT (SELECT count(*) FROM targets WHERE dealer_id = 1), sold_on, SUM(amount)"
                " FROM sales WHERE dealer_id = 1 AND status = 'confirmed' AND sold_on >= :lo"
                " GROUP BY sold_on",
                lo=YEAR_START,
            ),
        ),
        (
            ADMIN,
            "/export sales 2026",
            raw("SELECT count(*) FROM sales WHERE sold_on >= :lo", lo=YEAR_START),
        ),
    ]
    print(f"{name}: view / command            reply     floor   ratio   longest message")
    for user, line, floor in views:
        floor()
        say(user, line)
        t_floor, _, _ = best(floor, repeat)
        t_view, _, replies = best(lambda u=user, w=line: say(u, w), repeat)
        longest = max(len(r.text) for r in replies)
        flag = "" if longest <= TELEGRAM_LIMIT else "  OVER THE LIMIT"
        print(
            f"  {line:<28} {t_view:7.3f} s {t_floor:7.3f} s {t_view / t_floor:6.2f}x"
            f"   {longest} chars{flag}"
        )
        if line.startswith("/export"):
            print(f"    -> {replies[0].text.splitlines()[0][:110]}")

    # Most of a dealer's /target is drawing its chart: the same chart drawn alone.
    from handlers.targets.charts import cumulative_chart
    from handlers.targets.standing import load_standings

    with factory() as uow:
        dealer = uow.catalog.dealer(DealerCode("D00001"))
        year = Period.containing(TODAY, PeriodKind.YEAR)
        standing = load_standings(uow, [year], TODAY, options.target_growth, [dealer])[year][0]
        daily = uow.targets.daily(dealer.code, year, TODAY)
    t_chart, _, _ = best(lambda: cumulative_chart(standing, daily, Translator("zh_CN")), repeat)
    print(f"  /target's chart alone       {t_chart:7.3f} s (matplotlib, a PNG of 7 x 4 in)")

    # A month's export: the sheet read by the exporter, then written as XLSX.
    with factory() as uow:
        actor = uow.identities.find("console", ADMIN)
        inbound = Inbound("console", ADMIN, ADMIN, text="/export sales 2026-07", dedupe_key="x")
        t = Translator("zh_CN")
        ctx = Ctx(inbound, actor, uow, clock, options, t, router=conversation.router)
        window = period_window(ctx, "2026-07", PeriodKind.MONTH)
        found = exporter_named(conversation.router, "sales")
        month = raw(
            "SELECT * FROM sales WHERE sold_on >= :lo AND sold_on <= :hi",
            lo=window.period.start,
            hi=window.period.end,
        )
        t_floor, _, _ = best(month, 1)
        # Streamed: the rows are read while the XLSX is written, as the background does.
        started = time.perf_counter()
        sheet = found.func(ctx, window)
        data = workbook("sales", sheet.header, sheet.rows)
        total = time.perf_counter() - started
        # Peak Python memory of the same export, once more under tracemalloc (slower).
        tracemalloc.start()
        again = found.func(ctx, window)
        workbook("sales", again.header, again.rows)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del again
    print(
        f"  /export sales 2026-07: {sheet.size} rows streamed into the XLSX {total:.2f} s"
        f" (the rows read raw {t_floor:.2f} s), {len(data) / 2**20:.1f} MB,"
        f" peak Python memory {peak / 2**20:.0f} MB"
    )
    for job in ("target_alerts", "report_reminder", "violation_digest"):
        started = time.perf_counter()
        run = run_job(JOBS, factory, clock, options, job, NOW, RunTrigger.MANUAL)
        took = time.perf_counter() - started
        print(f"  job {job:<17} {took:7.3f} s   {run.outcome.value} {run.messages} messages")


def run_on(name: str, url: str, load, args) -> None:
    """Migrate, load and measure one backend."""
    engine = make_engine(url)
    upgrade(url, engine=engine)
    started = time.perf_counter()
    load(engine, args.dealers, args.sales)
    factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
    add_people_and_violations(engine, factory, args.violations)
    print(f"{name} loaded in {time.perf_counter() - started:.1f} s")
    measure(name, engine, args.repeat)
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dealers", type=int, default=10_000)
    ap.add_argument("--sales", type=int, default=1_000_000)
    ap.add_argument("--violations", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args()
    print(f"{args.dealers} dealers, {args.sales} sales, {args.violations} violations")
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/scale.db"
            run_on("sqlite", url, load_sqlite, args)
    if args.backend in ("postgresql", "both"):
        schema = f"scale_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
        try:
            run_on("postgresql", url, load_postgres, args)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
