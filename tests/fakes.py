"""In-memory implementations of the conversation core's ports, for unit tests without a
database. They implement the contracts in domain/shared/ports.py (not SQLAlchemy's behaviour):
`commit` keeps the changes, leaving the unit of work without it throws them away."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Self

from domain.catalog.model import (
    Authorization,
    Contract,
    Dealer,
    DealerCode,
    Manager,
    ManagerCode,
    ProductLine,
    Region,
    RegionCode,
    Terminal,
    TerminalCode,
    Validity,
)
from domain.catalog.territory import Placement, RegionTree
from domain.identity.actors import Actor, Invite, InviteAlreadyUsed
from domain.identity.staff import StaffMember
from domain.notices.model import Delivery, Notice, NoticeStatus
from domain.shared.outbox import OutboxItem, OutboxStatus, OutgoingMessage
from domain.shared.ports import Arrival, AuditEntry, DuplicateUpdate, FormState


@dataclass
class Store:
    """Everything the fake unit of work reads and writes."""

    regions: dict[RegionCode, tuple[str, RegionCode | None]] = field(default_factory=dict)
    terminals: dict[TerminalCode, Terminal] = field(default_factory=dict)
    dealers: dict[DealerCode, Dealer] = field(default_factory=dict)
    contracts: list[Contract] = field(default_factory=list)
    authorizations: list[Authorization] = field(default_factory=list)
    managers: dict[ManagerCode, Manager] = field(default_factory=dict)
    identities: dict[tuple[str, str], Actor] = field(default_factory=dict)
    invites: dict[str, Invite] = field(default_factory=dict)
    failed_tries: list[tuple[str, str, datetime]] = field(default_factory=list)
    forms: dict[tuple[str, str, str], FormState] = field(default_factory=dict)
    seen: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    outbox: list[OutboxItem] = field(default_factory=list)
    # (violation id, manager code) -> when delivered (None: still held)
    held: dict[tuple[int, ManagerCode], datetime | None] = field(default_factory=dict)
    notices: dict[int, Notice] = field(default_factory=dict)
    notice_deliveries: list[Delivery] = field(default_factory=list)


class FakeCatalog:
    def __init__(self, s: Store) -> None:
        self.s = s

    def dealer(self, code: DealerCode) -> Dealer | None:
        return self.s.dealers.get(code)

    def dealers(self, codes=None) -> list[Dealer]:
        wanted = set(codes) if codes is not None else set(self.s.dealers)
        return [d for c, d in sorted(self.s.dealers.items()) if c in wanted]

    def terminal(self, code: TerminalCode) -> Terminal | None:
        return self.s.terminals.get(code)

    def terminals(self) -> list[Terminal]:
        return sorted(self.s.terminals.values(), key=lambda t: t.code)

    def add_terminal(self, terminal: Terminal) -> None:
        if terminal.region_code not in self.s.regions:
            raise ValueError(f"terminal {terminal.code}: unknown region")
        self.s.terminals[terminal.code] = terminal

    def region_tree(self) -> RegionTree:
        return RegionTree({c: p for c, (_, p) in self.s.regions.items()})

    def region(self, code: RegionCode) -> Region | None:
        found = self.s.regions.get(code)
        return Region(code, found[0], found[1], *found[2:]) if found else None

    def authorizations(self, dealer: DealerCode) -> list[Authorization]:
        return [a for a in self.s.authorizations if a.dealer_code == dealer]

    def contracts(self, dealer: DealerCode) -> list[Contract]:
        return sorted(
            (c for c in self.s.contracts if c.dealer_code == dealer), key=lambda c: c.start
        )

    def manager(self, code: ManagerCode) -> Manager | None:
        return self.s.managers.get(code)

    def dealer_regions(self, dealer: DealerCode) -> list[RegionCode]:
        places = set()
        for a in self.authorizations(dealer):
            if a.region_code:
                places.add(a.region_code)
            elif a.terminal_code and a.terminal_code in self.s.terminals:
                places.add(self.s.terminals[a.terminal_code].region_code)
        return sorted(places)

    def placements(self, lines=None) -> list[Placement]:
        found = []
        for code in self.s.dealers:
            for a in self.authorizations(code):
                if lines is not None and a.line not in lines:
                    continue
                place = a.region_code
                if place is None and a.terminal_code in self.s.terminals:
                    place = self.s.terminals[a.terminal_code].region_code
                if place:
                    found.append(Placement(code, place, a.line))
        return found

    def dealers_in_regions(self, regions, lines=None) -> list[DealerCode]:
        tree, wanted = self.region_tree(), set(regions)
        placed = self.placements(lines)
        return sorted({p.dealer for p in placed if wanted & set(tree.ancestors_and_self(p.region))})


class FakeIdentities:
    def __init__(self, s: Store) -> None:
        self.s = s

    def find(self, platform: str, user_id: str) -> Actor | None:
        return self.s.identities.get((platform, user_id))

    def link(self, platform, user_id, chat_id, display_name, invite: Invite, now) -> Actor:
        current = self.s.invites[invite.code]
        if current.used_at is not None:
            raise InviteAlreadyUsed(invite.code)
        self.s.invites[invite.code] = replace(current, used_at=now)
        old = self.s.identities.get((platform, user_id))
        manager = self.s.managers.get(invite.manager_code) if invite.manager_code else None
        actor = Actor(
            platform,
            user_id,
            chat_id,
            identity_id=old.identity_id if old else len(self.s.identities) + 1,
            locale=old.locale if old else None,
            dealer_code=invite.dealer_code,
            manager_code=invite.manager_code,
            manager_role=manager.role if manager else None,
            manager_regions=manager.region_codes if manager else (),
        )
        self.s.identities[(platform, user_id)] = actor
        return actor

    def set_locale(self, platform: str, user_id: str, locale: str) -> None:
        if (platform, user_id) in self.s.identities:
            actor = self.s.identities[(platform, user_id)]
            self.s.identities[(platform, user_id)] = replace(actor, locale=locale)

    def set_undeliverable(self, platform: str, chat_id: str, value: bool = True) -> None:
        pass

    def dealer_contacts(self, dealer: DealerCode) -> list[Actor]:
        return [a for a in self.s.identities.values() if a.dealer_code == dealer]

    def managers_of_dealer(self, dealer: DealerCode) -> list[Actor]:
        return self._managers_over(FakeCatalog(self.s).dealer_regions(dealer))

    def managers_of_region(self, region: RegionCode) -> list[Actor]:
        return self._managers_over([region])

    def _managers_over(self, places: list[RegionCode]) -> list[Actor]:
        tree = FakeCatalog(self.s).region_tree()
        return [
            a
            for a in self.s.identities.values()
            if a.manager_code
            and (a.is_admin or any(tree.is_within(p, r) for p in places for r in a.manager_regions))
        ]


class FakeInvites:
    def __init__(self, s: Store) -> None:
        self.s = s

    def create(self, invite: Invite, created_at: datetime) -> None:
        self.s.invites[invite.code] = invite

    def get(self, code: str) -> Invite | None:
        return self.s.invites.get(code)

    def failed_tries_since(self, platform: str, user_id: str, since: datetime) -> int:
        return sum(
            1 for p, u, at in self.s.failed_tries if (p, u) == (platform, user_id) and at >= since
        )

    def record_failed_try(self, platform: str, user_id: str, at: datetime) -> None:
        self.s.failed_tries.append((platform, user_id, at))


class FakeForms:
    def __init__(self, s: Store) -> None:
        self.s = s

    def get(self, platform: str, chat_id: str, user_id: str) -> FormState | None:
        found = self.s.forms.get((platform, chat_id, user_id))
        return copy.deepcopy(found)

    def save(self, state: FormState) -> None:
        self.s.forms[(state.platform, state.chat_id, state.user_id)] = copy.deepcopy(state)

    def clear(self, platform: str, chat_id: str, user_id: str) -> None:
        self.s.forms.pop((platform, chat_id, user_id), None)


class FakeInbound:
    def __init__(self, s: Store) -> None:
        self.s = s

    def arrival(self, key: str | None, platform: str, chat_id: str, user_id: str) -> Arrival:
        return Arrival(
            self.replies_for(key) if key is not None else None,
            FakeIdentities(self.s).find(platform, user_id),
            FakeForms(self.s).get(platform, chat_id, user_id),
        )

    def replies_for(self, key: str) -> list[dict[str, Any]] | None:
        return self.s.seen.get(key)

    def remember(self, key: str, replies: list[dict[str, Any]], at: datetime) -> None:
        if key in self.s.seen:
            raise DuplicateUpdate(key)
        self.s.seen[key] = replies


class FakeAudit:
    def __init__(self, s: Store) -> None:
        self.s = s

    def record(self, entry: AuditEntry) -> None:
        self.s.audit.append(entry)

    def recent(self, limit: int = 50) -> list[AuditEntry]:
        return list(reversed(self.s.audit))[:limit]


class FakeOutbox:
    def __init__(self, s: Store) -> None:
        self.s = s

    def enqueue(self, message: OutgoingMessage, now: datetime) -> bool:
        if any(i.dedupe_key == message.dedupe_key for i in self.s.outbox):
            return False
        self.s.outbox.append(
            OutboxItem(
                id=len(self.s.outbox) + 1,
                dedupe_key=message.dedupe_key,
                platform=message.platform,
                chat_id=message.chat_id,
                payload=message.payload,
                status=OutboxStatus.PENDING,
                attempts=0,
                created_at=now,
                not_before=message.not_before or now,
                identity_id=message.identity_id,
            )
        )
        return True

    def enqueue_many(self, messages: list[OutgoingMessage], now: datetime) -> int:
        return sum(self.enqueue(m, now) for m in messages)

    def revise_pending(self, dedupe_key: str, payload: dict[str, Any]) -> bool:
        for n, item in enumerate(self.s.outbox):
            if item.dedupe_key == dedupe_key and item.status is OutboxStatus.PENDING:
                self.s.outbox[n] = replace(item, payload=payload)
                return True
        return False

    def list(self, status: OutboxStatus | None = None, limit: int = 100) -> list[OutboxItem]:
        return [i for i in reversed(self.s.outbox) if status is None or i.status is status][:limit]


class FakeStaff:
    def __init__(self, s: Store) -> None:
        self.s = s

    def members(self) -> list[StaffMember]:
        linked = {a.manager_code for a in self.s.identities.values() if a.manager_code}
        return [StaffMember(m, m.code in linked) for _, m in sorted(self.s.managers.items())]


class FakeHeldAlerts:
    def __init__(self, s: Store) -> None:
        self.s = s

    def hold(self, violation, managers, now: datetime) -> None:
        for code in managers:
            self.s.held.setdefault((violation, code), None)

    def waiting_for(self, manager: ManagerCode) -> list:
        waiting = set(self.undelivered())
        return sorted(v for (v, m) in self.s.held if m == manager and v in waiting)

    def undelivered(self) -> list:
        delivered = {v for (v, _), at in self.s.held.items() if at is not None}
        return sorted({v for (v, _) in self.s.held} - delivered)

    def deliver(self, violations, now: datetime) -> None:
        for key, at in self.s.held.items():
            if key[0] in violations and at is None:
                self.s.held[key] = now


class FakeNotices:
    """Notices and their deliveries (what the link hook reads); attempts are not kept."""

    def __init__(self, s: Store) -> None:
        self.s = s

    def get(self, notice_id: int, *, content: bool = False) -> Notice | None:
        return self.s.notices.get(notice_id)

    def awaiting(self) -> list[Notice]:
        return [n for n in self.s.notices.values() if n.status is NoticeStatus.SENT and n.ack_by]

    def deliveries(self, notice_id: int) -> list[Delivery]:
        return [d for d in self.s.notice_deliveries if d.notice_id == notice_id]

    def deliveries_to(self, identity_ids) -> list[Delivery]:
        return [d for d in self.s.notice_deliveries if d.identity_id in set(identity_ids)]

    def record_deliveries(self, rows, now: datetime) -> int:
        have = {(d.notice_id, d.identity_id) for d in self.s.notice_deliveries}
        new = [Delivery(n, d, i, now) for n, d, i in rows if (n, i) not in have]
        self.s.notice_deliveries.extend(new)
        return len(new)


class FakeUnitOfWork:
    """A transaction over a Store: work happens on a copy that `commit` makes the truth."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.commits = 0

    def __enter__(self) -> Self:
        self._attach(copy.deepcopy(self.store))
        return self

    def _attach(self, work: Store) -> None:
        self.work = work
        self.catalog = FakeCatalog(work)
        self.identities = FakeIdentities(work)
        self.invites = FakeInvites(work)
        self.forms = FakeForms(work)
        self.inbound = FakeInbound(work)
        self.audit = FakeAudit(work)
        self.outbox = FakeOutbox(work)
        self.staff = FakeStaff(work)
        self.held_alerts = FakeHeldAlerts(work)
        self.notices = FakeNotices(work)

    def __exit__(self, *exc: object) -> None:
        self.rollback()

    def commit(self) -> None:
        self.store.__dict__.update(copy.deepcopy(self.work).__dict__)
        self.commits += 1

    def rollback(self) -> None:
        self._attach(copy.deepcopy(self.store))

    def read_only(self) -> None:
        """Nothing to do in memory: there is no lock to leave untaken."""


