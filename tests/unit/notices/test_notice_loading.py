"""Notices written as text: a quiz typed in chat and a notice file, every problem named."""

from datetime import date

import pytest

from domain.notices.loading import (
    NoticeFileError,
    attachment_type,
    notice_from_file,
    parse_quiz_text,
)


def test_a_quiz_typed_one_question_a_line_with_the_right_choice_starred():
    quiz = parse_quiz_text("最低售价由谁定？| 经销商 | *公司 | 终端\n窜货可以吗？|*不可以|可以\n")
    assert len(quiz) == 2
    assert quiz.questions[0].choices == ("经销商", "公司", "终端")
    assert quiz.questions[0].answer == 1 and quiz.questions[1].answer == 0


def test_every_bad_quiz_line_is_named():
    with pytest.raises(NoticeFileError) as err:
        parse_quiz_text("no choices here\nq | a | b\nq | *a | *b")
    keys = [k for k, _ in err.value.problems]
    assert keys == ["notices.quiz_bad_line", "notices.quiz_one_star", "notices.quiz_one_star"]


def test_pdf_docx_and_images_may_be_attached_and_other_files_not():
    assert attachment_type("手册.PDF") == "application/pdf"
    assert attachment_type("a.docx").endswith("wordprocessingml.document")
    assert attachment_type("photo", "image/png") == "image/png"
    assert attachment_type("run.exe", "application/x-msdownload") is None


FILES = {"manual.pdf": b"%PDF-1.4 tiny"}


def test_a_notice_file_with_audience_date_attachment_and_quiz_is_read_whole():
    draft = notice_from_file(
        {
            "title": "新品培训",
            "body": "请阅读附件",
            "by": "M02",
            "attachment": "manual.pdf",
            "ack_by": date(2026, 8, 1),
            "audience": {"regions": ["SC"], "tiers": ["A"], "lines": ["IMG"]},
            "quiz": [{"question": "A100 属于哪条线？", "choices": ["MON", "IMG"], "answer": 2}],
        },
        FILES.get,
        1024,
    )
    assert draft.file is not None and draft.file.mime == "application/pdf"
    assert draft.audience.regions == ("SC",) and draft.ack_by == date(2026, 8, 1)
    assert draft.quiz is not None and draft.quiz.questions[0].answer == 1
    assert draft.by == "M02"


def test_a_notice_file_names_every_problem_at_once():
    with pytest.raises(NoticeFileError) as err:
        notice_from_file(
            {
                "title": "",
                "body": "x",
                "attachment": "missing.pdf",
                "ack_by": "tomorrow",
                "audience": {"regions": "SC"},
                "quiz": [{"question": "q", "choices": ["a", "b"], "answer": 3}],
                "colour": "red",
            },
            FILES.get,
            1024,
        )
    keys = {k for k, _ in err.value.problems}
    assert keys == {
        "notices.file_unknown_key",
        "notices.file_need_title",
        "notices.file_missing",
        "notices.file_bad_date",
        "notices.file_bad_list",
        "notices.file_bad_quiz",
        "notices.file_need_by",
    }


def test_an_attachment_over_the_size_limit_is_refused():
    with pytest.raises(NoticeFileError) as err:
        notice_from_file(
            {"title": "t", "body": "b", "attachment": "manual.pdf"}, FILES.get, 4, by="M02"
        )
    assert [k for k, _ in err.value.problems] == ["notices.too_big"]
