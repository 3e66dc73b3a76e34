"""Near-miss of CLASSES11 C4 (diagnose/cache_eviction.py), found by the round-12 review: a KeyError our code raised
on a PROVIDER's reply dict, in a window where the cache's periodic stats show evictions (an allkeys-lru cache evicting
is the cache working), the traceback naming the HTTP client's `session` as such code does. The symptom is a key of a dict that never was the cache's; the answer must not be storage.

Generated per seed: the missing reply key, the provider logger, the stats line's spelling (INFO-style `k:v`, logfmt
`k=v`, a `(+N in 60s)` delta or two growing readings)."""

from __future__ import annotations

import random

import pytest

from .logged import diagnose, logged

_LOGGERS = ("src.providers.kimi_chat", "src.providers.glm_chat", "gateway.upstream", "app.llm.client")


def _stats(r: random.Random) -> tuple[str, ...]:
    n = r.randrange(100, 5000)
    return r.choice((
        (f"redis stats maxmemory_policy=allkeys-lru evicted_keys={n} (+{r.randrange(1, 90)} in 60s)",),
        (f"cache stats evicted_keys={n}", f"cache stats evicted_keys={n + r.randrange(1, 50)}"),
        (f"redis INFO maxmemory_policy:allkeys-lru evicted_keys:{n} (+{r.randrange(1, 90)})",)))


def _read_reply(session: object, reply: dict[str, object], key: str) -> object:
    return reply[key]


@pytest.mark.parametrize("seed", range(6))
def test_a_reply_keyerror_beside_the_caches_stats_is_not_eviction(seed: int) -> None:
    r = random.Random(seed)
    key = r.choice(("choices", "usage", "message", "content", "finish_reason", "data"))
    try:
        session = object()  # the HTTP client session the reply came through (aiohttp.ClientSession, httpx.Client)
        _read_reply(session, {"id": f"chatcmpl-{r.randrange(10**6)}", "object": "chat.completion"}, key)
    except KeyError:
        excerpt = logged(r.choice(_LOGGERS), r.choice(("reply could not be parsed", "bad upstream reply",
                                                       "failed to read the completion")), before=_stats(r))
    d = diagnose(excerpt)
    assert d.category != "storage", (d.rule, d.summary)
