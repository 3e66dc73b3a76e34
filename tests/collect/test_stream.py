"""`/api/stream`: a WebSocket of new groups and diagnoses, for the token holder only."""

from __future__ import annotations

import json

import aiohttp

from .conftest import TOKEN, Running
from .test_bad_input import AUTH, EVENT, envelope


async def test_stream_carries_a_new_group_redacted(running: Running):
    planted = "sk-live-Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp"
    event = {**EVENT, "event_id": "b" * 32, "exception": {"values": [{
        **EVENT["exception"]["values"][0], "value": f"token {planted} refused"}]}}
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(f"{running.base}/api/stream",
                                   headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
            hello = await ws.receive_json(timeout=5)
            assert hello["kind"] == "hello" and "group.new" in hello["kinds"]
            async with http.post(f"{running.base}/api/1/envelope/", data=envelope(event), headers=AUTH) as r:
                assert r.status == 200
            message = await ws.receive_json(timeout=10)
            while message["kind"] != "group.new":
                message = await ws.receive_json(timeout=10)
            [group] = await running.groups()
            assert message["data"]["fingerprint"] == group["fingerprint"]
            assert planted not in json.dumps(message)


async def test_stream_refuses_without_the_token_and_across_origins(running: Running):
    url = f"{running.base}/api/stream"
    async with aiohttp.ClientSession() as http:
        for headers, status in (({}, 401), ({"Authorization": "Bearer nope"}, 401)):
            try:
                async with http.ws_connect(url, headers=headers):
                    raise AssertionError("connected without the token")
            except aiohttp.WSServerHandshakeError as exc:
                assert exc.status == status
    async with aiohttp.ClientSession(cookies={"sidecar_token": TOKEN}) as http:
        try:
            async with http.ws_connect(url, headers={"Origin": "https://evil.example"}):
                raise AssertionError("a cross-site page opened the stream with the cookie")
        except aiohttp.WSServerHandshakeError as exc:
            assert exc.status == 403
        async with http.ws_connect(url, headers={"Origin": running.base}) as ws:
            assert (await ws.receive_json(timeout=5))["kind"] == "hello"
