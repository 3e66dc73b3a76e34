"""Round-10 review: near-miss twins of round-10 mechanisms that decide on weak evidence (strict xfails name the gap).

H2 (user_target.py): the module's docstring and commit e214983 say the URL-level refusal is the user's when the SAME
request's tools/call record carries THE URL the client refused. The code takes any tools/call line with any URL in
the context (a request id is compared only when both lines carry one). Near-miss: our own endpoint (printed by a
setting) loops on redirects while an unrelated user's tool call - another URL, no request id shared - was logged
just before. Nothing ties the two; the answer must stay the twin's config.
"""

from __future__ import annotations

import random

import pytest

from tests.diagnose.classes8_base import _record
from tests.diagnose.classes9_second import at
from tests.diagnose.classes10_gen import _excerpt, _redirect_loop
from tests.diagnose.logged import diagnose

SEEDS = range(6)


def _our_endpoint_after_an_unrelated_tool_call(rng: random.Random) -> str:
    url, run = _redirect_loop(rng)
    name = rng.choice(["ALERTS_WEBHOOK_URL", "KIMI_BASE_URL", "SUPABASE_URL"])
    logger = rng.choice(["src.monitoring.alerts", "src.providers.kimi_chat", "src.storage.supabase_http"])
    error = _record(run, logger, rng.choice(["request failed", "health probe failed"]))
    printed = at(error, 30, "src.core.env_config", f"environment: {name}={url}")
    other = f"https://{rng.choice(['docs.example.org', 'blog.example.net', 'wiki.example.com'])}/{rng.randrange(10**6)}"
    tool = rng.choice(["web_fetch", "url_preview", "smart_file_download"])
    req = f"{rng.randrange(16**8):08x}"
    call = at(error, rng.choice([0.2, 1.5, 4.0]), "src.daemon.ws_server", f"[req:{req}] tools/call {tool} (url={other})")
    return _excerpt(rng, [printed, call], error)


@pytest.mark.xfail(strict=True, reason="user_target.py takes any tools/call URL in the context, not the refused one "
                   "(4 of seeds 0-5 answered unknown on 085f988)")
def test_our_endpoint_loop_stays_config_beside_an_unrelated_tool_call() -> None:
    wrong = [(seed, d.category, d.rule) for seed in SEEDS
             for d in [diagnose(_our_endpoint_after_an_unrelated_tool_call(random.Random(seed)))] if d.category != "config"]
    assert not wrong, wrong
