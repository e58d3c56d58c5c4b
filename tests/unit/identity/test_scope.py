from domain.catalog.model import DealerCode, ManagerCode, ManagerRole, ProductLine, RegionCode
from domain.catalog.territory import RegionTree
from domain.identity.actors import Actor
from domain.identity.scope import Scope

TREE = RegionTree(
    {
        RegionCode("CN"): None,
        RegionCode("EAST"): RegionCode("CN"),
        RegionCode("SH"): RegionCode("EAST"),
        RegionCode("WEST"): RegionCode("CN"),
        RegionCode("SC"): RegionCode("WEST"),
    }
)


def manager(role, regions=("EAST",), lines=()):
    return Actor(
        "console",
        "u1",
        "c1",
        manager_code=ManagerCode("M1"),
        manager_role=role,
        manager_regions=tuple(RegionCode(r) for r in regions),
        manager_lines=tuple(ProductLine(x) for x in lines),
    )


def never_asked():
    raise AssertionError("the catalog was asked")


def test_a_managers_scope_covers_the_regions_below_theirs_and_no_other():
    scope = Scope.of(manager(ManagerRole.SALES_MANAGER))
    assert scope.covers_region(RegionCode("SH"), TREE)
    assert scope.covers_region(RegionCode("EAST"), TREE)
    assert not scope.covers_region(RegionCode("CN"), TREE)
    assert not scope.covers_region(RegionCode("SC"), TREE)
    assert not scope.covers_region(None, TREE)
    assert scope.covers_any_region([RegionCode("SC"), RegionCode("SH")], TREE)


def test_an_admin_covers_every_region_dealer_and_line_without_asking_the_catalog():
    scope = Scope.of(manager(ManagerRole.ADMIN, regions=()))
    assert scope.everything
    assert scope.covers_region(RegionCode("SC"), TREE)
    assert scope.covers_region(None, TREE)
    assert scope.covers_line(ProductLine("pumps"))
    assert scope.covers_dealer(DealerCode("D9"), never_asked)


def test_a_product_line_manager_covers_only_their_lines_unless_lines_are_dropped():
    scope = Scope.of(manager(ManagerRole.PRODUCT_LINE_MANAGER, lines=("pumps",)))
    assert scope.covers_line(ProductLine("pumps"))
    assert not scope.covers_line(ProductLine("valves"))
    assert not scope.covers_line(None)
    assert scope.every_line().covers_line(ProductLine("valves"))
    assert scope.every_line().regions == scope.regions


def test_other_roles_see_every_line_whatever_lines_they_carry():
    scope = Scope.of(manager(ManagerRole.SALES_MANAGER, lines=("pumps",)))
    assert scope.lines is None
    assert scope.covers_line(ProductLine("valves"))


def test_a_dealer_sees_only_itself_and_the_unlinked_nothing():
    dealer = Scope.of(Actor("console", "u2", "c2", dealer_code=DealerCode("D1")))
    assert dealer.covers_dealer(DealerCode("D1"), never_asked)
    assert not dealer.covers_dealer(DealerCode("D2"), never_asked)
    nobody = Scope.of(Actor("console", "u3", "c3"))
    assert not nobody.covers_dealer(DealerCode("D1"), never_asked)
    assert not nobody.covers_region(RegionCode("SH"), TREE)


def test_a_manager_sees_a_dealer_the_catalog_lists_under_their_regions():
    scope = Scope.of(manager(ManagerRole.REGIONAL_DIRECTOR))
    assert scope.covers_dealer(DealerCode("D1"), lambda: [DealerCode("D1")])
    assert not scope.covers_dealer(DealerCode("D2"), lambda: [DealerCode("D1")])
