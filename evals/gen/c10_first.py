"""CLASSES10 A1, F4, G4, H4: generators from the classes' sources (evals/CLASSES10.md), never from the rules.

Each error is raised by the real library in-process (see frames.py); the category follows the doctrine of
evals/TAXONOMY.md ("what must the on-call engineer change"): the ORIGIN of the bad value decides.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import ipaddress
import json
import logging
import math
import ssl
import uuid
from random import Random
from typing import Any

import httpx
import httpx2
import openai

from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame, run_chain
from evals.gen.registry import klass
from evals.gen.render import Record

# --- A1 -------------------------------------------------------------------------------------------------------
# Source: research upstream-gateway.md §1.2 (error codes, SERVICE_UNAVAILABLE / PROVIDER_ERROR at ERROR), §6 rows
# 5, 6, 9 (fallback records); openai `_base_client._make_status_error_from_response` builds the status errors.
_PROVIDERS = {
    "kimi": ("https://api.moonshot.ai/v1", "src.providers.kimi_chat", "kimi-k2-0905-preview"),
    "glm": ("https://api.z.ai/api/paas/v4", "src.providers.glm_chat", "glm-4.6"),
}
_OUTAGES = (  # (status, body) answers of a provider in trouble: overload, 5xx, an edge's plain-text 503
    (429, {"error": {"message": "The engine is currently overloaded, please try again later",
                     "type": "engine_overloaded_error"}}),
    (500, {"error": {"message": "Internal server error", "type": "server_error"}}),
    (503, "upstream connect error or disconnect/reset before headers. reset reason: overflow"),
    (502, "<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>"),
    (429, {"error": {"code": "1302", "message": "High concurrency usage of this API, please reduce concurrency"}}),
)
_AGGREGATE = (
    "[req:{rid}] [SERVICE_UNAVAILABLE] No provider available for {tool}: kimi circuit OPEN (retry in {n}s), "
    "glm circuit OPEN",
    "[req:{rid}] [PROVIDER_ERROR] all providers in the fallback chain failed for {tool} (kimi, glm)",
    "[req:{rid}] Upload failed with both providers. Primary: kimi circuit open, Fallback: glm circuit open",
    "[req:{rid}] [SERVICE_UNAVAILABLE] routing found no healthy provider for model {model}",
)
_BUILDER_BUGS = (  # our request builder's own exceptions (type/attribute errors before any request line)
    ('summary = "Earlier turns: " + trim_history(history, budget)', "trim_history", lambda *a: None),
    ("messages.append(attachment.to_message())", "attachment", None),
    ("payload['tools'] = [t.schema() for t in tools]", "tools", 7),
    ("text = prompt.strip() + footer", "prompt", None),
)


def _status_error(provider: str, status: int, body: Any) -> openai.APIStatusError:
    base, _, _ = _PROVIDERS[provider]
    # the installed openai SDK speaks httpx2 (SP/openai/_base_client.py imports it), not httpx
    req = httpx2.Request("POST", f"{base}/chat/completions")
    resp = httpx2.Response(status, request=req, **({"json": body} if isinstance(body, dict) else {"text": body}))
    client = openai.OpenAI(api_key="sk-test", base_url=base)
    return client._make_status_error_from_response(resp)


def _builder_bug(rng: Random, provider: str) -> BaseException:
    line, name, value = rng.choice(_BUILDER_BUGS)
    env: dict[str, Any] = {name: value, "budget": 4000, "history": [], "footer": "\n"}
    if name == "trim_history":
        env.pop("trim_history")
        env["trim_history"] = value
    return run_chain([
        Frame(f"/app/src/providers/{provider}_chat.py", "chat_completions_create",
              "messages = build_messages(system_prompt, history, prompt)"),
        Frame("/app/src/providers/message_builder.py", "build_messages", line, env),
    ], rng)


@klass("10", "c10-A1")
def a1(rng: Random, twin: bool) -> dict[str, Any]:
    """Every provider's path closed (breaker/fallback); the failures recorded before it decide the category."""
    proj = project_ref(rng)
    rid, tool = req_id(rng), rng.choice(("chat", "kimi_chat", "analyze", "thinkdeep"))
    order = rng.sample(sorted(_PROVIDERS), 2)
    threshold = rng.choice((3, 5))
    carrier = rng.choice(("exception", "message"))
    records: list[Record] = []
    t = rng.uniform(5, 40)
    for provider in order:
        status, body = rng.choice([o for o in _OUTAGES if provider == "glm" or "1302" not in str(o[1])])
        base, logger, model = _PROVIDERS[provider]
        real = _status_error(provider, status, body)
        bug = _builder_bug(rng, provider)
        exc = bug if twin else real
        for i in range(threshold):
            if not twin:
                records.append(Record(t, "INFO", "httpx2",  # httpx2/_client.py logs each request line
                                      f'HTTP Request: POST {base}/chat/completions "HTTP/1.1 {status} '
                                      f'{httpx2.codes.get_reason_phrase(status)}"'))
            records += carry(rng, exc, t + 0.01, logger, f"[req:{req_id(rng)}] {provider} call failed ({model})",
                             carrier if i == 0 else "message")
            t += rng.uniform(1, 9)
        records.append(Record(t, "WARNING", "src.resilience.circuit_breaker_manager",
                              f"circuit {provider} CLOSED -> OPEN after {threshold} consecutive failures "
                              f"(last: {type(exc).__name__})"))
        t += rng.uniform(0.5, 3)
    msg = rng.choice(_AGGREGATE).format(rid=rid, tool=tool, n=rng.choice((30, 60, 120)), model=_PROVIDERS[order[0]][2])
    records.append(Record(t, "ERROR", "src.daemon.error_handling", msg))
    records += noise(rng, rng.randint(2, 6), 0, t + 20, proj)
    if twin:
        return make_case(rng, cls="c10-A1", kind="near-miss", records=records, category="code", severity="high",
                         description="Every provider path closed, but each breaker counted our own request "
                                     "builder's exception (no HTTP request sent): code.",
                         must_mention=[type(exc).__name__], must_not=["provider outage", "overloaded"],
                         axes={"carrier": carrier, "aggregate": msg.split("]")[-1][:24].strip()})
    return make_case(rng, cls="c10-A1", kind="known", records=records, category="provider", severity="high",
                     description="Every provider path closed after each provider's own error answers "
                                 "(overload/5xx): the gateway's aggregate error is a provider symptom.",
                     must_mention=[], must_not=[], axes={"carrier": carrier,
                                                         "aggregate": msg.split("]")[-1][:24].strip()})


