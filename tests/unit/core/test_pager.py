"""Long lists a page at a time (handlers/core/pager.py), and /dealers at 120 dealers: the
first, a middle and the last page, a filter word kept across pages, a stale page button."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.catalog.model import Authorization, Dealer, DealerCode, ProductLine, Validity
from domain.shared.clock import FixedClock
from handlers.core.conversation import Conversation
from handlers.core.i18n import Translator
from handlers.core.pager import Page, page_args
from tests.fakes import FakeUnitOfWork, small_world
from tests.support import Chat
from tests.unit.core.test_conversation_core import code_for

T = Translator("en")


def test_page_args_take_a_last_page_word_only():
    assert page_args(["west", "page:3"]) == (["west"], 3)
    assert page_args(["页:2"]) == ([], 2)
    assert page_args(["page:0"]) == ([], 1)
    assert page_args(["page:3", "west"]) == (["page:3", "west"], 1)  # a filter word, not a page
    assert page_args([]) == ([], 1)


def test_pages_are_cut_and_clamped():
    items = list(range(1, 24))  # 23 items, 10 a page
    first, middle, last = (Page.of(items, n, 10) for n in (1, 2, 3))
    assert first.items == tuple(range(1, 11)) and first.pages == 3 and first.first == 1
    assert middle.items == tuple(range(11, 21)) and middle.first == 11
    assert last.items == (21, 22, 23)
    assert [b.payload for b in first.buttons(T, "dealers")] == ["c:dealers page:2"]
    assert [b.payload for b in middle.buttons(T, "dealers west")] == [
        "c:dealers west page:1",
        "c:dealers west page:3",
    ]
    assert [b.payload for b in last.buttons(T, "dealers")] == ["c:dealers page:2"]
    assert first.footer(T) == "Page 1 of 3 (23 in all)"
    stale = Page.of(items, 9, 10)  # a button from when the list was longer
    assert stale.number == 3 and stale.items == (21, 22, 23)
    assert "there is no page 9" in stale.footer(T)
    one = Page.of(items[:5], 1, 10)
    assert one.footer(T) is None and one.buttons(T, "dealers") == ()
    assert Page.of([], 1, 10).items == () and Page.of([], 1, 10).pages == 1


def test_dealers_are_listed_a_page_at_a_time_with_their_buttons():
    store = small_world()
    since = Validity(date(2026, 1, 1))
    for n in range(3, 123):  # 120 more dealers in Sichuan, 121 in M01's scope
        code = DealerCode(f"D{n:03d}")
        store.dealers[code] = Dealer(code, f"蜀地{n}号", tier="B", since=date(2024, 1, 1))
        sichuan = store.authorizations[0].region_code
        store.authorizations.append(
            Authorization(code, ProductLine("IMG"), since, region_code=sichuan)
        )
    clock = FixedClock(datetime(2026, 7, 17, 2, 0, tzinfo=UTC))
    conv = Conversation(lambda: FakeUnitOfWork(store), clock)
    chat = Chat(conv, "m1")
    chat.say(f"/start {code_for(store, clock, manager='M01')}")

    first = chat.say("/dealers")
    assert "第 1/3 页，共 121 条" in first and "D051" in first and "D052" not in first
    assert ("第 2 页 ▶", "c:dealers page:2") in chat.buttons()
    assert not any("◀" in label for label, _ in chat.buttons())

    second = chat.press("第 2 页")
    assert "第 2/3 页" in second and "D052" in second and "D001" not in second
    labels = [label for label, _ in chat.buttons()]
    assert "◀ 第 1 页" in labels and "第 3 页 ▶" in labels

    last = chat.press("第 3 页")
    assert "第 3/3 页" in last and "D122" in last
    assert not any("▶" in label for label, _ in chat.buttons())

    filtered = chat.say("/dealers 蜀地1")  # 蜀地10-19 and 蜀地100-122: one page
    assert "共 33 家" in filtered and "/3 页" not in filtered
    for code in [c for c in store.dealers if c >= "D061"]:
        del store.dealers[code]  # the list shrank since the button was shown
    stale = chat.say(payload="c:dealers page:3")
    assert "第 2/2 页" in stale and "没有第 3 页" in stale and "D060" in stale


def test_a_page_word_without_a_number_is_refused_saying_what_to_send():
    import pytest

    from handlers.core.errors import UserError

    for word in ("page:x", "页:二", "page:", "page:-1"):
        with pytest.raises(UserError) as refused:
            page_args(["west", word])
        assert refused.value.key == "pager.bad_page"
    t = Translator("zh_CN")
    assert "page:2" in t("pager.bad_page", value="x") and "“x”" in t("pager.bad_page", value="x")
