"""Questions the bot could not answer, forwarded to the dealer's managers.

A burst of questions must not become a burst of notifications: each interval of
`question_digest_minutes` gets one digest per dealer and manager, queued (due when the
interval ends) by the first question and rewritten by the later ones while it waits.
"""

from __future__ import annotations

from domain.policy.answers import Found
from domain.policy.model import PolicyQuestion, digest_window
from handlers.core.context import Ctx
from handlers.core.i18n import Translator
from handlers.core.messages import Reply
from handlers.policy.replies import citation, trim

DIGEST_LINES = 10  # the latest questions shown; /questions lists them all


def forward_question(ctx: Ctx, q: PolicyQuestion, closest: Found | None) -> int:
    """Queue the question to the dealer's linked managers; how many there are (0: it waits
    in /questions for whoever links)."""
    assert q.dealer_code is not None and q.id is not None
    dealer = ctx.uow.catalog.dealer(q.dealer_code)
    name = dealer.name if dealer else q.dealer_code
    minutes = ctx.options.question_digest_minutes
    managers = ctx.uow.identities.managers_of_dealer(q.dealer_code)
    if minutes <= 0:

        def single(t: Translator) -> Reply:
            near = citation(closest, t) if closest else t("policy.nothing_close")
            text = t(
                "policy.forwarded", qid=q.id, dealer=name, code=q.dealer_code, text=q.text,
                closest=near,
            )  # fmt: skip
            return Reply(text)

        for manager in managers:
            ctx.notify(manager, f"policy-question:{q.id}", single)
        return len(managers)
    start, end = digest_window(q.asked_at, minutes)
    count, latest = ctx.uow.policy.pending_between(q.dealer_code, start, end, DIGEST_LINES)

    def digest(t: Translator) -> Reply:
        tz = ctx.options.tz
        lines = [
            t(
                "access.digest_title",
                dealer=name,
                code=q.dealer_code,
                n=count,
                start=t.datetime(start, tz),
                end=f"{end.astimezone(tz):%H:%M}",
            )
        ]
        for item in latest:
            lines.append(t("access.digest_line", qid=item.id, text=trim(item.text, 80)))
        if count > len(latest):
            lines.append(t("access.digest_more", n=count - len(latest)))
        lines.append(t("access.digest_hint", qid=q.id))
        return Reply("\n".join(lines))

    key = f"policy-digest:{q.dealer_code}:{start:%Y%m%dT%H%M}"
    for manager in managers:
        ctx.notify(manager, key, digest, not_before=end, revise=True)
    return len(managers)