def small_world() -> Store:
    """The same little catalog as tests.support.seed_catalog, in memory."""
    s = Store()
    s.regions = {
        RegionCode("CN"): ("中国", None),
        RegionCode("SC"): ("四川", RegionCode("CN")),
        RegionCode("SH"): ("上海", RegionCode("CN")),
    }
    for code, name, region in (("T-0001", "华西医院", "SC"), ("T-0012", "瑞金医院", "SH")):
        s.terminals[TerminalCode(code)] = Terminal(TerminalCode(code), name, RegionCode(region))
    s.dealers = {
        DealerCode("D001"): Dealer(
            DealerCode("D001"), "华西医疗", tier="A", since=date(2020, 3, 1)
        ),
        DealerCode("D002"): Dealer(
            DealerCode("D002"), "申城器械", tier="B", since=date(2026, 2, 1)
        ),
    }
    since = Validity(date(2026, 1, 1))
    s.authorizations = [
        Authorization(DealerCode("D001"), ProductLine("IMG"), since, region_code=RegionCode("SC")),
        Authorization(
            DealerCode("D002"), ProductLine("MON"), since, terminal_code=TerminalCode("T-0012")
        ),
    ]
    from domain.catalog.model import ManagerRole

    s.managers = {
        ManagerCode("M01"): Manager(
            ManagerCode("M01"), "王经理", ManagerRole.SALES_MANAGER, (RegionCode("SC"),)
        ),
        ManagerCode("M02"): Manager(ManagerCode("M02"), "李总", ManagerRole.ADMIN),
    }
    return s
