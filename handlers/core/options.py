"""The settings the conversation core and its handlers run with, from config or a test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

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

    # [evaluation]: weights, formula constants, bands, consequences, appeal days.
    evaluation: EvaluationRules = field(default_factory=EvaluationRules)

    # An export with more rows is written in the background and sent through the outbox.
    export_inline_rows: int = 2000

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