# --- F4 -------------------------------------------------------------------------------------------------------
# Source: Lib/logging/__init__.py `_checkLevel`, Lib/ssl.py `TLSVersion`, Lib/codecs.py `lookup`,
# Lib/hashlib.py `new`, Lib/signal.py `Signals`; the name comes from the environment (config) or is a literal in
# our frame (the twin: code).
def _f4_lookups(bad: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    import signal
    return [
        ("LOG_LEVEL", "logging.getLogger().setLevel({v})", "{v}", {"logging": logging}),
        ("EXAI_TLS_MIN_VERSION", "ctx.minimum_version = ssl.TLSVersion[{v}]", "{v}",
         {"ssl": ssl, "ctx": ssl.create_default_context()}),
        ("EXPORT_ENCODING", "codec = codecs.lookup({v})", "{v}", {"codecs": codecs}),
        ("CACHE_KEY_HASH", "digest = hashlib.new({v})", "{v}", {"hashlib": hashlib}),
        ("EXAI_RELOAD_SIGNAL", "loop.add_signal_handler(signal.Signals[{v}], reload)", "{v}",
         {"signal": signal, "loop": None, "reload": None}),
    ]


_F4_BAD = {
    "LOG_LEVEL": ("VERBOSE", "TRACE", "warn ", "Info"),
    "EXAI_TLS_MIN_VERSION": ("TLSv1.2", "TLS1_2", "tls1.3"),
    "EXPORT_ENCODING": ("utf8mb4", "UTF-8-SIG2", "latin-9x"),
    "CACHE_KEY_HASH": ("sha256sum", "xxhash64", "blake3"),
    "EXAI_RELOAD_SIGNAL": ("HUP", "SIGUSR", "sighup"),
}


@klass("10", "c10-F4")
def f4(rng: Random, twin: bool) -> dict[str, Any]:
    """A library's named-constant lookup rejects a name: from a setting (config) or our literal (twin: code)."""
    setting, line, _, env = rng.choice(_f4_lookups(""))
    bad = rng.choice(_F4_BAD[setting])
    module = rng.choice(("src/bootstrap/logging_setup.py", "src/core/env_config.py", "src/daemon/ws_server.py",
                         "src/utils/startup.py"))
    func = rng.choice(("configure", "setup", "apply_settings", "init_runtime"))
    source = repr(bad) if twin else f"os.environ[{setting!r}]"
    env = {**env, "os": type("os", (), {"environ": {setting: bad}})}
    exc = run_chain([Frame("/app/scripts/ws/run_ws_daemon.py", "main", f"{func}(settings)"),
                     Frame("/app" + "/" + module, func, line.format(v=source), env)], rng)
    carrier = rng.choice(("exception", "block", "exception"))
    proj = project_ref(rng)
    records = noise(rng, rng.randint(1, 4), 0, 3, proj)
    start = Record(3.5, "INFO", "src.core.env_config",
                   rng.choice(("loaded settings: {s}={v} KIMI_TIMEOUT_SECS=180 GLM_TIMEOUT_SECS=120",
                               "environment: {s}={v!r} (from .env.docker)", "{s}={v} (EXAI_ENV=docker)"))
                   .format(s=setting, v=bad))
    if not twin:
        records.append(start)
    else:
        records.append(Record(3.5, "INFO", "src.core.env_config",
                              "loaded settings: KIMI_TIMEOUT_SECS=180 GLM_TIMEOUT_SECS=120 (no overrides)"))
    records += carry(rng, exc, 4.0, "ws_daemon", "daemon start-up failed", carrier, level="CRITICAL")
    axes = {"setting": setting, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-F4", kind="near-miss", records=records, category="code", severity="high",
                         description="A library's name lookup rejects a name written as a literal in our own "
                                     "start-up code (no setting holds it): code.",
                         must_mention=[], must_not=[], axes=axes)
    return make_case(rng, cls="c10-F4", kind="known", records=records, category="config", severity="high",
                     description="A library's name lookup rejects a name read from a setting printed at start-up: "
                                 "config.", must_mention=[setting], must_not=[], axes=axes)


# --- G4 -------------------------------------------------------------------------------------------------------
# Source: Lib/json/encoder.py (`allow_nan`, key types, `check_circular`), `default` for unknown types. Twin: the
# value was copied from the provider's reply (a DEBUG record of the reply shows it) -> provider (CLASSES10 K-G4).
def _g4_values(rng: Random) -> list[tuple[str, Any, str]]:
    circ: dict[str, Any] = {}
    circ["self"] = circ
    return [
        ("logprob", math.nan, "NaN"), ("score", math.inf, "Infinity"), ("latency", -math.inf, "-Infinity"),
        ("usage", {("kimi", "k2"): 3}, "{('kimi', 'k2'): 3}"), ("raw", b"\x89PNG", "b'\\x89PNG'"),
        ("seen", {1, 2}, "{1, 2}"), ("created", dt.datetime(2026, 12, 1, 3, 4, 5), "2026-12-01 03:04:05"),
    ]


@klass("10", "c10-G4")
def g4(rng: Random, twin: bool) -> dict[str, Any]:
    """Our JSON writer meets a value the format cannot hold; the value's origin decides (ours: code; reply: provider)."""
    field, value, shown = rng.choice(_g4_values(rng))
    where = rng.choice((("src/cache/semantic_cache.py", "src.cache.semantic_cache", "[SEMANTIC_CACHE] L2 write error"),
                        ("src/monitoring/metrics_export.py", "src.monitoring.metrics_export", "metrics flush failed"),
                        ("utils/observability.py", "utils.observability", "failed to append metrics.jsonl event")))
    path, logger, header = where
    strict = rng.random() < 0.6 or isinstance(value, float)  # json.dumps writes NaN unless allow_nan=False
    line = "payload = json.dumps(entry, allow_nan=False)" if strict else "payload = json.dumps(entry)"
    entry = {"model": "kimi-k2-0905-preview", field: value}
    exc = run_chain([Frame(f"/app/{path}", "store", "self._write(key, entry)"),
                     Frame(f"/app/{path}", "_write", line, {"json": json, "entry": entry})], rng)
    rid = req_id(rng)
    provider = rng.choice(("kimi", "glm"))
    records = noise(rng, rng.randint(2, 5), 0, 30, project_ref(rng))
    carrier = rng.choice(("exception", "message"))
    records += carry(rng, exc, 20.0, logger, f"[req:{rid}] {header}", carrier)
    if twin:
        records.append(Record(19.6, "DEBUG", f"src.providers.{provider}_chat",
                              f"[req:{rid}] {provider} reply choices[0] {field}={shown} (copied into cache entry "
                              f"unchanged)"))
    else:
        records.append(Record(19.6, "DEBUG", f"src.providers.{provider}_chat",
                              f"[req:{rid}] {provider} reply ok finish_reason=stop (fields validated)"))
    axes = {"value": field, "carrier": carrier, "writer": logger}
    if twin:
        return make_case(rng, cls="c10-G4", kind="near-miss", records=records, category="provider",
                         severity="medium", description="Our JSON writer fails on a value copied unchanged from the "
                         "provider's reply, which breaks the reply's schema: provider.",
                         must_mention=[], must_not=[], axes=axes)
    return make_case(rng, cls="c10-G4", kind="known", records=records, category="code", severity="medium",
                     description="Our JSON writer fails on a value our own code put in the entry: code.",
                     must_mention=[], must_not=[], axes=axes)


# --- H4 -------------------------------------------------------------------------------------------------------
# Source: Lib/ipaddress.py (strict networks), Lib/datetime.py `fromisoformat`, Lib/uuid.py, httpx/_urlparse.py
# (port), Lib/encodings/idna.py (empty label). A user's value in a tool call -> unknown; twin: a setting -> config.
def _h4_parsers() -> list[tuple[str, str, dict[str, Any], tuple[str, ...], str]]:
    return [
        ("net = ipaddress.ip_network(value)", "allow-list entry", {"ipaddress": ipaddress},
         ("10.0.0.1/24", "192.168.1.7/16", "172.18.0.3/12"), "EXAI_ALLOWED_NETWORKS"),
        ("when = datetime.fromisoformat(value)", "since", {"datetime": dt.datetime},
         ("2026-13-01", "2026-02-30T10:00", "2026-11-31"), "AUDIT_SINCE"),
        ("key = uuid.UUID(value)", "conversation id", {"uuid": uuid},
         ("3f2a-77", "c0ffee-not-a-uuid", "1234567890abcdef123"), "EXAI_TENANT_ID"),
        ("url = httpx.URL(value)", "url", {"httpx": httpx},
         ("http://example.org:80a/x", "http://[::1/x", "https://reports.example.org:8o8o/"), "ALERT_RELAY_URL"),
    ]


@klass("10", "c10-H4")
def h4(rng: Random, twin: bool) -> dict[str, Any]:
    """A strict standard parser rejects a value: a user's (unknown) or a setting's named at start-up (config)."""
    line, what, env, values, setting = rng.choice(_h4_parsers())
    value = rng.choice(values)
    tool = rng.choice(("web_fetch", "net_scan", "audit_query", "conversation_lookup"))
    module = rng.choice((f"tools/{tool}.py", f"src/tools/{tool}.py"))
    exc = run_chain([Frame(f"/app/{module}", "run", "return self._parse(args)"),
                     Frame(f"/app/{module}", "_parse", line, {**env, "value": value})], rng)
    rid = req_id(rng)
    logger = module.removesuffix(".py").replace("/", ".")
    records = noise(rng, rng.randint(2, 5), 0, 40, project_ref(rng))
    carrier = rng.choice(("exception", "message", "block"))
    if twin:
        records.append(Record(1.0, "INFO", "src.core.env_config", f"{setting}={value} (from environment)"))
        records.append(Record(30.0, "INFO", "ws_daemon", f"[req:{rid}] tool call {tool} args={{}}"))
    else:
        records.append(Record(1.0, "INFO", "src.core.env_config", "settings loaded (EXAI_ENV=docker)"))
        records.append(Record(30.0, "INFO", "ws_daemon",
                              f"[req:{rid}] tool call {tool} args={{{what!r}: {value!r}}}"))
    records += carry(rng, exc, 30.2, logger, f"[req:{rid}] invalid {what}", carrier)
    axes = {"parser": line.split("=", 1)[1].split("(")[0].strip(), "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-H4", kind="near-miss", records=records, category="config", severity="medium",
                         description="A strict parser rejects a value that a setting (printed at start-up) holds: "
                                     "config.", must_mention=[setting], must_not=[], axes=axes)
    return make_case(rng, cls="c10-H4", kind="unknown", records=records, category="unknown", severity="low",
                     description="A strict parser rejects a value the user passed in a tool call: unknown.",
                     must_mention=[], must_not=[], axes=axes)
