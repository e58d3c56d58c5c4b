"""An applicant and the reviewers of Sichuan, and a chat driver for the application form."""

from __future__ import annotations

from sqlalchemy import select

from handlers.core.context import CoreOptions
from handlers.core.conversation import Conversation
from handlers.core.messages import Attachment
from storage.models import ManagerRegionRow, ManagerRow, RegionRow
from tests.integration.approvals.test_approvals import add_staff
from tests.support import Chat, invite, seed_catalog

CODE = "91350100M000100Y43"
LICENCE = Attachment("licence.jpg", b"\xff\xd8licence-bytes", "image/jpeg")
ANSWERS = {
    "company_name": "成都康远医疗器械有限公司",
    "credit_code": CODE,
    "legal_rep": "张三",
    "contact_name": "李四",
    "contact_phone": "138 0013 8000",
    "registered_capital": "500万",
    "staff_count": "25",
    "sales_network": "成都 30 家医院",
    "regions": "四川",
    "lines": "IMG",
    "planned_terminals": "华西医院",
    "motivation": "看好影像产品",
}


def add_reviewers(uow_factory) -> None:
    """M09: product-line manager of SC for IMG; M10: marketing admin of SC; M11: regional
    director of Shanghai (out of scope for Sichuan)."""
    with uow_factory() as uow:
        s = uow.session
        regions = {r.code: r for r in s.scalars(select(RegionRow))}
        for code, name, role, region, lines in (
            ("M09", "钱经理", "product_line_manager", "SC", "IMG"),
            ("M10", "冯专员", "marketing_admin", "SC", ""),
            ("M11", "陈总监", "regional_director", "SH", ""),
        ):
            m = ManagerRow(code=code, name=name, role=role, lines=lines)
            m.regions.append(ManagerRegionRow(region=regions[region]))
            s.add(m)
        uow.commit()


def make_world(uow_factory, clock, options: CoreOptions | None = None) -> dict[str, Chat]:
    seed_catalog(uow_factory)
    add_staff(uow_factory)
    add_reviewers(uow_factory)
    conv = Conversation(uow_factory, clock, options)
    people = {}
    for user, kw in {
        "rd": {"manager": "M07"},
        "plm": {"manager": "M09"},
        "sm": {"manager": "M01"},
        "ma": {"manager": "M10"},
        "rd_sh": {"manager": "M11"},
        "admin": {"manager": "M02"},
    }.items():
        chat = Chat(conv, user)
        chat.say(f"/start {invite(uow_factory, clock, **kw)}")
        people[user] = chat
    people["applicant"] = Chat(conv, "applicant")
    return people


def fill_form(chat: Chat, answers: dict[str, str] | None = None, *, start: str = "/apply") -> str:
    """Answer every question up to the summary; returns the summary."""
    values = {**ANSWERS, **(answers or {})}
    chat.say(start)
    for value in values.values():
        chat.say(value)
    chat.send(file=LICENCE)
    chat.say("完成")  # licence
    return chat.say("完成")  # qualifications: none


def apply(chat: Chat, answers: dict[str, str] | None = None) -> str:
    fill_form(chat, answers)
    return chat.press("确认提交")


def visit(chat: Chat, application: str = "1", scores=(4, 4, 3, 5, 4, 3)) -> str:
    chat.say(f"/application {application} visit")
    chat.say("经营场所 800 平，仓储规范，团队 25 人")
    chat.send(file=Attachment("site.jpg", b"\xff\xd8site", "image/jpeg"))
    out = chat.say("完成")
    for score in scores:
        out = chat.say(str(score))
    return out


def terms(chat: Chat, application: str = "1", *, regions: str = "__keep__") -> str:
    chat.say(f"/application {application} terms")
    out = ""
    for value in (
        "2026-07-17",
        "__keep__",
        "1000000",
        "50000",
        "8000",
        regions,
        "none",
        "__keep__",
    ):
        out = chat.say(payload=f"f:{value}") if value.startswith("__") else chat.say(value)
    return out
