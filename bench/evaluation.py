"""A quarter's scorecards at scale, next to hand-written aggregates of the same inputs (the
floor), in the same run.

Builds 10,000 dealers in 10 regions (each authorised for line IMG in its region), market
sizes per region and line, and for 2026-Q2: 1,000,000 sales rows (3% withdrawn, reported 0-9
days after the sale), 50,000 resolved tickets (60% rated, some late, some reopened), 20,000
violations of the three severities (most confirmed) and a stock report per dealer and month;
bulk-loaded (executemany / COPY, then the month sums rebuilt). Then times, best of --repeat:
  - cards: handlers.evaluation.gathering.period_facts + domain.evaluation.services.card_for
           for every dealer: everything the evaluation job computes before it writes (the
           facts in one aggregate per source, targets resolved, seven criteria, total,
           grade, consequences, tier), in Decimal;
  - floor: the same aggregates as raw SQL text (sales sum / count / months on time, sales
           per region and line, tickets, ratings, violations per severity, stock months),
           rows fetched, nothing computed.
Prints both and their ratio (goal <= 2x, < 10 s), then once the whole job (drafting 10,000
cards and their approval requests) and the grade counts.

Run: `.venv/bin/python bench/evaluation.py [--dealers 10000] [--sales 1000000]
[--tickets 50000] [--violations 20000] [--backend sqlite|postgresql|both] [--repeat 3]`.
PostgreSQL: DEALERBOT_TEST_PG_URL (as the tests).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.alert_scan import PG_URL, best  # noqa: E402
from domain.evaluation.services import card_for  # noqa: E402
from domain.shared.clock import FixedClock  # noqa: E402
from domain.shared.periods import Period  # noqa: E402
from handlers.core.jobs import RunTrigger, run_job  # noqa: E402
from handlers.core.options import CoreOptions  # noqa: E402
from handlers.evaluation.gathering import GRACE_DAYS, period_facts  # noqa: E402
from storage.db import make_engine, make_session_factory, upgrade  # noqa: E402
from storage.sales.monthly import rebuild  # noqa: E402
from storage.uow import SqlAlchemyUnitOfWorkFactory  # noqa: E402
from tests.support import JOBS  # noqa: E402

Q2 = Period.parse("2026-Q2")
NOW = datetime(2026, 7, 1, 0, 0, tzinfo=UTC)  # 1 July 08:00 Shanghai: the job's morning
DEALERS_PER_REGION = 10
OPTIONS = CoreOptions()


def _ts(moment: datetime, sqlite: bool):
    """As the app's UtcDateTime stores it: SQLite compares the text, so the microseconds
    must be there for an instant on a window's edge to compare as the app's own would."""
    if not sqlite:
        return moment
    return moment.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def regions_for(dealers: int) -> int:
    return max(1, dealers // DEALERS_PER_REGION)


def sales_rows(dealers: int, sales: int, sqlite: bool):
    rnd = random.Random(7)
    regions = regions_for(dealers)
    for i in range(1, sales + 1):
        dealer = rnd.randint(1, dealers)
        region = (dealer - 1) % regions + 1
        product = 1 if rnd.random() < 0.8 else 2
        sold = Q2.start + timedelta(days=rnd.randrange(Q2.days))
        created = datetime(sold.year, sold.month, sold.day, 3, tzinfo=UTC) + timedelta(
            days=rnd.randrange(10)
        )
        amount = f"{rnd.randint(500, 20000)}.00"
        status = "withdrawn" if rnd.random() < 0.03 else "confirmed"
        yield (i, dealer, product, region, 1, amount, amount, "retail", sold, status,
               _ts(created, sqlite), f"b{i}", "")  # fmt: skip


def ticket_rows(dealers: int, tickets: int, sqlite: bool):
    rnd = random.Random(13)
    for i in range(1, tickets + 1):
        created = datetime(2026, 4, 1, tzinfo=UTC) + timedelta(hours=rnd.randrange(88 * 24))
        resolved = created + timedelta(hours=rnd.randint(2, 70))
        due = created + timedelta(hours=48)
        yield (i, rnd.randint(1, dealers), "quality", "normal", "closed", "", "dealer",
               _ts(created, sqlite), _ts(created, sqlite), _ts(due, sqlite),
               _ts(resolved, sqlite), int(rnd.random() < 0.08), "", "")  # fmt: skip


def seed(conn, dealers: int, sales: int, violations: int, sqlite: bool) -> None:
    ex = conn.execute
    count = regions_for(dealers)
    # A region's market: about ten times what its dealers sell of a line (a 10% share each
    # on average, half the full-points share)
    per_region = sales / count * 10250 * 10
    ex(text("INSERT INTO regions (id, code, name) VALUES (0, 'CN', 'China')"))
    regions = [{"i": r, "c": f"R{r:04d}"} for r in range(1, count + 1)]
    ex(text("INSERT INTO regions (id, code, name, parent_id) VALUES (:i, :c, :c, 0)"), regions)
    ex(text("INSERT INTO terminals (id, code, name, region_id) VALUES (:i, :c, :c, :i)"), regions)
    ex(
        text(
            "INSERT INTO products (id, sku, name, line, aliases) VALUES "
            "(1, 'A100', 'a', 'IMG', ''), (2, 'X200', 'x', 'MON', '')"
        )
    )
    ex(
        text(
            "INSERT INTO dealers (id, code, name, legal_rep, phone, tier, credit_rating, deposit,"
            " status, since) VALUES (:id, :code, :code, '', '', :tier, '', 0, 'active', :since)"
        ),
        [
            {
                "id": i,
                "code": f"D{i:05d}",
                "tier": "ABC"[i % 3],
                "since": date(2020, 1, 1) if i % 10 else date(2026, 3, 1),
            }
            for i in range(1, dealers + 1)
        ],
    )
    ex(
        text(
            "INSERT INTO authorizations (dealer_id, region_id, line, valid_from) "
            "VALUES (:d, :r, 'IMG', '2026-01-01')"
        ),
        [{"d": i, "r": (i - 1) % count + 1} for i in range(1, dealers + 1)],
    )
    ex(
        text(
            "INSERT INTO market_sizes (region_id, line, period, amount) "
            "VALUES (:r, :l, '2026-Q2', :a)"
        ),
        [
            {"r": r, "l": line, "a": f"{round(per_region * share)}.00"}
            for r in range(1, count + 1)
            for line, share in (("IMG", 0.8), ("MON", 0.2))
        ],
    )
    rnd = random.Random(11)
    ex(
        text("INSERT INTO targets (dealer_id, period, amount) VALUES (:d, '2026-Q2', :a)"),
        [
            {"d": i, "a": f"{round(1_000_000 * rnd.uniform(0.8, 1.2))}.00"}
            for i in range(1, dealers + 1)
        ],
    )
    ex(
        text(
            "INSERT INTO stock_levels (dealer_id, product_id, qty, as_of, created_at) "
            "VALUES (:d, 1, 5, :day, :at)"
        ),
        [
            {"d": i, "day": day, "at": _ts(NOW, sqlite)}
            for i in range(1, dealers + 1)
            for day in (date(2026, 4, 30), date(2026, 5, 31), date(2026, 6, 30))
            if rnd.random() < 0.9
        ],
    )
    ex(
        text(
            "INSERT INTO violations (dealer_id, type, severity, evidence, status, note, "
            "created_at) VALUES (:d, 'price_floor', :s, '{}', :st, '', :at)"
        ),
        [
            {
                "d": rnd.randint(1, dealers),
                "s": rnd.choice(("minor", "minor", "major", "severe")),
                "st": "confirmed" if rnd.random() < 0.8 else "dismissed",
                "at": _ts(datetime(2026, 4, 1, tzinfo=UTC) + timedelta(hours=i % 2000), sqlite),
            }
            for i in range(violations)
        ],
    )


TICKET_COLUMNS = (
    "id, dealer_id, category, urgency, status, description, created_by, created_at,"
    " sla_started_at, due_at, resolved_at, reopen_count, customer, resolution"
)
SALE_COLUMNS = (
    "id, dealer_id, product_id, terminal_id, qty, unit_price, amount, kind, sold_on, status,"
    " created_at, dedupe_key, source_text"
)


def ratings(tickets: int, sqlite: bool):
    rnd = random.Random(17)
    for i in range(1, tickets + 1):
        if rnd.random() < 0.6:
            at = datetime(2026, 6, 1, tzinfo=UTC) + timedelta(minutes=i % 20000)
            yield (i, i, 1, rnd.randint(1, 5), "dealer", _ts(at, sqlite))


def load(engine, sqlite: bool, dealers, sales, tickets, violations) -> None:
    with engine.begin() as conn:
        seed(conn, dealers, sales, violations, sqlite)
        raw = conn.connection.driver_connection
        rating_cols = "id, ticket_id, round, rating, actor, at"
        if sqlite:
            raw.executemany(
                f"INSERT INTO sales ({SALE_COLUMNS}) VALUES ({', '.join('?' * 13)})",
                sales_rows(dealers, sales, True),
            )
            raw.executemany(
                f"INSERT INTO tickets ({TICKET_COLUMNS}) VALUES ({', '.join('?' * 14)})",
                ticket_rows(dealers, tickets, True),
            )
            raw.executemany(
                f"INSERT INTO ticket_followups ({rating_cols}) VALUES (?, ?, ?, ?, ?, ?)",
                ratings(tickets, True),
            )
        else:
            cur = raw.cursor()
            for table, cols, gen in (
                ("sales", SALE_COLUMNS, sales_rows(dealers, sales, False)),
                ("tickets", TICKET_COLUMNS, ticket_rows(dealers, tickets, False)),
                ("ticket_followups", rating_cols, ratings(tickets, False)),
            ):
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for r in gen:
                        copy.write_row(r)
        rebuild(conn)
    if sqlite:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def floor_queries(sqlite: bool) -> list[tuple[str, dict]]:
    """The same aggregates as the evaluation reads, as plain SQL (nothing computed on them)."""
    tz_start, tz_end = "2026-03-31 16:00:00.000000", "2026-06-30 16:00:00.000000"  # UTC
    due = ("2026-05-05 16:00:00.000000", "2026-06-05 16:00:00.000000", "2026-07-05 16:00:00.000000")
    months = [("2026-04-01", "2026-04-30"), ("2026-05-01", "2026-05-31"),
              ("2026-06-01", "2026-06-30")]  # fmt: skip
    flags = ", ".join(
        f"MAX(CASE WHEN sold_on >= '{a}' AND sold_on <= '{b}' AND created_at < '{d}' "
        "THEN 1 ELSE 0 END)"
        for (a, b), d in zip(months, due, strict=True)
    )
    stock = ", ".join(
        f"MAX(CASE WHEN as_of >= '{a}' AND as_of <= '{b}' THEN 1 ELSE 0 END)" for a, b in months
    )
    window = {"lo": "2026-04-01", "hi": "2026-06-30", "s": tz_start, "e": tz_end}
    if not sqlite:  # typed values: text would be read in the session's time zone
        window = {"lo": Q2.start, "hi": Q2.end, "s": datetime(2026, 3, 31, 16, tzinfo=UTC),
                  "e": datetime(2026, 6, 30, 16, tzinfo=UTC)}  # fmt: skip
    if not sqlite:
        flags = flags.replace("'2026-0", "DATE '2026-0").replace("< DATE '", "< TIMESTAMPTZ '")
        flags = flags.replace("created_at < TIMESTAMPTZ '2026", "created_at < TIMESTAMPTZ '2026")
        flags = flags.replace(":00.000000'", ":00+00'")
        stock = stock.replace("'2026-0", "DATE '2026-0")
    return [
        (f"SELECT dealer_id, SUM(amount), COUNT(*), {flags} FROM sales WHERE status = "
         "'confirmed' AND sold_on >= :lo AND sold_on <= :hi GROUP BY dealer_id", window),
        ("SELECT s.dealer_id, t.region_id, p.line, SUM(s.amount) FROM sales s JOIN terminals t"
         " ON s.terminal_id = t.id JOIN products p ON s.product_id = p.id WHERE s.status = "
         "'confirmed' AND s.sold_on >= :lo AND s.sold_on <= :hi GROUP BY s.dealer_id, "
         "t.region_id, p.line", window),
        ("SELECT dealer_id, COUNT(*), SUM(CASE WHEN resolved_at <= due_at THEN 1 ELSE 0 END), "
         "SUM(CASE WHEN reopen_count > 0 THEN 1 ELSE 0 END) FROM tickets WHERE resolved_at >= "
         ":s AND resolved_at < :e GROUP BY dealer_id", window),
        ("SELECT t.dealer_id, COUNT(*), SUM(f.rating) FROM ticket_followups f JOIN tickets t "
         "ON f.ticket_id = t.id WHERE f.at >= :s AND f.at < :e GROUP BY t.dealer_id", window),
        ("SELECT dealer_id, severity, COUNT(*) FROM violations WHERE status IN ('confirmed', "
         "'penalized') AND created_at >= :s AND created_at < :e GROUP BY dealer_id, severity",
         window),
        (f"SELECT dealer_id, {stock} FROM stock_levels WHERE as_of >= :lo AND as_of <= :hi "
         "GROUP BY dealer_id", window),
        ("SELECT d.code, t.period, t.amount FROM targets t JOIN dealers d ON t.dealer_id = d.id "
         "WHERE t.period >= '2021' AND t.period < '2027'", window),
    ]  # fmt: skip


def measure(name: str, engine, repeat: int) -> None:
    sqlite = name == "sqlite"
    factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
    queries = [(text(q), p) for q, p in floor_queries(sqlite)]

    def cards():
        with factory() as uow:
            facts = period_facts(uow, Q2, OPTIONS)
            tiers = uow.evaluation.tiers()
        rules = OPTIONS.evaluation
        return [card_for(d, Q2, f, tiers.get(d, ""), rules) for d, f in facts.items()]

    def floor():
        with engine.connect() as conn:
            return [conn.execute(q, p).all() for q, p in queries]

    floor(), cards()  # warm the caches alike
    t_floor, c_floor, found_floor = best(floor, repeat)
    t_cards, c_cards, found = best(cards, repeat)
    sales_dealers = len(found_floor[0])
    grades = Counter(c.grade or "-" for c in found)
    print(
        f"{name:<10} floor {t_floor:6.3f} s ({sales_dealers} dealers with sales)   "
        f"cards {t_cards:6.3f} s ({len(found)} cards)   ratio {t_cards / t_floor:4.2f}x"
    )
    if sqlite:
        print(f"{'':<10} cpu   {c_floor:6.3f} s   cards {c_cards:6.3f} s   "
              f"ratio {c_cards / c_floor:4.2f}x")  # fmt: skip
    print(f"{'':<10} grades {dict(sorted(grades.items()))}   (grace {GRACE_DAYS} days)")
    clock = FixedClock(NOW)
    start = time.perf_counter()
    run = run_job(JOBS, factory, clock, OPTIONS, "evaluation", NOW, RunTrigger.MANUAL)
    print(
        f"{'':<10} job (drafts {len(found)} cards + approval requests) "
        f"{time.perf_counter() - start:6.2f} s: {run.outcome.value} {run.detail}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dealers", type=int, default=10_000)
    ap.add_argument("--sales", type=int, default=1_000_000)
    ap.add_argument("--tickets", type=int, default=50_000)
    ap.add_argument("--violations", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    args = ap.parse_args()
    sizes = (args.dealers, args.sales, args.tickets, args.violations)
    print(
        f"{args.dealers} dealers, {args.sales} sales, {args.tickets} tickets, "
        f"{args.violations} violations, {os.cpu_count()} cpus"
    )
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            engine = make_engine(url)
            upgrade(url, engine=engine)
            start = time.perf_counter()
            load(engine, True, *sizes)
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
            load(engine, False, *sizes)
            print(f"postgresql loaded in {time.perf_counter() - start:.1f} s")
            measure("postgresql", engine, args.repeat)
            engine.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
