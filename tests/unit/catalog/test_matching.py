"""Catalog name matching: a NameIndex built once answers as the names themselves do."""

from __future__ import annotations

from handlers.catalog.matching import NameIndex, resolve, resolve_terminal_name


def test_a_name_index_built_once_answers_as_the_names_do():
    names = {
        "T-0001": ("T-0001", "华西医院", "West China Hospital"),
        "T-0002": ("T-0002", "华西 医院"),  # the same name, written with a space
        "T-0003": ("T-0003", "瑞金医院"),
    }
    index = NameIndex(names)
    for query in ("t-0003", "West-China hospital", "华西医院", "瑞金", "协和医院"):
        assert resolve(query, index) == resolve(query, names), query
    assert resolve("t 0003", index).key == "T-0003"
    assert resolve("华西医院", index).candidates == ("T-0001", "T-0002")  # two: asked, not guessed
    assert resolve_terminal_name("瑞金", index).candidates == ("T-0003",)
