"""CLASSES11 A1-A3: the provider or our account with it (evals/CLASSES11.md section A).

Every refusal is raised by the installed openai SDK itself: a real `openai.OpenAI` client over an
`httpx2.MockTransport` (the SDK speaks httpx2) answering the provider's documented error body, so the traceback runs
through `resources/files.py` / `chat/completions/completions.py` and `_base_client.request`'s own raise line
(`_make_status_error_from_response`: BadRequestError, RateLimitError, ... by status). Error bodies follow the
providers' documented shapes (`{"error": {"message", "type"}}` for Moonshot, `{"error": {"code", "message"}}` for
Z.ai, whose code table separates concurrency 1302 from traffic/overload 1305).
"""

from __future__ import annotations

import io
from random import Random
from typing import Any

import httpx2
import openai

from evals.gen.c11_common import logger_of, pick_carrier, place, raise_through
from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame
from evals.gen.registry import klass
from evals.gen.render import Record

PROVIDERS = {  # name -> (base URL, module path, models of one family)
    "kimi": ("https://api.moonshot.ai/v1", "/app/src/providers/kimi_chat.py",
             ("kimi-k2-0905-preview", "kimi-k2-turbo-preview", "moonshot-v1-128k", "kimi-thinking-preview")),
    "glm": ("https://api.z.ai/api/paas/v4", "/app/src/providers/glm_chat.py",
            ("glm-4.6", "glm-4.5-air", "glm-4.5v", "glm-z1-flash")),
}


def sdk_error(rng: Random, provider: str, status: int, body: Any, frames: list[Frame], stmt: str,
              env: dict[str, Any], wraps: tuple[str, ...] = ("none", "from")) -> tuple[BaseException, str, str]:
    """Run `stmt` (an SDK call on `client`) as the last gateway frame against a provider answering `status`/`body`.

    Returns the real exception, the wrap and the request line httpx2 logs for the call."""
    base = PROVIDERS[provider][0]
    seen: list[httpx2.Request] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(status, json=body) if isinstance(body, dict) else httpx2.Response(status, text=body)

    client = openai.OpenAI(api_key="sk-gateway", base_url=base, max_retries=0,
                           http_client=httpx2.Client(transport=httpx2.MockTransport(answer)))
    last = Frame(frames[-1].path, frames[-1].func, stmt, {**env, "client": client})
    exc, wrap = raise_through(frames[:-1] + [last], rng, wraps)
    req = seen[-1]
    line = f'HTTP Request: {req.method} {req.url} "HTTP/1.1 {status} {httpx2.codes.get_reason_phrase(status)}"'
    return exc, wrap, line


def _upload_file(rng: Random) -> tuple[str, Any]:
    name = rng.choice(("report.pdf", "notes.md", "diagram.png", "export.csv", "contract.docx"))
    return name, (name, io.BytesIO(b"%PDF-1.7 ..." if name.endswith("pdf") else b"data"), "application/octet-stream")


# --- A1 -------------------------------------------------------------------------------------------------------
# Source: openai/resources/files.py (`create`, `delete`), Moonshot file API (per-account file count and size caps,
# purpose file-extract), research upstream-gateway.md §1.3 (`file_count_delta` events in metrics.jsonl).
_A1_BODIES = (
    (400, {"error": {"message": "file count exceeds the limit of {cap} files for this organization, please delete "
                                "unused files", "type": "invalid_request_error"}}),
    (400, {"error": {"message": "total file size exceeds the organization quota ({cap} files / 10 GB)",
                     "type": "exceeded_current_quota_error"}}),
    (429, {"error": {"message": "too many files: the number of stored files reached {cap}",
                     "type": "exceeded_current_quota_error"}}),
)


