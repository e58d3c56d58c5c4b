"""The settings the conversation core and its handlers run with, from config or a test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.duties.calendar import DEFAULT_RULES, DutyCalendar
from domain.evaluation.rules import EvaluationRules
from domain.shared.rates import RateLimit


@dataclass(frozen=True, slots=True)
class CoreOptions:
    """The policy and conversation settings the core uses: the one typed settings object.

    `bot.config.Settings.core_options()` builds it from the config, whose sections take
    their defaults from here; a test builds its own."""

    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh_CN"
    target_growth: Decimal = Decimal("0.30")
    complaint_sla_hours: int = 48
    # (key, hours) pairs: tuples keep the options hashable.
    complaint_sla_by_category: tuple[tuple[str, int], ...] = ()
    complaint_sla_by_urgency: tuple[tuple[str, int], ...] = (("high", 24),)
    complaint_sla_warn_fraction: float = 0.8
    complaint_sla_warn_hours: float = 4.0
    contract_notice_days: int = 30
    severe_price_gap: Decimal = Decimal("0.10")
    report_edit_hours: int = 24
    form_ttl_minutes: int = 30
    invite_ttl_hours: int = 72
    invite_attempts_per_hour: int = 5
    question_digest_minutes: int = 15  # forwarded questions: one digest per dealer per interval
    # Messages per user: 0 means no limit (the config's [policy] turns it on; tests that
    # send many messages at one instant of a fixed clock stay unlimited).
    user_rate_per_minute: float = 0
    user_burst: int = 20

    @property
    def user_rate(self) -> RateLimit | None:
        if self.user_rate_per_minute <= 0:
            return None
        return RateLimit(self.user_rate_per_minute, self.user_burst)

    # [approvals]: (kind, steps) pairs replacing the policy's default chains.
    approval_chains: tuple[tuple[str, tuple[str, ...]], ...] = ()
    approval_sla_hours: float = 48
    approval_remind_fraction: float = 0.75
    exception_second_step_gap: Decimal = Decimal("0.15")

    # [penalties]: (rule, penalties) pairs over domain.violations.ladder.DEFAULT_LADDERS,
    # how far back earlier offences count, how long a dealer may appeal a decision.
    penalty_ladders: tuple[tuple[str, tuple[str, ...]], ...] = ()
    penalty_lookback_months: int = 12
    penalty_appeal_days: int = 7
    # [penalties]: minutes a decision's author may undo it in (an admin reopens it later).
    undo_minutes: int = 15

    @property
    def undo_window(self) -> timedelta:
        return timedelta(minutes=self.undo_minutes)

    # rebate_nudge tells a dealer near a higher tier this many days before the period ends.
    rebate_nudge_days: int = 14

    # [onboarding]: a new dealer's default contract term, the prefix of the dealer codes a
    # filing allocates, the largest document accepted and the documents an application needs.
    onboarding_term_months: int = 12
    onboarding_code_prefix: str = "D"
    onboarding_max_document_mb: int = 5
    onboarding_documents_required: tuple[str, ...] = ("business_licence",)
    # [notices]: a quiz passes at this percent of right answers; an unacknowledged notice is
    # reminded this many days before its date; attachments up to this many MB.
    notice_pass_mark: int = 80
    notice_remind_days: int = 2
    notice_max_attachment_mb: int = 10

    @property
    def notice_max_attachment_bytes(self) -> int:
        return self.notice_max_attachment_mb * 1024 * 1024

    # [fees]: a request above this amount is signed by the marketing director too; a claim is
    # filed within claim_days of the activity's end (reminded remind_days before); an
    # over-budget request is refused or routed on to over_budget_role.
    fee_second_step_amount: Decimal = Decimal("50000")
    fee_claim_days: int = 30
    fee_remind_days: int = 7
    fee_max_file_bytes: int = 5 * 2**20
    fee_over_budget: str = "refuse"
    fee_over_budget_role: str = "marketing_director"
    # (activity, ((proof kind, count), ...)) over domain.fees.rules.DEFAULT_PROOF.
    fee_proof: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()
    # [evaluation]: weights, formula constants, bands, consequences, appeal days.
    evaluation: EvaluationRules = field(default_factory=EvaluationRules)

    # An export with more rows is written in the background and sent through the outbox.
    export_inline_rows: int = 2000
    # An export of more rows is refused with shorter periods to ask for instead: it is held
    # in memory while written, and a year of every sale would not fit a chat's file limit.
    export_max_rows: int = 200_000

    # [duties]: the reporting calendar (duty, rule) and per-tier overrides (tier, pairs),
    # the days before a due day its reminder goes, and how far (a fraction) the stock in a
    # statement may be from the stock reported in chat before managers see a flag.
    duty_rules: tuple[tuple[str, str], ...] = tuple(DEFAULT_RULES.items())
    duty_tier_rules: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    duty_remind_days: int = 2
    stock_tolerance: Decimal = Decimal("0.10")

    @property
    def duty_calendar(self) -> DutyCalendar:
        tiers = {tier: dict(rules) for tier, rules in self.duty_tier_rules}
        return DutyCalendar.of(dict(self.duty_rules), tiers)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
