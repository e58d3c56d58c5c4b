"""A role may be typed as its code or its name in either language, in any case and with
spaces for underscores; anything else is no role."""

from __future__ import annotations

import pytest

from domain.catalog.model import ManagerRole
from handlers.identity.staff import parse_role


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("营销总监", ManagerRole.MARKETING_DIRECTOR),
        ("marketing_director", ManagerRole.MARKETING_DIRECTOR),
        ("Marketing  Director", ManagerRole.MARKETING_DIRECTOR),
        ("管理员", ManagerRole.ADMIN),
        ("admin", ManagerRole.ADMIN),
        ("administrator", ManagerRole.ADMIN),
        ("售后专员", ManagerRole.SERVICE_AGENT),
        ("产品线经理", ManagerRole.PRODUCT_LINE_MANAGER),
    ],
)
def test_a_role_is_read_from_its_code_or_its_name_in_either_language(typed, role):
    assert parse_role(typed) is role


@pytest.mark.parametrize("typed", ["老板", "manager", ""])
def test_other_words_are_no_role(typed):
    assert parse_role(typed) is None
