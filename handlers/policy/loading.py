"""Loading a policy file into the knowledge base: its documents, replacing its last version.

Shared by `dealerbot policy load` and `/policy load` in chat. A file is parsed completely
before anything is stored; reloading it replaces the documents it held (and only those),
and its version goes up by one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from domain.policy.documents import parse_policy_file
from domain.policy.model import PolicyDocument, PolicyFormatError
from domain.shared.ports import UnitOfWork
from handlers.policy.sources import UnreadablePolicy, document_name, read_text


@dataclass(frozen=True, slots=True)
class ParsedFile:
    filename: str
    source: str  # the file's stem: the name its documents are replaced by
    documents: tuple[PolicyDocument, ...]


@dataclass(frozen=True, slots=True)
class StoredFile:
    parsed: ParsedFile
    version: int
    replaced: tuple[str, ...]  # names of the documents the previous version held


def parse_file(filename: str, data: bytes) -> ParsedFile:
    """Read and split a file; raises UnreadablePolicy with the reason."""
    text = read_text(filename, data)
    source = document_name(filename)
    try:
        documents = parse_policy_file(source, text)
    except PolicyFormatError:
        raise UnreadablePolicy("policydocs.no_clause") from None
    return ParsedFile(filename, source, tuple(documents))


def store_files(uow: UnitOfWork, files: list[ParsedFile], now: datetime) -> list[StoredFile]:
    """Store parsed files in the unit of work (the caller commits)."""
    stored = []
    for parsed in files:
        version, replaced = uow.policy.replace_file(
            parsed.source, parsed.documents, uuid.uuid4().hex, now
        )
        stored.append(StoredFile(parsed, version, tuple(replaced)))
    return stored
