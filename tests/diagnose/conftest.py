"""Fixtures for the diagnosis tests: a scripted OpenAI-compatible server, a clock that records
sleeps, and helpers that seed error groups into a real SQLite store."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from aiohttp import web

from sidecar.clock import ManualClock, utc
from sidecar.config import DiagnosisConfig
from sidecar.store.base import Store
from tests.helpers import serving

GOOD_ANSWER = {
    "summary": "Supabase schema is missing column upload_method on provider_file_uploads",
    "root_cause": "The migration adding upload_method was not applied; PostgREST answers PGRST204.",
    "suggested_fix": ["ALTER TABLE provider_file_uploads ADD COLUMN upload_method TEXT", "NOTIFY pgrst, 'reload schema'"],
    "severity": "high",
    "confidence": 0.9,
    "category": "storage",
    "evidence": ["this line was never in the input", "PGRST204"],
}


@dataclass
class Reply:
    status: int = 200
    content: str | None = None  # the assistant message content (status 200)
    body: Any = None  # a raw JSON body (errors)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    html: str | None = None  # a 200 that is not JSON (a proxy's page)
    prompt_tokens: int = 120
    completion_tokens: int = 80


def good(answer: dict[str, Any] | None = None, **kw: Any) -> Reply:
    return Reply(content=json.dumps(answer or GOOD_ANSWER), **kw)


def error(status: int, type_: str, message: str = "error", **kw: Any) -> Reply:
    return Reply(status=status, body={"error": {"type": type_, "message": message}}, **kw)


class FakeLLM:
    """`POST /v1/chat/completions` answering from a per-test script; records every request body."""

    def __init__(self) -> None:
        self.script: deque[Reply] = deque()
        self.default: Reply | None = None
        self.requests: list[dict[str, Any]] = []
        self.raw_bodies: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.base_url = ""
        self.hold: asyncio.Event | None = None  # when set, requests wait for it (to make a burst overlap)

    def then(self, *replies: Reply) -> FakeLLM:
        self.script.extend(replies)
        return self

    async def handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.text()
        self.raw_bodies.append(raw)
        self.requests.append(json.loads(raw))
        self.headers.append(dict(request.headers))
        if self.hold is not None:
            await self.hold.wait()
        reply = self.script.popleft() if self.script else self.default
        if reply is None:
            return web.json_response({"error": {"type": "test_error", "message": "script exhausted"}}, status=500)
        if reply.delay:
            await asyncio.sleep(reply.delay)  # the server being slow, not the test waiting for time
        if reply.status != 200:
            return web.json_response(reply.body, status=reply.status, headers=reply.headers)
        if reply.html is not None:
            return web.Response(text=reply.html, content_type="text/html")
        body = {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": 1_763_900_000,
            "model": self.requests[-1].get("model", "kimi"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": reply.content}}],
            "usage": {"prompt_tokens": reply.prompt_tokens, "completion_tokens": reply.completion_tokens,
                      "total_tokens": reply.prompt_tokens + reply.completion_tokens},
        }
        return web.json_response(body, headers=reply.headers)


@pytest.fixture
async def fake_llm(free_port: int) -> AsyncIterator[FakeLLM]:
    fake = FakeLLM()
    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_post("/v1/chat/completions", fake.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", free_port)
    await site.start()
    fake.base_url = f"http://127.0.0.1:{free_port}/v1"
    try:
        yield fake
    finally:
        if fake.hold is not None:
            fake.hold.set()
        await runner.cleanup()


class RecordingClock(ManualClock):
    """A manual clock whose sleep returns at once after moving time forward (and records the wait)."""

    def __init__(self, start: float = 1_763_900_000.0) -> None:
        super().__init__(start)
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)


@pytest.fixture
def rclock() -> RecordingClock:
    return RecordingClock()


def llm_config(base_url: str, **kw: Any) -> DiagnosisConfig:
    values: dict[str, Any] = {"base_url": base_url, "api_key": "sk-test-key-not-a-secret-000000", "timeout": 5.0}
    values.update(kw)
    return DiagnosisConfig(**values)


async def seed_group(
    store: Store,
    fingerprint: str,
    message: str,
    *,
    at: float = 1_763_900_000.0,
    level: str = "ERROR",
    logger: str | None = "src.providers.kimi",
    error_type: str | None = None,
    raw: str | None = None,
    count: int = 1,
    context: list[str] | None = None,
    file: str | None = "/app/logs/ws_daemon.log",
    line: int | None = 100,
    regression_count: int = 0,
) -> None:
    """Insert a group row and one sample the way the errors stage stores them."""
    when: datetime = utc(at)
    await store.db.execute(
        "INSERT INTO error_investigations (id, error_hash, error_message, error_type, error_context, created_at, "
        "occurrence_count, last_occurrence_at, status, level, logger, title, regression_count, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)",
        (f"id-{fingerprint}", fingerprint, message, error_type, {"file": file, "line": line}, when, count, when,
         level, logger, message[:80], regression_count, when),
    )
    data: dict[str, Any] = {}
    if context is not None:
        data["context"] = context
    await store.db.execute(
        "INSERT INTO error_samples (error_hash, seen_at, source, file, line, level, logger, message, raw, data) "
        "VALUES (?, ?, 'test', ?, ?, ?, ?, ?, ?, ?)",
        (fingerprint, when, file, line, level, logger, message, raw or message, data),
    )


def answering(state: dict[str, Any]) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A handler that answers `state["answer"]` = (status, JSON body), or hangs for "hang"."""

    async def answer(request: web.Request) -> web.StreamResponse:
        answer = state["answer"]
        if answer == "hang":
            await asyncio.sleep(5)
        status, body = answer
        return web.json_response(body, status=status)

    return answer


@pytest.fixture
async def provider() -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """A local OpenAI-compatible endpoint; the test sets `answer` = (status, body) or "hang"."""
    state: dict[str, Any] = {"answer": (200, {})}
    app = web.Application()
    app.router.add_post("/v1/chat/completions", answering(state))
    async with serving(app) as port:
        yield f"http://127.0.0.1:{port}/v1", state
