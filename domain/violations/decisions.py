"""A manager's decision on a violation, and the penalty words managers type."""

from __future__ import annotations

from enum import StrEnum

from domain.sales.model import Penalty, ViolationStatus

# Words a manager may type for each penalty (compared after lower-casing, spaces and
# underscores removed). The policy's own terms come first.
PENALTY_WORDS: dict[Penalty, tuple[str, ...]] = {
    Penalty.WARNING: ("警告", "warning", "warn", "书面警告"),
    Penalty.FINE: ("罚款", "fine", "罚金"),
    Penalty.WITHHOLD_PAYMENT: ("扣留货款", "扣货款", "扣款", "withholdpayment", "withhold"),
    Penalty.STOP_SUPPLY: ("终止供货", "停止供货", "停货", "stopsupply", "suspendsupply"),
    Penalty.CONFISCATE_DEPOSIT: ("没收保证金", "扣保证金", "confiscatedeposit", "confiscate"),
    Penalty.CANCEL_DEALERSHIP: (
        "取消经销资格",
        "取消资格",
        "canceldealership",
        "cancel",
        "terminate",
    ),
}


class Decision(StrEnum):
    CONFIRM = "confirm"
    DISMISS = "dismiss"
    PENALIZE = "penalize"


DECISION_WORDS: dict[Decision, tuple[str, ...]] = {
    Decision.CONFIRM: ("confirm", "确认", "属实"),
    Decision.DISMISS: ("dismiss", "驳回", "撤销", "不成立", "忽略"),
    Decision.PENALIZE: ("penalize", "penalise", "处罚", "罚"),
}

STATUS_OF: dict[Decision, ViolationStatus] = {
    Decision.CONFIRM: ViolationStatus.CONFIRMED,
    Decision.DISMISS: ViolationStatus.DISMISSED,
    Decision.PENALIZE: ViolationStatus.PENALIZED,
}

# Open violations take any decision; a confirmed one may still be penalized or dismissed;
# one settled with its withdrawn or corrected sale may still be confirmed or penalized, with
# a reason (the sale may have happened anyway).
_ALLOWED: dict[ViolationStatus, frozenset[Decision]] = {
    ViolationStatus.OPEN: frozenset(Decision),
    ViolationStatus.CONFIRMED: frozenset({Decision.PENALIZE, Decision.DISMISS}),
    ViolationStatus.DISMISSED: frozenset(),
    ViolationStatus.PENALIZED: frozenset(),
    ViolationStatus.WITHDRAWN: frozenset({Decision.CONFIRM, Decision.PENALIZE}),
    ViolationStatus.SUPERSEDED: frozenset({Decision.CONFIRM, Decision.PENALIZE}),
}

SETTLED = frozenset({ViolationStatus.WITHDRAWN, ViolationStatus.SUPERSEDED})


def _squash(text: str) -> str:
    return text.lower().replace(" ", "").replace("_", "").replace("-", "")


def parse_decision(word: str) -> Decision | None:
    w = _squash(word)
    for decision, words in DECISION_WORDS.items():
        if w in words:
            return decision
    return None


def parse_penalty(words: list[str]) -> tuple[Penalty, list[str]] | None:
    """The penalty named by the first one or two words, and the words left (the note)."""
    for take in (2, 1):
        if len(words) < take:
            continue
        head = _squash("".join(words[:take]))
        for penalty, names in PENALTY_WORDS.items():
            if head in names or head == penalty.value.replace("_", ""):
                return penalty, words[take:]
    return None


def may_decide(status: ViolationStatus, decision: Decision) -> bool:
    return decision in _ALLOWED[status]


def needs_reason(status: ViolationStatus) -> bool:
    """Deciding on a violation its dealer's withdrawal or correction settled needs a reason."""
    return status in SETTLED
