"""Word and PDF policy files: the same clauses as the text they were made from; scans refused."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from handlers.core.i18n import Translator
from handlers.policy.loading import parse_file
from handlers.policy.sources import UnreadablePolicy, document_name, read_text

SOURCE = Path(__file__).resolve().parents[2] / "data" / "policy_source.txt"


def make_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_pdf(text: str | None) -> bytes:
    """An A4 PDF of `text` in Noto Sans CJK, one paragraph per line, wrapped at the page
    width; with None, a page with a drawing and no text (what a scan gives)."""
    from fpdf import FPDF
    from noto_cjk_sans_otc import FONT_PATH

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    if text is None:
        pdf.rect(20, 20, 100, 60, style="F")
        return bytes(pdf.output())
    pdf.add_font("noto", fname=str(FONT_PATH))
    pdf.set_font("noto", size=10)
    for line in text.splitlines():
        if line.strip():
            pdf.multi_cell(0, 5, line.strip(), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    return bytes(pdf.output())


def shape(parsed) -> list[tuple[str, str, str, str]]:
    """Each clause as (document title, key, section, text without whitespace)."""
    return [
        (d.title, c.key, re.sub(r"\s", "", c.section), re.sub(r"\s", "", c.text))
        for d in parsed.documents
        for c in d.clauses
    ]


@pytest.fixture(scope="module")
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def from_text(source_text):
    return parse_file("source.txt", source_text.encode("utf-8"))


def test_the_source_text_loads_its_documents(from_text):
    assert from_text.source == "source"
    assert len(from_text.documents) == 11
    assert sum(len(d.clauses) for d in from_text.documents) > 150


def test_a_word_file_made_from_the_text_loads_to_the_same_clauses(source_text, from_text):
    parsed = parse_file("source.docx", make_docx(source_text))
    assert parsed.source == "source"
    assert shape(parsed) == shape(from_text)


def test_a_pdf_made_from_the_text_loads_to_the_same_clauses(source_text, from_text):
    parsed = parse_file("source.pdf", make_pdf(source_text))
    assert shape(parsed) == shape(from_text)


def test_a_pdf_without_a_text_layer_is_refused_saying_it_looks_scanned():
    with pytest.raises(UnreadablePolicy) as caught:
        read_text("scan.pdf", make_pdf(None))
    assert caught.value.key == "policydocs.pdf_no_text"
    message = Translator("en")(caught.value.key, **caught.value.params)
    assert "no text layer" in message and "scan" in message
    assert "扫描件" in Translator("zh_CN")(caught.value.key, **caught.value.params)


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("rules.doc", b"x", "policydocs.bad_suffix"),
        ("rules.docx", b"not a zip", "policydocs.bad_docx"),
        ("rules.pdf", b"%PDF-1.4 garbage", "policydocs.bad_pdf"),
        ("rules.txt", "第一条".encode("gbk"), "policydocs.not_utf8"),
    ],
)
def test_unreadable_files_name_the_reason(name, data, key):
    with pytest.raises(UnreadablePolicy) as caught:
        read_text(name, data)
    assert caught.value.key == key


def test_a_file_is_known_by_its_name_without_the_extension():
    assert document_name("policies/dealer_policy.zh.md") == "dealer_policy.zh"
    assert document_name("C:\\docs\\制度.docx") == "制度"
    assert document_name("notes") == "notes"
