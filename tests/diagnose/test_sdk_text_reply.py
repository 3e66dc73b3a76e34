"""Near-miss twins of sdk_text_reply.py (CLASSES10 A4, the openai SDK's text carrier): the same AttributeError on a
str with no sign that a provider's 2xx reply was handed back as text must keep the code answer.

- our frame reads a reply attribute on a str WE built (a cached text, a template), no request line, no SDK record;
- a 2xx request line before, but the attribute is not one the SDK's reply models carry ('str' has no 'decode').
"""

from __future__ import annotations

import random

import pytest

from tests.diagnose.classes8_base import _record
from tests.diagnose.classes9_second import at
from tests.diagnose.classes10_gen import API_HOSTS, _excerpt
from tests.diagnose.logged import diagnose

SEEDS = range(6)


def _our_str(rng: random.Random, attr: str) -> str:
    logger, _, _ = rng.choice(API_HOSTS)
    cached = rng.choice(["cached reply text", '{"choices": []}', "summary of turn 3"])
    return _record(lambda: getattr(cached, attr), rng.choice([logger, "tools.chat", "src.core.cache"]),
                   rng.choice(["Error in chat", "could not render the reply", "turn failed"]))


@pytest.mark.parametrize("seed", SEEDS)
def test_our_own_str_without_a_reply_record_stays_code(seed: int) -> None:
    rng = random.Random(seed)
    error = _our_str(rng, rng.choice(["choices", "usage", "model_dump"]))
    log = _excerpt(rng, [at(error, 5, "src.core.cache", "cache hit for the turn")], error)
    d = diagnose(log)
    assert "sdk-text" not in (d.rule or "") and d.category == "code", (d.category, d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_an_attribute_no_reply_model_has_stays_code(seed: int) -> None:
    rng = random.Random(seed)
    _, api, _ = rng.choice(API_HOSTS)
    error = _our_str(rng, rng.choice(["decode", "read", "json_body"]))
    ok = at(error, 0.1, "httpx", f'HTTP Request: POST https://{api} "HTTP/1.1 200 OK"')
    d = diagnose(_excerpt(rng, [ok], error))
    assert "sdk-text" not in (d.rule or "") and d.category == "code", (d.category, d.rule, d.summary)