@klass("11", "c11-A1")
def a1(rng: Random, twin: bool) -> dict[str, Any]:
    """The provider's per-account file quota is full: reached by legitimate use with our deletes running (provider)
    vs our lifecycle never deleting (every delta positive, no delete call: code)."""
    alt = Random(rng.getrandbits(64))
    cap = rng.choice((100, 500, 1000))
    status, body = rng.choice(_A1_BODIES)
    body = {"error": {**body["error"], "message": body["error"]["message"].format(cap=cap)}}
    path = rng.choice(("/app/src/providers/kimi_files.py", "/app/tools/smart_file_query.py",
                       "/app/src/file_management/uploader.py"))
    name, upload = _upload_file(rng)
    exc, wrap, line = sdk_error(rng, "kimi", status, body,
                                [Frame(path, "upload", "file_id = self._create(path)"), Frame(path, "_create", "")],
                                "client.files.create(file=upload, purpose='file-extract')", {"upload": upload})
    proj = project_ref(rng)
    err_t = rng.uniform(200, 400)
    records = noise(rng, rng.randint(2, 5), 0, err_t + 30, proj)
    count = cap - rng.randint(20, 60)
    t = rng.uniform(1, 20)
    while t < err_t - 5:  # metrics.jsonl events the metrics logger mirrors: deltas and, in the case, deletes
        delta = 1 if twin or alt.random() < 0.6 else -alt.randint(1, 4)
        if delta < 0:
            records.append(Record(t, "INFO", "src.file_management.cleanup",
                                  f"deleted {-delta} expired provider files (kimi)"))
        count += delta
        records.append(Record(t + 0.01, "INFO", "src.monitoring.metrics",
                              f'[METRICS] {{"event": "file_count_delta", "provider": "kimi", "delta": {delta}, '
                              f'"files": {count}}}'))
        t += rng.uniform(8, 40)
    deploy_where, deploy_t = place(rng, 0.5, err_t, err_t + 20)
    if deploy_where != "after":
        records.append(Record(deploy_t if deploy_where == "long-before" else 0.3, "INFO", "src.daemon.ws_server",
                              f"daemon started (build {rng.getrandbits(28):07x})"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records.append(Record(err_t - 0.1, "INFO", "httpx2", line))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{req_id(rng)}] upload of {name} failed", carrier)
    records.append(Record(err_t + rng.uniform(1, 10), "INFO", "httpx2",
                          'HTTP Request: POST https://api.moonshot.ai/v1/chat/completions "HTTP/1.1 200 OK"'))
    axes = {"status": str(status), "carrier": carrier, "wrap": wrap, "kind": body["error"]["type"]}
    if twin:
        return make_case(rng, cls="c11-A1", kind="near-miss", records=records, category="code", severity="medium",
                         description="The file quota filled because our lifecycle never deletes: every file-count "
                                     "delta is positive and no delete ran: code.",
                         must_mention=["delete"], must_not=["quota increase"], axes=axes)
    return make_case(rng, cls="c11-A1", kind="known", records=records, category="provider", severity="medium",
                     description="Our account reached the provider's per-account file cap by legitimate use while "
                                 "our cleanup deletes run (negative deltas): provider.",
                     must_mention=["quota"], must_not=[], axes=axes)


# --- A2 -------------------------------------------------------------------------------------------------------
# Source: openai/resources/chat/completions/completions.py (`create`: tools, response_format, n, temperature),
# openai/_exceptions.py (BadRequestError), Moonshot and Z.ai model tables (features per model).
_A2_FEATURES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("tools", "tool calls are not supported by model {m}", {"tools": [{"type": "function", "function": {
        "name": "read_file", "parameters": {"type": "object", "properties": {}}}}]}),
    ("response_format", "response_format json_schema is not supported for model {m}",
     {"response_format": {"type": "json_schema", "json_schema": {"name": "r", "schema": {"type": "object"}}}}),
    ("n", "n must be 1 when using model {m}", {"n": 2}),
    ("temperature", "invalid temperature: only 1 is allowed for model {m}", {"temperature": 0.3}),
    ("image", "Image input is not supported by model {m}", {}),
)


