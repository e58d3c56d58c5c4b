"""Test helpers: a small catalog and a chat driver that reads like a transcript."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from domain.catalog.model import DealerCode, ManagerCode
from domain.identity.invites import issue_invite
from handlers.contexts import build
from handlers.core.conversation import Conversation
from handlers.core.forms import split_answer
from handlers.core.messages import Attachment, Inbound, Reply
from storage.models import (
    AuthorizationRow,
    DealerRow,
    ManagerRegionRow,
    ManagerRow,
    PriceRow,
    ProductRow,
    RegionRow,
    TerminalRow,
)

# Every context installed, as the app does: one router and one set of jobs for the tests.
INSTALLED = build()
ROUTER = INSTALLED.router
JOBS = INSTALLED.jobs


def seed_catalog(uow_factory) -> None:
    """Two regions under China, two terminals, two products, two dealers, two managers.

    D001 (华西医疗) is authorized for line IMG in region SC (Sichuan); D002 for T-0012 only.
    M01 manages SC; M02 is an admin.
    """
    with uow_factory() as uow:
        s = uow.session
        cn = RegionRow(code="CN", name="中国")
        sc = RegionRow(code="SC", name="四川", parent=cn)
        sh = RegionRow(code="SH", name="上海", parent=cn)
        s.add_all([cn, sc, sh])
        t1 = TerminalRow(code="T-0001", name="华西医院", region=sc)
        t2 = TerminalRow(code="T-0012", name="瑞金医院", region=sh)
        s.add_all([t1, t2])
        a100 = ProductRow(sku="A100", name="超声诊断仪 A100", line="IMG", aliases="A-100|超声A100")
        x200 = ProductRow(sku="X200", name="监护仪 X200", line="MON", aliases="")
        s.add_all([a100, x200])
        for p, floor in ((a100, "3000"), (x200, "99")):
            s.add(
                PriceRow(
                    product=p,
                    supply_price=Decimal(floor) * Decimal("0.8"),
                    min_terminal_price=Decimal(floor),
                    min_bid_price=Decimal(floor) * Decimal("0.9"),
                    valid_from=date(2026, 1, 1),
                    valid_to=None,
                )
            )
        d1 = DealerRow(code="D001", name="华西医疗", tier="A", since=date(2020, 3, 1))
        d2 = DealerRow(code="D002", name="申城器械", tier="B", since=date(2026, 2, 1))
        s.add_all([d1, d2])
        s.add(AuthorizationRow(dealer=d1, region=sc, line="IMG", valid_from=date(2026, 1, 1)))
        s.add(AuthorizationRow(dealer=d2, terminal=t2, line="MON", valid_from=date(2026, 1, 1)))
        m1 = ManagerRow(code="M01", name="王经理", role="sales_manager")
        m1.regions.append(ManagerRegionRow(region=sc))
        m2 = ManagerRow(code="M02", name="李总", role="admin")
        s.add_all([m1, m2])
        uow.commit()


def invite(uow_factory, clock, *, dealer: str | None = None, manager: str | None = None) -> str:
    with uow_factory() as uow:
        inv = issue_invite(
            uow,
            clock.now(),
            timedelta(hours=72),
            dealer=DealerCode(dealer) if dealer else None,
            manager=ManagerCode(manager) if manager else None,
        )
        uow.commit()
    return inv.code


@dataclass
class Chat:
    """One chat user talking to the core; `say` returns all reply texts joined."""

    conversation: Conversation
    user_id: str
    platform: str = "console"
    last: list[Reply] = field(default_factory=list)
    _n: int = 0

    def send(
        self,
        text: str = "",
        *,
        payload: str | None = None,
        file: Attachment | None = None,
        dedupe_key: str | None = None,
    ) -> list[Reply]:
        self.last = self.conversation.handle(
            Inbound(
                self.platform,
                self.user_id,
                self.user_id,
                text=text,
                payload=payload,
                file=file,
                dedupe_key=dedupe_key,
            )
        )
        return self.last

    def say(self, text: str = "", **kw) -> str:
        return "\n".join(r.text for r in self.send(text, **kw))

    def buttons(self) -> list[tuple[str, str]]:
        return [(b.label, b.payload) for r in self.last for row in r.buttons for b in row]

    def choices(self) -> list[tuple[str, str]]:
        """The buttons as (label, payload) with any form-step tag taken out of the payload."""
        out = []
        for label, payload in self.buttons():
            if payload.startswith("f:"):
                payload = "f:" + split_answer(payload[2:])[1]
            out.append((label, payload))
        return out

    def press(self, label_part: str) -> str:
        for label, payload in self.buttons():
            if label_part in label:
                return self.say(payload=payload)
        raise AssertionError(f"no button containing {label_part!r} in {self.buttons()}")
