"""violation_digest: violations recorded since the last digest -> managers of the region.

Severe violations are sent at once when the sale is recorded (handlers.sales.recording); the
digest carries the others. Its window runs from the previous successful run's occasion to
this one, so a run missed during downtime is covered by the catch-up run. A severe one that
nobody could be told of (held: handlers.violations.held) is carried by every digest, whatever
its window, until a manager has it.
"""

from __future__ import annotations

from datetime import timedelta

from domain.catalog.model import Sku
from domain.identity.actors import Actor
from domain.identity.scope import Scope
from domain.sales.model import Severity, ViolationStatus
from handlers.core.i18n import Translator
from handlers.core.jobs import JobContext, Jobs
from handlers.core.messages import Reply
from handlers.core.notifier import Build
from handlers.core.registry import SALES_STAFF
from handlers.core.router import Router
from handlers.sales.recording import sale_named, violation_text

LINES = 30
FIRST_WINDOW = timedelta(hours=1)  # a first run looks back one (default) interval


def violation_digest(ctx: JobContext) -> None:
    """New (not severe) violations since the last digest, and severe ones nobody has been
    told of yet -> the managers of their regions."""
    start = ctx.previous or ctx.occasion - FIRST_WINDOW
    end = ctx.occasion
    found = [  # None: every dealer's, with no list of their codes in the statement
        v
        for v in ctx.uow.violations.list(None, start=start, end=end)
        if v.severity is not Severity.SEVERE
    ]
    waiting = [ctx.uow.violations.get(i) for i in ctx.uow.held_alerts.undelivered()]
    held = [v for v in waiting if v is not None and v.status is ViolationStatus.OPEN]
    # Decided or withdrawn meanwhile: someone has seen to it, nothing is owed any more.
    ctx.uow.held_alerts.deliver([v.id for v in waiting if v and v not in held], ctx.now)
    ctx.notes.append(f"{len(found)} violations, {len(held)} held")
    if not found and not held:
        return
    found += held
    held_ids = {v.id for v in held}
    named = {v.id: sale_named(ctx, v) for v in found}  # the sale of each, named for the reader
    line_of = {v.id: product_line(ctx, v) for v in held}  # held ones may be outside the window
    delivered: set = set()
    messages: list[tuple[Actor, str, Build]] = []
    for manager in ctx.uow.recipients.managers():
        if manager.seat not in SALES_STAFF:
            continue  # service agents and marketing do not decide violations
        scope = ctx.visible_dealers(Scope.of(manager))
        seen = None if scope is None else set(scope)
        if seen is None:
            mine = found
        elif manager.lines is not None and seen:  # the lines of the reported products
            on_lines = ctx.uow.violations.list(scope, start=start, end=end, lines=manager.lines)
            ids = {v.id for v in on_lines} | {
                v.id for v in held if v.dealer in seen and line_of[v.id] in manager.lines
            }
            mine = [v for v in found if v.id in ids]
        else:
            mine = [v for v in found if v.dealer in seen]
        if not mine:
            continue
        # The held ones first: nobody has been told of them yet.
        mine = sorted(mine, key=lambda v: (v.id not in held_ids, v.id))

        def build(t: Translator, mine=mine) -> Reply:
            lines = [t("jobs.violation_digest.title", count=len(mine))]
            for v in mine[:LINES]:
                line = t(
                    "jobs.violation_digest.line",
                    id=v.id,
                    dealer=v.dealer,
                    line=violation_text(t, v),
                )
                if v.id in held_ids:
                    line = t("notice.digest_held", line=line)
                lines.append(line + "\n  " + named[v.id].text(t))
            if len(mine) > LINES:
                lines.append(t("jobs.violation_digest.more", count=len(mine) - LINES))
            return Reply("\n".join(lines))

        # Subject: the manager; period: the window's end (the occasion).
        messages.append((manager, f"{manager.manager_code}:{end.isoformat()}", build))
        delivered |= {v.id for v in mine[:LINES] if v.id in held_ids}
    ctx.notify_all(messages)
    ctx.uow.held_alerts.deliver(sorted(delivered), ctx.now)


def product_line(ctx: JobContext, v) -> str | None:
    """The product line of the sale a violation is about, from the report it keeps."""
    sku = v.evidence.get("report", {}).get("sku")
    product = ctx.uow.catalog.product(Sku(sku)) if sku else None
    return product.line if product else None


def install(router: Router, jobs: Jobs) -> None:
    jobs.add(violation_digest, "violation_digest")
