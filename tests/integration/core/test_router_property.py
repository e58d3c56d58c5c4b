"""Property: whatever arrives (text, button payloads, from anyone), the router answers with
non-empty text and never an internal error. SQLite only, for speed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.shared.clock import FixedClock
from handlers.core.conversation import Conversation
from handlers.core.forms import CANCEL_PAYLOAD
from handlers.core.i18n import Translator
from handlers.core.messages import Inbound
from tests.conftest import make_database
from tests.support import ROUTER, invite, seed_catalog

USERS = ("stranger", "dealer", "manager", "admin")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    db, close = make_database("sqlite", tmp_path_factory.mktemp("property"))
    db.empty()
    clock = FixedClock(datetime(2026, 7, 17, 2, 0, tzinfo=UTC))
    seed_catalog(db.uow_factory)
    conv = Conversation(db.uow_factory, clock)
    people = {
        "dealer": {"dealer": "D001"},
        "manager": {"manager": "M01"},
        "admin": {"manager": "M02"},
    }
    for user, who in people.items():
        conv.handle(
            Inbound("console", user, user, text=f"/start {invite(db.uow_factory, clock, **who)}")
        )
    yield conv
    close()


def apologies() -> tuple[str, ...]:
    return tuple(
        Translator(locale)("error.internal", ref="\0").split("\0")[0] for locale in ("zh_CN", "en")
    )


def command_lines() -> st.SearchStrategy[str]:

    names = sorted(ROUTER.known_names())
    words = st.sampled_from(["D001", "D002", "A100", "2026-Q3", "open", "zh", "en", "-1", "1e9"])
    args = st.lists(st.one_of(words, st.text(max_size=12)), max_size=4).map(" ".join)
    slash = st.sampled_from(["/", "", "／"])
    return st.builds(lambda s, n, a: f"{s}{n} {a}", slash, st.sampled_from(names), args)


texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1900, max_size=2100),
    command_lines(),
)
payloads = st.one_of(
    st.text(max_size=80),
    st.builds(lambda s: "c:" + s, st.one_of(command_lines(), st.text(max_size=70))),
    st.builds(lambda s: "f:" + s, st.text(max_size=70)),
    st.just(CANCEL_PAYLOAD),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    user=st.sampled_from(USERS),
    text=texts,
    payload=st.one_of(st.none(), payloads),
    language_hint=st.one_of(st.none(), st.sampled_from(["en", "zh-CN", "fr", ""])),
)
def test_no_input_escapes_as_an_error(world, user, text, payload, language_hint):
    inbound = Inbound(
        "console", user, user, text=text, payload=payload, language_hint=language_hint
    )
    replies = world.handle(inbound)
    assert replies, inbound
    for reply in replies:
        assert isinstance(reply.text, str) and reply.text.strip(), inbound
        assert not reply.text.startswith(apologies()), (inbound, reply.text)
