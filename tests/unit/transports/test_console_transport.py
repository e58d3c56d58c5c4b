"""The console transport on its own: a fake core answers, the terminal is a StringIO."""

from __future__ import annotations

import io

from bot.transports.console.service import ConsoleTransport
from handlers.core.messages import Attachment, Button, Inbound, Reply


class ScriptedCore:
    """Answers each inbound from a script and remembers what it was asked."""

    def __init__(self, answers: dict[str, list[Reply]]) -> None:
        self.answers = answers
        self.seen: list[Inbound] = []

    async def handle_async(self, inbound: Inbound) -> list[Reply]:
        self.seen.append(inbound)
        return self.answers.get(inbound.payload or inbound.text, [Reply("?")])


def console(answers, lines: str, tmp_path) -> tuple[ConsoleTransport, ScriptedCore, io.StringIO]:
    core = ScriptedCore(answers)
    out = io.StringIO()
    transport = ConsoleTransport(
        core, "u1", stdin=io.StringIO(lines), stdout=out, files_dir=tmp_path / "files"
    )
    return transport, core, out


async def test_buttons_are_numbered_across_replies_and_a_number_presses_one(tmp_path):
    answers = {
        "/lang": [
            Reply("choose", ((Button("中文", "c:lang zh"),),)),
            Reply("or", ((Button("English", "c:lang en"),),)),
        ],
        "c:lang en": [Reply("OK")],
    }
    transport, core, out = console(answers, "/lang\n2\n\n3\n", tmp_path)
    await transport.serve()
    assert out.getvalue() == (
        "choose\n  [1] 中文\nor\n  [2] English\nOK\n  (1-2 → “choose”)\n?\n  (1-2 → “choose”)\n"
    )
    assert [i.payload for i in core.seen] == [None, "c:lang en", None]
    assert core.seen[2].text == "3"  # no third button: the number is sent as text
    assert all(i.platform == "console" and i.user_id == i.chat_id == "u1" for i in core.seen)


async def test_images_and_documents_are_saved_and_their_paths_printed(tmp_path):
    answers = {
        "/chart": [
            Reply(
                "chart",
                image=Attachment("../../escape.png", b"\x89PNG"),
                document=Attachment("sales.xlsx", b"PK"),
            )
        ]
    }
    transport, _, out = console(answers, "/chart\n", tmp_path)
    await transport.serve()
    lines = out.getvalue().splitlines()
    image = tmp_path / "files" / "001-escape.png"  # a file name cannot leave the folder
    assert lines == [
        "chart",
        f"  (image: {image})",
        f"  (document: {tmp_path / 'files' / '002-sales.xlsx'})",
    ]
    assert image.read_bytes() == b"\x89PNG"


async def test_a_file_is_sent_with_at_file(tmp_path):
    sheet = tmp_path / "sales.csv"
    sheet.write_bytes(b"sku,qty\nA100,2\n")
    transport, core, _ = console({}, f"@file {sheet}\n", tmp_path)
    await transport.serve()
    assert core.seen[0].file == Attachment("sales.csv", sheet.read_bytes())


async def test_proactive_messages_for_this_user_only_are_printed_marked(tmp_path):
    transport, _, out = console({}, "", tmp_path)
    await transport.send("u1", Reply("促销", ((Button("看看", "c:promos"),),)))
    await transport.send("u2", Reply("not mine"))
    assert out.getvalue() == "[!] 促销\n  [1] 看看\n"
    assert transport.to_inbound("1").payload == "c:promos"


async def test_a_superscript_or_fullwidth_digit_is_sent_as_text_and_does_not_stop_the_console(
    tmp_path,
):
    answers = {"/lang": [Reply("choose", ((Button("中文", "c:lang zh"),),))]}
    transport, core, _out = console(answers, "/lang\n²\n３\n1\n", tmp_path)
    await transport.serve()
    assert [i.text for i in core.seen[1:3]] == ["²", "３"]
    assert core.seen[3].payload == "c:lang zh"


async def test_a_second_session_in_the_same_folder_does_not_overwrite_the_first_ones_files(
    tmp_path,
):
    for content in (b"first", b"second"):
        answers = {"/export": [Reply("sheet", document=Attachment("sales.xlsx", content))]}
        transport, _, _out = console(answers, "/export\n", tmp_path)
        await transport.serve()
    files = tmp_path / "files"
    assert (files / "001-sales.xlsx").read_bytes() == b"first"
    assert (files / "002-sales.xlsx").read_bytes() == b"second"


async def test_after_a_reply_without_buttons_the_console_says_whose_buttons_a_number_presses(
    tmp_path,
):
    answers = {
        "/x": [Reply("确认上报？\n产品 A100", ((Button("确认", "c:a"), Button("取消", "c:b")),))],
        "hi": [Reply("您好")],
        "c:b": [Reply("done")],
    }
    transport, core, out = console(answers, "/x\nhi\n2\n", tmp_path)
    await transport.serve()
    assert "您好\n  (1-2 → “确认上报？”)\n" in out.getvalue()
    assert core.seen[2].payload == "c:b"  # still the buttons of the last question asked
