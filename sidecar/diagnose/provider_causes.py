"""Class-level answers for an LLM provider (Kimi/Moonshot, GLM/Z.ai) by family and HTTP status.

Split from remote_causes.py (round 6): the provider side of "the same family means different causes by who met
it". A read timeout under the openai SDK is the provider answering slowly; a 401 is its API key; 402/429 with
quota words the account's balance, without them a rate window; a 400 with context words the prompt's length.
Category by the doctrine (doctrine.py); each cause names only facts of this record.
"""

from __future__ import annotations

import re

from .codes import MOONSHOT_INVALID_REQUEST, Text
from .model import DiagnosisInput
from .refusal_owner import refusal_reason, refusal_text

PROVIDERS = {"kimi": "Kimi (Moonshot)", "glm": "GLM (Z.ai)"}
# openai's `insufficient_quota`, Moonshot's `exceeded_current_quota_error`, "insufficient balance" (Z.ai
# 1113, Moonshot): the documented words of an exhausted account, as opposed to a per-window rate limit
_QUOTA = re.compile(r"insufficient_quota|exceeded_current_quota|\bquota\b|insufficient balance|account balance|"
                    r"billing|arrears", re.I)
# openai-style "maximum context length", Moonshot's "exceeded model token limit", Z.ai 1261 "Prompt exceeds max length"
# Moonshot's `content_filter` error type ("considered high risk"), Z.ai 1301 ("unsafe or sensitive content")
_FILTERED = re.compile(r"\bcontent_filter\b|contentFilter|considered high risk|unsafe or sensitive|sensitive content", re.I)
_CONTEXT = re.compile(r"context[ _](?:length|window)|maximum context|too many tokens|prompt is too long|"
                      r"exceeds? the model'?s? (?:maximum|context)|model token limit|prompt exceeds max length", re.I)
_MODEL = re.compile(r"model_not_found|not found the model|(?:model|engine)\b[^.\n]{0,60}\b(?:does not exist|not found|not exist|"
                    r"not available|not supported)|(?:invalid|unknown) model", re.I)


