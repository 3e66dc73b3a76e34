"""Diagnosis benchmark: rules-engine throughput and the latency the Kimi path adds.

1. Rules engine: diagnoses per second over the inputs of evals/cases (30 real gateway failure
   modes), against a baseline of one compiled regex search per input (the floor of any matcher).
   Redaction throughput is printed too (it runs on every prompt).
2. Kimi path: `KimiClient.diagnose` (redaction, prompt, openai SDK, JSON validation) against a
   local OpenAI-compatible server, vs a bare aiohttp POST of the same prompt to the same server.
   The difference is what the sidecar adds on top of the network round trip.

Run: .venv/bin/python bench/diagnose.py [--seconds 2] [--calls 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
from pathlib import Path

from aiohttp import ClientSession, web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sidecar.clock import SystemClock  # noqa: E402
from sidecar.config import DiagnosisConfig  # noqa: E402
from sidecar.diagnose.evaluate import load_cases  # noqa: E402
from sidecar.diagnose.excerpt import excerpt_to_input  # noqa: E402
from sidecar.diagnose.kimi import KimiClient  # noqa: E402
from sidecar.diagnose.prompt import build_prompt  # noqa: E402
from sidecar.diagnose.rules import load_rules  # noqa: E402
from sidecar.redaction import _apply, redact  # noqa: E402

ANSWER = json.dumps({
    "summary": "Kimi balance exhausted", "root_cause": "429 exceeded_current_quota_error: the balance is used up.",
    "suggested_fix": ["Top up the balance", "Do not retry quota errors"], "severity": "critical",
    "confidence": 0.9, "category": "provider", "evidence": [],
})


def rate(fn, items, seconds: float) -> tuple[float, int]:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for item in items:
            fn(item)
        n += len(items)
    return n / (time.perf_counter() - start), n


def bench_rules(seconds: float) -> None:
    rules = load_rules(ROOT / "rules/diagnoses.yaml")
    inputs = [excerpt_to_input(c.log, c.record_line, c.id) for c in load_cases(ROOT / "evals/cases")]
    floor = re.compile(r"keepalive ping timeout", re.IGNORECASE)
    base, _ = rate(lambda i: floor.search(i.traceback), inputs, seconds / 2)
    r, n = rate(rules.diagnose, inputs, seconds)
    lines = [ln for i in inputs for ln in i.lines()]
    cold, _ = rate(lambda ln: _apply(ln, None), lines, seconds / 2)  # every line new to the redactor
    warm, _ = rate(redact, lines, seconds / 2)  # the same lines again: short ones come from its cache
    print(f"rules engine: {r:,.0f} diagnoses/s ({n:,} diagnoses, {len(rules)} rules, {len(inputs)} distinct inputs)")
    print(f"  baseline one-regex search: {base:,.0f} inputs/s -> rules engine costs {base / r:.1f}x the floor")
    print(f"  redaction: {cold:,.0f} log lines/s uncached, {warm:,.0f} lines/s with repeats (cache)")


async def bench_kimi(calls: int) -> None:
    async def handler(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({
            "id": "x", "object": "chat.completion", "created": 0, "model": "kimi-k2-turbo-preview",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": ANSWER}}],
            "usage": {"prompt_tokens": 900, "completion_tokens": 120, "total_tokens": 1020},
        })

    app = web.Application()
    app.router.add_post("/v1/chat/completions", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base_url = f"http://127.0.0.1:{port}/v1"
    rules = load_rules(ROOT / "rules/diagnoses.yaml")
    case = next(c for c in load_cases(ROOT / "evals/cases") if c.id.startswith("011"))
    inp = excerpt_to_input(case.log, case.record_line, case.id)
    hint = rules.diagnose(inp)
    body = json.dumps({"model": "kimi-k2-turbo-preview", "messages": build_prompt(inp, hint).messages,
                       "response_format": {"type": "json_object"}})
    config = DiagnosisConfig(base_url=base_url, api_key="sk-bench-not-a-secret-0000000000", calls_per_hour=10**9)
    client = KimiClient(config, SystemClock())
    bare, full = [], []
    async with ClientSession() as http:
        for _ in range(20):  # warm both paths
            async with http.post(f"{base_url}/chat/completions", data=body,
                                 headers={"Content-Type": "application/json"}) as resp:
                await resp.read()
            await client.diagnose(inp, hint)
        for _ in range(calls):
            t = time.perf_counter()
            async with http.post(f"{base_url}/chat/completions", data=body,
                                 headers={"Content-Type": "application/json"}) as resp:
                json.loads(await resp.read())
            bare.append(time.perf_counter() - t)
            t = time.perf_counter()
            await client.diagnose(inp, hint)
            full.append(time.perf_counter() - t)
    await client.close()
    await runner.cleanup()

    def ms(xs: list[float], q: float) -> float:
        return 1000 * statistics.quantiles(xs, n=100)[int(q) - 1]

    print(f"kimi path vs bare HTTP round trip to the same local server ({calls} calls each, prompt {len(body):,} bytes):")
    print(f"  bare aiohttp POST: p50 {ms(bare, 50):.2f} ms, p95 {ms(bare, 95):.2f} ms")
    print(f"  KimiClient.diagnose (redact + prompt + openai SDK + validate): p50 {ms(full, 50):.2f} ms, "
          f"p95 {ms(full, 95):.2f} ms")
    print(f"  added latency: p50 {ms(full, 50) - ms(bare, 50):.2f} ms "
          f"({statistics.median(full) / statistics.median(bare):.1f}x the bare round trip)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    bench_rules(args.seconds)
    asyncio.run(bench_kimi(args.calls))


if __name__ == "__main__":
    main()
