"""Seeded plantings for the classes fixed in round 9 (issue 18), each with its must-keep twin in the same carrier.

Classes (CLASSES10.md names; the round-8 report left them open):
- A9  a credential as a Prometheus label value under a label name that says nothing: printed by prometheus_client's
      own `generate_latest` (its label escaping), raw or inside a Docker json-file record per line. Twin: model,
      route, status, pod (`<deployment>-<hash>-<id>`), instance, a trace id under `trace_id`, build `revision`.
- A14 a credential as a local in a Sentry event's frame `vars`: the real SDK (sentry_sdk 2.x) captures the exception
      with include_local_variables and a transport that keeps the envelope; the local's name is drawn from names that
      say nothing. Twin: locals that are ids, counts, URLs, model names, digests under `digest`/`sha`.
- B6  a provider's or a container word's name alone as the key (`{"groq": v}`, `DEEPSEEK=v`, YAML `upstreams:`,
      `providers['moonshot'] = v`). Twin: the provider's model/host/region values, a UUID request id, padded base64 of
      a message under `data`/`value`, compound names holding a container word (`user_data`, `default_value`).
      Not covered (decision, providers.py): bare hex or a password under a container word (a digest, a version
      string as often).
- B8  headers named after a product or a protocol (`X-Honeycomb-Team`, `DPoP`, `Cf-Access-Jwt-Assertion`, vendor
      `X-<Product>-Key`-less names) in httpx's `Headers` repr, requests' dict, aiohttp's CIMultiDict repr, a
      `"headers"` JSON member. Twin: X-Request-Id, traceparent, ETag, Content-MD5, Sec-WebSocket-Key, User-Agent,
      a pod-named `X-Served-By`.

    PYTHONPATH=$PWD python -m tests.security.round9_gen --seeds 900-903 [--show A9]
"""

from __future__ import annotations

import json
import random
import string
import uuid
from collections.abc import Callable
from typing import Any

from .secret_gen import AN, HEX, URLSAFE, class_plantings, class_report, leaked, pin_created, rnd

Planting = tuple[str, str]
LOWER_D = string.ascii_lowercase + string.digits
K8S = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery/pkg/util/rand SafeEncodeString: pod names' random parts


def token(r: random.Random) -> str:
    """A generated key in the shapes keys come in (base62, hex at a key's length, lowercase+digits, base64url), or a
    password of both cases with a digit and symbols."""
    k = r.randrange(6)
    if k == 0:
        return rnd(r, AN, r.randint(20, 48))
    if k == 1:
        return rnd(r, HEX, r.choice([32, 40, 64]))
    if k == 2:
        return rnd(r, LOWER_D, r.randint(24, 40)) + r.choice(string.digits)
    if k == 3:
        return rnd(r, URLSAFE, r.randint(32, 48)) + r.choice(string.digits)
    if k == 4:
        return r.choice(string.ascii_uppercase) + rnd(r, string.ascii_lowercase, 3) + rnd(r, AN + "!#$%*_", r.randint(8, 14)) \
            + r.choice(string.digits)
    return r.choice(["sk-", "key-", "gwk_"]) + rnd(r, AN, r.randint(24, 40))


def docker_lines(r: random.Random, text: str) -> str:
    """The text as it reaches the sidecar: raw, or one Docker json-file record per line."""
    if r.random() < 0.5:
        return text
    return "\n".join(json.dumps({"log": line + "\n", "stream": "stdout", "time": "2026-12-06T10:15:03.1Z"})
                     for line in text.splitlines())


# -- A9 ------------------------------------------------------------------------------------------------------------
def _exposition(r: random.Random, labels: dict[str, str]) -> str:
    from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

    reg = CollectorRegistry()
    names = list(labels)
    kind = r.choice([Counter, Gauge])
    metric = kind(r.choice(["upstream_failures", "gateway_requests", "provider_errors", "pool_connections"]),
                  r.choice(["Upstream failures", "Requests by upstream"]), names, registry=reg)
    child = metric.labels(*labels.values())
    child.inc(r.randint(1, 9))
    pin_created(child)
    return generate_latest(reg).decode()


A9_NAMES = ["upstream", "target", "backend", "client", "conn", "pool", "cfg", "endpoint_cfg", "route_override"]