# Answers for a remote (provider) by family: formats of {who} (the remote the record names) and {cls}.
_PROVIDER: dict[str, Text] = {
    "timeout.connect": (
        "network",
        "high",
        "Could not connect to {who} in time ({cls}) - the connection was never established",
        "The TCP/TLS connect to {who} did not complete within the connect timeout: DNS, egress, proxy or the provider's edge is unreachable from the container. The request never reached the model.",
        ("Check the container's network path to {who} (DNS, egress firewall, proxy) and the provider's status page.", "Retry with backoff; if it persists, route these models to the other provider.",),
    ),
    "timeout.write": (
        "provider",
        "medium",
        "Sending the request to {who} timed out ({cls}) - the upload/body was too slow",
        "Writing the request body to {who} did not finish within the write timeout: a large file upload or prompt on a slow uplink.",
        ("Check the size of the body being sent (file uploads) and the uplink; raise the write/upload timeout for large files or send smaller parts.",),
    ),
    "timeout.pool": (
        "capacity",
        "medium",
        "The HTTP client's connection pool for {who} was exhausted ({cls})",
        "Every connection of the client's pool was busy for longer than the pool timeout: more concurrent calls than the client's max_connections allow (or calls holding connections too long).",
        ("Raise the client's connection limits or lower the concurrency of calls sharing the client.", "Make sure streamed responses are closed so their connections return to the pool.",),
    ),
    "connect.dns": (
        "network",
        "high",
        "DNS resolution failed for the host of {who} ({cls})",
        "The container could not resolve the hostname of {who} (resolver outage, typo in the base URL, or no network in the container); no request was sent.",
        ("Resolve the API host from inside the container (getent hosts / nslookup); check the base URL and the container's DNS settings.",),
    ),
    "connect.tls": (
        "network",
        "high",
        "TLS handshake with {who} failed ({cls}) - certificate or TLS problem",
        "The TLS connection to {who} could not be established: the certificate did not verify (expired, self-signed, intercepting proxy, missing CA bundle) or the endpoint does not speak TLS.",
        ("Check the certificate chain the container sees (openssl s_client) and the CA bundle; look for an intercepting proxy; check the base URL uses https on the right port.",),
    ),
    "connect.refused": (
        "network",
        "high",
        "Connection to {who} refused ({cls})",
        "Nothing accepted the connection at the address used for {who}: a wrong base URL/port, a local proxy that is down, or an egress block.",
        ("Check the configured base URL and any proxy between the gateway and the provider.",),
    ),
    "provider.invalid_response": (
        "provider",
        "medium",
        "{who} answered with a body the SDK could not validate ({cls})",
        "{who} answered, but the response did not match the API's schema (missing or null fields, an error object where a result was expected): the provider's answer is malformed.",
        ("Log the raw response (redacted) for such answers; retry once and check the provider's status page.",),
    ),
    "provider.length": (
        "config",
        "medium",
        "{who}'s answer was cut off at the max_tokens limit ({cls})",
        "{who} stopped with finish_reason 'length': the answer needed more tokens than the request's max_tokens allowed, so the SDK could not parse the structured output.",
        ("Raise max_tokens for this call (or ask for a shorter answer); handle finish_reason 'length'.",),
    ),
    "provider.content_filter": (
        "provider",
        "low",
        "{who}'s content filter stopped the answer ({cls})",
        "{who} ended the answer with finish_reason 'content_filter': its moderation refused the content of this request; not a gateway fault.",
        ("Tell the user the request was refused by the provider's content filter; do not retry unchanged.",),
    ),
    "provider.retrying": (
        "provider",
        "medium",
        "The openai SDK is retrying calls to {who} - timeouts, connection errors, 429s or 5xx",
        "openai's client logs 'Retrying request to ...' before each automatic retry (max_retries); it retries only a timeout, a connection error, 408/409/429 or a 5xx from {who}, so {who} is slow or failing for these calls. The retries multiply the wait the user sees.",
        ("Look at the lines before for the status or timeout of the failed attempt and at {who}'s latency and status page.", "Lower max_retries or the timeout per attempt so the tool's own timeout is not spent on retries."),
    ),
    "decode.json": (
        "provider",
        "medium",
        "{who} answered with a body that is not JSON ({cls})",
        "The response from {who} could not be parsed as JSON: an empty body, a cut-off stream, or an HTML error page from a proxy or the provider's edge instead of the API's answer.",
        ("Log the status and the first bytes of the raw body (redacted) for such answers; retry once and check the provider's status page.",),
    ),
}


_REQUEST_ID = re.compile(r"\b(?:idempotency[_-]?key|request[_-]?id|x-request-id)\s*[=:]\s*['\"]?(?P<v>[\w.:-]{6,80})", re.I)


def _duplicate_request_id(inp: DiagnosisInput) -> str | None:
    """An idempotency/request id that two preceding records give, or None."""
    seen: dict[str, int] = {}
    for line in inp.context[-40:]:
        for v in {m.group("v") for m in _REQUEST_ID.finditer(line[:2048])}:
            seen[v] = seen.get(v, 0) + 1
            if seen[v] >= 2:
                return v
    return None


