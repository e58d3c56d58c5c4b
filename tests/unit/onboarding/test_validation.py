"""The credit code's checksum (GB 32100-2015) and mainland phone numbers."""

import pytest

from domain.onboarding.validation import credit_code_problem, normalize_credit_code, phone_ok

# Published example codes (a licence's sample, companies' public records).
VALID = ["91350100M000100Y43", "91110000600037341L", "911100007109288314", "91310000MA1FL1MMXL"]


@pytest.mark.parametrize("code", VALID)
def test_published_codes_pass(code):
    assert credit_code_problem(code) is None


def test_a_code_typed_with_spaces_lowercase_or_full_width_is_the_same_code():
    assert normalize_credit_code(" 9135 0100-m000100y43 ") == "91350100M000100Y43"
    assert credit_code_problem("９１３５０１００Ｍ０００１００Ｙ４３") is None


@pytest.mark.parametrize("code", VALID)
def test_one_changed_character_breaks_the_checksum(code):
    changed = code[:5] + ("1" if code[5] != "1" else "2") + code[6:]
    assert credit_code_problem(changed) == "checksum"


def test_length_and_characters_are_named():
    assert credit_code_problem("91350100M000100Y4") == "length"
    assert credit_code_problem("91350100M000100Y431") == "length"
    assert credit_code_problem("91350100I000100Y43") == "character"  # I is not in the alphabet
    assert credit_code_problem("913501A0M000100Y43") == "character"  # the division is digits


def test_swapped_neighbours_are_caught():
    code = VALID[0]
    swapped = code[:8] + code[9] + code[8] + code[10:]
    assert swapped != code and credit_code_problem(swapped) is not None


@pytest.mark.parametrize(
    "phone", ["13800138000", "+86 138 0013 8000", "0086-19912345678", "028-85551234", "02185551234"]
)
def test_mainland_mobiles_and_landlines_pass(phone):
    assert phone_ok(phone)


@pytest.mark.parametrize(
    "phone", ["12800138000", "1380013800", "138001380001", "85551234", "abc", "", "+1 415 555 0100"]
)
def test_other_numbers_fail(phone):
    assert not phone_ok(phone)
