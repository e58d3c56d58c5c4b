"""outbox_failures: messages that failed for good -> the managers they concern, once.

A message fails for good when the retry window ([outbox] retry_hours) is over or the
platform refused it for a reason retrying cannot change. A manager hears of the failed
messages to them and to the contacts of their dealers (admins: of every dealer), each in
one digest only: the digest's messages and the "told" marks commit together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.catalog.model import DealerCode
from domain.identity.actors import Actor
from domain.shared.outbox import FailedDelivery
from handlers.core.i18n import Translator
from handlers.core.jobs import JobContext, Jobs
from handlers.core.messages import Reply
from handlers.core.router import Router

JOB = "outbox_failures"
LINES = 20
PREVIEW = 40


@dataclass
class _Digest:
    manager: Actor
    failures: dict[int, FailedDelivery] = field(default_factory=dict)


def outbox_failures(ctx: JobContext) -> None:
    """Messages that failed for good -> the managers they were for or whose dealers they were."""
    # A digest that failed is not reported in another digest to the same manager.
    failures = ctx.uow.outbox.failures_to_tell(exclude_prefix=f"{JOB}:")
    ctx.notes.append(f"{len(failures)} failed messages")
    if not failures:
        return
    managers = ctx.uow.recipients.managers()
    digests: dict[int | None, _Digest] = {}

    def tell(manager: Actor, failure: FailedDelivery) -> None:
        digest = digests.setdefault(manager.identity_id, _Digest(manager))
        digest.failures[failure.id] = failure

    dealer_managers: dict[str, list[Actor]] = {}
    for f in failures:
        if f.manager_code is not None:
            for m in managers:
                if m.manager_code == f.manager_code:
                    tell(m, f)
        if f.dealer_code is not None:
            if f.dealer_code not in dealer_managers:
                dealer_managers[f.dealer_code] = ctx.uow.identities.managers_of_dealer(
                    DealerCode(f.dealer_code)
                )
            for m in dealer_managers[f.dealer_code]:
                tell(m, f)
    names = {d.code: d.name for d in ctx.uow.catalog.dealers(list(dealer_managers))}
    for digest in digests.values():
        mine = sorted(
            digest.failures.values(),
            key=lambda f: (f.manager_code is None, f.dealer_code or "", f.id),
        )

        def build(t: Translator, mine=mine) -> Reply:
            lines = [t("outbox.failures.title", count=len(mine))]
            for f in mine[:LINES]:
                when = t.datetime(f.created_at, ctx.tz)
                text = _preview(f.text)
                if f.manager_code is not None:
                    lines.append(t("outbox.failures.to_you", when=when, text=text))
                else:
                    name = names.get(f.dealer_code, "")
                    lines.append(
                        t(
                            "outbox.failures.to_dealer",
                            dealer=f.dealer_code,
                            name=name,
                            when=when,
                            text=text,
                        )
                    )
            if len(mine) > LINES:
                lines.append(t("outbox.failures.more", count=len(mine) - LINES))
            lines.append(t("outbox.failures.how_to_retry"))
            return Reply("\n".join(lines))

        # Subject: the manager and the newest failure told (a rerun of the same occasion
        # with new failures is a new digest; a message that fails again after `outbox retry`
        # has a new failed_at).
        newest = max(mine, key=lambda f: (f.failed_at, f.id))
        subject = f"{digest.manager.manager_code}:{newest.id}:{newest.failed_at.isoformat()}"
        ctx.notify(digest.manager, subject, build)
    # Told, or concerning no linked manager: either way not news in the next digest.
    ctx.uow.outbox.mark_told([f.id for f in failures], ctx.now)


def _preview(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else "…"
    return first if len(first) <= PREVIEW else first[: PREVIEW - 1] + "…"


def install(router: Router, jobs: Jobs) -> None:
    jobs.add(outbox_failures, JOB)
