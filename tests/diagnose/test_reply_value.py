"""Our JSON writer refusing a value the provider's reply carried is the provider's broken reply (reply_value.py,
CLASSES10 G4's twin); a value of our own making stays code.

Real refusals: json.dumps raising for bytes, a set, a datetime (default) and a non-finite float (allow_nan=False),
logged by varied writers. The reply record varies: the provider (Kimi or GLM logger and model), the field, the
format. Twins that must keep code: the reply record shows validated fields only; the value sits in another
request's reply; the value is printed by a record of ours, not the provider's.
"""

from __future__ import annotations

import json
import random
from datetime import datetime

import pytest

from tests.diagnose.logged import diagnose, logged

VALUES: tuple[tuple[object, str, bool], ...] = (
    (b"\x89PNG", "raw=b'\\x89PNG'", False), ({1, 2}, "seen={1, 2}", False),
    (datetime(2026, 12, 1, 3, 4, 5), "created=2026-12-01 03:04:05", False), (float("inf"), "score=Infinity", True),
    (float("-inf"), "latency=-Infinity", True),
)
PROVIDERS = (("src.providers.kimi_chat", "kimi"), ("src.providers.glm_chat", "glm"))
WRITERS = (("src.cache.semantic_cache", "[SEMANTIC_CACHE] L2 write error"),
           ("utils.observability", "failed to append metrics.jsonl event"),
           ("src.monitoring.metrics_export", "metrics flush failed"))


def _excerpt(rng: random.Random, k: int, reply_line: str, req: str) -> str:
    value, _, strict = VALUES[k]
    logger, message = rng.choice(WRITERS)
    try:
        json.dumps({"v": value}, allow_nan=not strict)
    except (TypeError, ValueError):
        text = logged(logger, f"[req:{req}] {message}")
    else:
        raise AssertionError("json.dumps accepted the value")
    return "\n".join([reply_line, "2026-12-06 10:00:01" + text[19:]])


@pytest.mark.parametrize("seed", range(1, 7))
def test_a_refused_value_from_the_providers_reply_is_the_provider(seed: int) -> None:
    rng = random.Random(seed)
    k = rng.randrange(len(VALUES))
    shown = VALUES[k][1]
    logger, name = rng.choice(PROVIDERS)
    req, other = f"{rng.randrange(16**6):06x}", f"{rng.randrange(16**6):06x}"

    def reply(text: str, r: str = req, who: str = logger) -> str:
        return f"2026-12-06 10:00:00 DEBUG {who}: [req:{r}] {name} reply choices[0] {text}"

    def case(line: str) -> str:
        return _excerpt(random.Random(seed), k, line, req)  # the value the reply shows (VALUES[k]) refused

    d = diagnose(case(reply(f"{shown} (copied into cache entry unchanged)")))
    assert d.category == "provider" and d.confidence < 0.6, (seed, d.rule, d.summary)

    for twin in (reply("ok finish_reason=stop (fields validated)"), reply(shown, r=other),
                 f"2026-12-06 10:00:00 DEBUG src.cache.semantic_cache: [req:{req}] entry prepared {shown}"):
        t = diagnose(case(twin))
        assert t.category == "code" and "+reply-value" not in (t.rule or ""), (seed, twin, t.rule)
