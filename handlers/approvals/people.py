"""Who a request concerns: the approvers a manager acts as, a step's approvers, the requester."""

from __future__ import annotations

from datetime import date

from domain.approvals.model import Approver, Request, StepRule
from domain.approvals.rules import fits
from domain.catalog.model import DealerCode, Manager, ManagerCode, ManagerRole, RegionCode
from domain.identity.actors import Actor
from domain.shared.ports import UnitOfWork


def subject_scope(request: Request) -> dict | None:
    """The regions (and lines) a request without a dealer concerns, as its payload names
    them (`_scope`: an applicant's wanted territory); None: no such scope."""
    if request.dealer is not None:
        return None
    scope = request.payload.get("_scope")
    return scope if isinstance(scope, dict) else None


def covers(uow: UnitOfWork, manager: Manager, scope: dict) -> bool:
    tree = uow.catalog.region_tree()
    mine = set(manager.region_codes)
    regions = [RegionCode(r) for r in scope.get("regions", [])]
    if not any(a in mine for r in regions for a in tree.ancestors_and_self(r)):
        return False
    if manager.role is ManagerRole.PRODUCT_LINE_MANAGER and manager.lines:
        return bool(set(manager.lines) & set(scope.get("lines", [])))
    return True


def in_scope(uow: UnitOfWork, manager: Manager, request: Request) -> bool:
    """The request's dealer (or, without one, its `_scope`) lies in the manager's regions
    (and lines); admins everywhere."""
    if manager.role is ManagerRole.ADMIN:
        return True
    if request.dealer is None:
        scope = subject_scope(request)
        return scope is None or covers(uow, manager, scope)
    lines = manager.lines if manager.role is ManagerRole.PRODUCT_LINE_MANAGER else None
    return request.dealer in uow.catalog.dealers_in_regions(manager.region_codes, lines)


def approvers_of(uow: UnitOfWork, actor: Actor, request: Request, today: date) -> list[Approver]:
    """The actor as an approver, then every manager they stand in for today."""
    if actor.manager_code is None:
        return []
    out = []
    me = uow.catalog.manager(actor.manager_code)
    if me is not None:
        out.append(Approver(me.code, me.role, in_scope(uow, me, request)))
    for delegation in uow.approvals.delegations_to(actor.manager_code, today):
        boss = uow.catalog.manager(delegation.manager)
        if boss is not None:
            out.append(Approver(boss.code, boss.role, in_scope(uow, boss, request), boss.code))
    return out


def _as_approver(uow: UnitOfWork, person: Actor, request: Request) -> Approver | None:
    if person.manager_code is None:
        return None
    manager = uow.catalog.manager(person.manager_code)
    if manager is None:
        return None
    return Approver(manager.code, manager.role, in_scope(uow, manager, request))


def step_approvers(uow: UnitOfWork, request: Request, rule: StepRule | None = None) -> list[Actor]:
    """Linked chats of the managers who may decide the current step (or `rule`): managers
    over the request's dealer (a stand-in finds the request in /approvals)."""
    rule = rule or request.rule
    if rule is None:
        return []
    chosen: list[Actor] = []
    for person in _candidates(uow, request):
        approver = _as_approver(uow, person, request)
        if approver is not None and fits(rule, approver) and person not in chosen:
            chosen.append(person)
    return chosen


def _candidates(uow: UnitOfWork, request: Request) -> list[Actor]:
    if request.dealer is not None:
        return uow.identities.managers_of_dealer(request.dealer)
    scope = subject_scope(request) or {}
    found: list[Actor] = []
    for region in scope.get("regions", []):
        found += [
            p for p in uow.identities.managers_of_region(RegionCode(region)) if p not in found
        ]
    return found


def admins_of(uow: UnitOfWork, request: Request) -> list[Actor]:
    return [a for a in _candidates(uow, request) if a.is_admin]


def requester_chats(uow: UnitOfWork, request: Request) -> list[Actor]:
    """Where the requester is told: the chat they asked from."""
    chat = request.payload.get("_chat")
    if not chat:
        return []
    return [
        Actor(
            chat["platform"],
            chat["user_id"],
            chat["chat_id"],
            identity_id=chat.get("identity_id"),
            locale=chat.get("locale"),
        )
    ]


def chat_of(actor: Actor) -> dict:
    """What a request keeps of its requester's chat, to tell them of each decision."""
    return {
        "platform": actor.platform,
        "user_id": actor.user_id,
        "chat_id": actor.chat_id,
        "identity_id": actor.identity_id,
        "locale": actor.locale,
    }


def namer(uow: UnitOfWork):
    """Render an actor label (`manager:M01`) as people read it: 王经理 (M01)."""

    def name(label: str) -> str:
        kind, _, code = label.partition(":")
        if kind == "manager":
            person = uow.catalog.manager(ManagerCode(code))
        elif kind == "dealer":
            person = uow.catalog.dealer(DealerCode(code))
        elif kind == "applicant":  # an unlinked applicant: their contact name and company
            found = uow.applications.of_requester(label)
            return (
                f"{found[0].details.contact_name} · {found[0].details.company_name}"
                if found
                else label
            )
        else:
            return label
        return f"{person.name} ({code})" if person else code

    return name
