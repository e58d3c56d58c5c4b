"""A burst of sales reports with `dealerbot run` killed (SIGKILL) mid-way, then started again.

For Telegram polling, Telegram webhook, Slack (HTTP) and Feishu (the long connection), each
against its local fake
(tests/e2e/crash_burst.py: the fake in this process, the bot a subprocess), prints how many
reports were lost and stored twice, how many receipts arrived and arrived twice, and the
time from the second start to its first receipt and to the last one (recovery: the start,
the inbox lease running out, then the backlog). Targets: 0 lost, 0 doubled, every receipt.

Run: `.venv/bin/python bench/crash_burst.py [--reports 200] [--kill-after 60]
[--database-url postgresql+psycopg://...]` (default: a fresh SQLite file per transport;
a PostgreSQL database is emptied by working in a schema of its own per transport).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from storage.db import make_engine, make_session_factory, upgrade  # noqa: E402
from storage.uow import SqlAlchemyUnitOfWorkFactory  # noqa: E402
from tests.e2e.crash_burst import TRANSPORTS, run_burst  # noqa: E402


def fresh_database(base_url: str | None, work: Path, name: str) -> tuple[str, object]:
    if base_url is None:
        url = f"sqlite:///{work}/{name}.db"
        return url, None
    schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base_url else "?"

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    return f"{base_url}{sep}options=-csearch_path%3D{schema}", drop


async def main(args: argparse.Namespace) -> None:
    print(f"{args.reports} reports, bot killed after {args.kill_after} receipts, started again")
    header = f"{'transport':<10} {'lost':>5} {'doubled':>8} {'receipts':>9} {'twice':>6}"
    print(f"{header} {'first answer':>13} {'recovered':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for transport in args.transports:
            url, drop = fresh_database(args.database_url, work, transport)
            engine = make_engine(url)
            upgrade(url, engine=engine)
            uow_factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
            try:
                o = await run_burst(
                    transport,
                    url,
                    uow_factory,
                    work,
                    reports=args.reports,
                    kill_after=args.kill_after,
                    timeout=args.timeout,
                )
            finally:
                engine.dispose()
                if drop is not None:
                    drop()
            print(
                f"{transport:<10} {o.lost:>5} {o.doubled:>8} {o.receipts:>9} "
                f"{o.doubled_receipts:>6} {o.first_answer_seconds:>12.1f}s "
                f"{o.recovery_seconds:>9.1f}s"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--kill-after", type=int, default=60)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--transports", nargs="+", choices=TRANSPORTS, default=list(TRANSPORTS))
    asyncio.run(main(parser.parse_args()))
