"""A policy file's bytes as text: Markdown and plain text, Word (.docx) and PDF.

Used by `dealerbot policy load` and by `/policy load` in chat. Word paragraphs (and table
cells) become paragraphs; a PDF's lines wrapped at the page width are joined back into
paragraphs (a line as wide as the page's widest continues on the next one) and lines
repeated at the top or bottom of most pages (running headers, page numbers) are dropped.
A PDF with no text layer (a scan) is refused with a message saying so.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections import Counter

TEXT_SUFFIXES = (".md", ".markdown", ".txt")
SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf")
MAX_BYTES = 10_000_000
MIN_PDF_CHARS_PER_PAGE = 10  # fewer extracted characters than this per page: a scan
FULL_LINE_SLACK = 4  # a line this close to the page's widest (in half-width units) is full
_PARAGRAPH_ENDS = "。！？!?；;"


class UnreadablePolicy(Exception):
    """A file that cannot be read; `key` names the catalog message, `params` its values."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def document_name(filename: str) -> str:
    """`policies/dealer_policy.zh.md` -> `dealer_policy.zh` (reloading it replaces it)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = base.rpartition(".")
    return stem if dot and f".{suffix.lower()}" in SUFFIXES else base


def suffix_of(filename: str) -> str:
    base = filename.rsplit("/", 1)[-1]
    return "." + base.rpartition(".")[2].lower() if "." in base else ""


def read_text(filename: str, data: bytes) -> str:
    """The text of a policy file; raises UnreadablePolicy with the reason."""
    suffix = suffix_of(filename)
    if suffix not in SUFFIXES:
        raise UnreadablePolicy("policydocs.bad_suffix", suffix=suffix or "-")
    if len(data) > MAX_BYTES:
        raise UnreadablePolicy("policydocs.too_large", mb=MAX_BYTES // 1_000_000)
    if suffix == ".docx":
        return _docx_text(data)
    if suffix == ".pdf":
        return _pdf_text(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadablePolicy("policydocs.not_utf8", byte=exc.start) from None


def _docx_text(data: bytes) -> str:
    import docx  # python-docx; imported here: only a Word upload needs it

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise UnreadablePolicy("policydocs.bad_docx") from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.extend(cell.text for cell in row.cells)
    return "\n\n".join(p for p in paragraphs if p.strip())


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _furniture(pages: list[list[str]]) -> set[str]:
    """Lines at the top or bottom of most pages: running headers and footers."""
    if len(pages) < 3:
        return set()
    ends = Counter(line for lines in pages if lines for line in {lines[0], lines[-1]})
    return {line for line, n in ends.items() if n * 2 > len(pages)}


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # imported here: only a PDF upload needs it
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadablePolicy("policydocs.pdf_encrypted")
        raw_pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError:
        raise UnreadablePolicy("policydocs.bad_pdf") from None
    pages = [
        [ln.strip() for ln in text.replace("\x00", "").splitlines() if ln.strip()]
        for text in raw_pages
    ]
    chars = sum(len(line) for lines in pages for line in lines)
    if chars < MIN_PDF_CHARS_PER_PAGE * max(1, len(pages)):
        raise UnreadablePolicy("policydocs.pdf_no_text", pages=len(pages))
    furniture = _furniture(pages)
    out: list[str] = []
    carry = ""  # a full line waiting for its continuation
    for lines in pages:
        kept = [ln for ln in lines if ln not in furniture]
        widest = max((_width(ln) for ln in kept), default=0)
        for line in kept:
            text = carry + line if carry else line
            if _width(line) >= widest - FULL_LINE_SLACK and line[-1] not in _PARAGRAPH_ENDS:
                carry = text
                continue
            out.append(text)
            carry = ""
    if carry:
        out.append(carry)
    return "\n\n".join(out)
