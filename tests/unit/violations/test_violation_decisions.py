"""Managers' words for decisions and penalties, in Chinese and English; allowed transitions."""

import pytest

from domain.sales.model import Penalty, ViolationStatus
from domain.violations.decisions import Decision, may_decide, parse_decision, parse_penalty
from handlers.catalog.matching import find_in_text, resolve


@pytest.mark.parametrize(
    ("words", "penalty", "note"),
    [
        (["罚款", "低于底价"], Penalty.FINE, ["低于底价"]),
        (["fine"], Penalty.FINE, []),
        (["warning", "first", "time"], Penalty.WARNING, ["first", "time"]),
        (["警告"], Penalty.WARNING, []),
        (["withhold", "payment", "until", "paid"], Penalty.WITHHOLD_PAYMENT, ["until", "paid"]),
        (["扣留货款"], Penalty.WITHHOLD_PAYMENT, []),
        (["stop", "supply"], Penalty.STOP_SUPPLY, []),
        (["终止供货", "三个月"], Penalty.STOP_SUPPLY, ["三个月"]),
        (["confiscate_deposit"], Penalty.CONFISCATE_DEPOSIT, []),
        (["没收保证金"], Penalty.CONFISCATE_DEPOSIT, []),
        (["cancel", "dealership"], Penalty.CANCEL_DEALERSHIP, []),
        (["取消经销资格"], Penalty.CANCEL_DEALERSHIP, []),
    ],
)
def test_penalties_are_named_in_either_language(words, penalty, note):
    assert parse_penalty(words) == (penalty, note)


def test_an_unknown_penalty_is_not_guessed():
    assert parse_penalty(["spank"]) is None
    assert parse_penalty([]) is None


def test_decisions_are_named_in_either_language():
    assert parse_decision("confirm") is Decision.CONFIRM
    assert parse_decision("驳回") is Decision.DISMISS
    assert parse_decision("处罚") is Decision.PENALIZE
    assert parse_decision("maybe") is None


def test_a_decided_violation_cannot_be_decided_again_but_a_confirmed_one_can_be_penalized():
    assert may_decide(ViolationStatus.OPEN, Decision.DISMISS)
    assert may_decide(ViolationStatus.CONFIRMED, Decision.PENALIZE)
    assert not may_decide(ViolationStatus.CONFIRMED, Decision.CONFIRM)
    assert not may_decide(ViolationStatus.PENALIZED, Decision.DISMISS)
    assert not may_decide(ViolationStatus.DISMISSED, Decision.PENALIZE)


NAMES = {
    "A100": ("A100", "超声诊断仪 A100", "A-100"),
    "A200": ("A200", "超声诊断仪 A200"),
    "X200": ("X200", "监护仪 X200"),
}


def test_a_product_matches_exactly_by_sku_name_or_alias_ignoring_case_width_and_hyphens():
    for text in ("a100", "Ａ１００", "A-100", "超声诊断仪A100"):
        assert resolve(text, NAMES).key == "A100"


def test_a_near_miss_gives_close_matches_and_no_guess():
    found = resolve("A10", NAMES)
    assert found.key is None
    assert "A100" in found.candidates


def test_a_name_inside_a_sentence_is_found_and_two_equal_mentions_are_ambiguous():
    assert find_in_text("给华西医院卖了20台A100", NAMES).key == "A100"
    both = find_in_text("卖了A100和A200", NAMES)
    assert both.key is None and set(both.candidates) == {"A100", "A200"}
