"""Telling a step's approvers that a request waits for them."""

from __future__ import annotations

from domain.approvals.model import Request
from handlers.approvals.people import namer, step_approvers
from handlers.approvals.texts import approver_card
from handlers.core.context import Ctx


def tell_step_approvers(ctx: Ctx, request: Request) -> int:
    names = namer(ctx.uow)
    told = 0
    for person in step_approvers(ctx.uow, request):
        if person.label == request.requester:
            continue
        told += ctx.notify(
            person,
            f"approval:{request.id}:step{request.step}:v{request.version}",
            lambda t: approver_card(t, request, names),
        )
    return told
