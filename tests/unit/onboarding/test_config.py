"""`[onboarding]` reaches the core's options, and a bad value is refused at start-up."""

import pytest

from bot.config import ConfigError, load_settings


def write(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_section_reaches_the_core(tmp_path):
    path = write(
        tmp_path,
        '[onboarding]\ncontract_term_months = 24\ndealer_code_prefix = "new-"\n'
        'max_document_mb = 2\ndocuments_required = ["business_licence", "qualification"]\n',
    )
    options = load_settings(path).core_options()
    assert options.onboarding_term_months == 24
    assert options.onboarding_code_prefix == "NEW-"
    assert options.onboarding_max_document_mb == 2
    assert options.onboarding_documents_required == ("business_licence", "qualification")


def test_defaults_hold_without_the_section(tmp_path):
    options = load_settings(write(tmp_path, "")).core_options()
    assert (options.onboarding_term_months, options.onboarding_code_prefix) == (12, "D")
    assert options.onboarding_documents_required == ("business_licence",)


@pytest.mark.parametrize(
    "line",
    ['documents_required = ["passport"]', "contract_term_months = 0", 'dealer_code_prefix = "D1"'],
)
def test_a_bad_value_is_named(tmp_path, line):
    with pytest.raises(ConfigError, match="onboarding"):
        load_settings(write(tmp_path, f"[onboarding]\n{line}\n"))
