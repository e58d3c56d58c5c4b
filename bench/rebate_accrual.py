"""Rebate accrual at scale, next to one hand-written aggregate over the same rows (the floor).

Builds 10,000 dealers and 1,000,000 sales rows of the current year (the rows and bulk
loading of bench/alert_scan.py: executemany / COPY, then the month sums rebuilt), adds a
yearly rebate program of four tiers, then times, best of --repeat runs:
  - accrual: handlers.rebates.standing.program_accruals, everything /rebate, rebate_nudge
             and rebate_settlement compute for a program: the dealers in scope, their
             counted sales (from the month sums), severe violations, tier and rebate per
             dealer in Decimal; once on a sales-amount basis, once on a target basis;
  - floor:   SELECT dealer_id, SUM(amount) FROM sales WHERE status = 'confirmed' AND sold_on
             in the year GROUP BY dealer_id.
Prints both, their ratio (target <= 1.5x) and the total rebate, which must equal the one
computed from the floor's sums.

Run: `.venv/bin/python bench/rebate_accrual.py [--dealers 10000] [--sales 1000000]
[--backend sqlite|postgresql|both]`. PostgreSQL: DEALERBOT_TEST_PG_URL (as the tests).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.alert_scan import PG_URL, best, load_postgres, load_sqlite  # noqa: E402
from domain.rebates.model import Basis, Program, Scope, Tier  # noqa: E402
from domain.rebates.rules import pays, tier_index  # noqa: E402
from domain.shared.periods import Period  # noqa: E402
from handlers.core.options import CoreOptions  # noqa: E402
from handlers.rebates.standing import program_accruals  # noqa: E402
from storage.db import make_engine, make_session_factory, upgrade  # noqa: E402
from storage.uow import SqlAlchemyUnitOfWorkFactory  # noqa: E402

YEAR = Period.parse("2026")
FLOOR = text(
    "SELECT dealer_id, SUM(amount) FROM sales "
    "WHERE status = 'confirmed' AND sold_on >= :lo AND sold_on <= :hi GROUP BY dealer_id"
)
D = Decimal
AMOUNT_TIERS = (
    Tier(D("500000"), D("900000"), rate=D("1")),
    Tier(D("900000"), D("1000000"), rate=D("2")),
    Tier(D("1000000"), D("1100000"), rate=D("3")),
    Tier(D("1100000"), None, rate=D("4"), cap=D("60000")),
)
PERCENT_TIERS = (
    Tier(D("0"), D("50"), rate=D("1")),
    Tier(D("50"), D("60"), rate=D("2")),
    Tier(D("60"), None, rate=D("3")),
)


def add_programs(factory) -> dict[Basis, Program]:
    made = {}
    with factory() as uow:
        for code, basis, tiers in (
            ("Y-AMT", Basis.AMOUNT, AMOUNT_TIERS),
            ("Y-PCT", Basis.TARGET_PERCENT, PERCENT_TIERS),
        ):
            program = Program(0, code, YEAR, basis, Scope(), tiers)
            program_id, _ = uow.rebates.save_program(program)
            made[basis] = Program(program_id, code, YEAR, basis, Scope(), tiers)
        uow.commit()
    return made


def measure(name: str, engine, repeat: int) -> None:
    factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
    programs = add_programs(factory)
    options = CoreOptions()

    def accrual(basis: Basis):
        def run():
            with factory() as uow:
                return program_accruals(uow, programs[basis], options)

        return run

    def floor():
        with engine.connect() as conn:
            return conn.execute(FLOOR, {"lo": YEAR.start, "hi": date(2026, 12, 31)}).all()

    floor()  # warm the cache alike for both
    accrual(Basis.AMOUNT)()
    t_floor, c_floor, floor_rows = best(floor, repeat)
    expected = sum(
        (
            pays(AMOUNT_TIERS[i], D(s))
            for _, s in floor_rows
            if (i := tier_index(AMOUNT_TIERS, D(s))) is not None
        ),
        D("0.00"),
    )
    for basis in (Basis.AMOUNT, Basis.TARGET_PERCENT):
        t_job, c_job, found = best(accrual(basis), repeat)
        total = sum((a.rebate for a in found.values()), D("0.00"))
        check = ""
        if basis is Basis.AMOUNT:
            check = "matches the floor" if total == expected else f"!= floor's {expected}"
        print(
            f"{name:<10} floor {t_floor:6.3f} s ({len(floor_rows)} dealers)   "
            f"accrual[{basis.value}] {t_job:6.3f} s ({len(found)} dealers, "
            f"rebates ¥{total:,}, {check or 'targets resolved per dealer'})   "
            f"ratio {t_job / t_floor:4.2f}x"
        )
        if name == "sqlite":  # in-process: CPU time is all of the work
            cpu = f"cpu   {c_floor:6.3f} s   accrual {c_job:6.3f} s"
            print(f"{'':<10} {cpu}   ratio {c_job / c_floor:4.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dealers", type=int, default=10_000)
    ap.add_argument("--sales", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
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
