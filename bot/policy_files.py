"""Loading policy files into the Q&A knowledge base (`policy load`, `demo`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from domain.policy.model import PolicyDocument
from domain.shared.clock import Clock, SystemClock
from domain.shared.ports import UnitOfWork
from handlers.core.i18n import Translator
from handlers.policy.loading import ParsedFile, parse_file, store_files
from handlers.policy.sources import UnreadablePolicy

if TYPE_CHECKING:
    pass

# The checkout's policies/, or the copy an installed image keeps (see the Dockerfile).
SAMPLE_POLICY_DIRS = (
    Path(__file__).resolve().parent.parent / "policies",
    Path(sys.prefix) / "share" / "dealerbot" / "policies",
)


class PolicyFileError(Exception):
    """A file cannot be loaded; the message names the file and the reason."""


@dataclass(frozen=True, slots=True)
class LoadedDocument:
    path: Path
    name: str
    lang: str
    title: str
    clauses: int
    replaced: bool
    source: str = ""
    version: int = 1


def sample_policy_files() -> list[Path]:
    """The dealer policy the project ships (Chinese and English), for `demo`."""
    for directory in SAMPLE_POLICY_DIRS:
        files = sorted(directory.glob("*.md"))
        if files:
            return files
    return []


def read_policy_file(path: Path) -> list[PolicyDocument]:
    """The documents of a .md, .txt, .docx or .pdf file; PolicyFileError says why not."""
    return list(_parse(path).documents)


def _parse(path: Path) -> ParsedFile:
    if not path.is_file():
        raise PolicyFileError(f"{path}: no such file")
    try:
        return parse_file(path.name, path.read_bytes())
    except UnreadablePolicy as exc:
        raise PolicyFileError(f"{path}: {Translator('en')(exc.key, **exc.params)}") from None


def load_policy_files(
    uow_factory: Callable[[], UnitOfWork],
    paths: Sequence[Path | str],
    clock: Clock | None = None,
) -> list[LoadedDocument]:
    """Parse every file, then store them all in one transaction (all or nothing).

    A file's documents replace those it held before (the file is known by its name without
    the extension), so reloading a revised file keeps one version and leaves the others.
    """
    parsed = [(Path(p), _parse(Path(p))) for p in paths]
    sources = [f.source for _, f in parsed]
    duplicates = sorted({n for n in sources if sources.count(n) > 1})
    if duplicates:
        raise PolicyFileError(f"the same document given twice: {', '.join(duplicates)}")
    now = (clock or SystemClock()).now()
    loaded = []
    with uow_factory() as uow:
        for (path, _), stored in zip(
            parsed, store_files(uow, [f for _, f in parsed], now), strict=True
        ):
            for doc in stored.parsed.documents:
                loaded.append(
                    LoadedDocument(
                        path,
                        doc.name,
                        doc.lang,
                        doc.title,
                        len(doc.clauses),
                        doc.name in stored.replaced,
                        stored.parsed.source,
                        stored.version,
                    )
                )
        uow.commit()
    return loaded
