"""The composition root: builds the engine, unit of work, core and transports from config."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine

from bot.config import Settings
from domain.policy.meaning import encoders_named
from domain.shared.clock import Clock, SystemClock
from handlers import contexts
from handlers.core.conversation import Conversation
from handlers.core.jobs import Jobs
from handlers.core.options import CoreOptions
from handlers.core.router import Router
from handlers.policy.knowledge import PolicyKnowledge
from storage.db import make_engine, make_session_factory, upgrade
from storage.uow import SqlAlchemyUnitOfWorkFactory

log = logging.getLogger(__name__)


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

    @property
    def knowledge(self) -> PolicyKnowledge:
        """The policy search index the router keeps for the policy handlers."""
        return self.router.kept_of(PolicyKnowledge)

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
    options = settings.core_options()
    encoders = encoders_named(settings.policy.encoders)
    installed = contexts.build(kept=(PolicyKnowledge(encoders=encoders),))
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
