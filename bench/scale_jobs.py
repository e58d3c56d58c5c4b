"""The scheduled jobs at scale, with many managers and contacts, each beside a raw SQL floor.

The data is the alert bench's (bench/alert_scan.py: 10,000 dealers with targets, 1,000,000
sales of the year), spread over 1,000 regions of 10 dealers each (one authorization per
dealer), with the people a real rollout has, all linked on Telegram:
  - 1,000 regional directors (one region each), 100 sales managers (ten regions each),
    10 product-line managers (the IMG line, a hundred regions each) and an admin;
  - a contact per dealer, and a second one for every fifth dealer (12,000 contacts);
  - 20,000 violations over half a year, 600 of them in the last hour (the digest's window).

Each job runs through `run_job`, as the scheduler runs it, in its own transaction (best of
--repeat; its outbox rows and run record are deleted between runs, outside the timing).
Its floor, timed in the same run, is what the job cannot do without: the rows it reads,
read by one raw statement each, and the messages it queued written again by one raw
executemany (the same payloads, other keys) in a transaction that is rolled back.

Run: `.venv/bin/python bench/scale_jobs.py [--dealers 10000] [--sales 1000000]
[--backend sqlite|postgresql|both] [--repeat 3]`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
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
from domain.shared.clock import FixedClock  # noqa: E402
from handlers.core.jobs import RunTrigger, run_job  # noqa: E402
from handlers.core.options import CoreOptions  # noqa: E402
from storage.db import READ_ONLY, make_engine, make_session_factory, upgrade  # noqa: E402
from storage.uow import SqlAlchemyUnitOfWorkFactory  # noqa: E402
from tests.support import JOBS  # noqa: E402

PER_REGION = 10
HOUR = timedelta(hours=1)

# What each job reads, as raw statements: the floor's reads.
SCOPES = (
    "SELECT mr.manager_id, a.dealer_id FROM manager_regions mr "
    "JOIN authorizations a ON a.region_id = mr.region_id"
)
CONTACTS = "SELECT id, dealer_id, manager_id, chat_id, locale FROM chat_identities"
READS = {
    "target_alerts": [FLOOR.text, SCOPES, CONTACTS],
    "report_reminder": [
        "SELECT id, code, name, tier, status FROM dealers",
        "SELECT dealer_id, MAX(sold_on) FROM sales WHERE sold_on >= :lo GROUP BY dealer_id",
        SCOPES,
        CONTACTS,
    ],
    "violation_digest": [
        "SELECT v.*, s.sold_on, s.amount FROM violations v LEFT JOIN sales s ON s.id = v.sale_id"
        " WHERE v.created_at >= :since",
        SCOPES,
        CONTACTS,
    ],
}


def add_people(engine, dealers: int, violations: int) -> dict[str, int]:
    """Regions, authorizations, managers, contacts and violations, bulk-inserted."""
    rnd = random.Random(7)
    regions = max(1, dealers // PER_REGION)
    region_of = {d: 2 + (d - 1) // PER_REGION for d in range(1, dealers + 1)}
    managers, links, contacts = [], [], []
    mid = 0
    for r in range(regions):
        mid += 1
        managers.append((mid, f"RD{r + 1:04d}", "regional_director", "", [2 + r]))
    for s in range(0, regions, 10):
        mid += 1
        managers.append((mid, f"SM{s // 10 + 1:03d}", "sales_manager", "", range(2 + s, 12 + s)))
    for p in range(0, regions, 100):
        mid += 1
        span = range(2 + p, min(102 + p, 2 + regions))
        managers.append((mid, f"PL{p // 100 + 1:02d}", "product_line_manager", "IMG", span))
    mid += 1
    managers.append((mid, "M01", "admin", "", []))
    identity = 0
    for m_id, *_ in managers:
        identity += 1
        links.append((identity, f"m{m_id}", None, m_id))
    for d in range(1, dealers + 1):
        for n in range(2 if d % 5 == 0 else 1):
            identity += 1
            contacts.append((identity, f"d{d}-{n}", d, None))
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO regions (id, code, name) VALUES (:id, :code, :name)"),
            [
                {"id": 2 + r, "code": f"R{r + 1:04d}", "name": f"区域{r + 1}"}
                for r in range(regions)
            ],
        )
        conn.execute(
            text(
                "INSERT INTO authorizations (dealer_id, region_id, line, valid_from)"
                " VALUES (:d, :r, 'IMG', :f)"
            ),
            [{"d": d, "r": r, "f": date(2020, 1, 1)} for d, r in region_of.items()],
        )
        conn.execute(
            text("INSERT INTO managers (id, code, name, role, lines) VALUES (:i, :c, :n, :r, :l)"),
            [{"i": i, "c": c, "n": c, "r": role, "l": lines} for i, c, role, lines, _ in managers],
        )
        conn.execute(
            text("INSERT INTO manager_regions (manager_id, region_id) VALUES (:m, :r)"),
            [{"m": i, "r": r} for i, *_, spans in managers for r in spans],
        )
        conn.execute(
            text(
                "INSERT INTO chat_identities (id, platform, user_id, chat_id, display_name,"
                " dealer_id, manager_id, undeliverable, linked_at)"
                " VALUES (:id, 'telegram', :u, :u, :u, :d, :m, false, :at)"
            ),
            [
                {"id": i, "u": u, "d": d, "m": m, "at": NOW - timedelta(days=30)}
                for i, u, d, m in links + contacts
            ],
        )
        recent = 600 if violations >= 600 else violations // 2
        conn.execute(
            text(
                "INSERT INTO violations (dealer_id, type, severity, evidence, status, note,"
                " created_at) VALUES (:d, 'price_below_terminal_floor', :s, :e, :st, '', :c)"
            ),
            [
                {
                    "d": rnd.randint(1, dealers),
                    "s": rnd.choice(("minor", "major")),
                    "e": '{"floor": "3000", "price": "2900", "gap": "0.033"}',
                    "st": "open" if rnd.random() < 0.3 else "confirmed",
                    "c": NOW - timedelta(seconds=rnd.randrange(3600))
                    if i < recent
                    else NOW - HOUR - timedelta(minutes=rnd.randrange(60 * 24 * 190)),
                }
                for i in range(violations)
            ],
        )
    return {"managers": len(managers), "contacts": len(contacts), "regions": regions}


def floor_for(engine, job: str, outbox: list[dict]):
    """The job's reads, raw, then its messages written again and rolled back."""
    params = {"lo": YEAR_START, "hi": TODAY, "since": NOW - HOUR}

    def run():
        with engine.connect() as conn:
            reads = conn.execution_options(**READ_ONLY)
            for sql in READS[job]:
                wanted = {k: v for k, v in params.items() if f":{k}" in sql}
                reads.execute(text(sql), wanted).all()
            reads.rollback()
            with conn.begin() as tx:
                if outbox:
                    conn.execute(
                        text(
                            "INSERT INTO outbox (dedupe_key, platform, chat_id, identity_id,"
                            " payload, status, attempts, not_before, created_at, last_error)"
                            " VALUES (:k, :p, :c, :i, :payload, 'pending', 0, :at, :at, '')"
                        ),
                        [{**row, "k": f"floor:{n}:{row['k']}"} for n, row in enumerate(outbox)],
                    )
                tx.rollback()

    return run


