"""Stock with days of cover for every dealer at once (`/stocks` of an admin, `/export stock`).

Builds 10,000 dealers, two products, four stock reports per dealer and product, and
300,000 sales rows spread over the last 120 days in a scratch SQLite file and a scratch
PostgreSQL schema, then times, best of --repeat runs, the two aggregating queries and the
cover computation (handlers.sales.stock_views.stock_covers' storage and domain part):
  - levels: StockRepository.latest_levels(None) (newest day per dealer and product);
  - sold:   SalesRepository.qty_sold(None, 90 days) (SUM(qty) per dealer and product);
  - all:    both and domain.sales.cover.covers over them;
  - floor:  the hand-written SELECT dealer_id, product_id, SUM(qty) ... GROUP BY over the
            same sales, what `sold` cannot beat.

Run: `.venv/bin/python bench/stock_views.py [--dealers 10000] [--sales 300000]
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

from domain.sales.cover import covers, pace_window  # noqa: E402
from storage.db import make_engine, make_session_factory, upgrade  # noqa: E402
from storage.uow import SqlAlchemyUnitOfWorkFactory  # noqa: E402

NOW = datetime(2026, 7, 17, 2, 0, tzinfo=UTC)
TODAY = date(2026, 7, 17)
PG_URL = os.environ.get(
    "DEALERBOT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FLOOR = text(
    "SELECT dealer_id, product_id, SUM(qty) FROM sales WHERE status = 'confirmed' "
    "AND sold_on >= :lo AND sold_on <= :hi GROUP BY dealer_id, product_id"
)


def seed(conn, dealers: int, sales: int) -> None:
    conn.execute(text("INSERT INTO regions (id, code, name) VALUES (1, 'CN', 'China')"))
    conn.execute(text("INSERT INTO terminals (id, code, name, region_id) VALUES (1, 'T1', 't', 1)"))
    conn.execute(
        text(
            "INSERT INTO products (id, sku, name, line, aliases) VALUES "
            "(1, 'A100', 'a', 'IMG', ''), (2, 'X200', 'x', 'MON', '')"
        )
    )
    conn.execute(
        text(
            "INSERT INTO dealers (id, code, name, legal_rep, phone, tier, credit_rating, deposit,"
            " status) VALUES (:id, :code, :name, '', '', 'A', '', 0, 'active')"
        ),
        [{"id": i, "code": f"D{i:05d}", "name": f"dealer {i}"} for i in range(1, dealers + 1)],
    )
    rnd = random.Random(7)
    created = NOW.replace(tzinfo=None)
    conn.execute(
        text(
            "INSERT INTO stock_levels (dealer_id, product_id, qty, as_of, created_at) "
            "VALUES (:d, :p, :q, :a, :c)"
        ),
        [
            {
                "d": d,
                "p": p,
                "q": rnd.randint(0, 200),
                "a": TODAY - timedelta(days=7 * k),
                "c": created,
            }
            for d in range(1, dealers + 1)
            for p in (1, 2)
            for k in range(4)
        ],
    )
    conn.execute(
        text(
            "INSERT INTO sales (id, dealer_id, product_id, terminal_id, qty, unit_price, amount,"
            " kind, sold_on, status, created_at, dedupe_key, source_text) VALUES (:i, :d, :p,"
            " 1, :q, 100, 100, 'retail', :s, 'confirmed', :c, :k, '')"
        ),
        [
            {
                "i": i,
                "d": rnd.randint(1, dealers),
                "p": rnd.randint(1, 2),
                "q": rnd.randint(1, 20),
                "s": TODAY - timedelta(days=rnd.randrange(120)),
                "c": created,
                "k": f"b{i}",
            }
            for i in range(1, sales + 1)
        ],
    )


def best(fn, repeat: int) -> tuple[float, object]:
    walls, result = [], None
    for _ in range(repeat):
        wall = time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - wall)
    return min(walls), result


def measure(name: str, engine, repeat: int) -> None:
    factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
    window = pace_window(TODAY)

    def levels():
        with factory() as uow:
            return uow.stock.latest_levels(None, on_or_before=TODAY)

    def sold():
        with factory() as uow:
            return uow.sales.qty_sold(None, window.start, window.end)

    def both():
        with factory() as uow:
            found = uow.stock.latest_levels(None, on_or_before=TODAY)
            return covers(found, uow.sales.qty_sold(None, window.start, window.end), window)

    def floor():
        with engine.connect() as conn:
            return conn.execute(FLOOR, {"lo": window.start, "hi": window.end}).all()

    both()  # warm the caches
    t_floor, _ = best(floor, repeat)
    t_levels, found = best(levels, repeat)
    t_sold, pace = best(sold, repeat)
    t_all, rows = best(both, repeat)
    print(
        f"{name:<10} levels {t_levels:6.3f} s ({len(found)} rows)   "
        f"sold {t_sold:6.3f} s ({len(pace)} rows, floor {t_floor:6.3f} s)   "
        f"all {t_all:6.3f} s ({len(rows)} covers)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dealers", type=int, default=10_000)
    ap.add_argument("--sales", type=int, default=300_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args()
    print(f"{args.dealers} dealers, {args.sales} sales rows, {os.cpu_count()} cpus")
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            engine = make_engine(url)
            upgrade(url, engine=engine)
            with engine.begin() as conn:
                seed(conn, args.dealers, args.sales)
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
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
            with engine.begin() as conn:
                seed(conn, args.dealers, args.sales)
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
            measure("postgresql", engine, args.repeat)
            engine.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
