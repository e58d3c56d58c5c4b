"""The aiohttp request behind python-telegram-bot: fields and files arrive, failures keep
PTB's meaning (a timeout is TimedOut, an unreachable server NetworkError)."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.transports.telegram.http import AiohttpRequest


@pytest.fixture
async def server():
    seen: list[dict] = []

    async def echo(request: web.Request) -> web.Response:
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            fields = {
                k: (v.filename, v.file.read()) if isinstance(v, web.FileField) else v
                for k, v in form.items()
            }
        else:
            fields = dict(await request.post())
        seen.append({"method": request.method, "fields": fields})
        return web.json_response({"ok": True, "result": True})

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_route("*", "/echo", echo)
    app.router.add_route("*", "/slow", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", seen
    await runner.cleanup()


async def test_fields_go_as_a_form_and_files_as_multipart(server):
    url, seen = server
    request = AiohttpRequest()
    await request.initialize()
    try:
        plain = RequestData(
            [
                RequestParameter.from_input("chat_id", 42),
                RequestParameter.from_input("text", "你好"),
            ]
        )
        status, body = await request.do_request(f"{url}/echo", "POST", plain)
        assert status == 200 and json.loads(body)["ok"] is True
        doc = InputFile(b"a,b\n1,2\n", filename="sales.csv")
        with_file = RequestData(
            [
                RequestParameter.from_input("chat_id", 42),
                RequestParameter.from_input("document", doc),
            ]
        )
        await request.do_request(f"{url}/echo", "POST", with_file)
    finally:
        await request.shutdown()
    assert seen[0]["fields"] == {"chat_id": "42", "text": "你好"}
    assert seen[1]["fields"]["chat_id"] == "42"
    assert seen[1]["fields"]["document"] == ("sales.csv", b"a,b\n1,2\n")


async def test_a_slow_answer_is_timed_out(server):
    url, _ = server
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(f"{url}/slow", "POST")
    finally:
        await request.shutdown()


async def test_an_unreachable_server_is_a_network_error():
    request = AiohttpRequest(connect_timeout=1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await request.do_request("http://127.0.0.1:9/none", "POST")
        assert not isinstance(caught.value, TimedOut)
    finally:
        await request.shutdown()


async def test_a_request_before_initialize_is_refused():
    with pytest.raises(RuntimeError):
        await AiohttpRequest().do_request("http://127.0.0.1:9/none", "POST")


async def test_python_telegram_bot_drives_it(server):
    url, seen = server
    bot = Bot("1:T", base_url=f"{url}/", request=AiohttpRequest())
    async with bot.request:
        assert await bot.request.post(f"{url}/echo", RequestData([])) is True
    assert seen[-1]["method"] == "POST"
