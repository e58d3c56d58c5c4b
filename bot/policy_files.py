"""Loading policy documents from files into the Q&A knowledge base (`policy load`, `demo`)."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from domain.policy.model import PolicyDocument, PolicyFormatError
from domain.policy.text import parse_policy
from domain.shared.clock import Clock, SystemClock
from domain.shared.ports import UnitOfWork

if TYPE_CHECKING:
    from bot.app import App

SUFFIXES = (".md", ".markdown", ".txt")
MAX_BYTES = 5_000_000
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


def sample_policy_files() -> list[Path]:
    """The dealer policy the project ships (Chinese and English), for `demo`."""
    for directory in SAMPLE_POLICY_DIRS:
        files = sorted(directory.glob("*.md"))
        if files:
            return files
    return []


def document_name(path: Path) -> str:
    """`policies/dealer_policy.zh.md` -> `dealer_policy.zh` (reloading it replaces it)."""
    return path.name[: -len(path.suffix)] if path.suffix.lower() in SUFFIXES else path.name


def read_policy_file(path: Path) -> PolicyDocument:
    if not path.is_file():
        raise PolicyFileError(f"{path}: no such file")
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise PolicyFileError(f"{path}: larger than {MAX_BYTES // 1_000_000} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PolicyFileError(
            f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 Markdown or text"
        ) from None
    try:
        return parse_policy(document_name(path), text)
    except PolicyFormatError:
        raise PolicyFileError(
            f"{path}: no clause found; use headings or numbered articles (第一条 / 1.)"
        ) from None


def load_policy_files(
    uow_factory: Callable[[], UnitOfWork],
    paths: Sequence[Path | str],
    clock: Clock | None = None,
) -> list[LoadedDocument]:
    """Parse every file, then store them all in one transaction (all or nothing).

    A document replaces the stored one of the same name (the file name without its
    extension), so reloading a revised file keeps one version.
    """
    documents = [(Path(p), read_policy_file(Path(p))) for p in paths]
    names = [d.name for _, d in documents]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise PolicyFileError(f"the same document given twice: {', '.join(duplicates)}")
    now = (clock or SystemClock()).now()
    loaded = []
    with uow_factory() as uow:
        for path, doc in documents:
            replaced = uow.policy.replace_document(doc, uuid.uuid4().hex, now)
            loaded.append(
                LoadedDocument(path, doc.name, doc.lang, doc.title, len(doc.clauses), replaced)
            )
        uow.commit()
    return loaded


def warm_up_policy(app: App) -> None:
    """Load the segmenter's dictionary (about a second) and build the index in the
    background, so that serving starts at once and the first question is answered fast."""
    app.knowledge.warm_up_in_background(app.uow_factory)
