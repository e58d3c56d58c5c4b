"""target_alerts' computation at scale, next to one hand-written aggregate (the floor).

Builds 10,000 dealers (each with a year and a month target) and 1,000,000 sales rows of the
current year in a scratch SQLite file and a scratch PostgreSQL schema (bulk inserts:
executemany / COPY, then the per-dealer month sums rebuilt from them), then times, best of
--repeat runs:
  - job:   handlers.targets.alerts.behind_pace, everything the job computes before it
           writes messages (one statement: targets and sales sums per dealer, only those
           possibly behind come back; then the exact judgement in Python);
  - floor: SELECT dealer_id, SUM(amount) ... GROUP BY dealer_id over the same rows.
Prints both, their ratio (target <= 1.5x) and the job time (target < 3 s on 2 cores), wall
time and this process's CPU time: all of SQLite's work (a busy machine disturbs it less),
PostgreSQL's client side only.

Run: `.venv/bin/python bench/alert_scan.py [--dealers 10000] [--sales 1000000]
[--backend sqlite|postgresql|both]`. PostgreSQL: DEALERBOT_TEST_PG_URL (as the tests).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from domain.shared.clock import FixedClock  # noqa: E402
from handlers.core.jobs import JobContext  # noqa: E402
from handlers.core.options import CoreOptions  # noqa: E402
from handlers.targets.alerts import behind_pace  # noqa: E402
from storage.db import make_engine, make_session_factory, upgrade  # noqa: E402
from storage.sales.monthly import rebuild  # noqa: E402
from storage.uow import SqlAlchemyUnitOfWorkFactory  # noqa: E402

NOW = datetime(2026, 7, 17, 2, 0, tzinfo=UTC)  # Friday 17 July 2026, 10:00 Shanghai
TODAY = date(2026, 7, 17)
YEAR_START = date(2026, 1, 1)
PG_URL = os.environ.get(
    "DEALERBOT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FLOOR = text(
    "SELECT dealer_id, SUM(amount) FROM sales "
    "WHERE status = 'confirmed' AND sold_on >= :lo AND sold_on <= :hi GROUP BY dealer_id"
)


def rows(dealers: int, sales: int, seed: int = 7):
    rnd = random.Random(seed)
    span = (TODAY - YEAR_START).days + 1
    created = NOW.replace(tzinfo=None)
    for i in range(1, sales + 1):
        amount = f"{rnd.randint(500, 20000)}.00"
        status = "withdrawn" if rnd.random() < 0.03 else "confirmed"
        kind = "tender" if rnd.random() < 0.2 else "retail"
        yield (
            i,
            rnd.randint(1, dealers),
            1,
            1,
            1,
            amount,
            amount,
            kind,
            YEAR_START + timedelta(days=rnd.randrange(span)),
            status,
            created,
            f"b{i}",
            "",
        )


SALE_COLUMNS = (
    "id, dealer_id, product_id, terminal_id, qty, unit_price, amount, kind, sold_on, status,"
    " created_at, dedupe_key, source_text"
)


def seed_catalog(conn, dealers: int) -> None:
    conn.execute(text("INSERT INTO regions (id, code, name) VALUES (1, 'CN', 'China')"))
    conn.execute(text("INSERT INTO terminals (id, code, name, region_id) VALUES (1, 'T1', 't', 1)"))
    conn.execute(
        text(
            "INSERT INTO products (id, sku, name, line, aliases) VALUES (1, 'A100', 'a', 'IMG', '')"
        )
    )
    conn.execute(
        text(
            "INSERT INTO dealers (id, code, name, legal_rep, phone, tier, credit_rating, deposit,"
            " status, since) VALUES (:id, :code, :name, '', '', 'A', '', 0, 'active', :since)"
        ),
        [
            {
                "id": i,
                "code": f"D{i:05d}",
                "name": f"dealer {i}",
                "since": date(2020, 1, 1) if i % 10 else date(2026, 3, 1),
            }
            for i in range(1, dealers + 1)
        ],
    )
    # Targets near each dealer's pace, so that about half are behind; Q3 is derived from
    # last year's Q3 (+30%), exercising the default.
    rnd = random.Random(11)
    targets = []
    for i in range(1, dealers + 1):
        spread = rnd.uniform(0.85, 1.15)
        targets.append({"d": i, "p": "2026", "a": f"{round(1_830_000 * spread)}.00"})
        targets.append({"d": i, "p": "2026-07", "a": f"{round(155_000 * spread)}.00"})
        targets.append({"d": i, "p": "2025-Q3", "a": f"{round(354_000 * spread)}.00"})
    conn.execute(
        text("INSERT INTO targets (dealer_id, period, amount) VALUES (:d, :p, :a)"), targets
    )


def load_sqlite(engine, dealers: int, sales: int) -> None:
    with engine.begin() as conn:
        seed_catalog(conn, dealers)
        raw = conn.connection.driver_connection
        marks = ", ".join("?" * 13)
        raw.executemany(
            f"INSERT INTO sales ({SALE_COLUMNS}) VALUES ({marks})",
            ((*r[:10], r[10].isoformat(sep=" "), *r[11:]) for r in rows(dealers, sales)),
        )
        rebuild(conn)  # bulk rows bypass the repository: recompute the month sums
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def load_postgres(engine, dealers: int, sales: int) -> None:
    with engine.begin() as conn:
        seed_catalog(conn, dealers)
        raw = conn.connection.driver_connection
        with raw.cursor().copy(f"COPY sales ({SALE_COLUMNS}) FROM STDIN") as copy:
            for r in rows(dealers, sales):
                copy.write_row((*r[:10], r[10].replace(tzinfo=UTC), *r[11:]))
        rebuild(conn)  # bulk rows bypass the repository: recompute the month sums
    # VACUUM sets the visibility map, which index-only scans need (autovacuum would, later).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def best(fn, repeat: int) -> tuple[float, float, object]:
    """Best wall time and best CPU time of this process (SQLite works in-process, so its CPU
    time shows the work even on a busy machine; PostgreSQL works in the server)."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def measure(name: str, engine, repeat: int) -> None:
    factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
    options = CoreOptions()
    clock = FixedClock(NOW)

    def job():
        with factory() as uow:
            ctx = JobContext("target_alerts", uow, clock, options, NOW)
            return behind_pace(ctx)

    def floor():
        with engine.connect() as conn:
            return conn.execute(FLOOR, {"lo": YEAR_START, "hi": TODAY}).all()

    floor()  # warm the cache alike for both
    job()
    t_floor, c_floor, floor_rows = best(floor, repeat)
    t_job, c_job, behind = best(job, repeat)
    print(
        f"{name:<10} floor {t_floor:6.3f} s ({len(floor_rows)} dealers)   "
        f"target_alerts {t_job:6.3f} s ({len(behind)} behind)   ratio {t_job / t_floor:4.2f}x"
    )
    # SQLite runs in this process, so its CPU time is the whole work; PostgreSQL's statement
    # runs in the server, so this is the client's share (fetching and judging rows).
    what = "cpu  " if name == "sqlite" else "client cpu"
    ratio = f"ratio {c_job / c_floor:4.2f}x" if name == "sqlite" else ""
    print(
        f"{'':<10} {what} {c_floor:6.3f} s                 "
        f"target_alerts {c_job:6.3f} s                 {ratio}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dealers", type=int, default=10_000)
    ap.add_argument("--sales", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args()
    print(f"{args.dealers} dealers, {args.sales} sales rows, {os.cpu_count()} cpus")
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            engine = make_engine(url)
            upgrade(url, engine=engine)
            start = time.perf_counter()
            load_sqlite(engine, args.dealers, args.sales)
            print(f"sqlite     loaded in {time.perf_counter() - start:.1f} s")
            measure("sqlite", engine, args.repeat)
            engine.dispose()
    if args.backend in ("postgresql", "both"):
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            sep = "&" if "?" in PG_URL else "?"
            url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
            engine = make_engine(url)
            upgrade(url, engine=engine)
            start = time.perf_counter()
            load_postgres(engine, args.dealers, args.sales)
            print(f"postgresql loaded in {time.perf_counter() - start:.1f} s")
            measure("postgresql", engine, args.repeat)
            engine.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
