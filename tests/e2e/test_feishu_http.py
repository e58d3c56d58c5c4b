"""`mode = "http"`: Feishu's signed, encrypted callbacks posted to the bot, answered once."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import time

import aiohttp
import pytest
from Crypto.Cipher import AES

from bot.transports.feishu.callback import EVENTS_PATH, signature
from tests.e2e.feishu_world import start_world
from tests.support import invite, seed_catalog

ENCRYPT_KEY = "test-encrypt-key"
TOKEN = "v-token"  # what the fake puts in each event's header


def encrypt(body: dict, key: str = ENCRYPT_KEY) -> bytes:
    plain = json.dumps(body, ensure_ascii=False).encode("utf-8")
    pad = 16 - len(plain) % 16
    iv = os.urandom(16)
    cipher = AES.new(hashlib.sha256(key.encode()).digest(), AES.MODE_CBC, iv)
    sealed = iv + cipher.encrypt(plain + bytes([pad]) * pad)
    return json.dumps({"encrypt": base64.b64encode(sealed).decode()}).encode()


def headers(raw: bytes, key: str = ENCRYPT_KEY) -> dict[str, str]:
    ts, nonce = str(int(time.time())), "n0nce"
    return {
        "Content-Type": "application/json",
        "X-Lark-Request-Timestamp": ts,
        "X-Lark-Request-Nonce": nonce,
        "X-Lark-Signature": signature(ts, nonce, key, raw),
    }


@pytest.fixture
async def world(db, clock):
    seed_catalog(db.uow_factory)
    world, shutdown = await start_world(
        db,
        clock,
        mode="http",
        listen="127.0.0.1:0",
        encrypt_key=ENCRYPT_KEY,
        verification_token=TOKEN,
    )
    world.http = aiohttp.ClientSession()
    yield world
    await world.http.close()
    await shutdown()


async def post(world, raw: bytes, head: dict[str, str]) -> tuple[int, dict]:
    url = f"http://127.0.0.1:{world.service.port}{EVENTS_PATH}"
    async with world.http.post(url, data=raw, headers=head) as resp:
        return resp.status, await resp.json()


async def test_the_url_verification_is_answered_with_its_challenge(world):
    raw = encrypt({"challenge": "c-123", "token": TOKEN, "type": "url_verification"})
    assert await post(world, raw, {"Content-Type": "application/json"}) == (
        200,
        {"challenge": "c-123"},
    )


async def test_a_signed_encrypted_event_is_answered_once_though_posted_twice(world, clock):
    body = world.fake.message_event(
        "ou_dealer",
        "text",
        {"text": f"/start {invite(world.app.uow_factory, clock, dealer='D001')}"},
    )
    raw = encrypt(body)
    assert (await post(world, raw, headers(raw)))[0] == 200
    await world.fake.wait_for(lambda: len(world.fake.to("ou_dealer")) == 1)
    again = encrypt(body)  # Feishu's retry after 15 s
    assert (await post(world, again, headers(again)))[0] == 200
    await asyncio.sleep(0.5)
    [answer] = world.fake.to("ou_dealer")
    assert "华西医疗" in answer.text
    with world.app.uow_factory() as uow:
        assert uow.identities.find("feishu", "tenant1:ou_dealer").dealer_code == "D001"


async def test_a_bad_signature_or_token_is_refused_without_effect(world, clock):
    body = world.fake.message_event("ou_dealer", "text", {"text": "/help"})
    raw = encrypt(body)
    assert (await post(world, raw, headers(raw, key="not-the-key")))[0] == 401
    body["header"]["token"] = "not-the-token"
    raw = encrypt(body)
    assert (await post(world, raw, headers(raw)))[0] == 401
    assert (await post(world, b"{}", {"Content-Type": "application/json"}))[0] == 401
    await asyncio.sleep(0.3)
    assert world.fake.shown == []