def a9(r: random.Random) -> Planting:
    v = token(r)
    labels = {"model": r.choice(["kimi-k2-0905-preview", "moonshot-v1-128k", "glm-4.5-air"]), r.choice(A9_NAMES): v}
    if r.random() < 0.5:
        labels["status_code"] = r.choice(["401", "403", "429"])
    return docker_lines(r, _exposition(r, dict(r.sample(list(labels.items()), len(labels))))), v


def a9_twin(r: random.Random) -> Planting:
    k = r.randrange(5)
    v = [lambda: f"gateway-{rnd(r, K8S, 10)}-{rnd(r, K8S, 5)}", lambda: rnd(r, HEX, 32),
         lambda: r.choice(["kimi-k2-0905-preview", "gpt-4o-mini-2024-07-18"]), lambda: f"10.0.{r.randint(0, 255)}.7:9090",
         lambda: rnd(r, HEX, 40)][k]()
    name = ["pod", "trace_id", "model", "instance", "revision"][k]
    return docker_lines(r, _exposition(r, {name: v, "route": "/v1/chat/completions", "status_code": "200"})), v


# -- A14 -----------------------------------------------------------------------------------------------------------
_SENTRY_EVENTS: list[dict[str, Any]] = []
_SENTRY_READY = False


def _sentry_event(local_name: str, value: object, others: dict[str, object]) -> str:
    """The event the real SDK builds for an exception raised in a frame with these locals."""
    import sentry_sdk
    from sentry_sdk.transport import Transport

    class Keep(Transport):
        def capture_envelope(self, envelope: Any) -> None:
            _SENTRY_EVENTS.extend(it.payload.json for it in envelope.items if it.type == "event")

    global _SENTRY_READY
    if not _SENTRY_READY:  # one client per process, kept: a test run makes hundreds of events
        sentry_sdk.init(dsn="https://public@o1.ingest.sentry.io/1", transport=Keep, include_local_variables=True,
                        default_integrations=False)
        _SENTRY_READY = True
    _SENTRY_EVENTS.clear()
    scope: dict[str, object] = {local_name: value, **others}
    code = "def call_upstream(" + ", ".join(scope) + "):\n    raise PermissionError('upstream said 401')\n"
    ns: dict[str, Any] = {}
    exec(compile(code, "/app/gw/upstream.py", "exec"), ns)  # noqa: S102 - a frame with exactly these locals
    try:
        ns["call_upstream"](**scope)
    except PermissionError:
        sentry_sdk.capture_exception()
    sentry_sdk.flush()
    event = _SENTRY_EVENTS[-1]
    frames = event["exception"]["values"][0]["stacktrace"]["frames"]
    return json.dumps({"exception": {"values": [{"type": "PermissionError", "stacktrace": {"frames": frames[-1:]}}]}})


A14_NAMES = ["upstream", "creds_for", "cfg_value", "conn", "h", "auth_for", "k", "upstream_cfg", "opts_val"]


def a14(r: random.Random) -> Planting:
    v = token(r)
    value: object = v if r.random() < 0.7 else ("svc-gateway", v)
    others = {"retries": r.randint(1, 5), "model": "kimi-k2-0905-preview", "url": "https://api.moonshot.cn/v1/chat"}
    return _sentry_event(r.choice(A14_NAMES), value, others), v


def a14_twin(r: random.Random) -> Planting:
    k = r.randrange(4)
    name, v = [("request_id", rnd(r, HEX, 32)), ("digest", rnd(r, HEX, 64)), ("model", "kimi-k2-0905-preview"),
               ("trace_id", rnd(r, HEX, 32))][k]
    return _sentry_event(name, v, {"retries": 3, "url": "https://api.moonshot.cn/v1/chat"}), v


# -- B6 ------------------------------------------------------------------------------------------------------------
UPSTREAM_NAMES = ["openrouter", "fireworks", "deepseek", "moonshot", "groq", "together", "anthropic", "cerebras",
                  "perplexity", "zhipu", "dashscope", "siliconflow", "gemini", "xai"]
CONTAINER_NAMES = ["value", "data", "arg", "payload"]


