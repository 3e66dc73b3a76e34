"""A 404 for an id our code took from a field of ANOTHER kind is the code's, not the remote's state (origin.misplaced_id).

The real openai SDK calls a local server that answers Moonshot's 404 resource_not_found_error for every resource
(files, batches, models); httpx's own "HTTP Request:" line and the application's record before it are logged as
the gateway logs them. Generated over seeds: the id's shape, the field it came from (continuation_id, session_id,
request_id, ...), the resource call and the other fields of the record. Near-misses: the id came from a field of
the resource's own kind (file_id for a file: the remote's state may be the cause), or no record names the id.
"""

from __future__ import annotations

import random
import string
from collections.abc import Awaitable, Callable
from typing import Any

import openai
import pytest
from aiohttp import web

from tests.diagnose.logged import diagnose, logged, text_of
from tests.helpers import serving

SEEDS = range(5)
OTHER_FIELDS = ["continuation_id", "session_id", "request_id", "conversation_id", "thread_id", "trace_id", "job_id"]
CALLS: dict[str, Callable[[openai.AsyncOpenAI, str], Awaitable[Any]]] = {
    "file": lambda c, i: c.files.content(i),
    "file-meta": lambda c, i: c.files.retrieve(i),
    "batch": lambda c, i: c.batches.retrieve(i),
    "model": lambda c, i: c.models.retrieve(i),
}
OWN_FIELD = {"file": "file_id", "file-meta": "file_id", "batch": "batch_id", "model": "model"}


def _id(rng: random.Random) -> str:
    body = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(rng.randint(12, 22)))
    return rng.choice(["", "conv-", "sess_", "d4", "req-"]) + body


async def _failed(id_: str, call: str, before: str) -> str:
    seen: list[str] = []

    async def not_found(request: web.Request) -> web.StreamResponse:
        seen.append(f"{request.method} {request.url}")
        return web.json_response({"error": {"message": "file not found", "type": "resource_not_found_error"}},
                                 status=404)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", not_found)
    async with serving(app) as port:
        client = openai.AsyncOpenAI(api_key="sk-test", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
        try:
            await CALLS[call](client, id_)
        except openai.NotFoundError:
            line = logged("src.tools.kimi_files", "[req:91ad3e02] fetching from Kimi failed", (before,))
        else:
            pytest.fail("the call did not fail")
        finally:
            await client.close()
    # httpx's INFO request line (its format, httpx/_client.py) for the request the server saw, logged between the
    # application's record and its error record as in a gateway log with httpx at INFO
    head, _, rest = line.partition("\n")
    request = f'{head[:19]} INFO httpx: HTTP Request: {seen[-1]} "HTTP/1.1 404 Not Found"'
    return "\n".join([head, request, rest])


def _record(rng: random.Random, key: str, id_: str) -> str:
    others = [f"{k}={_id(rng)}" for k in rng.sample([k for k in OTHER_FIELDS if k != key], 2)]
    pairs = [f"{key}={id_}", *others]
    rng.shuffle(pairs)
    return f"kimi_chat_with_files: uploaded {rng.randint(1, 4)} files, " + ", ".join(pairs)


@pytest.mark.parametrize("seed", SEEDS)
async def test_an_id_taken_from_a_field_of_another_kind_is_the_codes_404(seed: int) -> None:
    rng = random.Random(seed)
    id_, key, call = _id(rng), rng.choice(OTHER_FIELDS), rng.choice(sorted(CALLS))
    d = diagnose(await _failed(id_, call, _record(rng, key, id_)))
    said = text_of(d)
    assert d.category == "code" and d.confidence <= 0.5 and key in said, (seed, call, key, d.rule, d.summary)
    assert not [w for w in ("expired", "deleted", "GLM") if w in said], said


@pytest.mark.parametrize("seed", SEEDS)
async def test_an_id_from_the_resources_own_field_or_no_record_keeps_the_remotes_answer(seed: int) -> None:
    rng = random.Random(seed)
    id_, call = _id(rng), rng.choice(sorted(CALLS))
    own = _record(rng, OWN_FIELD[call], id_)
    unrelated = _record(rng, rng.choice(OTHER_FIELDS), _id(rng))  # the field holds another value than the request's
    for before in (own, unrelated):
        d = diagnose(await _failed(id_, call, before))
        assert d.category != "code" and "origin:field" not in (d.rule or ""), (seed, call, before, d.rule, d.summary)