def provider_text(family: str, who: str, cls: str, status: int | None, inp: DiagnosisInput) -> Text | None:
    entry = _PROVIDER.get(family)
    if entry is not None:
        category, severity, summary, cause, fixes = entry
        return (category, severity, summary.format(who=who, cls=cls), cause.format(who=who, cls=cls),
                tuple(f.format(who=who, cls=cls) for f in fixes))
    if family in ("timeout", "timeout.read"):
        return ("provider", "high", f"{who} did not answer in time ({cls}) - the provider call timed out",
                f"The request reached {who} but the response (or the next streamed chunk) did not arrive within the "
                f"client's read timeout: the provider is slow or overloaded, or the request is heavy (long prompt, "
                f"large max_tokens, a thinking model).",
                (f"Check {who}'s latency and status page for the same minutes; compare with the provider's timeout setting.",
                 "Reduce the prompt or max_tokens, stream the answer, or raise this tool's timeout; retry with backoff."))
    if family in ("connect", "connection.dropped"):
        dropped = family == "connection.dropped"
        return ("network", "medium",
                f"The connection to {who} was {'dropped before a complete response' if dropped else 'not established'} ({cls})",
                f"The network connection to {who} failed ({'closed or reset mid-request' if dropped else 'could not connect'}); "
                f"the provider, or a proxy or NAT on the path to it, broke the connection.",
                (f"Check the provider's status and the network path from the container to {who}.",
                 "Retry idempotent calls with backoff."))
    if family == "http.status" and status is not None:
        return _provider_status(who, cls, status, inp)
    return None


def _quota(who: str, status: int, cls: str) -> Text:
    return ("provider", "critical", f"{who} account quota or balance exhausted (HTTP {status}, {cls})",
            f"{who} refused the call because the account's quota, balance or billing limit is used up (not a "
            f"per-minute rate limit): every call to {who} fails until the account is topped up.",
            (f"Top up or raise the quota of the {who} account in its console; route traffic away from {who} "
             "until then.", "Do not retry these calls: a retry fails the same way until the account is fixed."))


