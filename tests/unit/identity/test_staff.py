"""Whom a notice can reach: the staff over a region (admins always), on a product line,
of some roles; and the staff a manager may list."""

from __future__ import annotations

from domain.catalog.model import Manager, ManagerCode, ManagerRole, ProductLine, RegionCode
from domain.catalog.territory import RegionTree
from domain.identity.scope import Scope
from domain.identity.staff import StaffMember, staff_over, visible_to

TREE = RegionTree(
    {
        RegionCode("CN"): None,
        RegionCode("W"): RegionCode("CN"),
        RegionCode("SC"): RegionCode("W"),
        RegionCode("CD"): RegionCode("SC"),
        RegionCode("SH"): RegionCode("CN"),
    }
)


def member(code, role, *regions, lines=(), linked=False) -> StaffMember:
    return StaffMember(
        Manager(
            ManagerCode(code),
            code,
            role,
            tuple(RegionCode(r) for r in regions),
            tuple(ProductLine(x) for x in lines),
        ),
        linked,
    )


ADMIN = member("A", ManagerRole.ADMIN)
SC = member("SC", ManagerRole.SALES_MANAGER, "SC", linked=True)
WEST = member("W", ManagerRole.REGIONAL_DIRECTOR, "W")
SH = member("SH", ManagerRole.SALES_MANAGER, "SH")
PLM = member("P", ManagerRole.PRODUCT_LINE_MANAGER, "SC", lines=("MON",))
AGENT = member("S", ManagerRole.SERVICE_AGENT, "CD")
EVERYONE = [ADMIN, SC, WEST, SH, PLM, AGENT]


def codes(members) -> list[str]:
    return [m.code for m in members]


def test_the_staff_over_a_city_are_those_of_its_province_and_above_and_the_admins():
    assert codes(staff_over(EVERYONE, [RegionCode("CD")], TREE)) == ["A", "SC", "W", "P", "S"]


def test_a_product_line_manager_is_over_a_region_only_on_their_lines():
    found = staff_over(EVERYONE, [RegionCode("SC")], TREE, line=ProductLine("IMG"))
    assert "P" not in codes(found) and "SC" in codes(found)


def test_staff_over_can_keep_only_some_roles():
    roles = frozenset({ManagerRole.SERVICE_AGENT})
    assert codes(staff_over(EVERYONE, [RegionCode("CD")], TREE, roles=roles)) == ["S"]


def test_a_member_seen_as_an_actor_has_the_scope_of_their_manager_record():
    assert ADMIN.scope.everything and not SC.scope.everything
    assert SC.scope.regions == (RegionCode("SC"),) and SC.scope.lines is None
    assert PLM.scope.lines == (ProductLine("MON"),)


def test_a_manager_lists_the_staff_sharing_a_region_above_or_below_and_the_admins():
    viewer = Scope(regions=(RegionCode("SC"),))
    assert codes(visible_to(EVERYONE, viewer, TREE)) == ["A", "SC", "W", "P", "S"]
    assert codes(visible_to(EVERYONE, Scope(everything=True), TREE)) == codes(EVERYONE)
