from datetime import UTC, date, datetime, timedelta

from domain.catalog.model import Dealer, DealerCode, DealerStatus, ProductLine, RegionCode
from domain.catalog.territory import RegionTree
from domain.promotions.model import (
    Audience,
    DealerProfile,
    PromoKind,
    PromoStatus,
    Promotion,
    is_targeted,
    select_dealers,
)

TREE = RegionTree(
    {
        RegionCode("CN"): None,
        RegionCode("EAST"): RegionCode("CN"),
        RegionCode("SH"): RegionCode("EAST"),
        RegionCode("WEST"): RegionCode("CN"),
        RegionCode("SC"): RegionCode("WEST"),
    }
)


def profile(code, tier, lines, regions, status=DealerStatus.ACTIVE):
    return DealerProfile(
        Dealer(DealerCode(code), code, tier=tier, since=date(2020, 1, 1), status=status),
        frozenset(ProductLine(x) for x in lines),
        tuple(RegionCode(r) for r in regions),
    )


DEALERS = [
    profile("D1", "A", ["IMG"], ["SH"]),
    profile("D2", "B", ["MON"], ["SC"]),
    profile("D3", "A", ["IMG", "MON"], ["SC"]),
    profile("D4", "C", ["IMG"], ["SH"], DealerStatus.TERMINATED),
]


def test_an_empty_audience_reaches_every_active_dealer():
    assert select_dealers(Audience(), DEALERS, TREE) == ["D1", "D2", "D3"]


def test_a_parent_region_reaches_dealers_of_its_children():
    assert select_dealers(Audience(regions=("WEST",)), DEALERS, TREE) == ["D2", "D3"]
    assert select_dealers(Audience(regions=("SH",)), DEALERS, TREE) == ["D1"]


def test_tiers_and_lines_must_all_match():
    audience = Audience(lines=(ProductLine("IMG"),), tiers=("A",))
    assert select_dealers(audience, DEALERS, TREE) == ["D1", "D3"]
    audience = Audience(lines=(ProductLine("MON"),), regions=(RegionCode("SC"),), tiers=("B",))
    assert select_dealers(audience, DEALERS, TREE) == ["D2"]


def test_a_terminated_dealer_is_never_targeted():
    assert not is_targeted(Audience(tiers=("C",)), DEALERS[3], TREE)


def test_a_promotion_shows_only_inside_its_window_once_sent():
    start = datetime(2026, 8, 1, tzinfo=UTC)
    promo = Promotion(
        1,
        PromoKind.PROMOTION,
        "t",
        "b",
        Audience(),
        "M1",
        status=PromoStatus.SENT,
        starts_at=start,
        ends_at=start + timedelta(days=10),
    )
    assert not promo.is_active(start - timedelta(seconds=1))
    assert promo.is_active(start)
    assert not promo.is_active(start + timedelta(days=10))


def test_english_text_is_used_only_when_both_parts_exist():
    promo = Promotion(
        1,
        PromoKind.PROMOTION,
        "夏季促销",
        "正文",
        Audience(),
        "M1",
        title_en="Summer",
        body_en="Text",
    )
    assert promo.text_for("en") == ("Summer", "Text")
    assert promo.text_for("zh_CN") == ("夏季促销", "正文")
    half = Promotion(1, PromoKind.PROMOTION, "夏季促销", "正文", Audience(), "M1", title_en="S")
    assert half.text_for("en") == ("夏季促销", "正文")
