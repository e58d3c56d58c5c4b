"""Fee rules: budget left, over budget, capped claims, deadlines, proof, reuse, alerts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.catalog.model import RegionCode
from domain.fees.model import Activity, Budget, BudgetStatus, ClaimState, ProofKind, RequestState
from domain.fees.rules import (
    ClaimRefusal,
    OverBudget,
    RequestRefusal,
    alert_levels,
    cap_claim,
    check_amount,
    check_claim_open,
    check_editable,
    claim_deadline,
    matching_budget,
    missing_proof,
    reminder_due,
    request_chain_steps,
    required_proof,
    reused_files,
)

D = Decimal


def budget(id_=1, period="2026-Q3", region="SC", line=None, promotion=None, amount="10000"):
    return Budget(id_, period, RegionCode(region), line, promotion, D(amount))


def test_budget_left_is_the_amount_less_what_approved_requests_committed():
    status = BudgetStatus(budget(amount="10000"), committed=D("7500.00"), spent=D("3000.00"))
    assert status.left == D("2500.00")


def test_a_request_within_what_is_left_passes_and_one_over_it_is_refused():
    assert check_amount(D("2500"), D("2500.00"), OverBudget.REFUSE).refusal is None
    over = check_amount(D("2500.01"), D("2500.00"), OverBudget.REFUSE)
    assert over.refusal is RequestRefusal.OVER_BUDGET and not over.over_budget


def test_over_budget_is_routed_on_flagged_when_the_policy_says_route():
    routed = check_amount(D("9000"), D("100.00"), OverBudget.ROUTE)
    assert routed.refusal is None and routed.over_budget


def test_no_budget_and_non_positive_amounts_are_named():
    assert check_amount(D("10"), None, OverBudget.REFUSE).refusal is RequestRefusal.NO_BUDGET
    assert check_amount(D("0"), D("10"), OverBudget.ROUTE).refusal is RequestRefusal.NOT_POSITIVE


def test_the_director_signs_above_the_second_step_amount_and_over_budget_once():
    base = ("sales_manager",)
    assert request_chain_steps(base, D("5000"), D("5000"), over_budget=False) == base
    two = request_chain_steps(base, D("5000.01"), D("5000"), over_budget=False)
    assert two == ("sales_manager", "marketing_director")
    both = request_chain_steps(base, D("9000"), D("5000"), over_budget=True)
    assert both == ("sales_manager", "marketing_director")
    routed = request_chain_steps(
        base, D("10"), D("5000"), over_budget=True, over_budget_role="admin"
    )
    assert routed == ("sales_manager", "admin")


def test_the_most_specific_budget_in_the_period_is_the_one_a_request_draws_on():
    region_wide = budget(1)
    line = budget(2, line="IMG")
    promo = budget(3, promotion=7)
    year_cn = budget(4, period="2026", region="CN")
    other_quarter = budget(5, period="2026-Q4")
    all_ = [region_wide, line, promo, year_cn, other_quarter]
    chain = ["SC", "CN"]
    day = date(2026, 8, 1)
    assert matching_budget(all_, day, chain) == region_wide
    assert matching_budget(all_, day, chain, line="IMG") == line
    assert matching_budget(all_, day, chain, line="IMG", promotion_id=7) == promo
    assert matching_budget(all_, day, chain, promotion_id=8) == region_wide
    assert matching_budget([year_cn, other_quarter], day, chain) == year_cn
    assert matching_budget(all_, date(2027, 1, 5), chain) is None


def test_a_claim_over_the_approved_amount_is_capped_with_the_difference():
    capped = cap_claim(D("12345.67"), D("10000"))
    assert capped.claimed == D("10000.00") and capped.over == D("2345.67")
    under = cap_claim(D("800"), D("1000"))
    assert under.claimed == D("800.00") and under.over == D("0.00")


def test_a_claim_is_open_from_the_activity_end_until_claim_days_after():
    end = date(2026, 8, 10)
    assert claim_deadline(end, 30) == date(2026, 9, 9)
    approved = RequestState.APPROVED
    assert check_claim_open(approved, end, date(2026, 8, 10), 30) is None
    assert check_claim_open(approved, end, date(2026, 9, 9), 30) is None
    assert check_claim_open(approved, end, date(2026, 9, 10), 30) is ClaimRefusal.DEADLINE_PASSED
    assert check_claim_open(approved, end, date(2026, 8, 9), 30) is ClaimRefusal.NOT_ENDED
    pending = check_claim_open(RequestState.PENDING, end, date(2026, 8, 20), 30)
    assert pending is ClaimRefusal.NOT_APPROVED


def test_a_claim_is_editable_only_as_a_draft_or_returned():
    assert check_editable(None) is None
    assert check_editable(ClaimState.RETURNED) is None
    for state in (ClaimState.SUBMITTED, ClaimState.REVIEWED, ClaimState.PAID):
        assert check_editable(state) is ClaimRefusal.FROZEN


def test_missing_proof_names_each_kind_and_how_many():
    need = required_proof(Activity.EXHIBITION)
    assert need == {ProofKind.PHOTO: 3, ProofKind.INVOICE: 1}
    assert missing_proof(need, [ProofKind.PHOTO]) == {ProofKind.PHOTO: 2, ProofKind.INVOICE: 1}
    assert missing_proof(need, [ProofKind.PHOTO] * 3 + [ProofKind.INVOICE]) == {}


def test_configured_proof_counts_replace_the_defaults_per_activity():
    need = required_proof(Activity.DISPLAY, {"display": {"photo": 5, "invoice": 2}})
    assert need == {ProofKind.PHOTO: 5, ProofKind.INVOICE: 2}
    assert required_proof(Activity.ADVERTISING, {"display": {"photo": 5}})[ProofKind.PHOTO] == 1


def test_a_file_another_claim_used_is_flagged_with_that_claim_but_not_its_own():
    others = {"aaa": [3], "bbb": [5, 9]}
    assert reused_files(["aaa", "ccc"], others, claim_id=5) == {"aaa": (3,)}
    assert reused_files(["bbb"], others, claim_id=5) == {"bbb": (9,)}
    assert reused_files(["ccc"], others) == {}


def test_alert_levels_at_80_and_100_percent_committed():
    assert alert_levels(D("7999.99"), D("10000")) == ()
    assert alert_levels(D("8000"), D("10000")) == (80,)
    assert alert_levels(D("10000"), D("10000")) == (80, 100)
    assert alert_levels(D("0"), D("0")) == ()


def test_a_reminder_is_due_in_the_days_before_the_deadline_only():
    deadline = date(2026, 9, 9)
    assert not reminder_due(deadline, date(2026, 9, 1), 7)
    assert reminder_due(deadline, date(2026, 9, 2), 7)
    assert reminder_due(deadline, deadline, 7)
    assert not reminder_due(deadline, date(2026, 9, 10), 7)
