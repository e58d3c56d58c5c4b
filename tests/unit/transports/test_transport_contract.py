"""Every transport implements the whole contract of bot/transports/base.py, and nothing
else is needed to be one."""

from __future__ import annotations

import inspect

import pytest

from bot.transports.base import Transport
from bot.transports.console.service import ConsoleTransport
from bot.transports.feishu.service import FeishuService
from bot.transports.slack.service import SlackService
from bot.transports.telegram.service import TelegramService

TRANSPORTS = [ConsoleTransport, TelegramService, SlackService, FeishuService]
RATES = ("outbox_rate", "per_chat_interval")


def missing_parts(cls: type) -> list[str]:
    """The parts of the contract `cls` does not implement itself."""
    missing = []
    if not issubclass(cls, Transport):
        return ["Transport (not declared)"]
    if not isinstance(getattr(cls, "platform", None), str):
        missing.append("platform")
    for rate in RATES:
        value = getattr(cls, rate, None)
        if not isinstance(value, int | float) or value < 0:
            missing.append(rate)
    for name in sorted(Transport.__abstractmethods__):
        method = getattr(cls, name)
        if getattr(method, "__isabstractmethod__", False):
            missing.append(name)
        elif inspect.iscoroutinefunction(getattr(Transport, name)) != (
            inspect.iscoroutinefunction(method)
        ):
            missing.append(f"{name} (async or not as the contract says)")
    return missing


@pytest.mark.parametrize("cls", TRANSPORTS, ids=lambda c: c.__name__)
def test_each_transport_implements_the_whole_contract(cls):
    assert missing_parts(cls) == []
    assert not inspect.isabstract(cls)


def test_the_contract_check_finds_a_missing_part():
    class Halfway(Transport):
        platform = "halfway"
        outbox_rate = 5.0

        async def run(self, stop) -> None: ...

        def send(self, chat_id, reply) -> None: ...  # not async

    assert missing_parts(Halfway) == [
        "per_chat_interval",
        "dedupe_key",
        "render",
        "send (async or not as the contract says)",
        "to_inbound",
    ]
    assert missing_parts(object) == ["Transport (not declared)"]


def test_the_platforms_differ():
    assert len({cls.platform for cls in TRANSPORTS}) == len(TRANSPORTS)
