"""Diagnosis with an LLM in the loop: time to the rules' answer when the LLM hangs, and prompt sizes.

1. Time to rules diagnosis: N groups (the eval cases' errors) are announced on the bus of a real
   DiagnosisService over a real SQLite store, its LLM a local OpenAI-compatible server that accepts
   every request and never answers. Measured: seconds from the announcement until each group has
   a stored diagnosis. Baseline in the same run: the same service with no LLM configured.
2. Prompt sizes: every eval case (evals/cases) stored as a group in one SQLite store (first seen
   30 s apart, so neighbours exist), its surroundings read and the prompt built (current version)
   vs the v1 prompt of the same inputs without surroundings (the baseline).

Run: .venv/bin/python bench/diagnose_llm.py [--groups 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sidecar.bus import GROUP_NEW, Bus  # noqa: E402
from sidecar.clock import SystemClock, utc  # noqa: E402
from sidecar.config import DiagnosisConfig  # noqa: E402
from sidecar.diagnose.context import input_from_store  # noqa: E402
from sidecar.diagnose.evaluate import load_cases  # noqa: E402
from sidecar.diagnose.excerpt import excerpt_to_input  # noqa: E402
from sidecar.diagnose.kimi import KimiClient  # noqa: E402
from sidecar.diagnose.model import DiagnosisInput  # noqa: E402
from sidecar.diagnose.prompt import PROMPT_VERSION, build_prompt  # noqa: E402
from sidecar.diagnose.rules import load_rules  # noqa: E402
from sidecar.diagnose.service import DiagnosisService  # noqa: E402
from sidecar.diagnose.surroundings import gather  # noqa: E402
from sidecar.store.base import Store  # noqa: E402
from sidecar.store.sqlite import open_sqlite  # noqa: E402
from sidecar.telemetry import Telemetry  # noqa: E402

T0 = 1_763_900_000.0


def inputs() -> list[DiagnosisInput]:
    return [excerpt_to_input(c.log, c.record_line, f"{i:032x}") for i, c in enumerate(load_cases(ROOT / "evals/cases"))]


async def seed(store: Store, inp: DiagnosisInput, at: float) -> None:
    when = utc(at)
    await store.db.execute(
        "INSERT INTO error_investigations (id, error_hash, error_message, error_type, error_context, created_at, "
        "occurrence_count, last_occurrence_at, status, level, logger, title, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)",
        (f"id-{inp.fingerprint}", inp.fingerprint, inp.message, inp.exception_type, {"file": "/app/logs/app.log"},
         when, 12, utc(at + 300), inp.level, inp.logger, inp.message[:80], when))
    await store.db.execute(
        "INSERT INTO error_samples (error_hash, seen_at, source, file, line, level, logger, message, raw, data) "
        "VALUES (?, ?, 'bench', '/app/logs/app.log', 1, ?, ?, ?, ?, ?)",
        (inp.fingerprint, when, inp.level, inp.logger, inp.message, inp.traceback, {"context": list(inp.context)}))


RECEIVED: list[int] = []


async def hanging_server() -> tuple[web.AppRunner, str, asyncio.Event]:
    release = asyncio.Event()

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        RECEIVED.append(1)
        await release.wait()
        return web.json_response({"error": {"message": "released"}}, status=503)

    app = web.Application()
    app.router.add_post("/v1/chat/completions", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/v1", release


async def time_to_rules(groups: list[DiagnosisInput], base_url: str | None) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_sqlite(str(Path(tmp) / "bench.db"))
        try:
            for i, inp in enumerate(groups):
                await seed(store, inp, T0 + 30 * i)
            clock = SystemClock()
            telemetry = Telemetry()
            cfg = DiagnosisConfig(base_url=base_url or "http://127.0.0.1:9/v1", api_key="sk-bench-not-a-secret-0000")
            llm = KimiClient(cfg, clock, telemetry) if base_url else None
            svc = DiagnosisService(config=cfg, store=store, bus=Bus(), clock=clock, rules=load_rules(ROOT / "rules/diagnoses.yaml"),
                                   llm=llm, telemetry=telemetry, owner="bench")
            await svc.start()
            start = time.perf_counter()
            for inp in groups:
                svc.bus.publish(GROUP_NEW, clock.time(), fingerprint=inp.fingerprint, count=1, level="ERROR")
            done: dict[str, float] = {}
            while len(done) < len(groups) and time.perf_counter() - start < 150:
                rows = await store.db.fetchall(
                    "SELECT error_hash FROM error_investigations WHERE diagnosis_source IS NOT NULL")
                now = time.perf_counter() - start
                for r in rows:
                    done.setdefault(r["error_hash"], now)
                await asyncio.sleep(0.005)
            await svc.stop()
            return sorted(done.values()) + [float("inf")] * (len(groups) - len(done))
        finally:
            await store.close()


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


async def prompt_sizes(groups: list[DiagnosisInput]) -> tuple[list[int], list[int]]:
    rules = load_rules(ROOT / "rules/diagnoses.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_sqlite(str(Path(tmp) / "bench.db"))
        try:
            for i, inp in enumerate(groups):
                await seed(store, inp, T0 + 30 * i)
            now, base = [], []
            for inp in groups:
                stored = await input_from_store(store, inp.fingerprint)
                assert stored is not None
                stored.context = inp.context
                hint = rules.diagnose(stored)
                base.append(len(build_prompt(stored, hint, version="diagnose-v1").messages[1]["content"]))
                stored.surroundings = await gather(store, stored)
                now.append(len(build_prompt(stored, hint).messages[1]["content"]))
            return now, base
        finally:
            await store.close()


def summary(values: list[Any]) -> str:
    return f"p50 {pct(values, 0.5):.3f}, p95 {pct(values, 0.95):.3f}, max {max(values):.3f}"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=40)
    args = parser.parse_args()
    all_inputs = inputs()
    groups = all_inputs[: args.groups]
    runner, url, release = await hanging_server()
    try:
        hang = await time_to_rules(groups, url)
    finally:
        release.set()
        await runner.cleanup()
    base = await time_to_rules(groups, None)
    print(f"time to rules diagnosis, {len(groups)} groups, seconds after the announcement")
    print(f"  LLM hanging : {summary(hang)}; all answered: {max(hang) < float('inf')}; "
          f"LLM requests held: {len(RECEIVED)}")
    print(f"  no LLM      : {summary(base)}")
    print(f"  ratio hang/no-LLM: p50 {pct(hang, .5) / pct(base, .5):.2f}x, max {max(hang) / max(base):.2f}x")
    now, v1 = await prompt_sizes(all_inputs)
    print(f"prompt user message, characters, {len(all_inputs)} eval cases ({PROMPT_VERSION} vs diagnose-v1)")
    print(f"  {PROMPT_VERSION}: p50 {pct(now, .5)}, p95 {pct(now, .95)}, max {max(now)}, mean {statistics.mean(now):.0f}")
    print(f"  diagnose-v1: p50 {pct(v1, .5)}, p95 {pct(v1, .95)}, max {max(v1)}, mean {statistics.mean(v1):.0f}")
    print(f"  ratio p50 {pct(now, .5) / pct(v1, .5):.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
