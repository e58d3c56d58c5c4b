"""The cost of one sales report in the conversation core, on SQLite and on PostgreSQL.

A linked dealer sends `/report A100 QTY PRICE T-0001` through `Conversation.handle` (no
transport): each report is one transaction that reads the sender and any open form, checks
the sale against prices, territory and contracts, and stores the sale, its month sum, an
audit row and the update's dedupe key with its replies. Prints milliseconds per report and
the SQL statements each one sends (every round trip counts twice on a network database).

Run: `.venv/bin/python bench/report_core.py [-n 500] [--pg postgresql://...]`; PostgreSQL
runs in a schema of its own, dropped at the end; `--pg ''` skips it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, text  # noqa: E402

from bot.app import build_app  # noqa: E402
from bot.config import DatabaseSettings, Settings  # noqa: E402
from domain.catalog.model import DealerCode  # noqa: E402
from domain.identity.invites import issue_invite  # noqa: E402
from handlers.core.messages import Inbound  # noqa: E402
from storage.db import normalize_url  # noqa: E402
from tests.support import seed_catalog  # noqa: E402

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def measure(url: str, count: int) -> tuple[float, float, int]:
    """(median ms of 5 rounds, best ms, statements per report)."""
    app = build_app(Settings(database=DatabaseSettings(url=url)))
    try:
        seed_catalog(app.uow_factory)
        with app.uow_factory() as uow:
            now = app.clock.now()
            code = issue_invite(uow, now, timedelta(hours=1), dealer=DealerCode("D001"))
            uow.identities.link("telegram", "1", "1", "dealer", code, now)
            uow.commit()
        statements: list[str] = []

        def tally(*args) -> None:
            statements.append(args[2])

        event.listen(app.engine, "before_cursor_execute", tally)

        def report(n: int, tag: str) -> None:
            text_ = f"/report A100 {1 + n % 5} {3500 + n % 50} T-0001"
            app.conversation.handle(
                Inbound("telegram", "1", "1", text=text_, dedupe_key=f"{tag}:{n}")
            )

        for n in range(50):
            report(n, "warm")
        statements.clear()
        report(0, "count")
        per_report = len(statements)
        event.remove(app.engine, "before_cursor_execute", tally)  # not part of the timing
        rounds = []
        for r in range(5):
            started = time.perf_counter()
            for n in range(count):
                report(n, f"r{r}")
            rounds.append((time.perf_counter() - started) / count * 1000)
        return statistics.median(rounds), min(rounds), per_report
    finally:
        app.close()


def show(backend: str, median: float, best: float, statements: int) -> None:
    print(
        f"{backend:<11} /report: median {median:5.2f} ms, best {best:5.2f} ms,"
        f" {statements} SQL statements each"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=300, help="reports per round (5 rounds)")
    parser.add_argument("--pg", default=PG_DEFAULT, help="PostgreSQL URL ('' to skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        median, best, stmts = measure(f"sqlite:///{tmp}/bench.db", args.n)
        print(
            f"SQLite      /report: median {median:5.2f} ms, best {best:5.2f} ms, {stmts} statements"
        )
    if not args.pg:
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_url(args.pg), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in args.pg else "?"
        median, best, stmts = measure(f"{args.pg}{sep}options=-csearch_path%3D{schema}", args.n)
        print(
            f"PostgreSQL  /report: median {median:5.2f} ms, best {best:5.2f} ms, {stmts} statements"
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
