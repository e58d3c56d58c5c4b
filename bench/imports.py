"""Catalog import speed: a terminals file of --rows rows, first import and an unchanged re-import.

Writes a CSV of N terminals under 50 regions, then times `bot.importing.run_import` (read,
parse, check references, upsert, commit) on a scratch SQLite file and a scratch PostgreSQL
schema: the first import (all created) and the same file again (all unchanged). Also times
reading the same rows from an XLSX file. Prints seconds and rows/s for each.

Run: `.venv/bin/python bench/imports.py [--rows 20000] [--backend sqlite|postgresql|both]`.
PostgreSQL: DEALERBOT_TEST_PG_URL (as the tests).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from rich.console import Console  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from bot.importing import run_import  # noqa: E402
from bot.spreadsheets import read_table  # noqa: E402
from domain.catalog.import_kinds import ImportKind  # noqa: E402
from storage.db import make_engine, make_session_factory, upgrade  # noqa: E402
from storage.uow import SqlAlchemyUnitOfWorkFactory  # noqa: E402

PG_URL = os.environ.get(
    "DEALERBOT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def files(tmp: Path, rows: int) -> tuple[Path, Path, Path]:
    regions = tmp / "regions.csv"
    regions.write_text(
        "code,name,parent_code\nCN,中国,\n" + "".join(f"R{n:02d},区域{n},CN\n" for n in range(50)),
        encoding="utf-8",
    )
    lines = ["code,name,region_code"] + [
        f"T-{n:06d},第{n}人民医院,R{n % 50:02d}" for n in range(rows)
    ]
    terminals = tmp / "terminals.csv"
    terminals.write_text("\n".join(lines) + "\n", encoding="utf-8")
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for line in lines:
        sheet.append(line.split(","))
    xlsx = tmp / "terminals.xlsx"
    book.save(xlsx)
    return regions, terminals, xlsx


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def bench(backend: str, url: str, paths: tuple[Path, Path, Path], rows: int) -> None:
    engine = make_engine(url)
    upgrade(url, engine=engine)
    uow_factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
    quiet = Console(file=io.StringIO())
    regions, terminals, _ = paths
    assert run_import(uow_factory, ImportKind.REGIONS, regions, quiet).ok
    for label in ("first import", "re-import"):
        result, seconds = timed(
            lambda: run_import(uow_factory, ImportKind.TERMINALS, terminals, quiet)
        )
        assert result.ok
        print(
            f"{backend:<10} {label:<13} {rows} rows  {seconds:6.2f} s  {rows / seconds:8.0f} rows/s"
            f"  (created {result.created}, unchanged {result.unchanged})"
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = files(Path(tmp), args.rows)
        table, seconds = timed(lambda: read_table(paths[2].read_bytes(), "t.xlsx"))
        print(f"{'xlsx':<10} {'read':<13} {len(table.rows)} rows  {seconds:6.2f} s")
        if args.backend in ("sqlite", "both"):
            bench("sqlite", f"sqlite:///{tmp}/bench.db", paths, args.rows)
        if args.backend in ("postgresql", "both"):
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(PG_URL)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                sep = "&" if "?" in PG_URL else "?"
                bench(
                    "postgresql", f"{PG_URL}{sep}options=-csearch_path%3D{schema}", paths, args.rows
                )
            finally:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


if __name__ == "__main__":
    main()