def _keyed(r: random.Random, name: str, v: str) -> str:
    k = r.randrange(5)
    if k == 0:
        return json.dumps({name: v, "timeout": 30})
    if k == 1:
        return f"{name.upper()}={v}"
    if k == 2:
        return f"upstreams:\n  {name}: {v}\n  timeout: 30\n"
    if k == 3:
        return f"providers[{name!r}] = {v!r}"
    return f"config loaded: {({name: v, 'retries': 2})!r}"


def b6(r: random.Random) -> Planting:
    if r.random() < 0.6:
        v = token(r)
        return _keyed(r, r.choice(UPSTREAM_NAMES), v), v
    while True:
        v = token(r)
        # bare hex and passwords under a container word: left (module docstring)
        if not all(c in HEX for c in v) and all(c.isalnum() or c in "-_" for c in v):
            return _keyed(r, r.choice(CONTAINER_NAMES), v), v


def b6_twin(r: random.Random) -> Planting:
    k = r.randrange(5)
    if k == 0:
        name = r.choice(UPSTREAM_NAMES)
        v = r.choice(["kimi-k2-0905-preview", "deepseek-chat", "eu-west-1", "https://api.groq.com/openai/v1",
                      "OPS-2207", "gpt-4o-mini-2024-07-18"])
        return _keyed(r, name, v), v
    if k == 1:
        v = str(uuid.UUID(int=r.getrandbits(128), version=4))
        return _keyed(r, r.choice(UPSTREAM_NAMES + CONTAINER_NAMES), v), v
    if k == 2:
        import base64
        v = base64.b64encode(json.dumps({"text": "hello", "n": r.randint(1, 99)}).encode()).decode()
        v = v if v.endswith("=") else v + "=="[:(-len(v)) % 4 or 1]
        return json.dumps({"messageId": str(r.randint(10**12, 10**13)), "data": v}), v
    if k == 3:
        v = rnd(r, LOWER_D, 28) + "7"
        return _keyed(r, r.choice(["user_data", "default_value", "metadata", "arg_count"]), v), v
    v = rnd(r, HEX, 64)
    return _keyed(r, r.choice(CONTAINER_NAMES), v), v


# -- B8 ------------------------------------------------------------------------------------------------------------
B8_NAMES = ["X-Honeycomb-Team", "DPoP", "Cf-Access-Jwt-Assertion", "X-Goog-Iap-Jwt-Assertion", "X-Upstream-Team",
            "X-Lago-Org", "X-Gitlab-Runner", "X-Qdrant-Cluster", "X-Portkey-Config", "X-Langfuse-Public"]


def _headers(r: random.Random, name: str, v: str) -> str:
    pairs = {name: v, "Accept": "application/json", "User-Agent": "OpenAI/Python 1.109.1"}
    k = r.randrange(4)
    if k == 0:
        import httpx
        return f"request headers: {httpx.Headers(pairs)!r}"
    if k == 1:
        from multidict import CIMultiDict
        return f"sending with {CIMultiDict(pairs)!r}"
    if k == 2:
        return f"POST https://api.example.com/v1 headers={pairs!r}"
    return json.dumps({"request": {"method": "POST", "headers": pairs}})


def b8(r: random.Random) -> Planting:
    v = token(r)
    return _headers(r, r.choice(B8_NAMES), v), v


def b8_twin(r: random.Random) -> Planting:
    k = r.randrange(5)
    name, v = [("X-Request-Id", rnd(r, HEX, 32)), ("traceparent", f"00-{rnd(r, HEX, 32)}-{rnd(r, HEX, 16)}-01"),
               ("ETag", rnd(r, HEX, 32)), ("Sec-WebSocket-Key", rnd(r, AN, 22) + "=="),
               ("X-Served-By", f"cache-fra-etou{r.randint(10**6, 10**7)}-FRA")][k]
    return _headers(r, name, v), v


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {"A9": a9, "A14": a14, "B6": b6, "B8": b8}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "A9-keep": a9_twin, "A14-keep": a14_twin, "B6-keep": b6_twin, "B8-keep": b8_twin}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    return class_plantings("r9", (SECRET_CLASSES, KEEP_CLASSES), cls, seed, n)


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    out = fn(text)
    return leaked(v, out) if cls in SECRET_CLASSES else v not in out


def main() -> None:
    class_report((SECRET_CLASSES, KEEP_CLASSES), plantings, failed, "900-903")


if __name__ == "__main__":
    main()
