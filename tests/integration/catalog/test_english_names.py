"""English names on SQLite and PostgreSQL: the optional name_en column of products, terminals
and regions, imported with or without it, shown in English replies, never in Chinese ones."""

from __future__ import annotations

from sqlalchemy import update

from bot.importing import describe, run_import
from domain.catalog.import_kinds import ImportKind
from domain.catalog.model import RegionCode, Sku, TerminalCode
from handlers.core.conversation import Conversation
from storage.models import ProductRow, RegionRow, TerminalRow
from tests.integration.catalog.test_imports import quiet, write
from tests.support import Chat, invite, seed_catalog

WITH_ENGLISH = [
    (
        ImportKind.REGIONS,
        [["code", "name", "parent_code", "name_en"], ["CN", "中国", "", "China"],
         ["CN-SC", "四川省", "CN", "Sichuan"]],
    ),
    (
        ImportKind.TERMINALS,
        [["code", "name", "region_code", "name_en"],
         ["T-0001", "华西医院", "CN-SC", "West China Hospital"]],
    ),
    (
        ImportKind.PRODUCTS,
        [["sku", "name", "line", "aliases", "name_en"],
         ["A100", "超声诊断仪 A100", "IMG", "", "Ultrasound Scanner A100"]],
    ),
]  # fmt: skip

WITHOUT_ENGLISH = [
    (ImportKind.REGIONS, [["code", "name", "parent_code"], ["CN-SC", "四川", "CN"]]),
    (ImportKind.TERMINALS, [["code", "name", "region_code"], ["T-0001", "华西医院", "CN-SC"]]),
    (ImportKind.PRODUCTS, [["sku", "name", "line"], ["A100", "超声诊断仪 A100", "IMG"]]),
]


def import_files(uow_factory, tmp_path, files, suffix: str) -> None:
    for kind, rows in files:
        path = write(tmp_path, f"{kind.value}-{suffix}", rows, "csv")
        result = run_import(uow_factory, kind, path, quiet())
        assert result.ok, [describe(e, kind) for e in result.errors]


def stored_names(uow_factory) -> tuple[tuple[str, str], ...]:
    with uow_factory() as uow:
        cat = uow.catalog
        region = cat.region(RegionCode("CN-SC"))
        terminal = cat.terminal(TerminalCode("T-0001"))
        product = cat.product(Sku("A100"))
        assert region and terminal and product
        return (
            (region.name, region.name_en),
            (terminal.name, terminal.name_en),
            (product.name, product.name_en),
        )


def test_an_import_with_name_en_stores_the_english_names(uow_factory, tmp_path):
    import_files(uow_factory, tmp_path, WITH_ENGLISH, "en")
    assert stored_names(uow_factory) == (
        ("四川省", "Sichuan"),
        ("华西医院", "West China Hospital"),
        ("超声诊断仪 A100", "Ultrasound Scanner A100"),
    )


def test_an_import_without_name_en_has_none_and_keeps_those_already_stored(uow_factory, tmp_path):
    import_files(uow_factory, tmp_path, WITH_ENGLISH[:1], "first")  # the regions first
    import_files(uow_factory, tmp_path, WITHOUT_ENGLISH[1:], "plain")
    _, terminal, product = stored_names(uow_factory)
    assert terminal == ("华西医院", "") and product == ("超声诊断仪 A100", "")
    # A file written before English names existed corrects the name, keeps the English one.
    import_files(uow_factory, tmp_path, WITHOUT_ENGLISH[:1], "again")
    region, _, _ = stored_names(uow_factory)
    assert region == ("四川", "Sichuan")


def english_catalog(uow_factory) -> None:
    """The test catalog with English names for A100, 华西医院 and 四川 (not X200, 上海)."""
    seed_catalog(uow_factory)
    with uow_factory() as uow:
        s = uow.session
        s.execute(update(ProductRow).where(ProductRow.sku == "A100").values(name_en="Scanner"))
        s.execute(
            update(TerminalRow).where(TerminalRow.code == "T-0001").values(name_en="West China")
        )
        s.execute(update(RegionRow).where(RegionRow.code == "SC").values(name_en="Sichuan"))
        uow.commit()


def dealer_chat(uow_factory, clock) -> Chat:
    chat = Chat(Conversation(uow_factory, clock), "d1")
    chat.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    return chat


def test_english_replies_show_english_names_where_the_data_has_them(uow_factory, clock):
    english_catalog(uow_factory)
    chat = dealer_chat(uow_factory, clock)
    chat.say("/lang en")
    prices = chat.say("/price")
    assert "Scanner" in prices and "超声诊断仪" not in prices
    assert "监护仪 X200" in prices  # no English name: the Chinese one
    receipt = chat.say("/report A100 1 3500 T-0001")
    if chat.buttons():  # a preview asks to confirm first
        receipt = chat.press("Confirm")
    assert "Scanner (A100)" in receipt and "West China (T-0001)" in receipt, receipt
    assert "华西医院" not in receipt


def test_chinese_replies_show_the_chinese_names_even_when_english_ones_exist(uow_factory, clock):
    english_catalog(uow_factory)
    chat = dealer_chat(uow_factory, clock)
    prices = chat.say("/price")
    assert "超声诊断仪 A100" in prices and "Scanner" not in prices
    receipt = chat.say("/report A100 1 3500 T-0001")
    if chat.buttons():
        receipt = chat.press("确认")
    assert "华西医院 (T-0001)" in receipt and "West China" not in receipt, receipt


def test_an_english_name_is_one_more_way_to_name_the_product(uow_factory, clock):
    english_catalog(uow_factory)
    chat = dealer_chat(uow_factory, clock)
    chat.say("/lang en")
    assert "¥3,000.00" in chat.say("/price Scanner")


def test_a_dealers_profile_names_its_region_in_the_readers_language(uow_factory, clock):
    english_catalog(uow_factory)
    chat = Chat(Conversation(uow_factory, clock), "boss")
    chat.say(f"/start {invite(uow_factory, clock, manager='M01')}")
    assert "四川" in chat.say("/dealer D001")
    chat.say("/lang en")
    profile = chat.say("/dealer D001")
    assert "Sichuan" in profile and "四川" not in profile, profile


def test_a_severe_violation_notice_names_the_sale_in_each_readers_language(uow_factory, clock):
    english_catalog(uow_factory)
    conv = Conversation(uow_factory, clock)
    dealer = Chat(conv, "d1")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    boss = Chat(conv, "boss")
    boss.say(f"/start {invite(uow_factory, clock, manager='M01')}")
    boss.say("/lang en")
    dealer.say("/report A100 2 2500 T-0001")  # far under the floor: severe, asked again
    receipt = dealer.press("确定")
    assert "华西医院 (T-0001)" in receipt and "West China" not in receipt, receipt
    with uow_factory() as uow:
        [alert] = [i.payload["text"] for i in uow.outbox.list() if i.chat_id == "boss"]
    assert "Scanner (A100)" in alert and "West China (T-0001)" in alert, alert
    assert "超声诊断仪" not in alert and "华西医院" not in alert
