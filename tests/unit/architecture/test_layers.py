"""Imports point inward only: bot -> handlers -> domain <- storage."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FORBIDDEN = {
    "domain": {
        "bot",
        "handlers",
        "storage",
        "sqlalchemy",
        "alembic",
        "telegram",
        "slack_bolt",
        "slack_sdk",
        "aiohttp",
        "apscheduler",
        "typer",
        "openpyxl",
        "matplotlib",
    },
    "handlers": {"bot", "storage", "sqlalchemy", "telegram", "slack_bolt", "slack_sdk"},
    "storage": {"bot", "handlers", "telegram", "slack_bolt", "slack_sdk"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def cases():
    for layer, banned in FORBIDDEN.items():
        for path in sorted((ROOT / layer).rglob("*.py")):
            yield pytest.param(path, banned, id=str(path.relative_to(ROOT)))


@pytest.mark.parametrize(("path", "banned"), list(cases()))
def test_module_imports_only_inward(path: Path, banned: set[str]) -> None:
    crossing = imported_roots(path) & banned
    assert not crossing, f"{path.relative_to(ROOT)} imports {sorted(crossing)}"


def test_the_layer_check_catches_a_crossing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from storage.models import Base\nimport sqlalchemy\n")
    assert imported_roots(bad) & FORBIDDEN["domain"] == {"storage", "sqlalchemy"}
