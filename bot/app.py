"""The composition root: builds the engine, unit of work, core and transports from config."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Engine

from bot.config import Settings
from domain.shared.clock import Clock, SystemClock
from handlers import contexts
from handlers.core.context import CoreOptions
from handlers.core.conversation import Conversation
from handlers.core.jobs import Jobs
from handlers.core.router import Router
from storage.db import make_engine, make_session_factory, upgrade
from storage.uow import SqlAlchemyUnitOfWorkFactory

log = logging.getLogger(__name__)


def core_options(settings: Settings) -> CoreOptions:
    p = settings.policy
    return CoreOptions(
        timezone=settings.scheduler.timezone,
        default_locale=settings.i18n.default_locale,
        target_growth=Decimal(p.target_growth),
        complaint_sla_hours=p.complaint_sla_hours,
        complaint_sla_by_category=tuple(p.complaint_sla_hours_by_category.items()),
        complaint_sla_by_urgency=tuple(p.complaint_sla_hours_by_urgency.items()),
        complaint_sla_warn_fraction=p.complaint_sla_warn_fraction,
        complaint_sla_warn_hours=p.complaint_sla_warn_hours,
        contract_notice_days=p.contract_notice_days,
        severe_price_gap=Decimal(p.severe_price_gap),
        report_edit_hours=p.report_edit_hours,
        form_ttl_minutes=p.form_ttl_minutes,
        invite_ttl_hours=p.invite_ttl_hours,
        invite_attempts_per_hour=p.invite_attempts_per_hour,
        question_digest_minutes=p.question_digest_minutes,
        user_rate_per_minute=p.user_rate_per_minute,
        user_burst=p.user_burst,
        approval_chains=tuple((k, tuple(v)) for k, v in settings.approvals.chains.items()),
        approval_sla_hours=settings.approvals.sla_hours,
        approval_remind_fraction=settings.approvals.remind_fraction,
        exception_second_step_gap=Decimal(settings.approvals.exception_second_step_gap),
    )


@dataclass
class App:
    settings: Settings
    engine: Engine
    uow_factory: SqlAlchemyUnitOfWorkFactory
    clock: Clock
    options: CoreOptions
    conversation: Conversation
    router: Router
    jobs: Jobs

    def close(self) -> None:
        self.engine.dispose()


def build_app(
    settings: Settings, *, clock: Clock | None = None, migrate: bool = True, engine=None
) -> App:
    engine = engine or make_engine(settings.database.url, echo=settings.database.echo)
    if migrate:
        upgrade(settings.database.url, engine=engine)
    uow_factory = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
    clock = clock or SystemClock()
    options = core_options(settings)
    installed = contexts.build()
    conversation = Conversation(uow_factory, clock, options, installed.router)
    return App(
        settings,
        engine,
        uow_factory,
        clock,
        options,
        conversation,
        installed.router,
        installed.jobs,
    )