def queued(engine, job: str) -> list[dict]:
    """The outbox rows a job's run wrote (its keys start with the job's name)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT dedupe_key, platform, chat_id, identity_id, payload, not_before"
                " FROM outbox WHERE dedupe_key LIKE :k"
            ),
            {"k": f"{job}:%"},
        ).all()
    return [
        {
            "k": r[0],
            "p": r[1],
            "c": r[2],
            "i": r[3],
            "payload": r[4] if isinstance(r[4], str) else json.dumps(r[4], ensure_ascii=False),
            "at": NOW,
        }
        for r in rows
    ]


def forget(engine, job: str) -> None:
    """Undo a run: its messages and run record (so the next run does the same work)."""
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM outbox WHERE dedupe_key LIKE :k"), {"k": f"{job}:%"})
        conn.execute(text("DELETE FROM outbox_chats"))
        conn.execute(text("DELETE FROM job_runs WHERE job = :j"), {"j": job})


def measure(name: str, engine, repeat: int) -> None:
    factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
    clock = FixedClock(NOW)
    options = CoreOptions()
    print(f"{name}: job                  run     floor   ratio   messages")
    for job in READS:

        def once(job=job):
            run = run_job(JOBS, factory, clock, options, job, NOW, RunTrigger.MANUAL)
            if run.outcome.value != "ok":
                raise SystemExit(f"{job} failed: {run.detail}")
            return run

        times = []
        for _ in range(repeat):
            forget(engine, job)
            started = time.perf_counter()
            run = once()
            times.append(time.perf_counter() - started)
        rows = queued(engine, job)
        floor = floor_for(engine, job, rows)
        floor()
        t_floor, _, _ = best(floor, repeat)
        t_job = min(times)
        print(
            f"  {job:<18} {t_job:7.3f} s {t_floor:7.3f} s {t_job / t_floor:6.2f}x"
            f"   {run.messages} ({run.detail})"
        )


def run_on(name: str, url: str, load, args) -> None:
    engine = make_engine(url)
    upgrade(url, engine=engine)
    started = time.perf_counter()
    load(engine, args.dealers, args.sales)
    people = add_people(engine, args.dealers, 20_000)
    # Statistics of the whole data, as a database in use has them (the loader's were taken
    # before the people were added: SQLite then scans the 1,000 regions per authorization).
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    print(f"{name} loaded in {time.perf_counter() - started:.1f} s: {people}")
    measure(name, engine, args.repeat)
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dealers", type=int, default=10_000)
    ap.add_argument("--sales", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args()
    print(f"{args.dealers} dealers, {args.sales} sales")
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            run_on("sqlite", f"sqlite:///{tmp}/jobs.db", load_sqlite, args)
    if args.backend in ("postgresql", "both"):
        schema = f"jobs_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in PG_URL else "?"
        try:
            run_on(
                "postgresql", f"{PG_URL}{sep}options=-csearch_path%3D{schema}", load_postgres, args
            )
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
