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


def _name_identity_encodings(page) -> None:
    """A Type0 font whose encoding is an embedded Identity CMap (some PDF writers embed it
    where Word and LibreOffice name /Identity-H) is read as /Identity-H: two-byte codes.
    Without this the text of such a font comes out split into one-byte codes."""
    from pypdf.generic import DictionaryObject, NameObject

    fonts = (page.get("/Resources") or {}).get("/Font") or {}
    for ref in fonts.values():
        font = ref.get_object()
        if font.get("/Subtype") != "/Type0":
            continue
        encoding = font.get("/Encoding")
        encoding = encoding.get_object() if encoding is not None else None
        if isinstance(encoding, DictionaryObject):
            info = encoding.get("/CIDSystemInfo") or {}
            if info.get("/Ordering") == "Identity":
                font[NameObject("/Encoding")] = NameObject("/Identity-H")


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # imported here: only a PDF upload needs it
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadablePolicy("policydocs.pdf_encrypted")
        for page in reader.pages:
            _name_identity_encodings(page)
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
    lines = [
        (line, widest)
        for page in pages
        for kept in [[ln for ln in page if ln not in furniture]]
        for widest in [max((_width(ln) for ln in kept), default=0)]
        for line in kept
    ]
    out: list[str] = []
    carry = ""  # a wrapped line waiting for its continuation
    for n, (line, widest) in enumerate(lines):
        text = _glue(carry, line) if carry else line
        nxt = lines[n + 1][0] if n + 1 < len(lines) else ""
        if nxt and _wrapped(line, nxt, widest):
            carry = text
            continue
        out.append(text)
        carry = ""
    return "\n\n".join(out)


def _glue(left: str, right: str) -> str:
    return f"{left} {right}" if left[-1].isascii() or right[0].isascii() else left + right


def _wrapped(line: str, nxt: str, widest: int) -> bool:
    """Whether the writer broke `line` at the page width: it is (nearly) as wide as the
    page's widest, or it was broken at a space (Latin on either side: "…具体措施1." then
    "建立…") and the next line's first word would not have fitted after it. A line ending a
    sentence ends its paragraph."""
    if line[-1] in _PARAGRAPH_ENDS:
        return False
    if _width(line) >= widest - FULL_LINE_SLACK:
        return True
    if not (line[-1].isascii() or nxt[0].isascii()):
        return False
    first_word = nxt.split(" ", 1)[0]
    return _width(line) + 1 + _width(first_word) > widest
