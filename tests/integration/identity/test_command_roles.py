"""Every command x role: the registry, the table in docs/DESIGN.md and what users get agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.identity.actors import Seat
from handlers.core.conversation import Conversation
from storage.models import ManagerRegionRow, ManagerRow, RegionRow
from tests.support import ROUTER, Chat, invite, seed_catalog

DESIGN = Path(__file__).resolve().parents[3] / "docs" / "DESIGN.md"
REFUSED = "没有使用这个命令的权限"

# One line each that reaches the permission check of a command or sub-command.
PROBES = {
    "target set": "/target set D001 2026 1000",
    "renewal propose": "/renewal D001",
    "export sales": "/export sales",
    "export violations": "/export violations",
    "export complaints": "/export complaints",
    "violation penalize": "/violation 1 penalize fine",
    "promo send": "/promo send 1",
    "exception request": "/exception request",
    "exception grant": "/exception A100 2800 D001",
    "exception revoke": "/exception 1 revoke typo",
    "export approvals": "/export approvals",
    "deposit topup": "/deposit D001 topup 100 转账",
    "deposit change": "/deposit D001 deduct 100 罚款",
    "apply for": "/apply for",
    "export applications": "/export applications",
    "notice new": "/notice new",
    "export notices": "/export notices",
    "fee request": "/fee request",
    "fee claim": "/fee claim 1",
    "fee pay": "/fee 1 paid TX-1",
    "budget set": "/budget set 2026-Q3 SC 1000",
    "export fees": "/export fees",
    "duties nil": "/duties nil 2026-W29",
    "export duties": "/export duties",
    "template": "/template financial D001",
    "statements": "/statements D001",
    "policy": "/policy list",
    "score adjust": "/score D001 2026-Q2 adjust compliance 60 复核",
    "score appeal": "/score appeal 2026-Q2 数据有误",
    "evaluate": "/evaluate D001 2026-Q2",
    "export scores": "/export scores",
}


def design_table() -> dict[str, frozenset[str]]:
    """The "Commands by role" table of docs/DESIGN.md: row -> seats with a tick."""
    text = DESIGN.read_text(encoding="utf-8")
    section = text.split("### Commands by role", 1)[1].split("\n|", 1)[1]
    rows = []
    for line in ("|" + section).splitlines():
        if not line.startswith("|"):
            break  # the table ends at its first other line
        rows.append(line)
    header = [c.strip() for c in rows[0].strip("|").split("|")][1:]
    table = {}
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        name = re.sub(r"`", "", cells[0])
        table[name] = frozenset(s for s, cell in zip(header, cells[1:], strict=True) if cell)
    return table


@pytest.fixture
def chats(uow_factory, clock) -> dict[Seat, Chat]:
    """A linked chat user for every seat (M01 sales manager and M02 admin come seeded)."""
    seed_catalog(uow_factory)
    with uow_factory() as uow:
        sc = uow.session.query(RegionRow).filter_by(code="SC").one()
        for seat in Seat:
            if seat in (Seat.ANONYMOUS, Seat.DEALER, Seat.ADMIN, Seat.SALES_MANAGER):
                continue
            m = ManagerRow(code=f"M-{seat.value}", name=seat.value, role=seat.value)
            m.regions.append(ManagerRegionRow(region=sc))
            uow.session.add(m)
        uow.commit()
    conv = Conversation(uow_factory, clock)
    codes = {Seat.DEALER: {"dealer": "D001"}, Seat.ADMIN: {"manager": "M02"}}
    codes[Seat.SALES_MANAGER] = {"manager": "M01"}
    out = {}
    for seat in Seat:
        chat = Chat(conv, f"u-{seat.value}")
        if seat is not Seat.ANONYMOUS:
            who = codes.get(seat, {"manager": f"M-{seat.value}"})
            chat.say(f"/start {invite(uow_factory, clock, **who)}")
        out[seat] = chat
    return out


def test_the_registry_and_the_design_table_name_the_same_seats_for_every_command():

    table = design_table()
    assert set(table) == set(ROUTER.permissions())
    for name, seats in ROUTER.permissions().items():
        assert table[name] == {s.value for s in seats}, name


def test_every_command_and_role_is_answered_as_the_table_says(chats):
    for name, seats in design_table().items():
        line = PROBES.get(name, f"/{name}")
        for seat, chat in chats.items():
            if name == "cancel" or (name == "start" and seat is not Seat.ANONYMOUS):
                continue
            reply = chat.say(line)
            refused = ("请先绑定账号" if seat is Seat.ANONYMOUS else REFUSED) in reply
            assert refused is (seat.value not in seats), (seat.value, line, reply)


def test_a_service_agent_cannot_set_targets_lower_floors_penalize_or_broadcast(chats):
    agent = chats[Seat.SERVICE_AGENT]
    for line in (
        "/target set D001 2026 1",
        "/exception A100 1 D001",
        "/violation 1 penalize cancel_dealership",
        "/broadcast 全国放假",
    ):
        reply = agent.say(line)
        assert REFUSED in reply and "售后专员" in reply, line
        assert "/complaints" in reply and "/ticket" in reply, line  # what they may do instead


def test_a_refusal_speaks_the_users_language_and_names_the_role(chats):
    agent = chats[Seat.SERVICE_AGENT]
    agent.say("/lang en")
    reply = agent.say("/targets")
    assert "as a service agent you are not allowed to use this command (/targets)" in reply
    assert "/complaints" in reply and "/targets" not in reply.split("What you can use:")[1]


def test_a_product_line_manager_sees_only_the_sales_and_violations_of_their_lines(
    uow_factory, clock
):
    """D001 sells IMG in Sichuan and gets a MON authorization there too; the line manager of
    MON sees D001's MON sale and its violation, never the IMG ones."""
    from datetime import date

    from storage.models import AuthorizationRow, DealerRow

    seed_catalog(uow_factory)
    with uow_factory() as uow:
        s = uow.session
        sc = s.query(RegionRow).filter_by(code="SC").one()
        d1 = s.query(DealerRow).filter_by(code="D001").one()
        s.add(AuthorizationRow(dealer=d1, region=sc, line="MON", valid_from=date(2026, 1, 1)))
        plm = ManagerRow(code="M05", name="周经理", role="product_line_manager", lines="MON")
        plm.regions.append(ManagerRegionRow(region=sc))
        s.add(plm)
        uow.commit()
    conv = Conversation(uow_factory, clock)
    dealer, line_manager = Chat(conv, "d1"), Chat(conv, "plm")
    dealer.say(f"/start {invite(uow_factory, clock, dealer='D001')}")
    line_manager.say(f"/start {invite(uow_factory, clock, manager='M05')}")
    dealer.say("/report A100 2 100 T-0001")  # far under the floor: asked again
    assert "低于" in dealer.press("确定")  # IMG, under the floor: #1
    dealer.say("/report X200 3 50 T-0001")
    assert "低于" in dealer.press("确定")  # MON, under the floor: #2
    with uow_factory() as uow:  # the severe alerts: the MON sale's only
        alerts = [i.payload["text"] for i in uow.outbox.list(limit=100) if i.chat_id == "plm"]
    assert len(alerts) == 1 and "严重违规 #2" in alerts[0], alerts
    listing = line_manager.say("/violations")
    assert "#2" in listing and "#1" not in listing, listing
    assert "找不到违规记录 #1" in line_manager.say("/violation 1")
    assert "X200" in line_manager.say("/violation 2")
    line_manager.say("/export sales")
    sheet = line_manager.last[-1].document
    assert sheet is not None and b"X200" in _cells(sheet.content)
    assert b"A100" not in _cells(sheet.content)


def _cells(xlsx: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/"))
