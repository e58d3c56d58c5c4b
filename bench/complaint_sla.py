"""Complaint tickets at volume: the complaint_sla job, the manager list, stats and export.

Seeds 10 regions (a linked sales manager and service agent each, plus an admin), 50 dealers
and N tickets whose ages spread over three days, so on the run time a share is due soon, a
share overdue and the rest on track (a third of them resolved, half of those rated). Times:
- `run_complaint_sla` over every open ticket, first pass (queues the alerts) and a rerun
  (must queue nothing);
- `/complaints open`, `/complaints stats 2026` and `/export complaints 2026` through
  Conversation.handle as a regional manager and as the admin.

Run: `.venv/bin/python bench/complaint_sla.py [-n 5000] [--backend sqlite|postgresql|both]`.
PostgreSQL: DEALERBOT_TEST_PG_URL (as the tests).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from domain.catalog.model import DealerCode, RegionCode  # noqa: E402
from domain.shared.clock import FixedClock  # noqa: E402
from domain.tickets.lifecycle import apply  # noqa: E402
from domain.tickets.model import (  # noqa: E402
    FollowUp,
    NewTicket,
    TicketAction,
    TicketCategory,
    Urgency,
)
from handlers.core.context import CoreOptions  # noqa: E402
from handlers.core.conversation import Conversation  # noqa: E402
from handlers.core.messages import Inbound  # noqa: E402
from handlers.tickets.sla import run_complaint_sla, sla_policy  # noqa: E402
from storage.db import make_engine, make_session_factory, upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    AuthorizationRow,
    ChatIdentityRow,
    DealerRow,
    ManagerRegionRow,
    ManagerRow,
    RegionRow,
)
from storage.uow import SqlAlchemyUnitOfWorkFactory  # noqa: E402

PG_URL = os.environ.get(
    "DEALERBOT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
NOW = datetime(2026, 7, 17, 2, 0, tzinfo=UTC)
REGIONS = 10
DEALERS = 50


def seed(uow_factory, n: int) -> None:
    with uow_factory() as uow:
        s = uow.session
        root = RegionRow(code="CN", name="中国")
        regions = [
            RegionRow(code=f"R{i:02d}", name=f"区域{i}", parent=root) for i in range(REGIONS)
        ]
        s.add_all([root, *regions])
        dealers = []
        for i in range(DEALERS):
            d = DealerRow(code=f"D{i:03d}", name=f"经销商{i}", since=date(2020, 1, 1))
            s.add(d)
            s.add(
                AuthorizationRow(
                    dealer=d, region=regions[i % REGIONS], line="IMG", valid_from=date(2026, 1, 1)
                )
            )
            dealers.append(d)
        people = []
        for i, r in enumerate(regions):
            for role, code in (("sales_manager", f"SM{i:02d}"), ("service_agent", f"SA{i:02d}")):
                m = ManagerRow(code=code, name=code, role=role)
                m.regions.append(ManagerRegionRow(region=r))
                people.append(m)
        admin = ManagerRow(code="ADM", name="admin", role="admin")
        people.append(admin)
        s.add_all(people)
        s.flush()
        for m in people:
            s.add(
                ChatIdentityRow(platform="console", user_id=m.code, chat_id=m.code, manager_id=m.id)
            )
        uow.commit()
    sla = sla_policy(CoreOptions())
    with uow_factory() as uow:
        for i in range(n):
            created = NOW - timedelta(minutes=(i * 4321) % (72 * 60))
            dealer = DealerCode(f"D{i % DEALERS:03d}")
            new = NewTicket(
                dealer_code=dealer,
                category=list(TicketCategory)[i % 6],
                urgency=list(Urgency)[i % 3],
                description="bench ticket",
                created_by=f"dealer:{dealer}",
                region_code=RegionCode(f"R{i % DEALERS % REGIONS:02d}"),
                customer="客户",
            )
            t = uow.tickets.add(new, created, created + sla.duration(new.category, new.urgency))
            if i % 3 == 0:
                resolved = created + timedelta(hours=(i % 60))
                apply(t, TicketAction.RESOLVE, "manager:SA00", min(resolved, NOW), sla, note="ok")
                uow.tickets.save(t)
                if i % 2 == 0:
                    uow.tickets.add_followup(FollowUp(t.id, NOW, "dealer", 1 + i % 5, 0))
        uow.commit()


def timed(label: str, func) -> object:
    start = time.perf_counter()
    result = func()
    print(f"  {label:<44} {1000 * (time.perf_counter() - start):8.1f} ms")
    return result


def bench(backend: str, url: str, n: int) -> None:
    engine = make_engine(url)
    upgrade(url, engine=engine)
    uow_factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
    start = time.perf_counter()
    seed(uow_factory, n)
    print(f"{backend}: {n} tickets seeded in {time.perf_counter() - start:.1f} s")
    options = CoreOptions()

    def sla_pass() -> int:
        with uow_factory() as uow:
            queued = run_complaint_sla(uow, NOW, options)
            uow.commit()
        return queued

    with uow_factory() as uow:
        active = len(uow.tickets.active())
    first = timed(f"complaint_sla first pass ({active} open)", sla_pass)
    again = timed("complaint_sla rerun", sla_pass)
    print(f"  alerts queued: first pass {first}, rerun {again}")
    conv = Conversation(uow_factory, FixedClock(NOW), options)
    for who in ("SM03", "ADM"):
        for line in ("/complaints open", "/complaints stats 2026", "/export complaints 2026"):
            inbound = Inbound("console", who, who, text=line)
            replies = timed(f"{who} {line}", lambda i=inbound: conv.handle(i))
            assert replies and "error" not in replies[0].text.lower()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=5000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            bench("sqlite", f"sqlite:///{tmp}/bench.db", args.n)
    if args.backend in ("postgresql", "both"):
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in PG_URL else "?"
        try:
            bench("postgresql", f"{PG_URL}{sep}options=-csearch_path%3D{schema}", args.n)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
