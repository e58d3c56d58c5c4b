"""Sales report latency: N `/report` messages through Conversation.handle into the database.

Seeds a catalog (12 regions, 300 terminals, 30 products with prices, one dealer authorized on
two regions, its regional manager linked), then sends N reports as a linked dealer, each
with its own dedupe key, the way a transport would: routing, identity, product and terminal
lookup, the policy checks, the sale and its violations, the outbox alert of severe ones, the
inbound dedupe row and the audit row, one commit each. One report in ten is under the floor
and one in ten is cross-region (severe: alerts the manager). Prints reports/s and p50/p90/p99
latency. With `--text`, also times free-text sentences parsed into drafts.

Run: `.venv/bin/python bench/report_path.py [-n 2000] [--backend sqlite|postgresql|both] [--text]`.
PostgreSQL: DEALERBOT_TEST_PG_URL (as the tests).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from domain.catalog.model import DealerCode, ManagerCode  # noqa: E402
from domain.identity.invites import issue_invite  # noqa: E402
from domain.shared.clock import FixedClock  # noqa: E402
from handlers.core.conversation import Conversation  # noqa: E402
from handlers.core.messages import Inbound  # noqa: E402
from storage.db import make_engine, make_session_factory, upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    AuthorizationRow,
    DealerRow,
    ManagerRegionRow,
    ManagerRow,
    PriceRow,
    ProductRow,
    RegionRow,
    TerminalRow,
)
from storage.uow import SqlAlchemyUnitOfWorkFactory  # noqa: E402

PG_URL = os.environ.get(
    "DEALERBOT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def seed(uow_factory, clock: FixedClock) -> None:
    with uow_factory() as uow:
        s = uow.session
        cn = RegionRow(code="CN", name="中国")
        regions = [RegionRow(code=f"R{n:02d}", name=f"区域{n}", parent=cn) for n in range(12)]
        s.add_all([cn, *regions])
        s.add_all(
            TerminalRow(code=f"T-{n:04d}", name=f"第{n}人民医院", region=regions[n % 12])
            for n in range(300)
        )
        for n in range(30):
            product = ProductRow(sku=f"P{n:03d}", name=f"设备 {n}", line="IMG", aliases="")
            s.add(product)
            s.add(
                PriceRow(
                    product=product,
                    supply_price=Decimal("800"),
                    min_terminal_price=Decimal("1000"),
                    min_bid_price=Decimal("900"),
                    valid_from=date(2026, 1, 1),
                )
            )
        dealer = DealerRow(code="D001", name="华西医疗", tier="A", since=date(2020, 1, 1))
        s.add(dealer)
        for region in regions[:2]:
            s.add(
                AuthorizationRow(
                    dealer=dealer, region=region, line="IMG", valid_from=date(2026, 1, 1)
                )
            )
        manager = ManagerRow(code="M01", name="王经理", role="sales_manager")
        manager.regions.append(ManagerRegionRow(region=regions[0]))
        s.add(manager)
        uow.commit()
    for user, who in (
        ("dealer", {"dealer": DealerCode("D001")}),
        ("manager", {"manager": ManagerCode("M01")}),
    ):
        with uow_factory() as uow:
            code = issue_invite(uow, clock.now(), timedelta(hours=1), **who).code
            uow.commit()
        Conversation(uow_factory, clock).handle(
            Inbound("console", user, user, text=f"/start {code}", dedupe_key=f"link:{user}")
        )


def report_line(i: int) -> str:
    sku = f"P{i % 30:03d}"
    if i % 10 == 3:
        return f"/report {sku} 2 950 T-{(i * 12) % 300:04d}"  # under the floor (major)
    if i % 10 == 7:
        return f"/report {sku} 1 1200 T-{(i * 12 + 5) % 300:04d}"  # region R05: cross-region
    return f"/report {sku} {1 + i % 9} {1000 + i % 500} T-{(i * 12) % 300:04d}"


def text_line(i: int) -> str:
    return f"今天给第{(i * 12) % 300}人民医院卖了{1 + i % 9}台P{i % 30:03d}，单价{1000 + i % 500}元"


def run(conv: Conversation, lines: list[str], tag: str) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each report (CPU time leaves out waiting for a core,
    which on a shared machine is most of the spread)."""
    wall, cpu = [], []
    for i, line in enumerate(lines):
        inbound = Inbound("console", "dealer", "dealer", text=line, dedupe_key=f"{tag}:{i}")
        start, start_cpu = time.perf_counter(), time.process_time()
        replies = conv.handle(inbound)
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
        if i == 0 and not replies:
            raise SystemExit(f"no reply to {line!r}")
    return wall, cpu


def summary(name: str, times: tuple[list[float], list[float]]) -> str:
    wall, cpu = times
    ms = statistics.quantiles([t * 1000 for t in wall], n=100)
    cpu_ms = statistics.quantiles([t * 1000 for t in cpu], n=100)
    return (
        f"{name:<28} n={len(wall):>5} {len(wall) / sum(wall):7.1f} reports/s  "
        f"wall p50 {ms[49]:6.2f} p90 {ms[89]:6.2f} p99 {ms[98]:6.2f} ms  "
        f"cpu p50 {cpu_ms[49]:5.2f} p99 {cpu_ms[98]:5.2f} ms"
    )


def bench(backend: str, n: int, with_text: bool) -> None:
    clock = FixedClock(datetime(2026, 7, 17, 2, 0, tzinfo=UTC))
    close = None
    if backend == "sqlite":
        tmp = tempfile.mkdtemp()
        url = f"sqlite:///{tmp}/bench.db"
    else:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"

        def close() -> None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

    engine = make_engine(url)
    try:
        upgrade(url, engine=engine)
        uow_factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
        seed(uow_factory, clock)
        conv = Conversation(uow_factory, clock)
        run(conv, [report_line(i) for i in range(50)], "warmup")
        times = run(conv, [report_line(i) for i in range(50, 50 + n)], "report")
        print(summary(f"{backend}: /report", times))
        if with_text:
            times = run(conv, [text_line(i) for i in range(n)], "text")
            print(summary(f"{backend}: sentence -> draft", times))
        with engine.connect() as conn:
            sales = conn.execute(text("select count(*) from sales")).scalar()
            alerts = conn.execute(text("select count(*) from outbox")).scalar()
        print(f"{'':<28} stored {sales} sales, {alerts} outbox alerts")
    finally:
        engine.dispose()
        if close:
            close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="reports to time")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--text", action="store_true", help="also time free-text drafts")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for backend in backends:
        bench(backend, args.n, args.text)


if __name__ == "__main__":
    main()
