"""What every CLASSES8 generator varies besides the class's own values, drawn from its seed.

The spec (evals/CLASSES8.md, intro and section I) says the component that logged never decides the category, and that
generators should vary the evidence shapes independently of the error. So a generator draws, from its seed:
- the logger: any module of the same component family of the gateway (research/upstream-gateway.md lists them by
  component: storage, daemon, shim/monitor, providers, tools);
- the wording of the record that carries the traceback (the gateway logs `<what failed>` with exc_info);
- where the evidence sits: 0-3 neutral records of OTHER components (health, metrics, a finished request) placed between
  the context records and the error. A neutral record names no setting, no other actor of the same resource, no
  provider call and no failure, so it must never move the category (the twin of every class against "a record nearby").
The round-8 generators drew none of these (21 of 55 produced one instance whatever the seed: reviewer, round 8).
"""

from __future__ import annotations

import random

STAMP = "2026-12-06 07:00:0"

FAMILIES: dict[str, tuple[str, ...]] = {
    "pg": ("src.storage.pg_direct", "src.storage.conversation_store", "src.storage.usage_ledger",
           "src.daemon.session_store"),
    "rest": ("src.storage.supabase_client", "src.storage.file_registry", "src.storage.conversations",
             "src.tools.upload_tracker"),
    "ws": ("scripts.run_ws_shim", "src.monitoring.resilient_websocket", "src.monitoring.ws_auditor"),
    "daemon": ("src.daemon.ws_server", "src.daemon.connection_manager", "src.daemon.session_hub"),
    "kimi": ("src.providers.kimi_chat", "src.providers.kimi", "src.providers.openai_compatible"),
    "tool": ("tools.smart_file_query", "tools.file_reader", "src.tools.smart_file_analyze"),
    "download": ("src.tools.smart_file_download", "src.tools.web_fetch", "src.daemon.outbound_http"),
    "startup": ("src.daemon.startup", "src.daemon.main", "src.server"),
    "migrate": ("src.ops.migrate", "src.storage.migrations", "scripts.apply_migrations"),
    "logging": ("src.logging_infrastructure.queue_logging", "src.logging_infrastructure.async_handler",
                "src.core.log_pipeline"),
}

# what a failing call is logged as, per family ({x} is the object of the call, drawn by the generator)
WORDINGS: dict[str, tuple[str, ...]] = {
    "pg": ("query failed", "database call failed", "could not persist {x}", "select on {x} failed",
           "[DB] {x} write aborted"),
    "rest": ("supabase query failed", "supabase select failed", "could not load {x}", "[SUPABASE] {x} request failed"),
    "ws": ("connect to {x} failed", "session ended", "websocket to {x} lost", "[WS] {x}: reconnect scheduled"),
    "daemon": ("broadcast failed", "handler error", "tool call dispatch failed", "[DAEMON] {x} failed"),
    "kimi": ("Kimi chat failed (model: {x})", "provider call failed: kimi/{x}", "[PROVIDER] kimi {x} error"),
    "tool": ("reading {x} failed", "parsing {x} failed", "tool smart_file_query could not open {x}"),
    "download": ("download of {x} failed", "fetch {x} failed", "[HTTP] GET {x} aborted"),
    "startup": ("startup failed", "daemon failed to start", "initialisation of {x} failed"),
    "migrate": ("maintenance step failed", "migration {x} failed", "startup migration failed"),
    "logging": ("log record dropped", "could not enqueue log record", "logging pipeline error in {x}"),
}

NEUTRAL = (
    "src.monitoring.health: health check ok (uptime {n} s)",
    "src.metrics.exporter: scraped {n} series in 38 ms",
    "src.core.request_log: [req:{h}] tool chat_with_files completed in {n} ms",
    "src.daemon.heartbeat: heartbeat {n} sent",
    "src.cache.lru: evicted {n} entries (size limit not reached)",
)


def logger_of(rng: random.Random, family: str) -> str:
    return rng.choice(FAMILIES[family])


def worded(rng: random.Random, family: str, x: str = "the record") -> str:
    return rng.choice(WORDINGS[family]).format(x=x)


def neutral(rng: random.Random, most: int = 3) -> list[str]:
    """0..most neutral records of other components (see the module docstring)."""
    return [f"{STAMP}{rng.randrange(1, 9)} INFO " + rng.choice(NEUTRAL).format(n=rng.randrange(10, 9999),
                                                                                h=f"{rng.randrange(16**8):08x}")
            for _ in range(rng.randrange(most + 1))]


def spread(rng: random.Random, before: list[str], error: str) -> str:
    """The context records, neutral records in between and after them, then the error record (an excerpt)."""
    out: list[str] = []
    for rec in before:
        out.extend(neutral(rng, 1))
        out.append(rec)
    out.extend(neutral(rng))
    return "\n".join([*out, error])