def _provider_status(who: str, cls: str, status: int, inp: DiagnosisInput) -> Text | None:
    # the reason's owner first (refusal_owner.py): a key, region or route the remote names outranks its status class
    if (refusal := refusal_reason(status, "\n".join(inp.messages()))) is not None:
        return (refusal.category, refusal.severity, *refusal_text(refusal, who, status, cls))
    if status == 401:
        return ("config", "critical", f"{who} rejected the API key (HTTP 401, {cls})",
                f"{who} answered 401: the API key the gateway sends (its Authorization header) is missing, invalid, "
                "revoked or belongs to another "
                f"region/account. Every call to it fails until the key is fixed.",
                (f"Check the API key variable for {who} in the container's environment and rotate it in the provider's "
                 "console; restart after fixing.",))
    said = " ".join(inp.messages()).lower()
    if status == 403 and _QUOTA.search(said):
        # Moonshot documents exceeded_current_quota_error under 403 as well as 429 (an account not active for its
        # balance, evals/TAXONOMY.md Providers): the account with the provider, not a permission of the key
        return _quota(who, status, cls)
    if status == 403:
        return ("config", "medium", f"{who} denied permission (HTTP 403, {cls})",
                f"{who} answered 403: the key's account may not use this endpoint or model (permission), "
                f"or the account is restricted.",
                ("Check the account's permissions and plan in the provider's console; stop calling the endpoint until "
                 "access is granted.",))
    if status in (408, 504, 524):
        return ("provider", "high", f"{who} timed out on its side (HTTP {status}, {cls})",
                f"{who}'s edge gave up waiting for its backend (gateway timeout): the provider is slow or overloaded.",
                ("Check the provider's status page; retry with backoff or route to another model for a while.",))
    if status == 413:
        return ("provider", "low", f"{who} refused a request body over its size limit (HTTP 413, {cls})",
                f"The request (often a file upload) is larger than {who} accepts.",
                ("Check the size before sending; split or compress large files and tell the user the limit.",))
    if status in (402, 429) and _QUOTA.search(said):
        return _quota(who, status, cls)
    if status == 400 and _FILTERED.search(said):
        return ("provider", "low", f"{who}'s content filter refused the request (HTTP 400, {cls})",
                f"{who} rejected the input as unsafe or high risk (its moderation, e.g. Moonshot's content_filter type "
                f"or Z.ai's 1301): the request's content, not a gateway fault.",
                ("Tell the user the provider refused the content; do not retry the same input.",))
    if status == 400 and _CONTEXT.search(said):
        return ("code", "medium", f"The request exceeds {who}'s context window (HTTP 400, {cls})",
                f"{who} refused the request because the prompt plus max_tokens is longer than the model's context "
                f"length: the gateway sent more history or file content than fits.",
                ("Truncate or summarise the conversation/file content before the call, or use a longer-context model.",))
    if status in (400, 404) and _MODEL.search(said):
        return ("config", "high", f"{who} does not know the requested model (HTTP {status}, {cls})",
                f"{who} answered that the model name in the request does not exist or is not available to this key.",
                ("Check the model name the gateway sends (configuration/routing) against the provider's model list.",))
    if status == 400 and who == PROVIDERS["kimi"]:
        # openai >= 1.x puts only the body's message in the exception ("Error code: 400 - Invalid request: ..."),
        # without Moonshot's `type`: its documented invalid_request_error messages still say which rule broke
        documented = next((t for rx, t in MOONSHOT_INVALID_REQUEST if rx.search(said)), None)
        if documented is not None:
            category, severity, summary, cause, fixes = documented
            fields = {"who": who, "code": "HTTP 400"}
            return (category, severity, summary.format(**fields), cause.format(**fields),
                    tuple(f.format(**fields) for f in fixes))
    if status == 400:
        return ("code", "medium", f"{who} rejected the request the gateway built (HTTP 400, {cls})",
                f"{who} answered 400 (bad request): a parameter, message or tool in the request breaks the API's rules; "
                f"the provider is healthy. The error message names the part.",
                ("Read the error message for the offending parameter and fix how the gateway builds it; do not retry "
                 "unchanged.",))
    if status == 422:
        return ("code", "medium", f"{who} rejected the request's fields (HTTP 422, {cls})",
                f"{who} understood the request but a field's value is invalid for the API (unprocessable entity).",
                ("Compare the request the gateway builds with the provider's API reference for the field named.",))
    if status == 429:
        return ("provider", "medium", f"{who} rate limit (HTTP 429, {cls})",
                f"{who} refused the call with 429: too many requests, tokens or concurrent calls for the account's "
                f"limits in this window.",
                ("Back off and honour Retry-After; lower the gateway's concurrency for this provider.",
                 "If it persists, raise the account's limits in the provider's console."))
    if status in (409, 423):
        # openai's _base_client._should_retry retries 409 by design ("lock timeouts"): the provider's side did not finish
        # the request; our own duplicate idempotency/request id (the same id on two request records) is the code's
        if (dup := _duplicate_request_id(inp)) is not None:
            return ("code", "medium", f"{who} refused a request id the gateway sent twice (HTTP {status}, {cls})",
                    f"Two request records before the failure carry the same idempotency/request id ({dup}): the "
                    f"gateway reused one id for two different requests, and {who} refused the second as a conflict.",
                    ("Generate a fresh idempotency/request id per request (not per conversation or per retry loop).",))
        return ("provider", "medium", f"{who} answered a conflict/lock status (HTTP {status}, {cls})",
                f"{who} could not finish the request because of a conflict or lock on its side; the openai SDK "
                "retries this status by design before raising it.",
                ("Retry with backoff; if it persists, check the provider's status page.",))
    if status >= 500:
        return ("provider", "high", f"{who} server error (HTTP {status}, {cls})",
                f"{who} failed on its side (5xx); the request may be fine.",
                ("Check the provider's status page; retry with backoff and fail over while it lasts.",))
    if status == 404:
        model = "model" in " ".join(inp.messages()).lower()
        return ("config" if model else "provider", "medium",
                f"{who} did not find the requested {'model' if model else 'resource'} (HTTP 404, {cls})",
                f"{who} answered 404 (not found) for the {'model name' if model else 'resource (file, model or endpoint)'} "
                f"in the request.",
                ("Check the model name / file id / endpoint path the gateway sends against the provider's API.",))
    return None
