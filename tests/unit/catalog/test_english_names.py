"""English names: which name a reply shows per locale, and the optional name_en column."""

from __future__ import annotations

from bot.spreadsheets import read_table
from domain.catalog.import_kinds import ImportKind
from domain.catalog.imports import parse_table
from domain.catalog.model import (
    Product,
    ProductLine,
    Region,
    RegionCode,
    Sku,
    Terminal,
    TerminalCode,
)
from handlers.catalog.matching import find_in_text, product_names
from handlers.core.names import labelled, local_name

A100 = Product(Sku("A100"), "超声诊断仪 A100", ProductLine("IMG"), (), "Ultrasound A100")
X200 = Product(Sku("X200"), "监护仪 X200", ProductLine("MON"))
WEST_CHINA = Terminal(TerminalCode("T-0001"), "华西医院", RegionCode("SC"), "West China Hospital")
SICHUAN = Region(RegionCode("SC"), "四川", None, "Sichuan")


def test_english_replies_show_the_english_name_and_chinese_replies_the_chinese_one():
    for item in (A100, WEST_CHINA, SICHUAN):
        assert local_name(item, "en") == item.name_en
        assert local_name(item, "zh_CN") == item.name


def test_an_item_without_an_english_name_shows_its_chinese_name_in_english_replies():
    assert local_name(X200, "en") == "监护仪 X200"
    assert labelled(X200, "X200", "en") == "监护仪 X200 (X200)"


def test_a_label_adds_the_code_and_falls_back_to_the_code_for_an_unknown_item():
    assert labelled(WEST_CHINA, "T-0001", "en") == "West China Hospital (T-0001)"
    assert labelled(None, "T-0099", "en") == "T-0099"
    named_by_code = Product(Sku("Z1"), "Z1", ProductLine("IMG"))
    assert labelled(named_by_code, "Z1", "zh_CN") == "Z1"


def parse(kind: ImportKind, csv_text: str):
    return parse_table(kind, read_table(csv_text.encode("utf-8")))


def test_name_en_is_an_optional_column_of_products_terminals_and_regions():
    with_en = parse(ImportKind.PRODUCTS, "sku,name,line,name_en\nA100,超声 A100,IMG,Scanner\n")
    without = parse(ImportKind.PRODUCTS, "sku,name,line\nA100,超声 A100,IMG\n")
    assert with_en.errors == [] and without.errors == []
    assert with_en.records[0][1].name_en == "Scanner" and without.records[0][1].name_en == ""
    terminals = parse(ImportKind.TERMINALS, "code,name,region_code,name_en\nT-1,华西,SC,\n")
    assert terminals.errors == [] and terminals.records[0][1].name_en == ""
    regions = parse(ImportKind.REGIONS, "code,name,name_en\nSC,四川,Sichuan\n")
    assert regions.errors == [] and regions.records[0][1] == SICHUAN


def test_the_english_name_is_one_more_way_to_name_a_product():
    monitor = Product(Sku("X200"), "监护仪 X200", ProductLine("MON"), (), "Patient Monitor")
    assert find_in_text("price of the patient monitor?", product_names([A100, monitor])).key == (
        "X200"
    )
