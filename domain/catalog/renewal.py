"""A contract's renewal: the proposed next term, and where the renewal stands.

The policy's term is one year, renewed or ended with notice given in advance (合同期限一般为
一年，可以续签或解除合同，但需提前通知对方), and the yearly target grows by `target_growth`
over the last one (原则上增加30%). A renewal is opened once per contract (dealer and end);
the sales manager proposes its terms, the dealer confirms or asks to discuss, and the
`renewal` approval chain decides; or the manager gives notice of termination.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from domain.catalog.model import Contract, DealerCode
from domain.targets.model import grow, in_first_year


class RenewalState(StrEnum):
    OPEN = "open"  # opened by the contract_expiry job: no terms proposed yet
    PROPOSED = "proposed"  # terms sent to the dealer
    DISCUSS = "discuss"  # the dealer asked to talk them over
    SUBMITTED = "submitted"  # confirmed by the dealer, on the approval chain
    APPROVED = "approved"  # the new contract is stored
    REJECTED = "rejected"  # the chain refused; the manager may propose again
    TERMINATED = "terminated"  # notice of termination given


# States in which the manager may (re)propose terms or give notice.
PROPOSABLE = frozenset(
    {RenewalState.OPEN, RenewalState.PROPOSED, RenewalState.DISCUSS, RenewalState.REJECTED}
)


@dataclass(frozen=True, slots=True)
class Terms:
    start: date
    end: date
    annual_target: Decimal
    assessed: bool = True  # False while the dealer is still in its first cooperation year
    # The evaluation period whose published card asked for it (shown, not stored):
    rebid: str = ""  # 新增部分重新招标: the growth is tendered anew, the target keeps last year's
    review: str = ""  # the renewal is reviewed before it is granted


@dataclass(frozen=True, slots=True)
class Renewal:
    id: int
    dealer: DealerCode
    contract_end: date  # the end of the contract being renewed
    state: RenewalState
    terms: Terms | None = None
    request_id: int | None = None
    proposed_by: str = ""  # actor label of the manager who proposed
    notice_on: date | None = None  # termination notice given on
    reason: str = ""


class TermsRefused(ValueError):
    """Proposed terms that cannot make a contract; `.key` names why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def one_year_from(start: date) -> date:
    """The last day of a one-year term starting on `start`."""
    try:
        return start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return date(start.year + 1, 2, 28)


def proposed_terms(
    contract: Contract, growth: Decimal, since: date | None, rebid: str = "", review: str = ""
) -> Terms:
    """The pre-filled next term: from the day after the end, one year, this year's target
    plus `growth` (as targets derive next year's); a dealer still in its first cooperation
    year when the new term starts is not assessed on it (新增客户首年不考核). `rebid`, the
    evaluation that flagged 新增部分重新招标: the increase is not this dealer's to take, so the
    target stays this year's; `review`: the evaluation that asked for a review first."""
    start = contract.end + timedelta(days=1)
    return Terms(
        start,
        one_year_from(start),
        contract.annual_target if rebid else grow(contract.annual_target, growth),
        assessed=not in_first_year(since, start),
        rebid=rebid,
        review=review,
    )


def check_terms(contract: Contract, terms: Terms) -> None:
    """The new term starts after the current one and ends after it starts; a target >= 0."""
    if terms.start <= contract.end:
        raise TermsRefused("renewal.refused.overlaps")
    if terms.end <= terms.start:
        raise TermsRefused("renewal.refused.end_before_start")
    if terms.annual_target < 0:
        raise TermsRefused("renewal.refused.negative_target")


def next_contract(contract: Contract, terms: Terms) -> Contract:
    """The contract an approved renewal stores: the new dates and target, the same deposit
    and franchise fee."""
    return Contract(
        contract.dealer_code,
        terms.start,
        terms.end,
        terms.annual_target,
        contract.deposit,
        contract.franchise_fee,
    )


class RenewalRepository(Protocol):
    def open(self, dealer: DealerCode, contract_end: date, now: datetime) -> Renewal:
        """The renewal of this contract, opened now unless one is (a concurrent opener of
        the same contract finds the first one)."""
        ...

    def of_contract(self, dealer: DealerCode, contract_end: date) -> Renewal | None: ...
    def get(self, renewal_id: int) -> Renewal | None: ...
    def by_request(self, request_id: int) -> Renewal | None: ...
    def save(self, renewal: Renewal, now: datetime) -> None:
        """Store the renewal's state, terms and notice."""
        ...
