"""Message-only carriers and tool-call spellings (round 11's generated cases).

1. An exception named only in the message (`f"...: {type(e).__name__}: {e}"`, no traceback) is read as the record's
   exception (named_exception.py) when the name resolves to a real exception class: the same real exception logged
   with and without its traceback gets the same category. A capitalised word that is no exception class is not taken.
2. A tool call written "tool call NAME args={...}" ties like "tools/call NAME" (tool_calls.TOOL_CALL_NAME): a user's
   URL that redirects forever (a loopback server redirecting to itself, httpx's own TooManyRedirects) is unknown;
   the same refusal for a setting's URL stays config.
3. A regular expression PostgreSQL refuses (the real server) is the user's only when the call's arguments hold
   expression syntax: a plain search text beside our own pattern keeps code (CLASSES10 H1's twin).
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Callable

import httpx
import psycopg
import pytest
from aiohttp import web

from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.named_exception import named_in_message
from tests.diagnose.logged import diagnose, logged
from tests.helpers import serving


def _json() -> None:
    json.loads("{'single': 'quotes'}")


def _url() -> None:
    httpx.URL("http://example.org:80a/x")


@pytest.mark.parametrize("seed", range(1, 5))
@pytest.mark.parametrize("raise_it", [_json, _url])
def test_an_exception_named_in_the_message_reads_as_the_traceback_does(raise_it: Callable[[], None], seed: int) -> None:
    rng = random.Random(seed)
    logger = rng.choice(("src.storage.audit", "tools.web_fetch", "app.jobs.sync"))
    what = rng.choice(("write failed", "[req:ab12] fetch failed", "could not load entry"))
    try:
        raise_it()
    except Exception as exc:  # noqa: BLE001 - the real library's exception, whatever its class
        with_tb = logged(logger, what)
        bare = logged(logger, f"{what}: {type(exc).__name__}: {exc}").split("\nTraceback")[0]
    a, b = diagnose(with_tb), diagnose(bare)
    assert a.category == b.category, (a.rule, b.rule)
    assert named_in_message(excerpt_to_input(bare)).exception_type is not None


def test_a_capitalised_word_that_is_no_exception_class_is_not_taken() -> None:
    inp = excerpt_to_input("2026-12-06 10:00:00 ERROR tools.chat: Note: Retrying: the model is busy")
    assert named_in_message(inp).exception_type is None


@pytest.fixture
async def looping() -> AsyncIterator[int]:
    async def again(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(str(request.url))

    app = web.Application()
    app.router.add_get("/{tail:.*}", again)
    async with serving(app) as port:
        yield port


@pytest.mark.parametrize("seed", range(1, 4))
async def test_a_users_url_in_a_tool_call_record_is_the_users(looping: int, seed: int) -> None:
    rng = random.Random(seed)
    url = f"http://127.0.0.1:{looping}/post/{rng.randrange(99)}"
    req = f"{rng.randrange(16**6):06x}"
    spelling = rng.choice(("tool call web_fetch args={{'url': '{u}'}}", "tools/call web_fetch (url={u})",
                           "calling tool web_fetch args={{\"url\": \"{u}\"}}"))
    async with httpx.AsyncClient(follow_redirects=True, max_redirects=3) as client:
        try:
            await client.get(url)
        except httpx.TooManyRedirects:
            error = logged("tools.web_fetch", f"[req:{req}] fetch failed")
    call = f"2026-12-06 10:00:00 INFO ws_daemon: [req:{req}] " + spelling.format(u=url)
    d = diagnose("\n".join([call, error]))
    assert d.category == "unknown" and "+user-target" in (d.rule or ""), (seed, d.rule)
    setting = f"2026-12-06 10:00:00 INFO src.core.env_config: ALERT_RELAY_URL={url}"
    assert diagnose("\n".join([setting, error])).category == "config"


@pytest.mark.parametrize("seed", range(1, 4))
async def test_a_refused_regex_is_the_users_only_when_the_arguments_hold_one(pg_dsn: str, seed: int) -> None:
    rng = random.Random(seed)
    pattern = rng.choice(("(error", "[a-", "*oops"))
    req = f"{rng.randrange(16**6):06x}"
    async with await psycopg.AsyncConnection.connect(pg_dsn) as conn:
        try:
            await conn.execute("SELECT 'x' ~ %s", (pattern,))
        except psycopg.errors.InvalidRegularExpression:
            error = logged("src.storage.search", f"[req:{req}] history search failed")
    def call(args: str) -> str:
        return f"2026-12-06 10:00:00 INFO ws_daemon: [req:{req}] tool call search_history args={args}"
    users = diagnose("\n".join([call(repr({"query": pattern})), error]))
    assert users.category == "unknown", users.rule
    ours = diagnose("\n".join([call(repr({"query": rng.choice(("disk full", "timeout kimi", "upload"))})), error]))
    assert ours.category == "code", ours.rule
