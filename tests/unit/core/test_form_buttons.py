"""Form buttons name the question they answer: tags, untagged buttons, the payload limit."""

from __future__ import annotations

from handlers.core.forms import CANCEL_PAYLOAD, _tagged, split_answer, step_tag
from handlers.core.messages import MAX_PAYLOAD_BYTES, Button


def test_a_tag_names_the_form_and_step_and_comes_off_the_answer():
    tag = step_tag("report", "qty")
    assert len(tag) == 4 and tag != step_tag("report", "price") != step_tag("stock", "qty")
    button = _tagged(Button("A100", "f:A100"), tag)
    assert button.payload == f"f:~{tag}:A100"
    assert split_answer(button.payload[2:]) == (tag, "A100")


def test_untagged_values_and_values_with_colons_pass_through():
    assert split_answer("A100") == (None, "A100")
    assert split_answer("~zzzz:A100") == (None, "~zzzz:A100")  # not hex: not a tag
    tag = step_tag("promo", "regions")
    assert split_answer(f"~{tag}:SC:CD")[1] == "SC:CD"


def test_cancel_commands_and_full_payloads_are_left_untagged():
    tag = step_tag("report", "qty")
    assert _tagged(Button("取消", CANCEL_PAYLOAD), tag).payload == CANCEL_PAYLOAD
    assert _tagged(Button("帮助", "c:help"), tag).payload == "c:help"
    full = "f:" + "x" * (MAX_PAYLOAD_BYTES - 2)
    assert _tagged(Button("长", full), tag).payload == full