@klass("11", "c11-A2")
def a2(rng: Random, twin: bool) -> dict[str, Any]:
    """The provider refuses a request feature for the selected model: the model setting was just changed
    (config) vs the feature disabled by the provider during an incident (provider)."""
    alt = Random(rng.getrandbits(64))
    provider = rng.choice(("kimi", "glm"))
    base, path, models = PROVIDERS[provider]
    old, new = rng.sample(models, 2)
    feature, msg, extra = rng.choice(_A2_FEATURES)
    body = ({"error": {"message": f"Invalid request: {msg.format(m=new)}", "type": "invalid_request_error"}}
            if provider == "kimi" else {"error": {"code": "1210", "message": msg.format(m=new)}})
    messages = [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}}]
                 if feature == "image" else "summarise"}]
    exc, wrap, line = sdk_error(rng, provider, 400, body,
                                [Frame(path, "chat", "reply = self._complete(messages)"),
                                 Frame(path, "_complete", "")],
                                "client.chat.completions.create(model=model, messages=messages, **options)",
                                {"model": new, "messages": messages, "options": extra})
    setting = "KIMI_DEFAULT_MODEL" if provider == "kimi" else "GLM_DEFAULT_MODEL"
    err_t = rng.uniform(100, 300)
    records = noise(rng, rng.randint(2, 5), 0, err_t + 60, project_ref(rng))
    chat = f"{base}/chat/completions"
    for _ in range(rng.randint(2, 4)):  # the same request succeeded before
        records.append(Record(rng.uniform(2, err_t - 60), "INFO", "httpx2", f'HTTP Request: POST {chat} "HTTP/1.1 200 OK"'))
    change_t = err_t - rng.uniform(5, 50)
    if twin:  # the model was already `new` at start-up; the provider's incident record, then recovery
        records.append(Record(0.4, "INFO", "src.core.env_config", f"{setting}={new} (unchanged since deploy)"))
        status_line = alt.choice((f"{provider} status: degraded - {feature} temporarily disabled for {new} "
                                  "(incident, all accounts)",
                                  f"provider incident: {feature} requests failing for {new} across tenants"))
        _, at = place(alt, 1.0, err_t, err_t + 60)
        records.append(Record(at, "INFO", "src.monitoring.provider_status", status_line))
        records.append(Record(err_t + alt.uniform(60, 120), "INFO", "httpx2", f'HTTP Request: POST {chat} "HTTP/1.1 200 OK"'))
    else:
        records.append(Record(0.4, "INFO", "src.core.env_config", f"{setting}={old}"))
        records.append(Record(change_t, "INFO", "src.core.env_config",
                              f"settings reloaded: {setting} {old} -> {new}"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records.append(Record(err_t - 0.1, "INFO", "httpx2", line))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{req_id(rng)}] {provider} call failed ({new})", carrier)
    axes = {"provider": provider, "feature": feature, "carrier": carrier, "wrap": wrap}
    if twin:
        return make_case(rng, cls="c11-A2", kind="near-miss", records=records, category="provider", severity="medium",
                         description=f"The provider disabled {feature} for the model during an incident (other tenants, "
                                     "a status record, recovery) with the model setting unchanged: provider.",
                         must_mention=[], must_not=[setting], axes=axes)
    return make_case(rng, cls="c11-A2", kind="known", records=records, category="config", severity="medium",
                     description=f"The {setting} setting was switched to a model without {feature}; the same request "
                                 "succeeded under the previous model: config.",
                     must_mention=[setting], must_not=["provider outage"], axes=axes)


# --- A3 -------------------------------------------------------------------------------------------------------
# Source: research §2.2 (semaphore gauges per provider), §6 row 11; Moonshot rate-limit docs (concurrency per
# organisation and tier), Z.ai error codes (1302 concurrency vs 1305 overload), openai/_exceptions.py RateLimitError.
_A3_BODIES = {
    "kimi": ({"error": {"message": "Your account {org} request reached organization max concurrency: {cap}, please "
                                   "try again after 1 seconds", "type": "rate_limit_reached_error"}},
             {"error": {"message": "The engine is currently overloaded, please try again later",
                        "type": "engine_overloaded_error"}}),
    "glm": ({"error": {"code": "1302", "message": "High concurrency usage of this API, please reduce concurrency or "
                                                  "contact customer service to increase limits"}},
            {"error": {"code": "1305", "message": "The service may be temporarily overloaded, please try again later"}}),
}


@klass("11", "c11-A3")
def a3(rng: Random, twin: bool) -> dict[str, Any]:
    """Concurrency refusals while each replica stays under its own semaphore: per-process limits summing over the
    account's tier (config) vs one process under the tier and the provider's own overload code (provider)."""
    alt = Random(rng.getrandbits(64))
    provider = rng.choice(("kimi", "glm"))
    base, path, models = PROVIDERS[provider]
    tier = rng.choice((10, 20, 50))
    per = tier // 2 + rng.randint(2, 6)
    body = _A3_BODIES[provider][1 if twin else 0]
    body = {"error": {k: v.format(org=f"org-{rng.getrandbits(40):010x}", cap=tier) if isinstance(v, str) else v
                      for k, v in body["error"].items()}}
    exc, wrap, line = sdk_error(rng, provider, 429, body,
                                [Frame(path, "chat", "reply = self._complete(messages)"), Frame(path, "_complete", "")],
                                "client.chat.completions.create(model=model, messages=messages)",
                                {"model": models[0], "messages": [{"role": "user", "content": "hi"}]})
    err_t = rng.uniform(120, 300)
    records = noise(rng, rng.randint(2, 5), 0, err_t + 60, project_ref(rng))
    hosts = [f"exai-mcp-daemon-{i}" for i in (1, 2)] if not twin else ["exai-mcp-daemon-1"]
    start2 = err_t - rng.uniform(10, 80)
    if not twin:
        records.append(Record(start2, "INFO", "src.daemon.ws_server",
                              f"replica {hosts[1]} started (pid {alt.randint(7, 400)}), "
                              f"{provider.upper()}_MAX_CONCURRENT={per}"))
    records.append(Record(0.3, "INFO", "src.core.env_config", f"{provider.upper()}_MAX_CONCURRENT={per} "
                                                              f"(account tier: {tier} concurrent)"))
    for k in range(rng.randint(2, 3)):
        t = err_t + rng.uniform(-40, 40) if k else err_t - rng.uniform(1, 5)  # one draw either way
        for host in hosts:
            cur = alt.randint(max(1, per - 4), per - 1) if not twin else alt.randint(2, max(3, tier // 3))
            records.append(Record(t, "INFO", "src.monitoring.metrics",
                                  f"[METRICS] host={host} mcp_semaphore_current_value{{provider=\"{provider}\"}}={cur} "
                                  f"expected_value={per}"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records.append(Record(err_t - 0.1, "INFO", "httpx2", line))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{req_id(rng)}] {provider} call rate limited", carrier)
    axes = {"provider": provider, "carrier": carrier, "wrap": wrap, "tier": str(tier)}
    if twin:
        return make_case(rng, cls="c11-A3", kind="near-miss", records=records, category="provider", severity="medium",
                         description="One process far under the tier; the provider answers its own overload code: "
                                     "provider.", must_mention=[], must_not=["replica"], axes=axes, deciding="error")
    return make_case(rng, cls="c11-A3", kind="known", records=records, category="config", severity="medium",
                     description=f"Two replicas each under their own limit of {per}; together above the account's "
                                 f"tier of {tier}, refusals start with the second replica: config.",
                     must_mention=["replica"], must_not=["provider outage"], axes=axes)
