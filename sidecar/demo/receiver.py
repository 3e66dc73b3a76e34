"""A local HTTP receiver standing in for chat channels and rollback hooks in the demo.

It records every POST (path, headers, JSON body) and forwards rollout hooks to the simulated
gateway's flag endpoint, as a deploy pipeline would. `GET /received` lists what arrived, so the
end-to-end test can check "exactly one rollback call" through HTTP.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp
from aiohttp import web

log = logging.getLogger(__name__)


class Receiver:
    def __init__(self, gateway_flags_url: str | None = None) -> None:
        self.received: list[dict[str, Any]] = []
        self.gateway_flags_url = gateway_flags_url
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{kind}/{name}", self.h_post)
        app.router.add_get("/received", self.h_list)
        return app

    async def h_post(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        entry = {
            "kind": request.match_info["kind"],
            "name": request.match_info["name"],
            "headers": {k: v for k, v in request.headers.items() if k.lower().startswith(("x-", "idempotency"))},
            "body": body,
        }
        self.received.append(entry)
        if entry["kind"] == "hook" and self.gateway_flags_url and isinstance(body, dict):
            await self._forward(body)
        return web.json_response({"ok": True})

    async def _forward(self, body: dict[str, Any]) -> None:
        assert self._session is not None and self.gateway_flags_url is not None
        try:
            async with self._session.post(self.gateway_flags_url, json=body) as resp:
                await resp.read()
        except aiohttp.ClientError as exc:
            log.warning("could not forward hook to the demo gateway", extra={"error": str(exc)})

    async def h_list(self, request: web.Request) -> web.Response:
        return web.json_response(self.received)

    async def start(self, port: int) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()
